#!/usr/bin/env node
/**
 * Regenerates the golden data of the symbols layer in test/golden/symbols/
 * with the real tools, so the tests compare src/symbols and
 * src/isa/disassembler.ts against GNU binutils and gdb without needing any of
 * them at test time.
 *
 *   node scripts/gen-symbols-golden.mjs            everything
 *   node scripts/gen-symbols-golden.mjs objdump    only one part: objdump | lines | sweep | gdb | expressions
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
 *   expressions/GUEST.json      the same, for C expressions printed at stops in
 *                               the symbols guest's builds, the values guest
 *                               (guests/expressions), sha256 and mini-kernel
 *                               (the committed ELFs: this part does not
 *                               rebuild them; make -C guests/expressions does)
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

/** What gdb prints at every stop of the sessions in test/golden/symbols/gdb/. */
const STOP_COMMANDS = ['bt', 'bt full', 'info locals', 'info args', 'info registers', 'p $pc'];

async function gdbSession(session, port, tmp, stopCommands = STOP_COMMANDS) {
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
    for (const c of stopCommands) py.push(`run(${JSON.stringify(c)})`);
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

// ---- C expressions -------------------------------------------------------------

/**
 * Expressions printed at stops in the symbols guest, for the expression
 * evaluator: every operator, literal form, cast, pointer arithmetic,
 * comparison, the conditional and comma operators, sizeof, _Alignof, @,
 * @entry, scopes, registers, and errors (gdb's messages). None has a side
 * effect: gdb would perform an assignment or a call, the evaluator refuses
 * them (test/expressions.test.ts checks that).
 */
const EXPRESSIONS_AT_MAIN = [
  // Integer literals and their types (sizeof tells the type).
  '42', '-42', '0x2a', '052', '0b101010', '0t42', '42u', '42l', '42ul', '42ll', '42ull', '1lu', '0XFF', '0B11',
  '4294967295', '0xffffffff', '2147483648', '-2147483648', '9223372036854775807', '9223372036854775808',
  '18446744073709551615', '0xffffffffffffffff', '077777777777', 'sizeof(42)', 'sizeof(2147483648)', 'sizeof(0xffffffff)',
  'sizeof(4294967295)', 'sizeof(42ll)', 'sizeof(0x80000000L)', 'sizeof(4294967295U)', 'sizeof(2147483648L)',
  '18446744073709551616', '0x10000000000000000', '08', '0x', '0b2', '123abc',
  // Character, floating and string literals.
  "'a'", "'\\n'", "'\\0'", "'\\x41'", "'\\101'", "'\\''", "'\\\\'", "'\\e'", "'\\377'", "'\\x1ff'", "'\\q'", "'\"'",
  "'ab'", "''", "'abc'", "'\\x'", 'sizeof(\'a\')',
  '1.5', '1.5f', '0.1', '0.1f', '1e10', '1e16', '1e17', '1e-5', '.5', '1.', '1.e2', '0x1.8p1', '0x1P-2', '1.5L', '1.5l', '3.0e-320',
  '123456789.0f', '12345678901234567890.0', '0.000123', '1e', '1e+', '1.5e3f', 'sizeof(1.5f)', 'sizeof(1.5)', 'sizeof(1.5L)', '1f',
  '"abc"', '"a\\tb\\001"', '"ab" "cd"', 'sizeof("abc")', '"abc"[1]', '"abc"[4]', '"abc"[5]',
  // Unary operators.
  '-g_short', '+g_short', '-g_ushort', '~g_ushort', '!g_flag', '-g_flag', '~0', '~0u', '!0', '!!5', "-'a'", "+'a'", "~'a'",
  '~g_color', '-g_color', '+g_color', '-1.5', '-0.0', '+1.5', '!1.5', '~1.5', '-&g_points[1]', '+&g_points[1]', '~&g_points[1]',
  '!&g_points[1]', '!g_points', '*1.5', '*g_flag', '*g_color',
  // Integer arithmetic, conversions, division, shifts.
  '7 / 2', '-7 / 2', '-7 % 3', '7 % -3', '-5 % 3', '1 / 0', '1 % 0', '2147483647 + 1', '0x7fffffff * 2', '65536 * 65536',
  '65536LL * 65536', '4294967295u + 1', '-4294967295u', '7u / 2', '-7 / 2u', '-1 < 0u', '-1 == 0xffffffff', '-1LL == 0xffffffff',
  '-1 == 0xffffffffffffffff', '(-2147483647 - 1) / -1', '0x7fffffffffffffff + 1', '3000000000 * 2',
  '1 << 31', '1u << 31', '1 << 31u', '1 << 31 >> 31', '1 << 32', '1 << -1', '1u << -1', '-1 >> 40', '-1 >> -1', '1 >> 40', '-5 >> 1',
  '-1u >> 1', '1LL << 40', '1 << 40LL', '(char)1 << 10', 'g_bytes[3] << 24', 'g_ubig >> 60', 'g_big * 2', 'g_big / 1000',
  'g_big % 1000', 'g_big / 0', 'g_ubig + 1', 'g_ubig > -1', 'g_big < 0u', 'g_big < 0ull', 'g_typedefd + 1', 'g_typedefd >> 28',
  'g_typedefd & 0xffff', 'g_typedefd | 1', 'g_typedefd ^ g_typedefd', 'g_bytes[3] + 1', 'g_short * 2', 'g_ushort + 1',
  'g_short < 0u', 'g_ushort > -1', '(char)-1 < 0', '(signed char)-1 < 0',
  // Precedence and associativity.
  '2 + 3 * 4', '(2 + 3) * 4', '10 - 3 - 2', '100 / 10 / 5', '1 << 2 + 1', '1 < 2 == 1', '3 & 5 | 2 ^ 7', '1 || 0 && 0',
  '5 > 3 > 1', '-5 / 2 * 2 + -5 % 2', '1 - - 1', '1 +* &g_matrix[1][0]', '255 & ~0xf', '!0 + !1', '1 == 1 == 1', '3 * (1, 2)',
  // The conditional, comma and logical operators.
  '1 ? 2 : 3', '0 ? 2 : 0 ? 3 : 4', '1 ? 2 : 0 ? 3 : 4', "1 ? 'a' : 2", "0 ? 'a' : 2", 'g_flag ? g_short : g_ushort',
  '(1, 2)', '0 ? 1 : 2, 3', 'g_nodes[2].next ? 1 : 2', '1.5 ? 2 : 3', '1 ? &g_points[0] : 0', '0 ? &g_points[0] : 0',
  'g_nodes[0].next && g_nodes[1].next', 'g_nodes[2].next || g_flag', '0 && *(int *)0', '1 || *(int *)0', '0.0 || 0',
  '1.5 && 2', '0 && nosuch', '1 ? 2 : nosuch', '1 ? 2 : *(int *)0',
  // Floating point.
  '10 / 3.0', '1.0f / 3', '(float)1 / 3', '(double)1 / 3', '0.1 + 0.2', '0.1f + 0.2f', "1.5 + 'a'", '7 / 2.0f', '7.5 / 2',
  '3.0f * 1.1f', '1.0 / 3 * 3', '1.0 / 0', '-1.0 / 0', '0.0 / 0', '-(0.0 / 0)', '(float)(0.0 / 0)', '1e308 * 10',
  '1e300 * 1e300 - 1e300 * 1e300', '1e-320 / 10', '{double}&g_points[3]', '{float}&g_points[3].y', '{double}g_matrix', '1.5 % 2', '1.5 << 1', '1.5 & 1', '2.5 == 2.5f', '1.5 > 1', '2.0 * 0.5 == 1',
  '0.0 / 0 == 0.0 / 0', '0.0 / 0 != 0.0 / 0', '1.0f + 16777217', '3.4028235e38f * 2',
  // long double: IEEE binary128 on RV32. (gdb 13 computes it with MPFR, and its conversion back gives 0 for a
  // binary128 subnormal such as 1e-4940L and an odd positive NaN for 0.0L / 0: those are left out.)
  '0.1L', '1.0L / 3', '(long double)1 / 3', '0.1L + 0.2L', '0.1L * 3 - 0.3L', '1.0L + 1e-30L', '-0.1L', '1.5L * 2', '1e4000L',
  '(long double)1e308 * 10', '1.0L / 0', '(long double)g_big', '(long double)9007199254740993LL',
  '(long double)g_ubig / 3', '(long long)1e30L', '(int)2.9L', '(double)(1.0L / 3)', '(float)(1.0L / 3)', '1.0L / 3 == 1.0 / 3',
  '1.0L / 3 > 1.0 / 3', '2.5L - 2.5L', '(long double)0.1f', 'sizeof(1.0L / 3)', '1.0L / 3 ? 1 : 0', '!0.0L',
  // Casts.
  '(char)65', '(char)200', '(signed char)200', '(unsigned char)300', '(int)(char)321', '(unsigned)(char)-1', '(short)g_typedefd',
  '(unsigned short)g_typedefd', '(char)g_typedefd', '(long long)g_typedefd', '(long long)(int)g_typedefd',
  '(unsigned long long)-1', '(u32)-1', '(unsigned)-1', '(signed)-1', '(long unsigned int)-1', '(short unsigned)-1',
  '(unsigned long long int)1 << 63', '(long long unsigned)1', '(const int)5', '(int const)5', '(_Bool)3', '(_Bool)0.5',
  '(enum color)5', '(enum color)1', '(enum flags)3', '(enum flags)12', '(enum color)GREEN', '(int)BLUE', '(enum color)g_points',
  '(int)2.7', '(int)-2.7', '(unsigned char)-1.5', '(unsigned)-1.0', '(long long)1e20', '(int)1e20', '(long long)(0.0 / 0)',
  '(long long)1.5e18', '(float)16777217', '(float)9007199254740993LL', '(double)9007199254740993LL', '(float)0x7fffffffffffffff',
  '(float)g_big', '(double)g_ubig', '(float)1e40', '(double)(float)0.1', '(long double)1.5',
  '(int *)0x80001000', '(int *)g_points', '*(int *)g_points', '(struct point *)&g_matrix', '*(struct point *)&g_matrix',
  '(char *)g_message', '(const char *)g_message', '(void *)g_message', '(volatile unsigned char *)0', '(int * const)0',
  '(const char * const *)0', '(int (*)[3])g_matrix', '*(int (*)[3])g_matrix', '(char (*)[])0', '(int (*)(int, int))add',
  '(void (*)())0', '(int (*)(void))0', '(int (*)(int, ...))0', '(binop_t)g_op', '(binop_t)0', '(int *[2])0',
  '(struct point)g_points[1]', '(struct point)1', '(struct point)g_big', '(int [2])g_big', '(char [8])g_big', '(union word)5',
  '(union word)g_typedefd', '(float)g_points[1]', '(int)g_points[1]', '(void)5', '(int)(void)5', '(int *)1.5',
  '(double)&g_points[1]', '(int)&g_points[1]', '(unsigned)&g_points[1]', '(long)g_message', '(int *)0x100000000', '(int *)-1',
  '(struct nosuch *)0', '(union nosuch *)0', '(enum nosuch)0', '(nosuch_t)0', '(long char)1', '(double long)1',
  '(unsigned char unsigned)1', '(int int)1', '(unsigned)', '(struct)0', '(int)', '(struct point',
  '{int}&g_matrix[1]', '{struct point}g_points', '{char}g_message', '{unsigned char}&g_typedefd',
  // sizeof and _Alignof.
  'sizeof(int)', 'sizeof(char)', 'sizeof(short)', 'sizeof(long)', 'sizeof(long long)', 'sizeof(float)', 'sizeof(double)',
  'sizeof(long double)', 'sizeof(void)', 'sizeof(int *)', 'sizeof(int [3])', 'sizeof(int (*)[3])', 'sizeof(int *[2][3])',
  'sizeof(struct point)', 'sizeof(shape_t)', 'sizeof(union word)', 'sizeof(enum color)', 'sizeof(u32)', 'sizeof(binop_t)',
  'sizeof(u32 *) * 2', 'sizeof g_points', 'sizeof g_points / sizeof g_points[0]', 'sizeof(g_shape.bits)', 'sizeof(add)',
  'sizeof(1 == 1)', 'sizeof(1 - 1ll)', "sizeof(1 + 'a')", 'sizeof(g_short + g_short)', 'sizeof(&g_points[1] - &g_points[0])',
  'sizeof(*(int *)0)', 'sizeof(1 / 0)', 'sizeof(int) - 5', 'sizeof(nosuch)', 'sizeof(g_counter = 3)', 'sizeof(add(1, 2))',
  'sizeof(g_counter++)', '_Alignof(int)', '_Alignof(double)', '_Alignof(long long)', '_Alignof(struct point)',
  '_Alignof(shape_t)', '_Alignof(char [5])', 'sizeof int', 'sizeof u32', 'sizeof(int)[0]',
  // Pointer arithmetic and comparisons; arrays and functions decay.
  '&g_points[1]', '&g_points[1] + 1', '&g_points[3] - &g_points[0]', '&g_points[0] - &g_points[3]', 'g_points + 1', '1 + g_points',
  'g_points - 1 + 2', '*(g_points + 2)', '(g_points + 2)->x', 'g_points->y', 'g_points.x', '&g_matrix[0][0] + 1', 'g_matrix + 1',
  '*g_matrix', 'g_matrix[1] + 2', '*(g_matrix[1] + 2)', '&g_matrix', '&g_matrix + 1', 'g_message + 1', '*g_message',
  '&g_points[1] - &g_matrix[0][0]', '&g_points[1] + &g_points[0]', '&g_points[1] * 2', '2 - &g_points[1]',
  '(char *)&g_points[1] - (char *)&g_points[0]', '(void *)&g_points[1] - (void *)&g_points[0]', '(void *)g_points + 3',
  '&g_points[1] + 1.5', 'g_cv_ptr + 1', '*g_cv_ptr', 'g_nodes[0].name + 1', 'g_nodes[0].name[1]', 'g_nodes[0].next->next->value',
  'g_nodes[0].next->next->next', 'g_nodes[2].next->value', 'g_points == &g_points[0]', '&g_points[1] > &g_points[0]',
  '&g_points[1] <= &g_points[0]', '&g_points[1] >= &g_points[1]', 'g_nodes[0].next != 0', 'g_nodes[2].next == 0',
  '!g_nodes[2].next', '&g_points[1] == 1.5', '&g_points[1] < 5', '&g_points[0] == &g_matrix[0][0]',
  '&g_points[0] < &g_matrix[0][0]', 'g_op == add', 'g_op == &add', 'g_op != mul', 'g_op < mul', 'add', '&add', '*add', 'add + 1',
  '&add + 1', 'main', '*g_op', '&*g_points', '&g_points', '*&g_points', 'sizeof &g_points', '&((struct point *)0)->y',
  '((struct point *)0)->y', '&g_shape.bits.count', '&g_shape.corner[2]', '&g_shape.label', '*g_shape.label@3', '*(int *)0',
  '*0x80200000', '*1', '&1', '&(g_counter + 1)', '&*&g_points[1]', '&"abc"', '"abc" + 1', 'g_message == "hello, symbols"',
  // gdb's @ operator.
  '*g_message@5', 'g_message[0]@5', 'g_points[1]@2', 'g_matrix[0][0]@6', 'g_points[0].x@3', 'g_points[0]@0', '1@2',
  'g_zeros[0]@-1', 'g_points[1]@1.5', '*g_points@0x2', 'g_bytes[0]@sizeof(g_bytes)', 'g_zeros[1]@2 + 1', 'g_points[0]@g_flag',
  'g_zeros[0]@100000',
  // Members, indexing and their errors.
  'g_counter.x', 'g_counter->x', 'g_points[1].z', 'g_points[1][0]', 'g_counter[0]', 'g_color[0]', 'g_typedefd[0]', 'add[0]',
  'g_shape.tag[0]', 'g_shape.tag.byte[1]', 'g_shape.bits.delta + 1', 'g_shape.bits.kind - 6', 'g_shape.bits.count * 2',
  'g_shape.corner[1].x * g_shape.corner[2].y', 'g_shape.color == GREEN', 'g_nodes[1].name', 'g_points[1.5]', '1[g_points]',
  // Enumerators and booleans.
  'BLUE', 'BLUE + 1', 'RED', 'F_READ | F_EXEC', 'g_color - 10', 'g_flags & F_EXEC', 'g_flags | F_WRITE', 'g_flags ^ 1',
  'g_color < 10', 'g_color == BLUE', 'g_color * 2', 'g_flag + g_flag', 'g_flag & g_flag', 'g_flag == 1', 'g_flag * 3',
  'g_flag < g_flag', '(_Bool)2 + (_Bool)1', 'g_flag == true',
  // Structs and unions with operators.
  'g_points[0] == g_points[1]', 'g_points[0] + 1', '1 + g_points[0]', '-g_points[0]', '!g_points[0]', '~g_points[0]',
  'g_points[0] ? 1 : 2', 'g_points[0] && 1', 'g_shape.tag == g_shape.tag', 'g_shape.tag + 1', '-g_shape.tag',
  '1.5 == g_points[0]', 'g_points[0] == 1',
  // Names: scopes, quoting, symbols without debug information, types as expressions.
  'nosuch', 'nosuch + 1', "'g_counter'", "'symbols.c'::g_counter", "'symbols.c'::s_calls", "'lists.c'::g_counter",
  "'shapes.h'::g_counter", "'nosuch.c'::x", "'symbols.c'::nosuch", 'main::total', 'main::squares[1] + 1', '&main::total',
  'main::nosuch', 'add::a', 'g_counter::x', 'nosuchfn::x', 'g_counter@entry', 'nosuch@entry', '_start', '&_start', '__stack',
  '&__stack', '(int)__stack', '__global_pointer$', '&__global_pointer$', '__data_start', '*(int *)&__data_start', '(int)__data_start',
  '(struct point)__data_start', 'sizeof(__data_start)', '__data_start + 1',
  'int', 'unsigned', 'struct point', 'struct point *', 'u32', 'u32 *', 'int[3]', 'u32 + 1', '1 + int', '1 + u32', 'int + 1',
  'u32 x', '-u32', 'true',
  // Registers and convenience variables.
  '$pc', '$pc + 4', '$sp', '$sp + 16', '$gp', '$tp', '$fp', '$s0', '$x8', '$ra', '$ra + 2', '$a0 + 1', '$zero', '$x5 == $t0',
  '$fp - $sp', '&$pc', '*$sp', '*(int *)$sp', '$sp->x', '$foo', '$foo + 1', '$foo == 0', '$_', '$pc@2',
  // Syntax and lexical errors.
  '1 +', '(1', '1 2 3', ')', '1 # 2', "'a", '"abc', '1.2.3', '(1 2)', '((int) 1 2)', '1 + (2 3)', 'g_points[1 2]',
  'g_points[', 'g_points[1', 'g_points.', 'g_points->', "'a' 'b'", 'g_points[1] x', '1 ? 2', '1 ?: 3', '1 : 2',
  '(struct point *)g_points)', '(struct point *)', 'sizeof()', 'sizeof(int', '@', '1 ? 2, 3 : 4', 'g_counter g_flag', '-',
  '1 + *', '[1]', '((1)',
];

const EXPRESSIONS_AT_LEAF = [
  'depth', 'depth == 0', 'depth + 1', 'depth != 0 && where.x > 3', 'where', 'where.x + where.y', 'where.y - depth', '&where',
  '&depth', '&where.x', 'where->x', 'where ? 1 : 2', 'where == where', 'where + 1', '1 + where', '-where', '!where',
  'where && 1', '(float)where', '(int)where', '(struct point)depth', 'depth@entry', 'where@entry', 'depth@entry + 1',
  'g_counter@entry', 'recurse::depth', 'recurse::next', 'main::origin', 'main::squares[1] + 1', 'add::a', '$a0 == depth',
  '$ra', '$pc', 'leaf', '$sp', 'sizeof(where)', '&recurse::next', 'where[0]', 'depth[0]', 'where.z',
];

const EXPRESSIONS_AT_AREA = [
  's', '*s', 's->corner[1].x - s->corner[0].x', 's->label', 's->label + 1', '*s->label@4', 's->bits.count', '&s->bits.count',
  '&s->bits.delta', 's->corner + 1', '&s->corner[2] - &s->corner[0]', 's == &g_shape', 's->tag.byte[0] + s->tag.byte[3]',
  'a', 'b', 'b - a', 'c->y', 'twice', 's@entry', '(char *)s->label', '(long)s', 's->color', 's->color + 1',
  's[0].color == GREEN', 'sizeof(*s)', 'sizeof s->corner', 's->corner[1]@2', 's.color', 's->corner->y', '*a', 'a->x - c->x',
];

const EXPRESSIONS_AT_FILL = [
  'out', 'out[0]', 'out[i]', 'out + i', '*out@n', 'n', 'n@entry', 'n - 1', 'seed', 'seed@entry * 2', 'i', 'i < n', 'i + 1', 'v',
  'v ^ (v >> 3)', '&v', '&i', '&n', 'out@entry', '&seed', 'fill', '$a0', 'i@entry', 'out[i - 1] == ((seed * i) ^ ((seed * i) >> 3))',
];

const EXPRESSIONS_AT_SCALE = [
  'v', 'factor', 'shift', 'v * factor', 'v * factor >> shift', 'v / factor', 'v % factor', 'v >> 63', 'v < 0', '-v', '~v',
  'shift + 1', 'shift << 8', '(char)shift', 'shift@entry', 'factor * 2', 'factor == -7', '(unsigned short)factor',
  'v == g_big', 'sizeof(v * factor)', 'sizeof(shift + shift)', 'sizeof(factor)', 'r', 'v & 0xffffffff', '(int)v',
  '(unsigned)v >> 4', 'v + 0.5', '(float)v',
];

const EXPRESSIONS_IN_LISTS = [
  'n', 'n->value', 'n->name', 'n->next', 'n->next->name', '*n', 'head == n', 'total + v', 'v', 'head->next - head', 'n[1]',
  'n[1].value', 'g_counter', 's_calls', 'g_message', 'sizeof(struct node)', 'struct node', '(struct node *)0 + 1', 'BLUE',
  'sum_list', 'total', 'n->next ? n->next->value : -1', '*n->name@3', 'n->name[0] == \'t\'',
];

/**
 * Expressions gdb 13.1 cannot evaluate in some builds: it aborts with
 * "Recursive internal problem." (taking the session down) on a binary
 * integer operator whose operand is scale's `v` where `v` lives in a
 * register pair (-Og and -O2). Left out there; the -O0 builds print them.
 */
const SCALE_V_BINARY = ['v * factor', 'v * factor >> shift', 'v / factor', 'v % factor', 'v < 0', 'v == g_big', 'sizeof(v * factor)', 'v & 0xffffffff'];
const GDB_CRASHES = { Og: SCALE_V_BINARY, O2: SCALE_V_BINARY, 'O2-dwarf4': SCALE_V_BINARY };

const EXPRESSION_STOPS = [
  { at: 'lists.c:10', print: EXPRESSIONS_IN_LISTS },
  { at: 'leaf', print: EXPRESSIONS_AT_LEAF },
  { at: 'area', print: EXPRESSIONS_AT_AREA },
  { at: 'symbols.c:84', print: EXPRESSIONS_AT_FILL },
  { at: 'scale', print: EXPRESSIONS_AT_SCALE },
  { at: 'symbols.c:120', print: EXPRESSIONS_AT_MAIN },
];

/** Expressions over other programs: stdint typedefs, 64-bit members, static const tables, function pointers, extern arrays. */
const OTHER_EXPRESSION_SESSIONS = [
  { name: 'sha256', elf: 'guests/build/sha256.elf', args: '4', stops: [
    { at: 'sha256_compress', print: [
      'h', 'h[0]', '*h@8', 'h[7] ^ h[0]', 'p', '*p@4', 'p[0] << 24 | p[1] << 16', '(uint32_t)p[0] << 24', 'K', 'K[1]', 'K[63] >> 28',
      'sizeof K / sizeof K[0]', 'H0[0] + H0[1]', '&K[4] - &K[0]', '&K[4]', '(uint8_t)K[0]', '(uint16_t)H0[2]', 'sizeof(struct sha256)',
      '((struct sha256 *)h)->used', '((struct sha256 *)h)->length', '((struct sha256 *)h)->length + 1', '_Alignof(struct sha256)',
      '(uint64_t)h[0] << 32 | h[1]', '~h[0]', '-h[0]', 'h[0] > h[1]', 'h[0] * 2u', '(int32_t)h[0]', '(uint32_t *)p', '(const uint8_t *)h',
      'sizeof(uint64_t)', 'sizeof(uint8_t)', '(uint64_t)-1', '(int64_t)-1 >> 1', '(uint8_t)300', '(int8_t)200', 'rotr',
      'sha256_compress', '&sha256_compress', '*sha256_init', 'K[0]@3', 'K + 1', '*(K + 1)', 'H0 == K', 'p[0] == 0x61',
      'sizeof(w)', 'sizeof(h)', 'w[0]', 't',
    ] },
  ] },
  { name: 'mini-kernel', elf: 'guests/build/mini-kernel.elf', args: '', stops: [
    { at: 'task_init', print: [
      't', 't->id', 'id', 'name', '*name@4', 'entry', '*entry', 't - tasks', '&tasks[1] - t', 't == &tasks[id]', 'tasks[0].frame.x[1]',
      'task_stacks[id] + 4096', 'task_stacks[1] - task_stacks[0]', '(uint32_t)(uintptr_t)task_stacks[1]', 'sizeof(struct task)',
      'sizeof tasks / sizeof tasks[0]', 'TASK_RUNNABLE', 'TASK_KILLED + 1', '(enum task_state)1', '(enum task_state)7',
      't->state == TASK_RUNNABLE', 'count', 'count.writes + count.yields', '__global_pointer$', '&__global_pointer$',
      '*__global_pointer$@4', '__global_pointer$ + 4', 'sizeof(__global_pointer$)', 'kernel_tp', 'current', 'current == 0', '!current',
      'boot_frame.pc', 'sizeof(boot_frame.x) / sizeof(uint32_t)', '(uint8_t)id', '(int8_t)-1', '(uint64_t)1 << 40', 'trace ? 1 : 0',
      'system_call', '&kernel_trap', 'tasks[1].name', 'STACK_SIZE', 'sizeof(struct trap_frame)', '&t->frame.pc', '&t->log[1]',
      't->log[0]', '*t->log@8', 'producer_task', 'entry == producer_task', '(long)entry', '(void (*)(void))t->frame.pc',
    ] },
  ] },
];

/** Expressions over guests/expressions/values.c: floating point variables, flexible arrays, anonymous members ... */
const VALUES_STOPS = [
  { at: 'mix', print: [
    'x', 'y', 'z', 'n', 'x * n', 'x * n + y', 'x / y', 'y * 2', 'y + z', 'z * 3', 'x > y', 'y < 0', 'x == 3.25', '(int)x', '(float)x',
    '(long double)y', '-y', '!y', 'x ? 1 : 0', 'sizeof(y + 1)', 'sizeof(x * z)', 'x@entry', 'y@entry', 'n@entry', '(int)(x * 100) % 7',
    '&x', '&y', 'sum',
  ] },
  { at: 'walk', print: [
    'm', '*m', 'm->ratio', 'm->scale', 'm->word', 'm->bytes', 'm->bytes[3]', 'm->lo', 'm->hi', 'm->lo + m->hi', '&m->lo', '&m->hi',
    'm->flags', 'm->flags[2] + 1', 'm->level', 'm->level == LOW', 'm->level + 1', '-m->level', 'm->ratio * m->scale', 'words',
    '*words', 'words[1]', '*words[1]@3', 'words[1][2]', '**words', 'words[2]', 'words + 1', '*(words + 1)', 'count', 'w', '*w',
    'm@entry', 'sizeof(*m)', '(unsigned char)m->lo', 'm->word >> 24', 'm->bytes[0] == (m->word & 0xff)',
  ] },
  { at: 'values.c:87', print: [
    'g_double', 'g_float', 'g_long_double', 'g_doubles', 'g_doubles[2] * g_doubles[2] * g_doubles[2] * g_doubles[2]',
    'g_doubles[3] * g_doubles[3]', 'g_doubles[1] - g_doubles[0]', 'g_doubles[2] / 0', '-g_doubles[2] / 0',
    'g_doubles[2] * g_doubles[2] * g_doubles[2] * g_doubles[2] - g_doubles[2] * g_doubles[2] * g_doubles[2] * g_doubles[2]',
    'g_float * g_float', 'g_float + g_double', 'g_long_double * 3', 'g_long_double + g_float', '(double)g_long_double',
    '(float)g_long_double', 'g_long_double > g_double / 5', 'g_double * 1e308 * 10', '(int)g_float', '(unsigned char)g_float',
    '(long long)g_doubles[2]', 'g_doubles[0]@2', '&g_doubles[1]', '&g_doubles[1] + 1', '*&g_doubles[3]', 'sizeof g_doubles',
    'g_int8', 'g_int8 * 2', '(unsigned char)g_int8', 'g_int8 >> 1', 'g_u64', 'g_u64 + g_u64', 'g_u64 >> 63', '(int)g_u64', 'g_i64',
    'g_i64 - 6', '-g_i64', 'g_i64 < 0', 'g_i64 / -1', 'g_u64 * 3 / 3', 'g_packet', 'g_packet.head', 'g_packet.head.payload',
    'g_packet.head.payload[1]', '&g_packet.head.payload', 'sizeof(g_packet.head.payload)', 'sizeof(struct packet)',
    '*g_packet.head.payload@5', 'g_zero_tail', 'g_zero_tail.items', 'sizeof g_zero_tail', 'g_mixed', 'g_mixed.word',
    'g_mixed.bytes[1]', 'g_mixed.lo', 'g_mixed.hi * 2', 'g_mixed.flags', 'g_mixed.flags[0] + g_mixed.flags[2]', 'g_mixed.level',
    'g_mixed.ratio + g_mixed.scale', 'g_cplx', 'g_cplx[1]', 'g_cplx[1].re', 'g_cplx[1].re - 1', 'g_cplx[1].im + 1',
    '(cplx16_t *)&g_cplx[1]', 'sizeof(cplx16_t)', 'g_words', 'g_word_ptr', '*g_word_ptr', 'g_word_ptr[1]', 'g_word_ptr[1] + 2',
    '**g_word_ptr', 'g_word_ptr + 2', '*g_word_ptr[1]@2', 'g_grid', 'g_grid[1]', 'g_grid[1][1]', 'g_grid + 1', '*(g_grid + 1)',
    '&g_grid[2]', 'g_ops', 'g_ops[0]', '*g_ops[1]', 'g_ops[0] == plus', 'g_ops[1] == minus', 'g_ops[0] != g_ops[1]', 'plus',
    '&minus', 'g_level', 'g_level + LOW', 'LOW', 'LOW - 1', '(enum level)-2', '(enum level)1', 'HIGH > LOW', 'local_d', 'total',
    'local_d * 2', 'local_d > total', '(long)local_d', 'sizeof(local_d)', '{double}&g_doubles[2]', '{float}&g_float', '{long double}&g_long_double',
  ] },
];

/**
 * gdb's `print` of every expression at the stops, in symbols-O0, -Og, -O2 and
 * the DWARF 4 builds, and in other programs (the ELFs are committed; nothing
 * is rebuilt).
 */
async function writeExpressions() {
  const dir = join(OUT, 'expressions');
  mkdirSync(dir, { recursive: true });
  const gdbVersion = run(GDB, ['--version']).split('\n')[0];
  const qemuVersion = run(QEMU, ['--version']).split('\n')[0];
  let port = 23550;
  const sessions = ['O0', 'Og', 'O2', 'O0-dwarf4', 'O2-dwarf4'].map((v) => {
    const crashes = new Set(GDB_CRASHES[v] ?? []);
    const stops = EXPRESSION_STOPS.map((s) => ({ ...s, print: s.print.filter((e) => !(s.at === 'scale' && crashes.has(e))) }));
    return { name: `symbols-${v}`, elf: `guests/symbols/build/symbols-${v}.elf`, args: '', stops };
  });
  const values = ['O0', 'O2'].map((v) => ({ name: `values-${v}`, elf: `guests/expressions/build/values-${v}.elf`, args: '', stops: VALUES_STOPS }));
  for (const session of [...sessions, ...values, ...OTHER_EXPRESSION_SESSIONS]) {
    const tmp = mkdtempSync(join(tmpdir(), 'symbols-expr-'));
    const { out, dataLo } = await gdbSession(session, port++, tmp, ['info registers']);
    const recorded = parseGdb(out, session, tmp, dataLo);
    if (recorded.length !== session.stops.length) throw new Error(`${session.name}: ${recorded.length} of ${session.stops.length} stops reached:\n${out}`);
    const golden = {
      about: [`${gdbVersion} against ${qemuVersion} (-M virt -bios none -s -S) running ${session.elf}` +
        (session.args !== '' ? ` with -append "${session.args}"` : ''),
        'At each stop: what gdb printed for each expression, the registers, and memory (raw DEFLATE, base64) dumped there:',
        `the writable sections and the stack from sp - ${STACK_BELOW_SP} to __stack. Regenerate: node scripts/gen-symbols-golden.mjs expressions`],
      elf: session.elf,
      args: session.args,
      stops: recorded,
    };
    writeFileSync(join(dir, `${session.name}.json`), JSON.stringify(golden, null, 1) + '\n');
    rmSync(tmp, { recursive: true, force: true });
    console.log(`expressions ${session.name}: ${recorded.reduce((n, s) => n + s.commands.filter((c) => c.command.startsWith('p ')).length, 0)} prints`);
  }
}

const parts = { objdump: writeObjdump, lines: writeLines, sweep: writeSweep, gdb: writeGdb, expressions: writeExpressions };

if ((only === undefined || only === 'objdump' || only === 'lines' || only === 'gdb') && existsSync(join(REPO, 'guests', 'symbols', 'Makefile'))) {
  run('make', ['-C', join(REPO, 'guests', 'symbols')], { stdio: 'inherit' });
}
for (const [name, fn] of Object.entries(parts)) {
  if (only === undefined || only === name) { await fn(); console.log(`wrote ${name}`); }
}
