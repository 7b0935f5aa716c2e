/**
 * What the stub tells gdb about the machine through qXfer: the target
 * description (GDB manual, "Target Descriptions" and "Standard Target
 * Features", RISC-V) and the memory map ("Memory Map Format").
 *
 * Register numbers are the ones gdb uses for RISC-V, so `p`/`P` packets and
 * gdb's own numbering agree: x0..x31 are 0..31, pc is 32, the FPU would be
 * 33..64 (this hart has none, so it is not described), CSR n is 65 + n, and
 * the virtual register `priv` (the privilege level) is 65 + 4096.
 */
import type { MemoryRegion } from '../debugger/debug-target.js';

export const PC_REGNUM = 32;
export const FIRST_CSR_REGNUM = 65;
export const PRIV_REGNUM = FIRST_CSR_REGNUM + 4096;
/** The registers of the `g` packet: x0..x31 and pc. CSRs are read one by one with `p`. */
export const G_PACKET_REGISTERS = 33;

/** gdb's names and types for x0..x31 (x8 is "fp", as gdb names it in `info registers`). */
const CPU_REGISTERS: readonly (readonly [string, string])[] = [
  ['zero', 'int'], ['ra', 'code_ptr'], ['sp', 'data_ptr'], ['gp', 'data_ptr'], ['tp', 'data_ptr'],
  ['t0', 'int'], ['t1', 'int'], ['t2', 'int'], ['fp', 'data_ptr'], ['s1', 'int'],
  ...['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((n) => [n, 'int'] as const),
  ...['s2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'].map((n) => [n, 'int'] as const),
  ...['t3', 't4', 't5', 't6'].map((n) => [n, 'int'] as const),
];

const HEADER = '<?xml version="1.0"?>\n';

/** The target description documents by annex name; `target.xml` includes the three features. */
export function targetDescription(csrs: readonly { number: number; name: string }[]): ReadonlyMap<string, string> {
  const target = `${HEADER}<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>riscv:rv32</architecture>
  <xi:include href="riscv-32bit-cpu.xml"/>
  <xi:include href="riscv-32bit-csr.xml"/>
  <xi:include href="riscv-32bit-virtual.xml"/>
</target>
`;
  const cpu = `${HEADER}<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.riscv.cpu">
${CPU_REGISTERS.map(([name, type], i) => `  <reg name="${name}" bitsize="32" type="${type}" regnum="${i}"/>`).join('\n')}
  <reg name="pc" bitsize="32" type="code_ptr" regnum="${PC_REGNUM}"/>
</feature>
`;
  const csr = `${HEADER}<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.riscv.csr">
${csrs.map((c) => `  <reg name="${c.name}" bitsize="32" type="int" regnum="${FIRST_CSR_REGNUM + c.number}" group="csr"/>`).join('\n')}
</feature>
`;
  const virtual = `${HEADER}<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.riscv.virtual">
  <reg name="priv" bitsize="32" type="int" regnum="${PRIV_REGNUM}" group="system"/>
</feature>
`;
  return new Map([
    ['target.xml', target],
    ['riscv-32bit-cpu.xml', cpu],
    ['riscv-32bit-csr.xml', csr],
    ['riscv-32bit-virtual.xml', virtual],
  ]);
}

/**
 * The memory map: read-only memory (the boot ROM) as "rom", so gdb uses
 * hardware breakpoints there and refuses to write it, and every other address
 * as "ram". The rest is not narrowed to RAM and devices because gdb's
 * addresses are virtual: under Sv32 a kernel lives at addresses no physical
 * window covers, and a tighter map would make gdb refuse to read them.
 */
export function memoryMapXml(regions: readonly MemoryRegion[]): string {
  const roms = regions.filter((r) => r.kind === 'rom').sort((a, b) => a.base - b.base);
  const entries: string[] = [];
  let next = 0;
  const ram = (from: number, to: number) => {
    if (to > from) entries.push(`  <memory type="ram" start="${hex(from)}" length="${hex(to - from)}"/>`);
  };
  for (const r of roms) {
    ram(next, r.base);
    entries.push(`  <memory type="rom" start="${hex(r.base)}" length="${hex(r.size)}"/>`);
    next = r.base + r.size;
  }
  ram(next, 2 ** 32);
  return `${HEADER}<!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">
<memory-map>
${entries.join('\n')}
</memory-map>
`;
}

const hex = (n: number) => `0x${n.toString(16)}`;
