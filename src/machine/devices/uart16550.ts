/**
 * NS16550A UART (QEMU virt at 0x1000_0000, PLIC source 10), with the
 * register behaviour the Linux 8250 driver and simple polled drivers rely on:
 * 16-byte RX FIFO, DLAB-banked divisor latch, IIR priorities with the THRE
 * interrupt cleared by reading IIR or writing THR, FCR resets, loopback.
 * Transmission is instantaneous: THR is always empty after a write.
 */
import type { AccessSize } from '../../memory/physical-memory.js';
import { field, type Device, type StateRecord } from '../device.js';

const enum Reg {
  RBR_THR = 0,
  IER = 1,
  IIR_FCR = 2,
  LCR = 3,
  MCR = 4,
  LSR = 5,
  MSR = 6,
  SCR = 7,
}

const enum Ier {
  RDA = 1,
  THRE = 2,
  RLS = 4,
  MS = 8,
}

const enum Iir {
  None = 0x01,
  Thre = 0x02,
  Rda = 0x04,
  Rls = 0x06,
  FifoEnabled = 0xc0,
}

const enum Lsr {
  DR = 0x01,
  OE = 0x02,
  THRE = 0x20,
  TEMT = 0x40,
}

const LCR_DLAB = 0x80;
const MCR_LOOP = 0x10;
const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
/** MSR as QEMU reports it with no modem: DCD, DSR and CTS asserted. */
const MSR_DEFAULT = 0xb0;
export const UART_FIFO_SIZE = 16;

export interface UartPorts {
  /** Bytes the guest transmitted. */
  transmit(bytes: Uint8Array): void;
  /** The interrupt line (to the PLIC). */
  setIrq(level: boolean): void;
}

export class Uart16550 implements Device {
  readonly name = 'uart0';
  readonly size = 0x100;
  private rx: number[] = [];
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private lsrErrors = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifoEnabled = false;
  private fcr = 0;
  /** THRE interrupt pending (set when THR empties, cleared by reading IIR or writing THR). */
  private thrPending = false;

  constructor(private readonly ports: UartPorts) {}

  /** How many more bytes the RX FIFO accepts. */
  rxSpace(): number {
    return (this.fifoEnabled ? UART_FIFO_SIZE : 1) - this.rx.length;
  }

  /** Bytes arriving from the host console. Bytes beyond the FIFO set the overrun error. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.rxSpace() > 0) this.rx.push(b);
      else this.lsrErrors |= Lsr.OE;
    }
    this.updateIrq();
  }

  private lsr(): number {
    return (this.rx.length > 0 ? Lsr.DR : 0) | Lsr.THRE | Lsr.TEMT | this.lsrErrors;
  }

  /** IIR identification, highest priority first. */
  private iir(): number {
    const fifo = this.fifoEnabled ? Iir.FifoEnabled : 0;
    if ((this.ier & Ier.RLS) !== 0 && this.lsrErrors !== 0) return Iir.Rls | fifo;
    if ((this.ier & Ier.RDA) !== 0 && this.rx.length > 0) return Iir.Rda | fifo;
    if ((this.ier & Ier.THRE) !== 0 && this.thrPending) return Iir.Thre | fifo;
    return Iir.None | fifo;
  }

  private updateIrq(): void {
    this.ports.setIrq((this.iir() & Iir.None) === 0);
  }

  read(offset: number, size: AccessSize): number {
    const v = this.peekByte(offset);
    switch (offset) {
      case Reg.RBR_THR:
        if ((this.lcr & LCR_DLAB) === 0 && this.rx.length > 0) this.rx.shift();
        break;
      case Reg.IIR_FCR:
        if ((v & 0x0f) === Iir.Thre) this.thrPending = false;
        break;
      case Reg.LSR:
        this.lsrErrors = 0;
        break;
    }
    this.updateIrq();
    return v; // registers are 8 bits wide; wider reads see the byte zero-extended
  }

  peek(offset: number): number | undefined {
    return this.peekByte(offset);
  }

  private peekByte(offset: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case Reg.RBR_THR: return dlab ? this.dll : this.rx[0] ?? 0;
      case Reg.IER: return dlab ? this.dlm : this.ier;
      case Reg.IIR_FCR: return this.iir();
      case Reg.LCR: return this.lcr;
      case Reg.MCR: return this.mcr;
      case Reg.LSR: return this.lsr();
      case Reg.MSR:
        // In loopback, the modem inputs follow the outputs (DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD).
        return (this.mcr & MCR_LOOP) !== 0
          ? ((this.mcr & 1) << 5) | ((this.mcr & 2) << 3) | ((this.mcr & 4) << 4) | ((this.mcr & 8) << 4)
          : MSR_DEFAULT;
      case Reg.SCR: return this.scr;
      default: return 0;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    value &= 0xff;
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case Reg.RBR_THR:
        if (dlab) { this.dll = value; break; }
        if ((this.mcr & MCR_LOOP) !== 0) this.receive(new Uint8Array([value]));
        else this.ports.transmit(new Uint8Array([value]));
        this.thrPending = true; // transmitted at once: THR is empty again
        break;
      case Reg.IER:
        if (dlab) { this.dlm = value; break; }
        // Enabling the THRE interrupt while THR is empty raises it (as on real 16550s and QEMU).
        if ((value & Ier.THRE) !== 0 && (this.ier & Ier.THRE) === 0) this.thrPending = true;
        this.ier = value & 0x0f;
        break;
      case Reg.IIR_FCR:
        this.fcr = value;
        this.fifoEnabled = (value & FCR_ENABLE) !== 0;
        if ((value & FCR_CLEAR_RX) !== 0 || !this.fifoEnabled) this.rx = [];
        break;
      case Reg.LCR: this.lcr = value; break;
      case Reg.MCR: this.mcr = value & 0x1f; break;
      case Reg.SCR: this.scr = value; break;
      default: break;
    }
    this.updateIrq();
  }

  saveState(): StateRecord {
    return {
      version: 1, rx: Uint8Array.from(this.rx), ier: this.ier, lcr: this.lcr, mcr: this.mcr, lsrErrors: this.lsrErrors,
      scr: this.scr, dll: this.dll, dlm: this.dlm, fcr: this.fcr, fifoEnabled: this.fifoEnabled, thrPending: this.thrPending,
    };
  }

  loadState(state: StateRecord): void {
    this.rx = Array.from(field<Uint8Array>(state, 'rx', 'bytes'));
    this.ier = field<number>(state, 'ier', 'number');
    this.lcr = field<number>(state, 'lcr', 'number');
    this.mcr = field<number>(state, 'mcr', 'number');
    this.lsrErrors = field<number>(state, 'lsrErrors', 'number');
    this.scr = field<number>(state, 'scr', 'number');
    this.dll = field<number>(state, 'dll', 'number');
    this.dlm = field<number>(state, 'dlm', 'number');
    this.fcr = field<number>(state, 'fcr', 'number');
    this.fifoEnabled = field<boolean>(state, 'fifoEnabled', 'boolean');
    this.thrPending = field<boolean>(state, 'thrPending', 'boolean');
    this.updateIrq();
  }
}
