#!/usr/bin/env node
/**
 * Regenerates test/golden/stepping/: source-level stepping sessions of the
 * real gdb (gdb-multiarch 13) against QEMU's gdbstub (qemu-system-riscv32
 * 7.2), so that test/source-stepping.test.ts can replay the same commands
 * with Retrovisor's SourceDebugger and compare every stop, without gdb or
 * QEMU at test time.
 *
 *   node scripts/gen-step-golden.mjs            every guest
 *   node scripts/gen-step-golden.mjs sort       only the guests whose name contains "sort"
 *
 * A session starts a fresh QEMU (-M virt -bios none, semihosting, -S, the
 * guest's arguments with -append), runs to its first breakpoint, then runs
 * its commands one by one. After each command it records where gdb stopped:
 * the pc, the selected frame's function (an inlined function when gdb shows
 * one), the file and line of that frame, whether the frame is an inlined
 * one, the functions of the backtrace (gdb's ends at main), and whether a
 * breakpoint stopped the command; a command gdb refuses is recorded with its
 * error, and a session ends when the guest exits. Forward only: QEMU's
 * gdbstub cannot run backwards, so the test derives its reverse checks from
 * these forward runs.
 *
 * picolibc is built with line information, so gdb steps into printf,
 * strlen, memcpy and memset like into the guest's own functions (the only
 * functions without lines, skip_to_arg and __dtoa_engine, are never
 * reached). What the library has no call frame information for (memcpy-asm.S,
 * memset.S, strcmp.S, libgcc's __riscv_save_N) gdb still steps over.
 *
 * Commands: break SPEC | delete | continue | step [N] | next [N] | finish |
 * until [SPEC] | advance SPEC.
 * Unless a session says `keepBreakpoints`, each breakpoint is deleted as soon
 * as it is hit, so that stepping is not interrupted by it (a separate
 * session checks that interruption on purpose).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(REPO, 'test', 'golden', 'stepping');
const QEMU = 'qemu-system-riscv32';
const GDB = 'gdb-multiarch';
const only = process.argv[2];

const repeat = (cmd, n) => Array.from({ length: n }, () => cmd);

/**
 * The sessions of the symbols guest (guests/symbols/symbols.c, lists.c),
 * the same commands at -O0, -Og and -O2: what the commands reach differs
 * with the optimisation level, which is the point.
 */
const SYMBOLS_SESSIONS = [
  // Over every call of main, line by line.
  { name: 'main-next', commands: ['break main', 'continue', ...repeat('next', 22)] },
  // Into everything main calls, link_nodes' loop, lists.c, strlen (picolibc, with line information).
  { name: 'main-step', commands: ['break main', 'continue', ...repeat('step', 70)] },
  // Down the recursion to leaf and back out with step, then finish out of nested calls.
  { name: 'recurse-step', commands: ['break recurse', 'continue', ...repeat('step', 16), 'finish', 'finish', 'next', 'next', 'step', 'finish'] },
  { name: 'leaf-finish', commands: ['break leaf', 'continue', 'finish', 'finish', 'finish', 'finish', 'next', 'next'] },
  // square() is inlined at -Og and -O2: stepping into it and out.
  { name: 'square-inline', commands: ['break symbols.c:111', 'continue', ...repeat('step', 12), 'next', 'next'] },
  { name: 'square-finish', commands: ['break square', 'continue', 'finish', 'next', 'step', 'step'] },
  // Loops in lists.c.
  { name: 'sum-list', commands: ['break sum_list', 'continue', ...repeat('next', 10), 'finish', 'next', 'step', 'next', 'next', 'step', 'finish'] },
  { name: 'longest-name', commands: ['break longest_name', 'continue', ...repeat('next', 8), 'step', 'step', 'finish', 'next', 'next'] },
  // Calls through a function pointer (at -O2 apply tail-calls add, so the second finish is in main: gdb refuses it).
  { name: 'apply', commands: ['break apply', 'continue', 'step', 'step', 'finish', 'finish', 'step', 'step', 'step'] },
  // Into printf and vfprintf, whose prologue calls libgcc's __riscv_save_12; on past the end of main.
  { name: 'printf', commands: ['break symbols.c:121', 'continue', 'step', 'step', 'step', 'finish', 'finish', 'next', 'next'] },
  // Counted forms.
  { name: 'counts', commands: ['break main', 'continue', 'next 3', 'step 4', 'finish', 'next 2', 'step 3', 'next 5', 'step 2'] },
  // A breakpoint inside a call interrupts next and finish (breakpoints kept).
  { name: 'breakpoint-in-next', keepBreakpoints: true, commands: ['break main', 'break leaf', 'continue', ...repeat('next', 12), 'finish', 'next', 'next'] },
  // until without an argument: next, but not back round a loop (fill's for, sum_list's for in lists.c).
  { name: 'until-fill', commands: ['break fill', 'continue', 'next', 'next', 'next', ...repeat('until', 4), 'next', 'until', 'until'] },
  { name: 'until-sum-list', commands: ['break sum_list', 'continue', ...repeat('until', 8), 'finish', 'until', 'until', 'until'] },
  // until LOCATION in the current frame, advance LOCATION anywhere (into calls), both stopped when the frame returns.
  { name: 'until-location', commands: ['break main', 'continue', 'until symbols.c:111', 'advance area', 'until', 'until', 'finish', 'until symbols.c:119', 'advance symbols.c:121', 'until symbols.c:114'] },
  { name: 'until-recursion', commands: ['break recurse', 'continue', 'until symbols.c:64', 'until symbols.c:64', 'next', 'until'] },
  { name: 'advance-recursion', commands: ['break recurse', 'continue', 'advance symbols.c:64', 'advance symbols.c:64', 'advance leaf', 'advance symbols.c:113'] },
  { name: 'until-return', commands: ['break leaf', 'continue', 'until symbols.c:112', 'until symbols.c:120', 'advance lists.c:8'] },
];

