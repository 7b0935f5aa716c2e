import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { record, replay } from '../src/api/index.js';
import { InputSource } from '../src/host/host-input.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { REPO, runCli } from './support/cli.js';
import { manifest } from './support/manifest.js';
import { hasTool } from './support/tools.js';

/**
 * guests/semihost makes every semihosting call Retrovisor implements through
 * the raw ebreak sequence and prints one line per check (see the comment at
 * the top of guests/semihost/semihost.c). These tests run it through the CLI
 * and the library API and compare its output with guests/expected/.
 *
 * Every run gets its own sandbox: a copy of guests/semihost/root plus the
 * things that must not live in the repository:
 *
 *   DIR/root/            copy of the fixture (data.txt), the semihosting root
 *   DIR/root/escape  ->  ../outside   (a symlink that leaves the root)
 *   DIR/root/link.txt -> data.txt     (a symlink that stays inside it)
 *   DIR/outside/secret.txt            must never be read, moved or removed
 *   DIR/victim.txt                    the guest tries to REMOVE "../victim.txt"
 */
const ELF = 'guests/build/semihost.elf'; // relative to REPO, the CLI's working directory
const FIXTURE = join(REPO, 'guests', 'semihost', 'root');
const EXPECTED = readFileSync(join(REPO, 'guests', 'expected', 'semihost.out'), 'latin1');
const EXPECTED_NO_ROOT = readFileSync(join(REPO, 'guests', 'expected', 'semihost-noroot.out'), 'latin1');
/** What the guest writes through WRITE on ":tt" opened "a" (stderr). */
const STDERR = 'semihost: this line went to stderr through WRITE on ":tt" opened "a"\n';
/** The status the guest passes to SYS_EXIT_EXTENDED. */
const EXIT_STATUS = 42;
const ARGS = ['alpha', 'beta'];
/** READC takes "x", READ on ":tt" the rest of the line. */
const STDIN = 'xyz\n';
const DATA = '0123456789abcdefghijklmnopqrstuvwxyz\n';
const SECRET = 'do not touch\n';
const VICTIM = 'do not remove\n';

const sandboxes: string[] = [];
afterAll(() => {
  for (const d of sandboxes) rmSync(d, { recursive: true, force: true });
});

interface Sandbox {
  readonly dir: string;
  readonly root: string;
}

function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'rv-semihost-'));
  sandboxes.push(dir);
  const root = join(dir, 'root');
  cpSync(FIXTURE, root, { recursive: true });
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'victim.txt'), VICTIM);
  symlinkSync('../outside', join(root, 'escape'));
  symlinkSync('data.txt', join(root, 'link.txt'));
  return { dir, root };
}

/** The sandbox is as sandbox() made it: the guest removed its scratch files and touched nothing outside the root. */
function expectUntouched(s: Sandbox): void {
  expect(readdirSync(s.root).sort()).toEqual(['data.txt', 'escape', 'link.txt']);
  expect(readFileSync(join(s.root, 'data.txt'), 'latin1')).toBe(DATA);
  expect(lstatSync(join(s.root, 'link.txt')).isSymbolicLink()).toBe(true);
  expect(readdirSync(join(s.dir, 'outside'))).toEqual(['secret.txt']);
  expect(readFileSync(join(s.dir, 'outside', 'secret.txt'), 'latin1')).toBe(SECRET);
  expect(readFileSync(join(s.dir, 'victim.txt'), 'latin1')).toBe(VICTIM);
  expect(existsSync(join(s.dir, 'stolen.txt'))).toBe(false);
}

const lines = (text: string) => text.split('\n');

