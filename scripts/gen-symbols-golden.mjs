#!/usr/bin/env node
/**
 * Regenerates the golden data of the symbols layer in test/golden/symbols/
 * with the real tools, so the tests compare src/symbols and
 * src/isa/disassembler.ts against GNU binutils and gdb without needing any of
 * them at test time.
 *
 *   node scripts/gen-symbols-golden.mjs            everything
 *   node scripts/gen-symbols-golden.mjs objdump    only one part: objdump | lines | sweep | gdb
 *   node scripts/gen-symbols-golden.mjs gdb clang  only the files whose name contains "clang"
 *                                                  (in any part; the others are left as they are)
 *
 * Needs riscv64-unknown-elf-{gcc,as,ld,objdump,readelf} (binutils 2.40, gcc 12),
 * picolibc-riscv64-unknown-elf, qemu-system-riscv32 (7.2) and gdb-multiarch (13);
 * clang 14 for the guests/symbols/build/symbols-clang-* variants.
 * It first rebuilds guests/symbols (make -C guests/symbols).
 *
 * Written (each file says in its header how it was made):
 *   objdump/GROUP-NAME.txt      `objdump -d` of every guest ELF, verbatim
 *   lines/GROUP-NAME.txt        `readelf --debug-dump=decodedline`, verbatim
 *   sweep/rv32.{elf,txt.gz}     every word of test/golden/isa/rv32.tsv and
 *   sweep/rvc.{elf,txt.gz}      every halfword, assembled and `objdump -d`
 *                               with aliases (the form guests are shown in)
 *   gdb/GUEST.json              gdb sessions against QEMU's gdbstub: at each
 *                               breakpoint, what bt / info locals / info args /
 *                               p printed, plus the registers and the RAM
 *                               (data, bss, stack) needed to re-evaluate it
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, gzipSync } from 'node:zlib';

const PREFIX = process.env.RISCV_PREFIX ?? 'riscv64-unknown-elf-';
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(REPO, 'test', 'golden', 'symbols');
const only = process.argv[2] === 'all' ? undefined : process.argv[2];
/** Only golden files whose name contains this are written (the rest stay untouched). */
const nameFilter = process.argv[3];
const wanted = (name) => nameFilter === undefined || name.includes(nameFilter);

/** A fresh output directory: emptied when everything in it is regenerated, kept when filtered. */
function outputDir(part) {
  const dir = join(OUT, part);
  if (nameFilter === undefined) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
const tool = (name, args, opts) => run(`${PREFIX}${name}`, args, opts);

/** Every guest ELF: [group, path relative to the repository]. */
function guestElfs() {
  const list = [];
  for (const [group, dir] of [['guests', 'guests/build'], ['conformance', 'guests/conformance/build'], ['symbols', 'guests/symbols/build']]) {
    const abs = join(REPO, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) if (f.endsWith('.elf')) list.push([group, `${dir}/${f}`]);
  }
  return list;
}

const header = (lines) => lines.map((l) => `# ${l}`).join('\n') + '\n';
const binutils = () => tool('objdump', ['--version']).split('\n')[0];

function writeObjdump() {
  const dir = outputDir('objdump');
  for (const [group, elf] of guestElfs()) {
    if (!wanted(`${group}-${basename(elf, '.elf')}`)) continue;
    const text = tool('objdump', ['-d', elf], { cwd: REPO });
    writeFileSync(join(dir, `${group}-${basename(elf, '.elf')}.txt`),
      header([`${binutils()}: objdump -d ${elf}`, 'Regenerate: node scripts/gen-symbols-golden.mjs objdump (do not edit by hand).']) + text);
  }
}

function writeLines() {
  const dir = outputDir('lines');
  for (const [group, elf] of guestElfs()) {
    if (!wanted(`${group}-${basename(elf, '.elf')}`)) continue;
    const sections = tool('readelf', ['-S', '-W', elf], { cwd: REPO });
    if (!sections.includes('.debug_line')) continue;
    const text = tool('readelf', ['--debug-dump=decodedline', elf], { cwd: REPO });
    writeFileSync(join(dir, `${group}-${basename(elf, '.elf')}.txt`),
      header([`${tool('readelf', ['--version']).split('\n')[0]}: readelf --debug-dump=decodedline ${elf}`,
        'Regenerate: node scripts/gen-symbols-golden.mjs lines (do not edit by hand).']) + text);
  }
}

/**
 * The disassembler over every encoding: the 32-bit words of the ISA golden
 * data and all 16-bit halfwords, in the alias syntax objdump uses by default.
 * The priv spec is pinned to 1.11 (what gcc 12 records in the guests).
 */
function writeSweep() {
  const dir = join(OUT, 'sweep');
  mkdirSync(dir, { recursive: true });
  if (!['rv32', 'rvc'].some(wanted)) return;
  const tmp = mkdtempSync(join(tmpdir(), 'symbols-sweep-'));
  const words = readFileSync(join(REPO, 'test', 'golden', 'isa', 'rv32.tsv'), 'utf8').split('\n')
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('@')).map((l) => l.split('\t')[1]);
  const halves = [];
  for (let v = 0; v < 0x10000; v++) halves.push(((v & 3) === 3 ? 1 : v).toString(16).padStart(4, '0'));
  for (const [name, rvc, list] of [['rv32', false, words], ['rvc', true, halves]]) {
    if (!wanted(name)) continue;
    // One real CSR instruction so that `as` records Tag_RISCV_priv_spec 1.11 as in the guests.
    const src = [`\t.option ${rvc ? 'rvc' : 'norvc'}`, '\t.text', '\tcsrr a0, mstatus', ...list.map((w) => `\t.insn 0x${w}`), ''].join('\n');
    writeFileSync(join(tmp, `${name}.s`), src);
    tool('as', ['-march=rv32imac_zicsr_zifencei', '-mabi=ilp32', '-mpriv-spec=1.11', '-mno-relax', '-o', `${name}.o`, `${name}.s`], { cwd: tmp });
    tool('ld', ['-m', 'elf32lriscv', '--no-relax', '-Ttext=0x200000', '-e', '0x200000', '-o', `${name}.elf`, `${name}.o`], { cwd: tmp });
    const text = tool('objdump', ['-d', '-z', `${name}.elf`], { cwd: tmp });
    writeFileSync(join(dir, `${name}.elf`), readFileSync(join(tmp, `${name}.elf`)));
    writeFileSync(join(dir, `${name}.txt.gz`), gzipSync(header([`${binutils()}: objdump -d -z ${name}.elf`,
      `Source: ${name === 'rv32' ? 'every word of test/golden/isa/rv32.tsv' : 'every halfword (c.nop where the low bits are 11)'} after one csrr,`,
      'assembled with -march=rv32imac_zicsr_zifencei -mpriv-spec=1.11 and linked at 0x200000.',
      'Regenerate: node scripts/gen-symbols-golden.mjs sweep (do not edit by hand).']) + text, { level: 9 }));
  }
  rmSync(tmp, { recursive: true, force: true });
}