/** The sessions of the bytecode interpreter (guests/compute/bytecode.c). */
const BYTECODE_SESSIONS = [
  { name: 'main-next', commands: ['break main', 'continue', ...repeat('next', 12)] },
  { name: 'main-step', commands: ['break main', 'continue', ...repeat('step', 40)] },
  { name: 'assemble-step', commands: ['break assemble', 'continue', ...repeat('step', 30), 'finish', 'next'] },
  { name: 'run-next', commands: ['break run', 'continue', ...repeat('next', 40)] },
  { name: 'native-next', commands: ['break native', 'continue', ...repeat('next', 30), 'finish'] },
  { name: 'emit-finish', commands: ['break emit_arg', 'continue', 'finish', 'finish', 'next', 'step', 'step', 'next'] },
];

const SESSIONS = [
  ...['O0', 'Og', 'O2'].map((v) => ({
    name: `symbols-${v}`, elf: `guests/symbols/build/symbols-${v}.elf`, args: '', sessions: SYMBOLS_SESSIONS,
  })),
  // The same units compiled by clang 14 (guests/symbols/Makefile), linked with gcc and picolibc.
  ...['O0', 'Og', 'O2'].map((v) => ({
    name: `symbols-clang-${v}`, elf: `guests/symbols/build/symbols-clang-${v}.elf`, args: '', sessions: SYMBOLS_SESSIONS,
  })),
  {
    name: 'sort', elf: 'guests/build/sort.elf', args: '1', sessions: [
      // The first lines of main: bench_iterations and the LCG loop (inlined), memcpy (assembly).
      { name: 'main-next', commands: ['break main', 'continue', ...repeat('next', 6)] },
      { name: 'main-step', commands: ['break sort.c:106', 'continue', ...repeat('step', 12)] },
      // Quicksort: inlined swap and insertion_sort, the recursion, finish out of it.
      { name: 'quicksort-step', commands: ['break quicksort', 'continue', ...repeat('step', 30), 'finish'] },
      { name: 'quicksort-next', commands: ['break quicksort', 'continue', ...repeat('next', 25)] },
      { name: 'quicksort-recursion', keepBreakpoints: true, commands: ['break quicksort', 'continue', 'continue', 'continue', 'delete', 'finish', 'finish', 'next', 'next', 'next'] },
      { name: 'insertion-sort', commands: ['break sort.c:35', 'continue', ...repeat('next', 12), ...repeat('step', 6)] },
      { name: 'merge-sort', commands: ['break sort.c:82', 'continue', ...repeat('step', 14), ...repeat('next', 6)] },
    ],
  },
  {
    name: 'sha256', elf: 'guests/build/sha256.elf', args: '1', sessions: [
      // strtoul and its inlined helpers, known_answer with sha256_init, to_hex and rotr inlined,
      // memcpy, memset and strcmp (assembly without call frame information), loops in sha256_compress.
      { name: 'main-step', commands: ['break main', 'continue', ...repeat('step', 30)] },
      { name: 'known-answer-next', commands: ['break known_answer', 'continue', ...repeat('next', 10), 'finish', 'next'] },
      { name: 'update-step', commands: ['break sha256_update', 'continue', ...repeat('step', 12), 'finish', 'next', 'next', 'step', 'step', 'finish', 'finish'] },
      { name: 'compress-next', commands: ['break sha256_compress', 'continue', ...repeat('next', 20), 'finish'] },
      { name: 'compress-step', commands: ['break sha256.c:48', 'continue', ...repeat('step', 20)] },
      { name: 'final-step', commands: ['break sha256_final', 'continue', ...repeat('step', 20), 'finish', 'next'] },
      { name: 'to-hex', commands: ['break sha256.c:133', 'continue', 'step', 'step', 'step', 'step', 'next', 'next', 'next', 'step', 'step'] },
    ],
  },
  // Guests the stepper was not developed against (added afterwards to check that it generalises).
  // The bytecode interpreter at -O2 (guests/build) and at -O0 and -Og (guests/build/stepping), the same sessions.
  ...['', '-O0', '-Og'].map((v) => ({
    name: `bytecode${v}`, elf: v === '' ? 'guests/build/bytecode.elf' : `guests/build/stepping/bytecode${v}.elf`, args: '1', sessions: BYTECODE_SESSIONS,
  })),
  {
    name: 'crc32', elf: 'guests/build/crc32.elf', args: '1', sessions: [
      { name: 'main-step', commands: ['break main', 'continue', ...repeat('step', 30)] },
      { name: 'main-next', commands: ['break main', 'continue', ...repeat('next', 5)] },
      { name: 'update-next', commands: ['break crc32_update', 'continue', 'next', 'next', 'finish', 'next', 'step', 'step', 'finish'] },
    ],
  },
  {
    name: 'matmul', elf: 'guests/build/matmul.elf', args: '1', sessions: [
      { name: 'main-next', commands: ['break main', 'continue', ...repeat('next', 8)] },
      { name: 'main-step', commands: ['break main', 'continue', ...repeat('step', 25)] },
    ],
  },
];

