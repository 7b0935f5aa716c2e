#!/usr/bin/env node
/**
 * Runs the guests listed in ../manifest.json under QEMU (the reference
 * machine) and compares what they print and their exit status with the
 * expected files.
 *
 *   node tools/qemu-check.mjs [names...]            compare (the default)
 *   node tools/qemu-check.mjs --update [names...]   rewrite expected/*.out and expectedExitCode
 *   node tools/qemu-check.mjs --measure [names...]  count instructions of the compute benchmarks
 *   node tools/qemu-check.mjs --tier quick          only one tier ("quick" or "bench")
 *
 * Guests with compareWithQemu = true and an expectedStdout are run as is;
 * guests with an icountReference also run under qemu.icountArgs (virtual
 * time from the instruction count) and are compared with that file.
 * --measure runs the guests whose ELF has a build/measure/ twin. Needs Node 20
 * and qemu-system-riscv32 (7.2 is the version the expected files come from).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const GUESTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST_PATH = join(GUESTS_DIR, 'manifest.json');
const DEFAULT_TIMEOUT_SECONDS = 120;

/** Parses the command line into a mode, a tier filter and guest names. */
function parseArgs(argv) {
  const options = { mode: 'check', tier: undefined, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--update') options.mode = 'update';
    else if (arg === '--measure') options.mode = 'measure';
    else if (arg === '--tier') options.tier = argv[++i];
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}; see the comment at the top of this file`);
    else options.names.push(arg);
  }
  return options;
}

/** Runs one guest under QEMU; resolves to its stdout bytes, exit status and stderr text. */
function runQemu(manifest, guest, { elf = guest.elf, extraArgs = [] } = {}) {
  const args = [...manifest.qemu.args, ...extraArgs, '-kernel', resolve(GUESTS_DIR, elf)];
  if (guest.args.length > 0) args.push('-append', guest.args.join(' '));
  const cwd = guest.semihostRoot ? resolve(GUESTS_DIR, guest.semihostRoot) : GUESTS_DIR;
  const timeoutMs = (guest.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  return new Promise((done, fail) => {
    const child = spawn(manifest.qemu.binary, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ stdout: Buffer.concat(out), status, stderr: Buffer.concat(err).toString(), timedOut });
    });
    child.stdin.on('error', () => {}); // the guest may power off before reading all of its input
    child.stdin.end(Buffer.from(guest.stdin ?? '', 'utf8'));
  });
}

/** A short description of where two outputs first differ. */
function firstDifference(actual, expected) {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  const lineNo = expected.subarray(0, i).toString('latin1').split('\n').length;
  const context = (b) => JSON.stringify(b.subarray(Math.max(0, i - 20), i + 40).toString('latin1'));
  return `first difference at byte ${i} (line ${lineNo}):\n    expected ${context(expected)}\n    actual   ${context(actual)}`;
}

function selectGuests(manifest, options, predicate) {
  return manifest.guests.filter(
    (g) =>
      predicate(g) &&
      (options.tier === undefined || g.tier === options.tier) &&
      (options.names.length === 0 || options.names.includes(g.name)),
  );
}

async function check(manifest, options) {
  const guests = selectGuests(manifest, options, (g) => g.compareWithQemu && g.expectedStdout);
  let failures = 0;
  let icountChecks = 0;
  for (const guest of selectGuests(manifest, options, (g) => g.icountReference)) {
    icountChecks++;
    const result = await runQemu(manifest, guest, { extraArgs: manifest.qemu.icountArgs });
    const expected = readFileSync(join(GUESTS_DIR, guest.icountReference));
    if (result.stdout.equals(expected) && result.status === guest.expectedExitCode) {
      console.log(`PASS ${guest.name} under ${manifest.qemu.icountArgs.join(' ')}`);
    } else {
      failures++;
      console.log(`FAIL ${guest.name} under -icount: status ${result.status}; ${firstDifference(result.stdout, expected)}`);
    }
  }
  for (const guest of guests) {
    const started = Date.now();
    const result = await runQemu(manifest, guest);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const expected = readFileSync(join(GUESTS_DIR, guest.expectedStdout));
    const problems = [];
    if (result.timedOut) problems.push('timed out');
    if (result.status !== guest.expectedExitCode)
      problems.push(`exit status ${result.status}, expected ${guest.expectedExitCode}`);
    if (!result.stdout.equals(expected)) problems.push(firstDifference(result.stdout, expected));
    if (problems.length === 0) {
      console.log(`PASS ${guest.name} (${seconds} s)`);
    } else {
      failures++;
      console.log(`FAIL ${guest.name} (${seconds} s): ${problems.join('; ')}`);
      if (result.stderr.trim()) console.log(`  qemu stderr: ${result.stderr.trim()}`);
    }
  }
  const total = guests.length + icountChecks;
  console.log(`${total - failures}/${total} runs match the expected output`);
  return failures === 0;
}

async function update(manifest, options) {
  const guests = selectGuests(manifest, options, (g) => g.compareWithQemu && g.expectedStdout);
  for (const guest of guests) {
    const result = await runQemu(manifest, guest);
    if (result.timedOut) throw new Error(`${guest.name} timed out under QEMU; expected files not written`);
    writeFileSync(join(GUESTS_DIR, guest.expectedStdout), result.stdout);
    guest.expectedExitCode = result.status;
    console.log(`wrote ${guest.expectedStdout} (${result.stdout.length} bytes), exit status ${result.status}`);
  }
  for (const guest of selectGuests(manifest, options, (g) => g.icountReference)) {
    const result = await runQemu(manifest, guest, { extraArgs: manifest.qemu.icountArgs });
    if (result.timedOut) throw new Error(`${guest.name} timed out under QEMU -icount; reference not written`);
    writeFileSync(join(GUESTS_DIR, guest.icountReference), result.stdout);
    console.log(`wrote ${guest.icountReference} (${result.stdout.length} bytes, QEMU -icount), exit status ${result.status}`);
  }
  writeFileSync(MANIFEST_PATH, JSON.stringify(manifest, null, 2) + '\n');
  return true;
}

/**
 * Instruction counts: build/measure/NAME.elf is NAME linked with
 * tools/measure.c, which prints the minstret delta around main. With
 * `-icount shift=0` QEMU's minstret is the exact retired-instruction count.
 */
async function measure(manifest, options) {
  const guests = selectGuests(manifest, options, (g) => existsSync(measureElf(g)));
  for (const guest of guests) {
    const result = await runQemu(manifest, guest, { elf: measureElf(guest), extraArgs: ['-icount', 'shift=0'] });
    const match = /measure: main retired (\d+) instructions/.exec(result.stdout.toString());
    const count = match ? Number(match[1]) : undefined;
    console.log(`${guest.name.padEnd(16)} ${count === undefined ? 'no count printed' : `${(count / 1e6).toFixed(1)} M`}`);
    if (count !== undefined) guest.instructions = count;
  }
  writeFileSync(MANIFEST_PATH, JSON.stringify(manifest, null, 2) + '\n');
  return true;
}

function measureElf(guest) {
  return join(GUESTS_DIR, 'build', 'measure', basename(guest.elf));
}

const options = parseArgs(process.argv.slice(2));
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8'));
const run = { check, update, measure }[options.mode];
const ok = await run(manifest, options);
process.exitCode = ok ? 0 : 1;
