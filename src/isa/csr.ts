/**
 * CSR numbers (Privileged spec 1.12, chapter 2.2 "CSR Listing") for what an
 * RV32 hart with M, S and U modes implements here.
 */
export const enum Csr {
  // Unprivileged counters (Zicntr)
  cycle = 0xc00,
  time = 0xc01,
  instret = 0xc02,
  hpmcounter3 = 0xc03,
  hpmcounter31 = 0xc1f,
  cycleh = 0xc80,
  timeh = 0xc81,
  instreth = 0xc82,
  hpmcounter3h = 0xc83,
  hpmcounter31h = 0xc9f,
  // Entropy source (Zkr)
  seed = 0x015,
  // Supervisor
  sstatus = 0x100,
  sie = 0x104,
  stvec = 0x105,
  scounteren = 0x106,
  senvcfg = 0x10a,
  sscratch = 0x140,
  sepc = 0x141,
  scause = 0x142,
  stval = 0x143,
  sip = 0x144,
  satp = 0x180,
  // Machine information
  mvendorid = 0xf11,
  marchid = 0xf12,
  mimpid = 0xf13,
  mhartid = 0xf14,
  mconfigptr = 0xf15,
  // Machine trap setup
  mstatus = 0x300,
  misa = 0x301,
  medeleg = 0x302,
  mideleg = 0x303,
  mie = 0x304,
  mtvec = 0x305,
  mcounteren = 0x306,
  menvcfg = 0x30a,
  mstatush = 0x310,
  menvcfgh = 0x31a,
  mcountinhibit = 0x320,
  mhpmevent3 = 0x323,
  mhpmevent31 = 0x33f,
  // Machine trap handling
  mscratch = 0x340,
  mepc = 0x341,
  mcause = 0x342,
  mtval = 0x343,
  mip = 0x344,
  // Physical memory protection
  pmpcfg0 = 0x3a0,
  pmpcfg3 = 0x3a3,
  pmpaddr0 = 0x3b0,
  pmpaddr15 = 0x3bf,
  // Machine counters
  mcycle = 0xb00,
  minstret = 0xb02,
  mhpmcounter3 = 0xb03,
  mhpmcounter31 = 0xb1f,
  mcycleh = 0xb80,
  minstreth = 0xb82,
  mhpmcounter3h = 0xb83,
  mhpmcounter31h = 0xb9f,
}

/** CSR names as GNU objdump prints them, for the disassembler and the debugger. */
export const CSR_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [0xc00, 'cycle'], [0xc01, 'time'], [0xc02, 'instret'],
  [0xc80, 'cycleh'], [0xc81, 'timeh'], [0xc82, 'instreth'],
  [0x015, 'seed'],
  [0x100, 'sstatus'], [0x104, 'sie'], [0x105, 'stvec'], [0x106, 'scounteren'], [0x10a, 'senvcfg'],
  [0x140, 'sscratch'], [0x141, 'sepc'], [0x142, 'scause'], [0x143, 'stval'], [0x144, 'sip'], [0x180, 'satp'],
  [0xf11, 'mvendorid'], [0xf12, 'marchid'], [0xf13, 'mimpid'], [0xf14, 'mhartid'], [0xf15, 'mconfigptr'],
  [0x300, 'mstatus'], [0x301, 'misa'], [0x302, 'medeleg'], [0x303, 'mideleg'], [0x304, 'mie'],
  [0x305, 'mtvec'], [0x306, 'mcounteren'], [0x30a, 'menvcfg'], [0x310, 'mstatush'], [0x31a, 'menvcfgh'],
  [0x320, 'mcountinhibit'],
  [0x340, 'mscratch'], [0x341, 'mepc'], [0x342, 'mcause'], [0x343, 'mtval'], [0x344, 'mip'],
  [0xb00, 'mcycle'], [0xb02, 'minstret'], [0xb80, 'mcycleh'], [0xb82, 'minstreth'],
  ...range(3, 31).map((n): [number, string] => [0xc00 + n, `hpmcounter${n}`]),
  ...range(3, 31).map((n): [number, string] => [0xc80 + n, `hpmcounter${n}h`]),
  ...range(3, 31).map((n): [number, string] => [0xb00 + n, `mhpmcounter${n}`]),
  ...range(3, 31).map((n): [number, string] => [0xb80 + n, `mhpmcounter${n}h`]),
  ...range(3, 31).map((n): [number, string] => [0x320 + n, `mhpmevent${n}`]),
  ...range(0, 3).map((n): [number, string] => [0x3a0 + n, `pmpcfg${n}`]),
  ...range(0, 15).map((n): [number, string] => [0x3b0 + n, `pmpaddr${n}`]),
]);

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