/** The Python driver: one JSON line per command, with the stop gdb reports after it. */
function driver(elfPath, port, session) {
  return `
import gdb, json
exited = [False]
hits = []
def on_exit(event):
    exited[0] = True
def on_stop(event):
    if isinstance(event, gdb.BreakpointEvent):
        hits.extend(b.number for b in event.breakpoints)
gdb.events.exited.connect(on_exit)
gdb.events.stop.connect(on_stop)
def quiet(cmd):
    gdb.execute(cmd, to_string=True)
for c in ['set pagination off', 'set confirm off', 'set width 0', 'set height 0', 'set print pretty off',
          ${JSON.stringify(`file ${elfPath}`)}, ${JSON.stringify(`target remote :${port}`)}]:
    quiet(c)
def where():
    f = gdb.selected_frame()
    sal = f.find_sal()
    frames = []
    physical = 0
    g = f
    try:
        while g is not None and len(frames) < 64:
            frames.append(g.name())
            physical += 0 if g.type() == gdb.INLINE_FRAME else 1
            g = g.older()
    except gdb.error:
        pass
    return {
        'pc': '0x%08x' % (int(f.pc()) & 0xffffffff),
        'function': f.name(),
        'file': sal.symtab.filename if sal.symtab is not None else None,
        'line': sal.line if sal.line != 0 else None,
        'inline': f.type() == gdb.INLINE_FRAME,
        'frames': frames,
        'physicalFrames': physical,
    }
def locations():
    return ['0x%08x' % (int(l.address) & 0xffffffff) for l in gdb.breakpoints()[-1].locations]
keep = ${session.keepBreakpoints === true ? 'True' : 'False'}
for cmd in ${JSON.stringify(session.commands)}:
    rec = {'command': cmd}
    del hits[:]
    try:
        text = gdb.execute(cmd, to_string=True).strip()
        if text != '':
            rec['gdb'] = text
    except gdb.error as e:
        rec['error'] = str(e)
    if cmd.startswith('break '):
        rec['addresses'] = locations()
        print('@@STEP ' + json.dumps(rec))
        continue
    if cmd == 'delete':
        print('@@STEP ' + json.dumps(rec))
        continue
    if exited[0]:
        rec['exited'] = True
        print('@@STEP ' + json.dumps(rec))
        break
    rec['stop'] = where()
    rec['breakpoint'] = len(hits) > 0
    if rec['breakpoint'] and not keep:
        quiet('delete')
    print('@@STEP ' + json.dumps(rec))
print('@@END')
if not exited[0]:
    quiet('kill')
`;
}