// ---- gdb sessions ----------------------------------------------------------------

/**
 * The stops: per guest ELF, the breakpoints to run to in order (each is
 * deleted once hit) and the expressions to print there. `bt`, `bt full`,
 * `info locals`, `info args` and `info registers` are printed at every stop.
 */
const SYMBOLS_STOPS = [
  { at: 'sum_list', print: ['*head', 'head->next->name', 'head->next->next->value', 'g_nodes', 'g_nodes[1]'] },
  { at: 'lists.c:10', print: ['*n', 'n->name', 'total', 'v'] },
  { at: 'lists.c:20', print: ['len', 'best', 'head->name', '*head'] },
  { at: 'square', print: ['x'] },
  { at: 'leaf', print: ['where', 'depth', 'g_counter', 'g_points', 'g_points[2].x', '&g_points[1]', '*g_cv_ptr', 'g_cv_ptr'] },
  { at: 'area', print: ['*s', 's->corner', 's->bits', 's->tag', 's->label', 's->color', 'g_shape.bits.delta', 's->corner[1].x'] },
  { at: 'symbols.c:84', print: ['out', '*out', 'out[0]', 'i', 'seed', 'n', 'g_zeros'] },
  { at: 'add', print: ['a', 'b', 'g_op', 's_calls'] },
  { at: 'mul', print: ['a', 'b'] },
  { at: 'scale', print: ['v', 'factor', 'shift', 'g_big', 'g_ubig', 'g_bytes', 'g_short', 'g_ushort'] },
  {
    at: 'symbols.c:120',
    print: ['squares', 'origin', 'w', 'local_bits', 'msg', 'total', 'g_message', 'g_buffer', 'g_matrix', 'g_matrix[1]',
      'g_matrix[1][2]', 'g_flag', 'g_color', 'g_flags', 'g_odd_flags', 'g_typedefd', '*msg', 'g_shape', 'g_zeros',
      'g_nodes[0].next->name', '*g_nodes[2].name', 'origin.y', 'w.half', 'squares[4]'],
  },
];

