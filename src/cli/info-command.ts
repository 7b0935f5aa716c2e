/** `retrovisor info`: what a recording holds. */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { INPUT_SOURCE_NAMES } from '../host/host-input.js';
import { BlockType, RecordingReader } from '../replay/recording-file.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('describe a recording: guest, machine, size, instructions, inputs by kind, checkpoints, completeness')
    .argument('<recording>', 'a .rvr file')
    .option('--json', 'print the description as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const info = describeRecording(file);
      if (opts.json === true) {
        process.stdout.write(JSON.stringify(info, null, 2) + '\n');
        return;
      }
      const row = (label: string, value: string) => `${label.padEnd(13)}${value}`;
      const lines = [
        row('recording', `${file} (${info.fileBytes} bytes, format ${info.formatVersion}, written by ${info.producer})`),
        row('status', info.complete ? 'complete' : `INCOMPLETE: the recorder stopped before its footer; replayable to icount ${info.icount}`),
        row('guest', `${info.program} ${info.args.join(' ')}`.trimEnd()),
        row(info.kind === 'kernel' ? 'kernel' : 'image', `sha256 ${info.imageSha256} (${info.imageBytes} bytes, embedded)`),
        ...(info.bootArgs === undefined ? [] : [row('command line', info.bootArgs)]),
        ...info.embedded.map((e) => row(e.role, `${e.name}: sha256 ${e.sha256} (${e.bytes} bytes, embedded)`)),
        row('machine', `virt, ${info.isa}, ${info.memory / (1024 * 1024)} MiB RAM, ${info.clock} clock`),
        row('instructions', `${info.icount}${info.end === undefined ? '' : ` (ended: ${info.end}${info.end === 'exit' ? `, status ${info.exitStatus}` : ''})`}`),
        row('inputs', `${info.inputs.total}${info.inputs.total === 0 ? '' : ` (${Object.entries(info.inputs.bySource).map(([k, v]) => `${k} ${v}`).join(', ')})`}`),
        row('event data', `${info.eventBytes} bytes in ${info.chunks} chunks; ${info.stateChecks} state checks every ${info.checkInterval} instructions`),
        row('checkpoints', String(info.checkpoints)),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

export function describeRecording(file: string) {
  const reader = RecordingReader.open(file);
  const bySource: Record<string, number> = {};
  let total = 0;
  let chunks = 0;
  let checks = 0;
  for (const c of reader.chunks()) {
    chunks++;
    checks += c.periodic.length;
    for (const e of c.events) {
      const name = INPUT_SOURCE_NAMES[e.source] ?? String(e.source);
      bySource[name] = (bySource[name] ?? 0) + 1;
      total++;
    }
  }
  const [image, ...others] = reader.images();
  const h = reader.header;
  return {
    fileBytes: statSync(file).size,
    formatVersion: reader.version,
    producer: h.producer,
    complete: !reader.incomplete,
    program: h.guest.program,
    args: h.guest.args,
    kind: h.guest.kind ?? 'program',
    bootArgs: h.guest.bootArgs,
    imageSha256: h.guest.image,
    imageBytes: image!.bytes.length,
    /** A kernel's initrd and disk image. */
    embedded: others.map((o) => ({ role: o.meta.role, name: o.meta.name, sha256: o.meta.sha256, bytes: o.bytes.length })),
    isa: h.machine.isa,
    memory: h.machine.memory,
    clock: h.clock,
    icount: reader.lastIcount(),
    end: reader.footer?.stop,
    exitStatus: reader.footer?.exitStatus,
    finalDigest: reader.footer?.finalDigest,
    inputs: { total, bySource },
    chunks,
    eventBytes: reader.blocks.filter((b) => b.type === BlockType.Events).reduce((n, b) => n + b.raw.length, 0),
    stateChecks: checks,
    checkInterval: h.digestInterval,
    checkpoints: reader.checkpoints().length,
  };
}
