/**
 * npm run bench: interpreter speed on the compute guests, as medians of
 * several runs measured side by side in one process. Later issues add
 * columns (record, replay, translator, QEMU) to the same table.
 *
 * Usage: npm run bench [-- --runs N] [--guests crc32,sort]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ElfFile } from '../src/elf/elf-file.js';
import { LiveHost } from '../src/host/live-host.js';
import { Stopwatch } from '../src/host/stopwatch.js';
import { GuestVm } from '../src/vm/guest-vm.js';

const GUESTS = ['crc32', 'sort', 'matmul', 'sha256', 'bytecode'];
const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Sample {
  readonly icount: number;
  readonly seconds: number;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

/** Runs a guest to completion once, live with no console; returns steps and seconds. */
function runOnce(elf: ElfFile, name: string): Sample {
  const host = new LiveHost({ commandLine: name });
  const vm = new GuestVm({ elf }, host);
  vm.board.onConsole = () => {};
  const watch = new Stopwatch();
  const stop = vm.runUntil(Infinity);
  const seconds = watch.seconds();
  if (stop.kind !== 'exit' || stop.status !== 0) throw new Error(`${name} did not exit cleanly: ${JSON.stringify(stop)}`);
  return { icount: vm.board.hart.icount, seconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function main(): void {
  const runs = Number(option('runs', '5'));
  const guests = option('guests', GUESTS.join(',')).split(',');
  console.log(`Retrovisor benchmark: ${runs} runs per guest, Node ${process.version}, medians\n`);
  console.log('| guest | instructions | interpreter MIPS (median) | min | max |');
  console.log('|---|---:|---:|---:|---:|');
  const medians: number[] = [];
  for (const name of guests) {
    const elf = new ElfFile(readFileSync(`${REPO}guests/build/${name}.elf`), name);
    const mips: number[] = [];
    let icount = 0;
    for (let i = 0; i < runs; i++) {
      const s = runOnce(elf, name);
      icount = s.icount;
      mips.push(s.icount / s.seconds / 1e6);
    }
    const m = median(mips);
    medians.push(m);
    console.log(`| ${name} | ${icount.toLocaleString('en-US')} | ${m.toFixed(1)} | ${Math.min(...mips).toFixed(1)} | ${Math.max(...mips).toFixed(1)} |`);
  }
  console.log(`\nMedian over guests: ${median(medians).toFixed(1)} MIPS (goal: at least 100).`);
}

main();