const SESSIONS = [
  ...['O0', 'Og', 'O2', 'O0-dwarf4', 'O2-dwarf4', 'clang-O0', 'clang-Og', 'clang-O2', 'clang-O2-dwarf4'].map((v) => ({
    name: `symbols-${v}`, elf: `guests/symbols/build/symbols-${v}.elf`, args: '', stops: SYMBOLS_STOPS,
  })),
  { name: 'hello', elf: 'guests/build/hello.elf', args: 'a b', stops: [
    { at: 'main', print: ['argc', 'argv[1]', 'argv[2]', '*argv[3]'] },
    { at: 'puts', print: [] },
  ] },
  { name: 'crc32', elf: 'guests/build/crc32.elf', args: '2', stops: [
    { at: 'crc32_update', print: ['crc', 'len', 'p'] },
  ] },
  { name: 'sort', elf: 'guests/build/sort.elf', args: '1', stops: [
    { at: 'insertion_sort', print: ['lo', 'hi', 'a[lo]'] },
  ] },
  { name: 'sha256', elf: 'guests/build/sha256.elf', args: '4', stops: [
    { at: 'sha256_compress', print: ['h', 'h[0]', 'p[0]'] },
    { at: 'to_hex', print: ['digest', 'out'] },
  ] },
  { name: 'bytecode', elf: 'guests/build/bytecode.elf', args: '20', stops: [
    { at: 'native', print: ['n'] },
  ] },
  { name: 'mini-kernel', elf: 'guests/build/mini-kernel.elf', args: '', stops: [
    { at: 'task_init', print: ['t', 'id', 'name'] },
  ] },
];

const QEMU = 'qemu-system-riscv32';
/** Bytes of stack saved below sp at each stop. */
const STACK_BELOW_SP = 2048;
const GDB = 'gdb-multiarch';

/** The RAM ranges to save at each stop: the writable sections (data, bss) as one range. */
function writableRange(elfPath) {
  const out = tool('readelf', ['-S', '-W', elfPath], { cwd: REPO });
  let lo = Infinity, hi = 0;
  for (const line of out.split('\n')) {
    const m = /\]\s+(\S+)\s+(PROGBITS|NOBITS)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*W\S*)\s/.exec(line);
    if (!m || m[1] === '.stack' || !m[5].includes('A')) continue;
    const addr = parseInt(m[3], 16), size = parseInt(m[4], 16);
    if (size === 0) continue;
    lo = Math.min(lo, addr);
    hi = Math.max(hi, addr + size);
  }
  return [lo, hi];
}

function symbolValue(elfPath, name) {
  const out = tool('readelf', ['-s', '-W', elfPath], { cwd: REPO });
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[7] === name) return parseInt(f[1], 16);
  }
  return undefined;
}

function waitForExit(child, ms) {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolvePromise(null); }, ms);
    child.on('close', (code) => { clearTimeout(timer); resolvePromise(code); });
  });
}

