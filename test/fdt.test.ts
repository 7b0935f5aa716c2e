import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoHostInput } from '../src/host/host-input.js';
import { encodeFdt } from '../src/machine/fdt.js';
import { VirtBoard } from '../src/machine/virt-board.js';
import { cells, child, readFdt, str } from './support/fdt-reader.js';
import { hasTool } from './support/tools.js';
import { runCli } from './support/cli.js';

const board = new VirtBoard({ memory: 64 * 1024 * 1024 }, new NoHostInput());
const dtb = encodeFdt(board.deviceTree({ bootArgs: 'console=ttyS0' }));
const root = readFdt(dtb);

describe('device tree of the virt board', () => {
  it('describes memory, the cpu and its interrupt controller', () => {
    expect(cells(child(root, 'memory@80000000'), 'reg')).toEqual([0, 0x80000000, 0, 64 * 1024 * 1024]);
    const cpus = child(root, 'cpus');
    expect(cells(cpus, 'timebase-frequency')).toEqual([10_000_000]);
    const cpu = child(cpus, 'cpu@0');
    expect(str(cpu, 'riscv,isa')).toBe('rv32imac_zicsr_zifencei');
    expect(str(cpu, 'mmu-type')).toBe('riscv,sv32');
    expect(str(child(cpu, 'interrupt-controller'), 'compatible')).toBe('riscv,cpu-intc');
  });

  it('describes the devices at QEMU virt addresses with their interrupts', () => {
    const soc = child(root, 'soc');
    const uart = child(soc, 'serial@10000000');
    expect(str(uart, 'compatible')).toBe('ns16550a');
    expect(cells(uart, 'interrupts')).toEqual([10]);
    expect(cells(child(soc, 'rtc@101000'), 'interrupts')).toEqual([11]);
    expect(cells(child(soc, 'plic@c000000'), 'riscv,ndev')).toEqual([95]);
    expect(cells(child(soc, 'clint@2000000'), 'reg')).toEqual([0, 0x2000000, 0, 0x10000]);
    expect(cells(child(root, 'poweroff'), 'value')).toEqual([0x5555]);
    expect(str(child(root, 'chosen'), 'bootargs')).toBe('console=ttyS0');
    expect(str(child(root, 'chosen'), 'stdout-path')).toBe('/soc/serial@10000000');
  });

  it('is accepted by dtc', () => {
    if (!hasTool('dtc')) return;
    const dir = mkdtempSync(join(tmpdir(), 'rv-dtb-'));
    const file = join(dir, 'virt.dtb');
    writeFileSync(file, dtb);
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('compatible = "ns16550a"');
    expect(r.stdout).toContain('riscv,isa = "rv32imac_zicsr_zifencei"');
  });

  it('is written by `retrovisor dtb -o`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-dtb-'));
    const file = join(dir, 'virt.dtb');
    const r = await runCli(['dtb', '-o', file, '--memory', '64M', '--append', 'console=ttyS0']);
    expect(r.status).toBe(0);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(dtb))).toBe(true);
  });
});

describe('device tree of the board a kernel boots on', () => {
  const kernelBoard = new VirtBoard({ memory: 128 * 1024 * 1024, virtio: { drive: new Uint8Array(4096) } }, new NoHostInput());
  const blob = encodeFdt(kernelBoard.deviceTree({ bootArgs: 'console=ttyS0', initrd: { start: 0x84000000, end: 0x84001600 } }));
  const tree = readFdt(blob);

  it('has QEMU virt\'s eight virtio-mmio slots on PLIC sources 1-8', () => {
    const soc = child(tree, 'soc');
    for (let i = 0; i < 8; i++) {
      const base = 0x10001000 + i * 0x1000;
      const slot = child(soc, `virtio_mmio@${base.toString(16)}`);
      expect(str(slot, 'compatible')).toBe('virtio,mmio');
      expect(cells(slot, 'reg')).toEqual([0, base, 0, 0x1000]);
      expect(cells(slot, 'interrupts')).toEqual([i + 1]);
    }
  });

  it('names the initrd in /chosen, and does not advertise Sstc', () => {
    const chosen = child(tree, 'chosen');
    expect(cells(chosen, 'linux,initrd-start')).toEqual([0, 0x84000000]);
    expect(cells(chosen, 'linux,initrd-end')).toEqual([0, 0x84001600]);
    expect(str(child(child(tree, 'cpus'), 'cpu@0'), 'riscv,isa')).not.toContain('sstc');
  });

  it('is accepted by dtc, and written by `retrovisor dtb --virtio`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-dtb-'));
    const file = join(dir, 'virt.dtb');
    const r = await runCli(['dtb', '-o', file, '--virtio']);
    expect(r.status).toBe(0);
    const tree2 = readFdt(new Uint8Array(readFileSync(file)));
    expect(str(child(child(tree2, 'soc'), 'virtio_mmio@10008000'), 'compatible')).toBe('virtio,mmio');
    if (!hasTool('dtc')) return;
    const d = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('compatible = "virtio,mmio"');
  });
});