function waitForExit(child, ms) {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolvePromise(null); }, ms);
    child.on('close', (code) => { clearTimeout(timer); resolvePromise(code); });
  });
}

async function runSession(guest, session, port, tmp) {
  const elfPath = join(REPO, guest.elf);
  const script = join(tmp, `${session.name}.py`);
  writeFileSync(script, driver(elfPath, port, session));
  // The kernel path as the test gives it to `record` (relative to the repository): the guest's
  // command line (SYS_GET_CMDLINE) is that path and the arguments, on QEMU as in Retrovisor.
  const qemuArgs = ['-M', 'virt', '-bios', 'none', '-display', 'none', '-monitor', 'none', '-serial', 'none',
    '-semihosting-config', 'enable=on,target=native', '-kernel', guest.elf, '-gdb', `tcp::${port}`, '-S'];
  if (guest.args !== '') qemuArgs.push('-append', guest.args);
  const qemu = spawn(QEMU, qemuArgs, { cwd: REPO, stdio: ['ignore', 'ignore', 'ignore'] });
  const qemuDone = waitForExit(qemu, 600_000);
  await new Promise((r) => setTimeout(r, 300));
  let out;
  try {
    out = execFileSync(GDB, ['-batch', '-nx', '-x', script], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    qemu.kill('SIGKILL');
    await qemuDone;
  }
  const steps = [];
  let ended = false;
  for (const line of out.split('\n')) {
    if (line.startsWith('@@STEP ')) steps.push(JSON.parse(line.slice(7)));
    if (line === '@@END') ended = true;
  }
  if (!ended) throw new Error(`${guest.name} ${session.name}: the gdb session did not finish:\n${out}`);
  return { name: session.name, keepBreakpoints: session.keepBreakpoints === true, steps };
}

/** The golden file's text: one line per command, so that a regeneration's diff reads command by command. */
function format(golden) {
  const sessions = golden.sessions.map((s) => [
    `  { "name": ${JSON.stringify(s.name)}, "keepBreakpoints": ${s.keepBreakpoints}, "steps": [`,
    s.steps.map((step) => `    ${JSON.stringify(step)}`).join(',\n'),
    '  ] }',
  ].join('\n'));
  return [
    '{',
    ` "about": [\n${golden.about.map((l) => `  ${JSON.stringify(l)}`).join(',\n')}\n ],`,
    ` "elf": ${JSON.stringify(golden.elf)},`,
    ` "args": ${JSON.stringify(golden.args)},`,
    ` "sessions": [\n${sessions.join(',\n')}\n ]`,
    '}',
    '',
  ].join('\n');
}

const gdbVersion = execFileSync(GDB, ['--version'], { encoding: 'utf8' }).split('\n')[0];
const qemuVersion = execFileSync(QEMU, ['--version'], { encoding: 'utf8' }).split('\n')[0];
mkdirSync(OUT, { recursive: true });
let port = 23700;
for (const guest of SESSIONS) {
  if (only !== undefined && !guest.name.includes(only)) continue;
  const tmp = mkdtempSync(join(tmpdir(), 'step-gdb-'));
  const sessions = [];
  for (const session of guest.sessions) {
    const started = Date.now();
    sessions.push(await runSession(guest, session, port++, tmp));
    const s = sessions[sessions.length - 1];
    console.log(`${guest.name} ${session.name}: ${s.steps.length} commands (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  rmSync(tmp, { recursive: true, force: true });
  const golden = {
    about: [
      `${gdbVersion} against ${qemuVersion} (-M virt -bios none, semihosting, -kernel ${guest.elf}` +
        (guest.args !== '' ? ` -append "${guest.args}"` : '') + ', gdbstub).',
      'Each session starts the guest afresh. After each command, where gdb stopped: the selected frame\'s pc, function,',
      'file (as in the line table), line and whether it is an inlined frame; the backtrace\'s functions (gdb\'s ends at',
      'main) and how many are not inlined; whether a breakpoint stopped the command. error: gdb refused the command.',
      'Breakpoints are deleted once hit unless the session keeps them.',
      'Regenerate: node scripts/gen-step-golden.mjs (do not edit by hand).',
    ],
    elf: guest.elf,
    args: guest.args === '' ? [] : guest.args.split(' '),
    sessions,
  };
  writeFileSync(join(OUT, `${guest.name}.json`), format(golden));
  console.log(`wrote ${guest.name}.json`);
}