async function gdbSession(session, port, tmp) {
  const elfPath = join(REPO, session.elf);
  const [dataLo, dataHi] = writableRange(elfPath);
  const stackTop = symbolValue(elfPath, '__stack') ?? 0x80400000;
  // A Python driver, so that a command gdb rejects (an expression it cannot
  // evaluate) is recorded as an error instead of ending the session.
  const py = [
    'import gdb',
    'def run(cmd):',
    '    print("@@CMD " + cmd)',
    '    try:',
    '        print(gdb.execute(cmd, to_string=True), end="")',
    '    except gdb.error as e:',
    '        print("@@ERROR " + str(e))',
    'def quiet(cmd):',
    '    gdb.execute(cmd, to_string=True)',
    ...['set pagination off', 'set confirm off', 'set width 0', 'set height 0', 'set print pretty off',
      `file ${elfPath}`, `target remote :${port}`].map((c) => `quiet(${JSON.stringify(c)})`),
  ];
  session.stops.forEach((stop, i) => {
    py.push(`print("@@STOP ${i}")`, `run(${JSON.stringify(`break ${stop.at}`)})`, 'run("continue")');
    for (const c of ['bt', 'bt full', 'info locals', 'info args', 'info registers', 'p $pc']) py.push(`run(${JSON.stringify(c)})`);
    for (const e of stop.print) py.push(`run(${JSON.stringify(`p ${e}`)})`);
    py.push(`quiet("dump binary memory ${tmp}/${i}-data.bin 0x${dataLo.toString(16)} 0x${dataHi.toString(16)}")`);
    // From below sp: a function stopped at its entry has locals under the sp it has not yet lowered.
    py.push(`quiet("dump binary memory ${tmp}/${i}-stack.bin $sp-${STACK_BELOW_SP} 0x${stackTop.toString(16)}")`);
    py.push('run("p/x $sp")', 'quiet("delete")');
  });
  py.push('print("@@END")', 'quiet("kill")');
  writeFileSync(join(tmp, 'session.py'), py.join('\n') + '\n');
  const qemuArgs = ['-M', 'virt', '-bios', 'none', '-display', 'none', '-monitor', 'none', '-serial', 'none',
    '-semihosting-config', 'enable=on,target=native', '-kernel', elfPath, '-gdb', `tcp::${port}`, '-S'];
  if (session.args !== '') qemuArgs.push('-append', session.args);
  const qemu = spawn(QEMU, qemuArgs, { stdio: ['ignore', 'ignore', 'ignore'] });
  const qemuDone = waitForExit(qemu, 120_000);
  await new Promise((r) => setTimeout(r, 300));
  const out = run(GDB, ['-batch', '-nx', '-x', join(tmp, 'session.py')], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  qemu.kill('SIGKILL');
  await qemuDone;
  return { out, dataLo, dataHi, stackTop };
}

/** Splits gdb's output at the @@ markers into per-stop command outputs. */
function parseGdb(text, session, tmp, dataLo) {
  const stops = [];
  let stop, cmd;
  for (const line of text.split('\n')) {
    const s = /^@@STOP (\d+)$/.exec(line);
    if (s) { stop = { at: session.stops[Number(s[1])].at, hit: '', commands: [] }; stops.push(stop); cmd = undefined; continue; }
    const c = /^@@CMD (.*)$/.exec(line);
    if (c) { cmd = { command: c[1], output: [] }; stop.commands.push(cmd); continue; }
    if (line === '@@END') break;
    if (stop === undefined || cmd === undefined) continue;
    cmd.output.push(line);
  }
  stops.forEach((st, i) => {
    const spCmd = st.commands.find((c) => c.command === 'p/x $sp');
    const sp = parseInt(/0x[0-9a-f]+/.exec(spCmd.output.join(' '))[0], 16);
    for (const c of st.commands) c.output = c.output.join('\n').replace(/\n+$/, '');
    st.commands = st.commands.filter((c) => c !== spCmd);
    st.hit = st.commands.filter((c) => c.command.startsWith('break ') || c.command === 'continue').map((c) => c.output).join('\n');
    st.commands = st.commands.filter((c) => !(c.command.startsWith('break ') || c.command === 'continue'));
    st.memory = [
      { address: dataLo, deflated: deflateRawSync(readFileSync(join(tmp, `${i}-data.bin`)), { level: 9 }).toString('base64') },
      { address: sp - STACK_BELOW_SP, deflated: deflateRawSync(readFileSync(join(tmp, `${i}-stack.bin`)), { level: 9 }).toString('base64') },
    ];
  });
  return stops;
}

async function writeGdb() {
  const dir = join(OUT, 'gdb');
  mkdirSync(dir, { recursive: true });
  const gdbVersion = run(GDB, ['--version']).split('\n')[0];
  const qemuVersion = run(QEMU, ['--version']).split('\n')[0];
  let port = 23450;
  for (const session of SESSIONS) {
    port++;
    if (!wanted(session.name)) continue;
    const tmp = mkdtempSync(join(tmpdir(), 'symbols-gdb-'));
    const { out, dataLo } = await gdbSession(session, port, tmp);
    const stops = parseGdb(out, session, tmp, dataLo);
    if (stops.length !== session.stops.length) throw new Error(`${session.name}: ${stops.length} of ${session.stops.length} stops reached:\n${out}`);
    const golden = {
      about: [`${gdbVersion} against ${qemuVersion} (-M virt -bios none -s -S) running ${session.elf}` +
        (session.args !== '' ? ` with -append "${session.args}"` : ''),
        'At each stop: what gdb printed for each command, and memory (raw DEFLATE, base64) dumped there:',
        `the writable sections and the stack from sp - ${STACK_BELOW_SP} to __stack. Regenerate: node scripts/gen-symbols-golden.mjs gdb`],
      elf: session.elf,
      args: session.args,
      stops,
    };
    writeFileSync(join(dir, `${session.name}.json`), JSON.stringify(golden, null, 1) + '\n');
    rmSync(tmp, { recursive: true, force: true });
    console.log(`gdb ${session.name}: ${stops.length} stops`);
  }
}

const parts = { objdump: writeObjdump, lines: writeLines, sweep: writeSweep, gdb: writeGdb };

if ((only === undefined || only === 'objdump' || only === 'lines' || only === 'gdb') && existsSync(join(REPO, 'guests', 'symbols', 'Makefile'))) {
  run('make', ['-C', join(REPO, 'guests', 'symbols')], { stdio: 'inherit' });
}
for (const [name, fn] of Object.entries(parts)) {
  if (only === undefined || only === name) { await fn(); console.log(`wrote ${name}`); }
}