describe('the semihost guest under retrovisor run', () => {
  it('prints exactly guests/expected/semihost.out, writes its stderr line and exits with status 42', async () => {
    const s = sandbox();
    const r = await runCli(['run', '--semihost-root', s.root, ELF, '--', ...ARGS], { input: STDIN });
    expect(r.stdoutBytes.toString('latin1')).toBe(EXPECTED);
    expect(r.stderr).toBe(STDERR);
    expect(r.status).toBe(EXIT_STATUS);
    expectUntouched(s);
  });

  it('sanity of the expected output: the checks that matter say what the spec says', () => {
    // A guard against regenerating expected/semihost.out from a broken build without reading it.
    const out = lines(EXPECTED);
    const want = [
      'READC: \'x\'',
      'READ ":tt" 16 bytes: returned 13, read "yz\\n"',
      'READ ":tt" at end of input: returned 16 (= length: end of file)',
      'READ ":semihosting-features" 5 bytes: returned 0, read "SHFB\\x03"',
      'FLEN "data.txt": 37',
      'READ "data.txt" 32 bytes (partial, at the end): returned 11, read "ghijklmnopqrstuvwxyz\\n"',
      'READ "data.txt" at end of file: returned 8 (= length: end of file)',
      'READ "data.txt" 5 bytes after the seek: returned 0, read "abcde"',
      'OPEN "missing.txt" r: -1, errno 2 (ENOENT)',
      'OPEN "../escape" r: -1, errno 13 (EACCES)',
      'OPEN "/etc/passwd" r: -1, errno 13 (EACCES)',
      'OPEN "escape/secret.txt" r (a symlink out of the root): -1, errno 13 (EACCES)',
      'OPEN "escape/created.txt" w (a new file through the symlink): -1, errno 13 (EACCES)',
      'CLOSE bad handle: -1, errno 9 (EBADF)',
      'ISTTY bad handle: -1, errno 9 (EBADF)',
      'WRITE "scratch.txt" 17 bytes: returned 0 (bytes not written)',
      'READ "scratch.txt" 64 bytes: returned 38, read "hello, host file\\nappended\\n"',
      'RENAME "renamed.txt" -> "../stolen.txt": nonzero, errno 13 (EACCES)',
      'REMOVE "../victim.txt": nonzero, errno 13 (EACCES)',
      '  length word = strlen: yes; after the program path: "alpha beta"',
      'GET_CMDLINE 4-byte buffer: -1, errno 22 (EINVAL)',
      'TICKFREQ: 10000000',
      'EXIT_EXTENDED: status 42',
    ];
    for (const w of want) expect(out).toContain(w);
    // Relations are printed as "...: yes" / "...: no"; under Retrovisor every one holds.
    expect(out.filter((l) => /: no(;|$)/.test(l))).toEqual([]);
  });

  it('without --semihost-root refuses every host-file operation with EACCES, while ":tt" still works', async () => {
    const r = await runCli(['run', ELF, '--', ...ARGS], { input: STDIN });
    const out = r.stdoutBytes.toString('latin1');
    expect(out).toBe(EXPECTED_NO_ROOT);
    expect(r.stderr).toBe(STDERR);
    expect(r.status).toBe(EXIT_STATUS);

    const got = lines(out);
    // Every OPEN, REMOVE and RENAME of a host path is refused with EACCES.
    const hostPathCalls = got.filter((l) => /^(OPEN|REMOVE|RENAME) "[^:]/.test(l));
    expect(hostPathCalls).toHaveLength(20);
    for (const l of hostPathCalls) expect(l).toMatch(/errno 13 \(EACCES\)$/);
    // The console and the features file do not depend on the root: those lines are as with a root.
    const consoleLines = (text: string) => lines(text).filter((l) => /":tt"|":semihosting-features"|^(READC|WRITEC|WRITE0)/.test(l));
    expect(consoleLines(out)).toEqual(consoleLines(EXPECTED));
    expect(consoleLines(out).length).toBeGreaterThanOrEqual(25);
    expect(got).toContain('WRITE ":tt" w: returned 0 (bytes not written)');
  });

  it('REMOVE and RENAME of a symlink inside the root act on the link, not on the file it points to', async () => {
    // SYS_REMOVE / SYS_RENAME name a directory entry (Arm semihosting v2, SYS_REMOVE and SYS_RENAME; POSIX remove(), rename()).
    // QEMU 7.2, which calls remove() and rename(), prints exactly these lines for the same sandbox.
    const s = sandbox();
    const r = await runCli(['run', '--semihost-root', s.root, ELF, '--', 'noconsole', 'links'], { input: STDIN });
    const got = lines(r.stdoutBytes.toString('latin1'));
    const from = got.findIndex((l) => l.startsWith('RENAME "link.txt"'));
    expect(got.slice(from, from + 6)).toEqual([
      'RENAME "link.txt" -> "link2.txt" (a symlink to data.txt): 0',
      'OPEN "data.txt" r after renaming the link: a handle',
      'REMOVE "link2.txt": 0',
      'OPEN "data.txt" r after removing the link: a handle',
      'FLEN "data.txt": 37',
      'OPEN "link2.txt" r: -1, errno 2 (ENOENT)',
    ]);
    expect(readFileSync(join(s.root, 'data.txt'), 'latin1')).toBe(DATA);
    expect(readdirSync(s.root).sort()).toEqual(['data.txt', 'escape']);
  });
});

describe('the semihost guest recorded and replayed', () => {
  it('replays the recording\'s output exactly after its host files are gone', async () => {
    const s = sandbox();
    const recordings = mkdtempSync(join(tmpdir(), 'rv-semihost-rvr-'));
    sandboxes.push(recordings);
    const file = join(recordings, 'semihost.rvr');
    const run = await record({
      program: join(REPO, ELF), args: ARGS, input: `at 0 ${JSON.stringify(STDIN)}\n`, semihostRoot: s.root, output: file,
    });
    expect(run.stdout).toBe(EXPECTED);
    expect(run.stderr).toBe(STDERR);
    expect(run.end).toBe('exit');
    expect(run.exitStatus).toBe(EXIT_STATUS);
    expectUntouched(s);

    const events = [...RecordingReader.open(file).chunks()].flatMap((c) => c.events);
    const sources = new Set(events.map((e) => e.source));
    for (const source of [InputSource.FileSystem, InputSource.CommandLine, InputSource.WallClock, InputSource.ConsoleRead]) {
      expect(sources.has(source), `the recording holds ${source} inputs`).toBe(true);
    }

    rmSync(s.dir, { recursive: true, force: true });
    expect(existsSync(s.root)).toBe(false);
    const again = replay(file);
    expect(again.stdout).toBe(run.stdout);
    expect(again.stderr).toBe(run.stderr);
    expect(again.end).toBe('exit');
    expect(again.exitStatus).toBe(EXIT_STATUS);
    expect(again.icount).toBe(run.icount);
    expect(again.digest).toBe(run.digest);
  });
});

/**
 * QEMU 7.2 as the reference: the same guest (without console reads, which
 * QEMU's multiplexed semihosting console cannot serve) in the same sandbox.
 * The lines listed here differ for reasons that are not Retrovisor bugs; any
 * other difference is one.
 */
const QEMU_DIFFERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^ISTTY ":tt" [rwa]:/, 'QEMU answers isatty() of its own stdin/stdout/stderr, which are pipes here'],
  [/^OPEN ":semihosting-features" w:/, 'refused either way; QEMU says EACCES, Retrovisor EINVAL (the spec names no errno)'],
  [/^(WRITE "data.txt" opened r|READ bad handle|WRITE bad handle):/, 'same result; QEMU leaves errno stale (ENOTTY from the ISTTY before)'],
  [/^(OPEN|RENAME|REMOVE) "(\.\.\/|\/|escape\/)/, 'QEMU does not confine host paths to a root'],
  [/^OPEN "escape\/created.txt" w/, 'QEMU does not confine host paths to a root'],
  [/^(RENAME "renamed.txt" -> "..\/stolen.txt"|REMOVE "renamed.txt")/, 'QEMU moved renamed.txt out of the root'],
  [/^(FLEN "scratch.txt" after appending|READ "scratch.txt" 64 bytes|FLEN "renamed.txt"):/, 'QEMU 7.2 writes a file opened "a" from offset 0'],
  [/^GET_CMDLINE buffer of length|^GET_CMDLINE 4-byte buffer/, 'refused either way; QEMU says E2BIG, Retrovisor EINVAL'],
  [/^TICKFREQ:/, 'QEMU counts ELAPSED in host nanoseconds (1 GHz); Retrovisor in timebase ticks'],
  [/^CLOCK:/, 'QEMU\'s CLOCK is host CPU time, which does not advance while wfi sleeps'],
  [/^ELAPSED: (counts the timebase|has its own clock)/, 'follows from TICKFREQ'],
];

function runQemu(cwd: string, args: readonly string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(manifest.qemu.binary, [...manifest.qemu.args, '-kernel', join(REPO, ELF), '-append', args.join(' ')], {
      cwd, stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('latin1') });
    });
    child.stdin.end();
  });
}

describe('the semihost guest against QEMU', () => {
  it('prints the same lines as QEMU 7.2 except where the host legitimately differs', async () => {
    if (!hasTool(manifest.qemu.binary)) return;
    const args = ['noconsole', 'links', ...ARGS];
    const qs = sandbox();
    const q = await runQemu(qs.root, args);
    const rs = sandbox();
    const r = await runCli(['run', '--semihost-root', rs.root, ELF, '--', ...args]);
    expect(r.status).toBe(q.status);
    const ql = lines(q.stdout);
    const rl = lines(r.stdoutBytes.toString('latin1'));
    expect(rl.length).toBe(ql.length);
    const unexplained = rl
      .map((line, i) => ({ retrovisor: line, qemu: ql[i] }))
      .filter((d) => d.retrovisor !== d.qemu && !QEMU_DIFFERS.some(([re]) => re.test(d.retrovisor)));
    expect(unexplained).toEqual([]);
  }, 60_000);
});
