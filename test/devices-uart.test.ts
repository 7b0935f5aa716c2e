import { describe, expect, it } from 'vitest';
import { Uart16550, UART_FIFO_SIZE } from '../src/machine/devices/uart16550.js';

function uart() {
  const sent: number[] = [];
  const irq = { level: false };
  const u = new Uart16550({ transmit: (b) => sent.push(...b), setIrq: (l) => { irq.level = l; } });
  return { u, sent, irq };
}

const RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

describe('16550A UART', () => {
  it('transmits THR writes and always reports THR empty', () => {
    const { u, sent } = uart();
    u.write(0, 1, 0x41);
    u.write(0, 1, 0x42);
    expect(sent).toEqual([0x41, 0x42]);
    expect(u.read(LSR, 1) & 0x60).toBe(0x60);
  });

  it('banks the divisor latch behind LCR.DLAB', () => {
    const { u, sent } = uart();
    u.write(LCR, 1, 0x80);
    u.write(RBR, 1, 0x03);
    u.write(IER, 1, 0x00);
    expect(u.read(RBR, 1)).toBe(0x03);
    expect(sent).toEqual([]);
    u.write(LCR, 1, 0x03);
    expect(u.read(LCR, 1)).toBe(0x03);
    expect(u.read(IER, 1)).toBe(0);
  });

  it('receives into the FIFO, sets DR, and raises the RX interrupt when enabled', () => {
    const { u, irq } = uart();
    u.write(FCR, 1, 0x07);
    u.receive(new Uint8Array([0x61, 0x62]));
    expect(u.read(LSR, 1) & 1).toBe(1);
    expect(irq.level).toBe(false);
    u.write(IER, 1, 0x01);
    expect(irq.level).toBe(true);
    expect(u.read(IIR, 1)).toBe(0xc4);
    expect(u.read(RBR, 1)).toBe(0x61);
    expect(u.read(RBR, 1)).toBe(0x62);
    expect(u.read(LSR, 1) & 1).toBe(0);
    expect(u.read(IIR, 1)).toBe(0xc1);
    expect(irq.level).toBe(false);
  });

  it('holds 16 bytes with the FIFO on, 1 without, and flags overrun beyond', () => {
    const { u } = uart();
    expect(u.rxSpace()).toBe(1);
    u.write(FCR, 1, 0x01);
    expect(u.rxSpace()).toBe(UART_FIFO_SIZE);
    u.receive(new Uint8Array(UART_FIFO_SIZE + 1));
    expect(u.read(LSR, 1) & 0x02).toBe(0x02);
    expect(u.read(LSR, 1) & 0x02).toBe(0); // reading LSR clears the error bits
    u.write(FCR, 1, 0x03); // clear RX FIFO
    expect(u.read(LSR, 1) & 1).toBe(0);
  });

  it('raises THRE when enabled, clears it when IIR reports it, and re-raises after a write', () => {
    const { u, irq } = uart();
    u.write(IER, 1, 0x02);
    expect(irq.level).toBe(true);
    expect(u.read(IIR, 1) & 0x0f).toBe(0x02);
    expect(irq.level).toBe(false);
    expect(u.read(IIR, 1) & 0x0f).toBe(0x01);
    u.write(0, 1, 0x41);
    expect(irq.level).toBe(true);
  });

  it('prioritises received data over THRE in IIR', () => {
    const { u } = uart();
    u.write(IER, 1, 0x03);
    u.receive(new Uint8Array([1]));
    expect(u.read(IIR, 1) & 0x0f).toBe(0x04);
    u.read(RBR, 1);
    expect(u.read(IIR, 1) & 0x0f).toBe(0x02);
  });

  it('loops transmitted bytes back to the receiver in loopback mode', () => {
    const { u, sent } = uart();
    u.write(MCR, 1, 0x10 | 0x03);
    u.write(0, 1, 0x5a);
    expect(sent).toEqual([]);
    expect(u.read(RBR, 1)).toBe(0x5a);
    expect(u.read(MSR, 1) & 0x30).toBe(0x30); // DTR->DSR, RTS->CTS
  });

  it('keeps a scratch register and peeks without side effects', () => {
    const { u } = uart();
    u.write(SCR, 1, 0x99);
    expect(u.read(SCR, 1)).toBe(0x99);
    u.receive(new Uint8Array([7]));
    expect(u.peek(RBR)).toBe(7);
    expect(u.peek(RBR)).toBe(7);
    expect(u.read(RBR, 1)).toBe(7);
  });

  it('round-trips its state', () => {
    const { u } = uart();
    u.write(FCR, 1, 0x01);
    u.write(IER, 1, 0x01);
    u.receive(new Uint8Array([1, 2, 3]));
    const state = u.saveState();
    const { u: v, irq } = uart();
    v.loadState(state);
    expect(irq.level).toBe(true);
    expect([v.read(RBR, 1), v.read(RBR, 1), v.read(RBR, 1)]).toEqual([1, 2, 3]);
  });
});
