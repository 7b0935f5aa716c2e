/**
 * The built-in SBI (src/monitor/sbi.ts) and the firmware state a kernel boot
 * starts from (src/machine/kernel-loader.ts), through small S-mode programs
 * wrapped in a RISC-V Linux Image header and booted like a kernel.
 */
import { describe, expect, it } from 'vitest';
import { ScriptedConsole, parseConsoleScript } from '../src/host/console-script.js';
import { NoHostInput, type HostInput } from '../src/host/host-input.js';
import { LiveHost } from '../src/host/live-host.js';
import { Csr } from '../src/isa/csr.js';
import { FIRMWARE_MCOUNTEREN, FIRMWARE_MEDELEG, FIRMWARE_MIDELEG } from '../src/machine/kernel-loader.js';
import { SBI_IMPL_ID, SBI_IMPL_VERSION, SBI_SPEC_VERSION, SbiError, SbiExtension } from '../src/monitor/sbi.js';
import { GuestVm } from '../src/vm/guest-vm.js';
import { asm, bytesOf } from './support/encode.js';

const LOAD = 0x80400000;
/** The body starts after the 64-byte header; a trap handler, when a test needs one, sits right behind a jump over it. */
const BODY = LOAD + 64;
const HANDLER = BODY + 4;

/** An RV32 Linux Image: a jump over the header in code0, load offset 4 MiB, the magics, then `body`. */
function image(body: string): Uint8Array {
  const code = bytesOf(asm(body, BODY));
  const out = new Uint8Array(64 + code.length);
  out.set(bytesOf(asm('j 64', LOAD)), 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(8, 0x400000n, true);
  view.setBigUint64(16, BigInt(out.length), true);
  view.setUint32(36, 2, true); // header version 0.2
  out.set(new TextEncoder().encode('RISCV'), 48);
  out.set(new TextEncoder().encode('RSC\x05'), 56);
  out.set(code, 64);
  return out;
}

/** li a7, EID; li a6, FID; a0..: arguments; ecall. */
function sbi(eid: number, fid: number, ...args: number[]): string {
  return [`li a7, ${eid}`, `li a6, ${fid}`, ...args.map((a, i) => `li a${i}, ${a}`), 'ecall'].join('\n');
}

/** Shuts the machine down through SRST with `reason` (0: none, 1: system failure). */
const SHUTDOWN = (reason = 0) => sbi(SbiExtension.Srst, 0, 0, reason);

function boot(body: string, host: HostInput = new NoHostInput()) {
  const vm = new GuestVm({ kernel: { image: image(body), name: 'test-image' }, memory: 16 * 1024 * 1024 }, host);
  let console = '';
  vm.board.onConsole = (b) => { console += Buffer.from(b).toString('latin1'); };
  const stop = vm.runUntil(1_000_000);
  return { vm, stop, console: () => console, x: (r: number) => vm.board.hart.x[r]! };
}

/** Runs one SBI call and returns (a0, a1) as the guest saw them. */
function call(eid: number, fid: number, ...args: number[]): [number, number] {
  const r = boot(`${sbi(eid, fid, ...args)}\nmv s0, a0\nmv s1, a1\n${SHUTDOWN()}`);
  expect(r.stop).toEqual({ kind: 'exit', status: 0 });
  return [r.x(8), r.x(9)];
}

describe('the firmware state of a kernel boot', () => {
  it('enters the Image in S-mode with a0 = hart id, a1 = the device tree, satp = 0, and M-mode set up as firmware leaves it', () => {
    const vm = new GuestVm({ kernel: { image: image('j 0'), name: 'test-image' }, memory: 16 * 1024 * 1024 }, new NoHostInput());
    const hart = vm.board.hart;
    expect(hart.pc >>> 0).toBe(LOAD);
    expect(hart.priv).toBe(1);
    expect(hart.x[10]).toBe(0);
    expect(hart.x[11]! >>> 0).toBe(vm.kernel!.fdtAddress);
    expect(vm.board.ram.read(vm.kernel!.fdtAddress, 4)).toEqual(Uint8Array.of(0xd0, 0x0d, 0xfe, 0xed));
    expect(hart.peekCsr(Csr.satp)).toBe(0);
    expect(hart.peekCsr(Csr.medeleg)).toBe(FIRMWARE_MEDELEG);
    expect(hart.peekCsr(Csr.mideleg)).toBe(FIRMWARE_MIDELEG);
    expect(hart.peekCsr(Csr.mcounteren)).toBe(FIRMWARE_MCOUNTEREN);
    // Ecalls from S-mode are SBI calls, never delegated; page faults and U-mode ecalls go to the kernel.
    expect((FIRMWARE_MEDELEG >>> 9) & 1).toBe(0);
    expect((FIRMWARE_MEDELEG >>> 8) & 1).toBe(1);
    expect((FIRMWARE_MEDELEG >>> 13) & 1).toBe(1);
  });

  it('lets S-mode read the counters and reach all of RAM and the devices (PMP allows everything)', () => {
    const r = boot(`csrr s0, time\ncsrr s1, cycle\ncsrr s2, instret\nli t0, 0x80f00000\nli t1, 0x1234\nsw t1, 0(t0)\nlw s3, 0(t0)\nli t0, 0x10000000\nli t1, 0x41\nsb t1, 0(t0)\n${SHUTDOWN()}`);
    expect(r.stop).toEqual({ kind: 'exit', status: 0 });
    expect(r.x(19)).toBe(0x1234);
    expect(r.x(9)).toBeGreaterThan(0);
    expect(r.console()).toBe('A');
  });
});

describe('the built-in SBI', () => {
  it('BASE: spec version 1.0, implementation, probe_extension, machine ids', () => {
    expect(call(SbiExtension.Base, 0)).toEqual([0, SBI_SPEC_VERSION]);
    expect(SBI_SPEC_VERSION).toBe(0x01000000);
    expect(call(SbiExtension.Base, 1)).toEqual([0, SBI_IMPL_ID]);
    expect(call(SbiExtension.Base, 2)).toEqual([0, SBI_IMPL_VERSION]);
    for (const eid of [SbiExtension.Base, SbiExtension.Time, SbiExtension.Ipi, SbiExtension.Rfence, SbiExtension.Hsm, SbiExtension.Srst,
      SbiExtension.LegacyConsolePutchar, SbiExtension.LegacyConsoleGetchar]) {
      expect(call(SbiExtension.Base, 3, eid), `probe 0x${eid.toString(16)}`).toEqual([0, 1]);
    }
    // PMU ("PMU") and the debug console ("DBCN") are not served.
    expect(call(SbiExtension.Base, 3, 0x504d55)).toEqual([0, 0]);
    expect(call(SbiExtension.Base, 3, 0x4442434e)).toEqual([0, 0]);
    for (const fid of [4, 5, 6]) expect(call(SbiExtension.Base, fid)).toEqual([0, 0]);
  });

  it('answers NOT_SUPPORTED for unknown extensions and functions', () => {
    expect(call(0x4442434e, 0)[0]).toBe(SbiError.NotSupported);
    expect(call(0x0a000000, 0)[0]).toBe(SbiError.NotSupported);
    expect(call(SbiExtension.Base, 7)[0]).toBe(SbiError.NotSupported);
    expect(call(SbiExtension.Time, 1)[0]).toBe(SbiError.NotSupported);
    expect(call(SbiExtension.Rfence, 3)[0]).toBe(SbiError.NotSupported);
    expect(call(SbiExtension.Hsm, 1)[0]).toBe(SbiError.NotSupported);
    // Legacy extensions other than the console are not served either.
    expect(call(SbiExtension.LegacySetTimer, 0, 0)[0]).toBe(SbiError.NotSupported);
  });

  it('HSM: the one hart is started; others do not exist', () => {
    expect(call(SbiExtension.Hsm, 2, 0)).toEqual([0, 0]);
    expect(call(SbiExtension.Hsm, 2, 1)[0]).toBe(SbiError.InvalidParam);
    expect(call(SbiExtension.Hsm, 0, 0, 0x80400000, 0)[0]).toBe(SbiError.AlreadyAvailable);
    expect(call(SbiExtension.Hsm, 0, 3, 0x80400000, 0)[0]).toBe(SbiError.InvalidParam);
  });

  it('IPI: send_ipi raises the supervisor software interrupt of the hart it names', () => {
    const r = boot(`${sbi(SbiExtension.Ipi, 0, 1, 0)}\nmv s0, a0\ncsrr s1, sip\n${sbi(SbiExtension.Ipi, 0, 1, 5)}\nmv s2, a0\n${SHUTDOWN()}`);
    expect(r.x(8)).toBe(0);
    expect(r.x(9) & 2).toBe(2);
    expect(r.x(18)).toBe(SbiError.InvalidParam);
    const none = boot(`${sbi(SbiExtension.Ipi, 0, 2, 0)}\nmv s0, a0\ncsrr s1, sip\n${SHUTDOWN()}`);
    expect(none.x(8)).toBe(SbiError.InvalidParam);
    expect(none.x(9) & 2).toBe(0);
    const all = boot(`${sbi(SbiExtension.Ipi, 0, 0, -1)}\nmv s0, a0\ncsrr s1, sip\n${SHUTDOWN()}`);
    expect(all.x(8)).toBe(0);
    expect(all.x(9) & 2).toBe(2);
  });

  it('RFENCE: remote fences on this hart succeed and flush its translations', () => {
    expect(call(SbiExtension.Rfence, 0, 1, 0)).toEqual([0, 0]);
    expect(call(SbiExtension.Rfence, 1, 1, 0, 0, 0x1000)).toEqual([0, 0]);
    expect(call(SbiExtension.Rfence, 2, 1, 0, 0, 0x1000, 1)).toEqual([0, 0]);
    expect(call(SbiExtension.Rfence, 1, 4, 0, 0, 0x1000)[0]).toBe(SbiError.InvalidParam);
  });

  it('TIME: set_timer raises the supervisor timer interrupt at that time, and a new deadline clears it', () => {
    // Handler: record scause and the time, push the timer far away, return to after the wfi.
    const r = boot(`
      j main
      csrr s2, scause
      csrr s3, time
      ${sbi(SbiExtension.Time, 0, -1, -1)}
      csrr s4, sip
      ${SHUTDOWN()}
    main:
      li t0, ${HANDLER}
      csrw stvec, t0
      li t0, 0x20
      csrs sie, t0
      csrsi sstatus, 2
      csrr s0, time
      addi a0, s0, 1000
      li a1, 0
      li a7, ${SbiExtension.Time}
      li a6, 0
      ecall
      mv s1, a0
    spin:
      wfi
      j spin
    `);
    expect(r.stop).toEqual({ kind: 'exit', status: 0 });
    expect(r.x(9)).toBe(0);
    expect(r.x(18) >>> 0).toBe(0x80000005);
    expect(r.x(19) - r.x(8)).toBeGreaterThanOrEqual(1000);
    expect(r.x(19) - r.x(8)).toBeLessThan(1010);
    expect(r.x(20) & 0x20).toBe(0);
  });

  it('the legacy console: putchar writes to the console; getchar reads console input or answers -1', () => {
    const r = boot(`${sbi(SbiExtension.LegacyConsolePutchar, 0, 0x68)}\n${sbi(SbiExtension.LegacyConsolePutchar, 0, 0x69)}\n${SHUTDOWN()}`);
    expect(r.console()).toBe('hi');
    const none = boot(`${sbi(SbiExtension.LegacyConsoleGetchar, 0)}\nmv s0, a0\n${SHUTDOWN()}`);
    expect(none.x(8)).toBe(-1);
    const typed = new LiveHost({ commandLine: '', console: new ScriptedConsole(parseConsoleScript('at 0 "xy"\n')) });
    const got = boot(`${sbi(SbiExtension.LegacyConsoleGetchar, 0)}\nmv s0, a0\n${sbi(SbiExtension.LegacyConsoleGetchar, 0)}\nmv s1, a0\n${SHUTDOWN()}`, typed);
    expect([got.x(8), got.x(9)]).toEqual([0x78, 0x79]);
  });

  it('SRST: shutdown powers off (status 1 for a system failure), reboots restart, other types are refused', () => {
    expect(boot(SHUTDOWN(0)).stop).toEqual({ kind: 'exit', status: 0 });
    expect(boot(SHUTDOWN(1)).stop).toEqual({ kind: 'exit', status: 1 });
    expect(boot(sbi(SbiExtension.Srst, 0, 1, 0)).stop).toEqual({ kind: 'reboot' });
    expect(boot(sbi(SbiExtension.Srst, 0, 2, 0)).stop).toEqual({ kind: 'reboot' });
    expect(call(SbiExtension.Srst, 0, 3, 0)[0]).toBe(SbiError.InvalidParam);
  });

  it('is part of the saved state: a pending timer deadline survives save and load', () => {
    const r = boot(`csrr a0, time\naddi a0, a0, 500\nli a1, 0\nli a7, ${SbiExtension.Time}\nli a6, 0\necall\nj 0`);
    const saved = r.vm.monitor.saveState();
    expect(saved['sbi']).toMatchObject({ timerSet: true, timerHi: 0 });
    const other = boot('j 0');
    other.vm.monitor.loadState(saved);
    expect(other.vm.monitor.saveState()).toEqual(saved);
    expect(other.vm.monitor.sbi!.timer).toBe(r.vm.monitor.sbi!.timer);
  });
});
