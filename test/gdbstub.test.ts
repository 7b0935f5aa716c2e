/**
 * The GDB remote protocol stub (src/gdbstub) at the packet level, over real
 * sockets with an independent client (test/support/remote-client.ts): the
 * framing, acknowledgments and no-ack mode, run-length encoding and binary
 * escapes, the target description and memory map, registers and memory
 * against a straight replay, breakpoints, watchpoints with gdb's RISC-V
 * timing, reverse execution and the ends of history, Ctrl-C, refused writes,
 * monitor commands, and robustness: malformed packets, bad checksums, unknown
 * commands, fuzzed input and clients that disconnect mid-command.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../src/api/index.js';
import { DebugTarget } from '../src/debugger/debug-target.js';
import { PacketReader, checksum, encodeRunLength, escapeBinary, expandRunLength, framePacket, unescapeBinary, type WireEvent } from '../src/gdbstub/packet-codec.js';
import { RemoteProtocolServer } from '../src/gdbstub/remote-protocol-server.js';
import { LiveHost } from '../src/host/live-host.js';
import { REPO, runCli } from './support/cli.js';
import { RemoteClient, expandRle, frame } from './support/remote-client.js';
import { straightReplay } from './support/straight-replay.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-gdbstub-'));
const SYMBOLS_ELF = join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf');
const symbols = join(dir, 'symbols.rvr');
const crc = join(dir, 'crc32.rvr');

beforeAll(async () => {
  await record({ program: SYMBOLS_ELF, output: symbols });
  // Long enough (about 270 million instructions) that a continue or reverse-continue over it
  // takes some tenths of a second even with translation, for the Ctrl-C tests.
  await record({ program: join(REPO, 'guests', 'build', 'crc32.elf'), args: ['400'], output: crc });
}, 120_000);

// ------------------------------------------------------------------ helpers

interface Running {
  readonly server: RemoteProtocolServer;
  readonly target: DebugTarget;
  readonly port: number;
  readonly log: string[];
}

const servers: RemoteProtocolServer[] = [];
const clients: RemoteClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(recording: string): Promise<Running> {
  const target = new DebugTarget({ recording, watchTiming: 'pending' });
  const log: string[] = [];
  const server = new RemoteProtocolServer(target, { log: (l) => log.push(l) });
  servers.push(server);
  const port = await server.listen(0);
  return { server, target, port, log };
}

async function connect(port: number, noAck = true): Promise<RemoteClient> {
  const c = await RemoteClient.connect(port);
  clients.push(c);
  if (noAck) {
    expect(await c.request('QStartNoAckMode')).toBe('OK');
    c.ackMode = false;
  }
  return c;
}

/** Registers and memory from a replay of its own, to `icount`. */
const straight = straightReplay;

const le = (v: number) => Buffer.from(Uint32Array.of(v >>> 0).buffer).toString('hex');
const hexWord = (text: string) => Buffer.from(text, 'hex').readUInt32LE(0);

/** Fields of a T stop reply: signal, and its name:value pairs. */
function parseStop(reply: string): { signal: number; fields: Map<string, string> } {
  const m = /^T([0-9a-f]{2})(.*)$/.exec(reply);
  if (m === null) throw new Error(`not a stop reply: ${reply}`);
  const fields = new Map<string, string>();
  for (const part of m[2]!.split(';').filter((p) => p !== '')) {
    const i = part.indexOf(':');
    fields.set(part.slice(0, i), part.slice(i + 1));
  }
  return { signal: parseInt(m[1]!, 16), fields };
}

const stopPc = (reply: string) => hexWord(parseStop(reply).fields.get('20')!);

// ------------------------------------------------------------------ framing

describe('packet codec', () => {
  const events = (reader: PacketReader, text: string | Buffer) => reader.feed(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);

  it('frames with the modulo-256 checksum the manual gives', () => {
    // The manual's example: $m0,4#fd ... our framing of the same payload.
    expect(framePacket('m0,4').toString('latin1')).toBe(`$m0,4#${checksum('m0,4').toString(16).padStart(2, '0')}`);
    expect(checksum('OK')).toBe(0x9a);
    expect(framePacket('').toString('latin1')).toBe('$#00');
  });

  it('splits a stream into packets, acks and interrupts, across any chunking', () => {
    const stream = `+${frame('qSupported:swbreak+')}-\x03${frame('m80000000,4')}+`;
    const whole = events(new PacketReader(4096), stream);
    expect(whole.map((e) => e.kind)).toEqual(['ack', 'packet', 'nak', 'interrupt', 'packet', 'ack']);
    // Byte by byte gives the same events.
    const reader = new PacketReader(4096);
    const piecewise: WireEvent[] = [];
    for (const b of Buffer.from(stream, 'latin1')) piecewise.push(...reader.feed(Uint8Array.of(b)));
    expect(piecewise).toEqual(whole);
  });

  it('reports bad checksums, non-hex checksums, cut-short and oversized packets, then resynchronises', () => {
    const reader = new PacketReader(16);
    const out = events(reader, `$g#00$m0,4#zz$abc$qC#${checksum('qC').toString(16)}$${'x'.repeat(40)}#00noise${frame('?')}`);
    expect(out.map((e) => e.kind)).toEqual(['bad-checksum', 'malformed', 'malformed', 'packet', 'malformed', 'packet']);
    expect(out.filter((e) => e.kind === 'packet').map((e) => (e as { payload: string }).payload)).toEqual(['qC', '?']);
  });

  it('keeps escaped bytes inside a packet (0x03 after an escape is data, not an interrupt)', () => {
    const payload = `X80000000,1:${escapeBinary('#')}`; // '#' travels as '}' 0x03
    const out = events(new PacketReader(64), frame(payload));
    expect(out).toEqual([{ kind: 'packet', payload }]);
  });

  it('escapes and unescapes every byte value', () => {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const escaped = escapeBinary(all);
    expect(escaped).not.toMatch(/[#$*]/);
    expect(unescapeBinary(escaped)).toBe(all);
  });

  it('run-length encodes text so that it expands back, never with # or $ as the count', () => {
    for (let n = 1; n < 300; n++) {
      const text = `a${'0'.repeat(n)}b`;
      const encoded = encodeRunLength(text);
      expect(expandRunLength(encoded)).toBe(text);
      expect(expandRle(encoded)).toBe(text);
      expect(encoded).not.toMatch(/\*[#$]/);
      if (n >= 5) expect(encoded.length).toBeLessThan(text.length);
    }
  });
});

// ------------------------------------------------------------------ session basics

describe('connection and queries', () => {
  it('acknowledges every packet until no-ack mode, and resends on -', async () => {
    const { port } = await serve(symbols);
    const c = await connect(port, false);
    const supported = await c.request('qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386');
    for (const f of ['PacketSize=4000', 'QStartNoAckMode+', 'qXfer:features:read+', 'qXfer:memory-map:read+', 'swbreak+', 'hwbreak+', 'ReverseContinue+', 'ReverseStep+']) {
      expect(supported.split(';')).toContain(f);
    }
    expect(c.acks).toEqual(['+']);
    // A bad checksum gets '-', and nothing else.
    c.sendRaw('$qC#00');
    c.send('qC');
    expect((await c.reply()).payload).toBe('QC1');
    expect(c.acks).toEqual(['+', '-', '+']);
    // The client asks for the last reply again.
    c.sendRaw('-');
    expect(await c.next()).toBe('QC1');
    const before = c.acks.length;
    expect(await c.request('QStartNoAckMode')).toBe('OK');
    c.ackMode = false;
    expect(await c.request('qC')).toBe('QC1');
    expect(await c.request('?')).toMatch(/^T05thread:1;/);
    expect(c.acks.length).toBe(before + 1); // only the ack of QStartNoAckMode itself
    expect(c.corrupt).toEqual([]);
  });

  it('answers the thread and process queries for one thread', async () => {
    const { port } = await serve(symbols);
    const c = await connect(port);
    expect(await c.request('qfThreadInfo')).toBe('m1');
    expect(await c.request('qsThreadInfo')).toBe('l');
    expect(await c.request('qC')).toBe('QC1');
    expect(await c.request('qAttached')).toBe('1');
    for (const id of ['0', '-1', '1', 'p1.1', 'p1.-1']) expect(await c.request(`Hg${id}`)).toBe('OK');
    expect(await c.request('Hc-1')).toBe('OK');
    expect(await c.request('T1')).toBe('OK');
    expect(await c.request('T2')).toMatch(/^E/);
    expect(await c.request('Hg2')).toMatch(/^E/);
    expect(Buffer.from(await c.request('qThreadExtraInfo,1'), 'hex').toString()).toMatch(/^hart 0, M-mode, icount 0$/);
    expect(await c.request('qSymbol::')).toBe('OK');
    expect(await c.request('vCont?')).toBe('vCont;c;C;s;S');
  });

  it('replies empty to what it does not support, and keeps answering', async () => {
    const { port } = await serve(symbols);
    const c = await connect(port);
    for (const p of ['vMustReplyEmpty', 'qTStatus', 'qOffsets', 'QNonStop:1', 'vRun;00', '!', 'qXfer:auxv:read::0,100', 'qGetTLSAddr:1,0,0', 'jUnknown', 'i', 'bx', '\u00ff']) {
      expect(await c.request(p)).toBe('');
    }
    expect(await c.request('qC')).toBe('QC1');
  });

  it('serves the target description in chunks, with the CPU, CSR and virtual features gdb knows', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    const read = async (object: string, annex: string, chunk: number) => {
      let doc = '';
      for (;;) {
        const r = await c.request(`qXfer:${object}:read:${annex}:${doc.length.toString(16)},${chunk.toString(16)}`);
        expect(r[0]).toMatch(/[ml]/);
        doc += r.slice(1);
        if (r[0] === 'l') return doc;
      }
    };
    const targetXml = await read('features', 'target.xml', 37);
    expect(targetXml).toContain('<architecture>riscv:rv32</architecture>');
    const includes = [...targetXml.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(includes).toEqual(['riscv-32bit-cpu.xml', 'riscv-32bit-csr.xml', 'riscv-32bit-virtual.xml']);
    const cpu = await read('features', includes[0]!, 0x7ff);
    expect(cpu).toContain('<feature name="org.gnu.gdb.riscv.cpu">');
    const regs = [...cpu.matchAll(/<reg name="([^"]+)"[^>]*regnum="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(regs.length).toBe(33);
    expect(regs[0]).toEqual(['zero', 0]);
    expect(regs[8]).toEqual(['fp', 8]);
    expect(regs[32]).toEqual(['pc', 32]);
    expect(cpu).not.toMatch(/ft0|fflags/); // no FPU
    const csr = await read('features', includes[1]!, 0x100);
    expect(csr).toContain('<feature name="org.gnu.gdb.riscv.csr">');
    expect(csr).toContain('<reg name="mstatus" bitsize="32" type="int" regnum="833"');
    expect(csr).toContain(`regnum="${65 + 0x341}"`);
    expect(csr).not.toMatch(/name="(time|timeh|seed)"/);
    expect([...csr.matchAll(/<reg /g)].length).toBe(target.readableCsrs().length);
    expect(await read('features', includes[2]!, 0x100)).toContain('<reg name="priv" bitsize="32" type="int" regnum="4161"');
    // Reading past the end gives an empty last chunk; unknown annexes and zero lengths are errors.
    expect(await c.request(`qXfer:features:read:target.xml:${targetXml.length.toString(16)},100`)).toBe('l');
    expect(await c.request('qXfer:features:read:nope.xml:0,100')).toBe('E00');
    expect(await c.request('qXfer:features:read:target.xml:0,0')).toBe('E00');
    expect(await c.request('qXfer:features:read:target.xml:ffff,10')).toMatch(/^E/);
    expect(await c.request('qXfer:features:read:target.xml')).toMatch(/^E/);
  });

  it('gives a memory map with the boot ROM read-only and every other address readable', async () => {
    const { port } = await serve(symbols);
    const c = await connect(port);
    const r = await c.request('qXfer:memory-map:read::0,1000');
    expect(r[0]).toBe('l');
    const regions = [...r.matchAll(/<memory type="(\w+)" start="0x([0-9a-f]+)" length="0x([0-9a-f]+)"\/>/g)]
      .map((m) => ({ type: m[1], start: parseInt(m[2]!, 16), length: parseInt(m[3]!, 16) }));
    expect(regions).toEqual([
      { type: 'ram', start: 0, length: 0x1000 },
      { type: 'rom', start: 0x1000, length: 0xf000 },
      { type: 'ram', start: 0x10000, length: 2 ** 32 - 0x10000 },
    ]);
  });
});

// ------------------------------------------------------------------ state

describe('registers and memory', () => {
  it('equal a straight replay at the same icount (g, p for x, pc, CSRs and priv, m)', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    const add = target.symbols.address('add')!;
    expect(await c.request(`Z0,${add.toString(16)},2`)).toBe('OK');
    const stop = await c.request('vCont;c');
    expect(stopPc(stop)).toBe(add);
    const expected = straight(symbols, target.icount);
    const g = await c.request('g');
    expect(g.length).toBe(33 * 8);
    const words = Array.from({ length: 33 }, (_, i) => hexWord(g.slice(i * 8, i * 8 + 8)));
    expect(words.slice(0, 32)).toEqual(expected.x);
    expect(words[32]).toBe(expected.pc);
    for (const n of [0, 1, 2, 10, 31]) expect(hexWord(await c.request(`p${n.toString(16)}`))).toBe(expected.x[n]);
    expect(hexWord(await c.request('p20'))).toBe(expected.pc);
    expect(hexWord(await c.request(`p${(65 + 0x301).toString(16)}`))).toBe(target.readCsr(0x301)); // misa
    expect(hexWord(await c.request(`p${(65 + 0x301).toString(16)}`)) & (1 << 5)).toBe(0); // no F
    expect(hexWord(await c.request(`p${(65 + 0xc00).toString(16)}`))).toBe(target.icount); // cycle counts steps
    expect(hexWord(await c.request(`p${(4161).toString(16)}`))).toBe(3); // M-mode
    expect(await c.request('p21')).toMatch(/^E/); // f0: no FPU
    expect(await c.request(`p${(65 + 0xc01).toString(16)}`)).toMatch(/^E/); // time: not described
    expect(await c.request('pzz')).toMatch(/^E/);
    // Memory: the stack and data, against the replay.
    const sp = expected.x[2]!;
    const m = await c.request(`m${sp.toString(16)},40`);
    expect(m.length).toBe(0x40 * 2);
    for (let i = 0; i < 0x40; i += 4) expect(hexWord(m.slice(i * 2, i * 2 + 8))).toBe(expected.word(sp + i));
    const points = target.symbols.address('g_points')!;
    expect(await c.request(`m${points.toString(16)},10`)).toBe([1, 2, 3, 4].map(le).join(''));
  });

  it('reads what it can: unreadable memory is an error, a read running into it is cut short', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    const ramEnd = 0x80000000 + 128 * 1024 * 1024;
    expect(await c.request(`m${(ramEnd - 4).toString(16)},10`)).toHaveLength(8);
    expect(await c.request(`m${ramEnd.toString(16)},4`)).toMatch(/^E/);
    expect(await c.request('m20000000,4')).toMatch(/^E/); // nothing mapped
    expect(await c.request('m1000,4')).toBe(Buffer.from(target.readMemory(0x1000, 4).data).toString('hex')); // boot ROM
    // Device registers read as a byte load would see them, without side effects:
    // the UART's LSR (offset 5) says the transmitter is empty; the test device reads 0.
    const uart = await c.request('m10000000,8');
    expect(uart).toHaveLength(16);
    expect(parseInt(uart.slice(10, 12), 16) & 0x60).toBe(0x60);
    expect(await c.request('m100000,4')).toBe('00000000');
    expect(await c.request('m10000000,8')).toBe(uart);
    // Running off the test device into the RTC, whose TIME_LOW cannot be read without a side effect: cut short.
    expect(await c.request('m100ffc,8')).toBe('00000000');
    // Long reads are capped, never larger than a packet.
    expect((await c.request('m80000000,100000')).length).toBeLessThanOrEqual(0x4000);
    for (const bad of ['m', 'm80000000', 'm80000000,', 'mzz,4', 'm,4', 'm1ffffffff,4']) expect(await c.request(bad)).toMatch(/^E/);
  });

  it('refuses memory and register writes in a replay, with the reason for clients that take one', async () => {
    const { port, log } = await serve(symbols);
    const c = await connect(port);
    expect(await c.request('M80200000,4:01020304')).toMatch(/^E\d\d$/);
    expect(await c.request(`X80200000,4:${escapeBinary('\x01#$*')}`)).toMatch(/^E\d\d$/);
    expect(await c.request(`G${'00'.repeat(33 * 4)}`)).toMatch(/^E\d\d$/);
    expect(await c.request('P1=00000000')).toMatch(/^E\d\d$/);
    expect(log.filter((l) => l.startsWith('refused:')).length).toBe(4);
    expect(log.at(-1)).toMatch(/while replaying a recording: its past is fixed/);
    // gdb's probe for X: a write of nothing changes nothing.
    expect(await c.request('X80200000,0:')).toBe('OK');
    // Malformed writes are malformed, not refused.
    expect(await c.request('M80200000,4:0102')).toMatch(/^E01$/);
    expect(await c.request('M80200000,4')).toMatch(/^E01$/);
    // A client that accepts error messages gets the reason in the reply.
    await c.request('qSupported:error-message+');
    expect(await c.request('M80200000,1:00')).toMatch(/^E\.cannot change memory at 0x80200000 while replaying/);
    // Memory is unchanged.
    expect(await c.request('m80200000,4')).toBe(le(straight(symbols, 0).word(0x80200000)));
  });
});

// ------------------------------------------------------------------ execution

describe('breakpoints, stepping and reverse execution', () => {
  it('stops at Z0 and Z1 breakpoints with swbreak/hwbreak, and reverse-continues to the previous hit', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    await c.request('qSupported:swbreak+;hwbreak+');
    const add = target.symbols.address('add')!;
    const mul = target.symbols.address('mul')!;
    expect(await c.request(`Z0,${add.toString(16)},2`)).toBe('OK');
    expect(await c.request(`Z1,${mul.toString(16)},2`)).toBe('OK');
    const first = await c.request('vCont;c:1');
    expect(parseStop(first).signal).toBe(5);
    expect(parseStop(first).fields.has('swbreak')).toBe(true);
    expect(stopPc(first)).toBe(add);
    const atAdd = target.icount;
    const second = await c.request('c');
    expect(parseStop(second).fields.has('hwbreak')).toBe(true);
    expect(stopPc(second)).toBe(mul);
    const back = await c.request('bc');
    expect(stopPc(back)).toBe(add);
    expect(target.icount).toBe(atAdd);
    // Without the breakpoints, reverse-continue runs to the start of history.
    expect(await c.request(`z0,${add.toString(16)},2`)).toBe('OK');
    expect(await c.request(`z1,${mul.toString(16)},2`)).toBe('OK');
    expect(parseStop(await c.request('bc')).fields.get('replaylog')).toBe('begin');
    expect(target.icount).toBe(0);
    expect(parseStop(await c.request('bs')).fields.get('replaylog')).toBe('begin');
    // And continue runs to its end.
    const end = await c.request('vCont;c');
    expect(parseStop(end).fields.get('replaylog')).toBe('end');
    expect(target.icount).toBe(target.timeline.end);
    expect(parseStop(await c.request('s')).fields.get('replaylog')).toBe('end');
  });

  it('steps forward and back through the same pcs (s/vCont;s and bs)', async () => {
    const { port } = await serve(symbols);
    const c = await connect(port);
    await c.request('vCont;s'); // leave icount 0
    const forward: number[] = [stopPc(await c.request('?'))];
    for (let i = 0; i < 40; i++) forward.push(stopPc(await c.request(i % 2 === 0 ? 'vCont;s:1' : 's')));
    const backward: number[] = [forward.at(-1)!];
    for (let i = 0; i < 40; i++) backward.push(stopPc(await c.request('bs')));
    expect(backward).toEqual([...forward].reverse());
    expect(stopPc(await c.request('S05'))).toBe(forward[1]);
  });

  it('honours the first vCont action for our thread, and rejects malformed ones', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    expect(parseStop(await c.request('vCont;s:1;c')).signal).toBe(5);
    expect(target.icount).toBe(1);
    expect(parseStop(await c.request('vCont;c:2;s')).signal).toBe(5); // the action for thread 2 does not apply
    expect(target.icount).toBe(2);
    for (const bad of ['vCont;', 'vCont;x', 'vCont;C', 'vCont;c:2', 'vCont;s:zz']) expect(await c.request(bad)).toMatch(/^E/);
    expect(await c.request('c80000000')).toMatch(/^E/); // resuming elsewhere would rewrite history
    expect(target.icount).toBe(2);
  });

  it('reports watchpoints with their address, before the access, as gdb expects on RISC-V', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    const calls = target.symbols.address('s_calls')!;
    // From the first call of add (before it, the start-up code clears .bss: writes too, of zeros).
    const add = target.symbols.address('add')!;
    await c.request(`Z0,${add.toString(16)},2`);
    await c.request('c');
    await c.request(`z0,${add.toString(16)},2`);
    expect(await c.request(`Z2,${calls.toString(16)},4`)).toBe('OK');
    const hit = await c.request('vCont;c');
    expect(parseStop(hit).fields.get('watch')).toBe(calls.toString(16));
    // Stopped before the store: the value is still the old one; gdb steps over it with the watchpoint removed.
    const atStore = target.icount;
    expect(await c.request(`m${calls.toString(16)},4`)).toBe(le(0));
    expect(await c.request(`z2,${calls.toString(16)},4`)).toBe('OK');
    await c.request('vCont;s');
    expect(await c.request(`m${calls.toString(16)},4`)).toBe(le(1));
    // The writer is the instruction it stopped at: the engine's lastWrite agrees.
    const w = await target.timeline.lastWrite(calls, 4);
    expect(w?.icount).toBe(atStore);
    // Reverse: the watchpoint is reported just after the store; gdb steps back over it to the writer.
    expect(await c.request(`Z2,${calls.toString(16)},4`)).toBe('OK');
    await c.request('vCont;c'); // the second write (in mul), stopped before it
    const atSecond = target.icount;
    expect(await c.request(`m${calls.toString(16)},4`)).toBe(le(1));
    await c.request(`z2,${calls.toString(16)},4`);
    await c.request('s');
    expect(await c.request(`m${calls.toString(16)},4`)).toBe(le(2));
    await c.request(`Z2,${calls.toString(16)},4`);
    // Reverse-continue right after the store: the trigger fires where we are (the store is the
    // next instruction backwards); with the watchpoint removed, gdb steps back over it.
    const back = await c.request('bc');
    expect(parseStop(back).fields.get('watch')).toBe(calls.toString(16));
    expect(target.icount).toBe(atSecond + 1);
    expect(await c.request(`z2,${calls.toString(16)},4`)).toBe('OK');
    await c.request('bs');
    expect(target.icount).toBe(atSecond);
    expect(await c.request(`m${calls.toString(16)},4`)).toBe(le(1));
    // Once more backwards: the first write, reported just after it.
    await c.request(`Z2,${calls.toString(16)},4`);
    expect(parseStop(await c.request('bc')).fields.get('watch')).toBe(calls.toString(16));
    expect(target.icount).toBe(atStore + 1);
    expect(await c.request(`z2,${calls.toString(16)},4`)).toBe('OK');
    // Stepping across a watched store (either way) stops for it without moving, as a hardware trigger does.
    await c.request('bs');
    expect(target.icount).toBe(atStore);
    await c.request(`Z2,${calls.toString(16)},4`);
    const stepped = await c.request('s');
    expect(parseStop(stepped).fields.get('watch')).toBe(calls.toString(16));
    expect(target.icount).toBe(atStore);
    await c.request(`z2,${calls.toString(16)},4`);
    await c.request('s');
    await c.request(`Z2,${calls.toString(16)},4`);
    expect(parseStop(await c.request('bs')).fields.get('watch')).toBe(calls.toString(16));
    expect(target.icount).toBe(atStore + 1);
    await c.request(`z2,${calls.toString(16)},4`);
    await c.request('bs');
    // Read and access watchpoints: rwatch on a read of g_op, awatch on the counter.
    const op = target.symbols.address('g_op')!;
    expect(await c.request(`Z3,${op.toString(16)},4`)).toBe('OK');
    await c.request('bs');
    const rw = await c.request('bc');
    expect(parseStop(rw).fields.get('rwatch')).toBe(op.toString(16));
    expect(await c.request(`z3,${op.toString(16)},4`)).toBe('OK');
    expect(await c.request(`Z4,${(calls + 2).toString(16)},1`)).toBe('OK');
    const aw = await c.request('c');
    expect(parseStop(aw).fields.get('awatch')).toBe((calls + 2).toString(16));
    for (const bad of ['Z2,80000000,0', 'Z5,80000000,4', 'Z2,zz,4', 'Z0,80000000', 'Z2,ffffffff,4']) expect(await c.request(bad)).toMatch(/^E/);
  });

  it('Ctrl-C interrupts a long continue and a long reverse-continue (SIGINT), leaving the timeline consistent', async () => {
    const { port, target } = await serve(crc);
    const c = await connect(port);
    expect(await c.request('Z0,12345678,4')).toBe('OK'); // never reached
    c.send('vCont;c');
    await new Promise((r) => setTimeout(r, 30));
    c.sendRaw('\x03');
    expect(parseStop((await c.reply()).payload).signal).toBe(2);
    expect(parseStop(await c.request('?')).signal).toBe(2);
    const reached = target.icount;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(target.timeline.end);
    expect(straight(crc, reached).pc).toBe(target.pc);
    // Reverse-continue from the end, interrupted: back where it started.
    await c.request('vCont;c'); // Ctrl-C not sent: runs to the end
    const end = target.icount;
    c.send('bc');
    await new Promise((r) => setTimeout(r, 30));
    c.sendRaw('\x03');
    expect(parseStop((await c.reply()).payload).signal).toBe(2);
    expect(target.icount).toBe(end);
    // An interrupt when nothing runs changes nothing.
    c.sendRaw('\x03');
    expect(await c.request('qC')).toBe('QC1');
  });
});

// ------------------------------------------------------------------ monitor

describe('monitor commands', () => {
  it('tell the icount, seek, find the last write, and report mistakes as output', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    const when = await c.monitor('when');
    expect(when.payload).toBe('OK');
    expect(when.output).toMatch(/^icount 0, pc 0x00001000 \(history 0\.\.\d+\)\n$/);
    const seek = await c.monitor('seek 5000');
    expect(seek.output).toMatch(/^icount 5000, pc 0x[0-9a-f]{8} <[^>]+>/);
    expect(seek.output).toContain('maint flush register-cache');
    expect(target.icount).toBe(5000);
    expect(stopPc(await c.request('?'))).toBe(straight(symbols, 5000).pc);
    expect(hexWord((await c.request('g')).slice(32 * 8))).toBe(straight(symbols, 5000).pc);
    await c.monitor(`seek ${target.timeline.end}`);
    const calls = target.symbols.address('s_calls')!;
    const lw = await c.monitor(`lastwrite 0x${calls.toString(16)}`);
    expect(lw.output).toMatch(/^last write to 0x[0-9a-f]{8} at icount \d+, pc 0x[0-9a-f]{8} <mul\+0x[0-9a-f]+> at symbols\.c:45, 4 bytes, value 0x00000002\n$/);
    expect((await c.monitor('catch trap 2')).output).toBe('catching trap 2\n');
    expect((await c.monitor('catch none')).output).toBe('catching nothing\n');
    expect((await c.monitor('info')).output).toContain('a replay of a recording');
    expect((await c.monitor('help')).output).toContain('monitor seek ICOUNT');
    for (const bad of ['seek', 'seek lots', 'frobnicate', 'lastwrite', 'catch fish', 'save x.rvr']) {
      const r = await c.monitor(bad);
      expect(r.payload).toBe('OK');
      expect(r.output).toMatch(/^error: /);
    }
    expect(await c.request('qRcmd,zz')).toMatch(/^E/);
  });
});

// ------------------------------------------------------------------ robustness

/** A deterministic pseudo-random source for the fuzzer (test code: any seed reproduces a failure). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

describe('robustness', () => {
  it('survives fuzzed input (noise, mutated and truncated packets, bad checksums) and still answers correctly', async () => {
    const { port, target, server } = await serve(symbols);
    const c = await connect(port, false);
    const random = prng(20240611);
    const valid = ['g', 'p20', 'm80000000,10', 'qC', 'qfThreadInfo', 'Hg0', 'qXfer:features:read:target.xml:0,40', 'vCont?', '?', 'Z0,80000100,2', 'z0,80000100,2',
      'M80200000,2:0102', `X80200000,2:${escapeBinary('}*')}`, 'qRcmd,7768656e', 'qSupported:swbreak+', 'T1', 'P5=01020304', 'qXfer:memory-map:read::0,20'];
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    for (let round = 0; round < 300; round++) {
      let payload = pick(valid);
      const mutation = Math.floor(random() * 6);
      if (mutation === 1) payload = payload.slice(0, Math.floor(random() * payload.length));
      if (mutation === 2) {
        const i = Math.floor(random() * (payload.length + 1));
        payload = payload.slice(0, i) + String.fromCharCode(Math.floor(random() * 256)) + payload.slice(i + 1);
      }
      if (mutation === 3) payload += ',' + pick(valid);
      let bytes = frame(payload);
      if (mutation === 4) bytes = bytes.slice(0, -1) + (bytes.endsWith('0') ? '1' : '0'); // bad checksum
      if (mutation === 5) bytes = String.fromCharCode(...Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)).filter((b) => b !== 0x03));
      c.sendRaw(bytes);
    }
    // Drain, then check that the server still answers exactly, and nothing moved: no resume was sent.
    await new Promise((r) => setTimeout(r, 200));
    c.ackMode = true;
    for (;;) if ((await c.next(300)) === undefined) break;
    c.sendRaw('+'.repeat(4));
    expect(c.corrupt).toEqual([]);
    c.send('qC');
    expect(await c.next()).toBe('QC1');
    expect(target.icount).toBe(0);
    // A fresh client, after this one disconnects, is served normally.
    c.close();
    await new Promise((r) => setTimeout(r, 50));
    const d = await connect(port);
    expect(await d.request('g')).toBe((await (async () => {
      const s0 = straight(symbols, 0);
      return [...s0.x, s0.pc].map(le).join('');
    })()));
    expect(await d.request('?')).toMatch(/^T05/);
    expect(server).toBeDefined();
  });

  it('a client that disconnects in the middle of a long command leaves the server answering, at a consistent position, with its points gone', async () => {
    const { port, target } = await serve(crc);
    const c = await connect(port);
    expect(await c.request('Z0,12345678,4')).toBe('OK');
    expect(await c.request('Z2,80000000,4')).toBe('OK');
    c.send('vCont;c');
    await new Promise((r) => setTimeout(r, 20));
    c.close();
    // Half a packet, then gone.
    const d0 = await RemoteClient.connect(port).catch(() => undefined);
    d0?.sendRaw('$m8000');
    d0?.close();
    await new Promise((r) => setTimeout(r, 100));
    const d = await connect(port);
    const stop = parseStop(await d.request('?'));
    expect([2, 5]).toContain(stop.signal);
    const here = target.icount;
    expect(straight(crc, here).pc).toBe(target.pc);
    expect(target.timeline.breakpoints.size).toBe(0);
    expect(target.timeline.watchpoints.length).toBe(0);
    // With no breakpoints left, continue runs to the end.
    expect(parseStop(await d.request('c', 60_000)).fields.get('replaylog')).toBe('end');
  });

  it('refuses a second client while one is connected, and stops when the client kills the target', async () => {
    const { port, server } = await serve(symbols);
    const c = await connect(port);
    const second = await RemoteClient.connect(port);
    clients.push(second);
    await new Promise((r) => setTimeout(r, 100));
    expect(second.closed).toBe(true);
    expect(await c.request('qC')).toBe('QC1');
    c.send('vKill;1');
    expect(await c.next()).toBe('OK');
    await server.closed;
    await expect(RemoteClient.connect(port)).rejects.toThrow();
  });

  it('answers a client that sends its packets and closes its side, then closes', async () => {
    const { port } = await serve(symbols);
    const c = await RemoteClient.connect(port);
    clients.push(c);
    c.ackMode = false;
    c.sendRaw(`${frame('QStartNoAckMode')}${frame('qC')}${frame('m1000,4')}${frame('vCont;s')}`);
    c.socket.end();
    expect(await c.next()).toBe('OK');
    expect(await c.next()).toBe('QC1');
    expect(expandRle((await c.next())!)).toMatch(/^[0-9a-f]{8}$/);
    expect(await c.next()).toMatch(/^T05/);
    expect(await c.next(2000)).toBeUndefined();
    expect(c.closed).toBe(true);
  });

  it('detaching leaves the position for the next client', async () => {
    const { port, target } = await serve(symbols);
    const c = await connect(port);
    await c.request('vCont;s');
    await c.request('vCont;s');
    expect(await c.request('D;1')).toBe('OK');
    await new Promise((r) => setTimeout(r, 50));
    expect(c.closed).toBe(true);
    const d = await connect(port);
    expect(target.icount).toBe(2);
    expect(stopPc(await d.request('?'))).toBe(target.pc);
  });
});

// ------------------------------------------------------------------ live sessions

describe('a live session (an ELF)', () => {
  it('runs live, can be interrupted while the guest waits for input, and changes memory and registers only at its end, as logged inputs', async () => {
    // A console that never ends: the guest waits for input until Ctrl-C.
    const forever = { take: () => new Uint8Array(0), mayArrive: () => true, nextIcount: () => undefined, wait: () => new Promise<void>(() => {}), close: () => {} };
    const host = new LiveHost({ commandLine: 'uart-echo', console: forever });
    const target = new DebugTarget({ program: join(REPO, 'guests', 'build', 'uart-echo.elf'), host, watchTiming: 'pending' });
    const log: string[] = [];
    const server = new RemoteProtocolServer(target, { log: (l) => log.push(l) });
    servers.push(server);
    const port = await server.listen(0);
    const c = await connect(port);
    c.send('c');
    await new Promise((r) => setTimeout(r, 150));
    c.sendRaw('\x03');
    const stop = parseStop((await c.reply()).payload);
    expect(stop.signal).toBe(2);
    const reached = target.icount;
    expect(reached).toBeGreaterThan(0);
    // The live run's history can be reversed; its past cannot change.
    await c.request('bs');
    expect(target.icount).toBe(reached - 1);
    expect(await c.request('M80200000,1:00')).toMatch(/^E/);
    expect(log.at(-1)).toMatch(/^refused: cannot change memory at 0x80200000 here: icount \d+ is in this session's recorded past/);
    expect(await c.request('P5=78563412')).toMatch(/^E/);
    // At its end it can: memory (M and X), registers (P and G), each a logged input.
    await c.request('s');
    expect(target.icount).toBe(reached);
    const sp = target.registers().x[2]!;
    const slot = sp - 64;
    expect(await c.request(`M${slot.toString(16)},4:efbeadde`)).toBe('OK');
    expect(await c.request(`X${(slot + 4).toString(16)},2:${escapeBinary('#*')}`)).toBe('OK');
    expect(await c.request(`m${slot.toString(16)},6`)).toBe('efbeadde232a');
    expect(await c.request('P5=78563412')).toBe('OK');
    expect(await c.request('p5')).toBe('78563412');
    const g = await c.request('g');
    expect(await c.request(`G${g.slice(0, 6 * 8)}${le(0xcafe)}${g.slice(7 * 8)}`)).toBe('OK');
    expect(await c.request('p6')).toBe(le(0xcafe));
    expect(await c.request(`G${le(1)}${g.slice(8)}`)).toMatch(/^E/); // x0 is hard-wired
    expect(await c.request(`P${(65 + 0x300).toString(16)}=00000000`)).toMatch(/^E/); // CSRs are read-only
    expect(await c.request('M10000000,1:41')).toMatch(/^E/); // a device, not RAM
    // Back and forth: the changes replay at the boundary where they were made.
    await c.request('bs');
    expect(await c.request('p5')).not.toBe('78563412');
    await c.request('s');
    expect(await c.request('p5')).toBe('78563412');
    expect(await c.request('p6')).toBe(le(0xcafe));
    expect(await c.request(`m${slot.toString(16)},6`)).toBe('efbeadde232a');
    // The session so far, saved, replays with the changes.
    const saved = join(dir, 'live.rvr');
    const save = await c.monitor(`save ${saved}`);
    expect(save.output).toBe(`saved the recording (icount 0..${target.timeline.furthest}) to ${saved}\n`);
    const replayed = straight(saved, reached);
    expect(replayed.x[5]).toBe(0x12345678);
    expect(replayed.x[6]).toBe(0xcafe);
    expect(replayed.word(slot)).toBe(0xdeadbeef);
    expect((await c.monitor(`save ${join(dir, 'no-such-dir', 'x.rvr')}`)).output).toMatch(/^error: cannot save to /);
    host.close();
  });
});

// ------------------------------------------------------------------ the command

describe('retrovisor gdbserver', () => {
  it('turns bad input into one line and exit code 125', async () => {
    const text = join(dir, 'not-a-program.txt');
    writeFileSync(text, 'hello, I am not an ELF\n');
    // A real recording, cut short inside its header; and one with a flipped byte in its header's JSON.
    const whole = readFileSync(symbols);
    const truncated = join(dir, 'truncated.rvr');
    writeFileSync(truncated, whole.subarray(0, 20));
    const damaged = join(dir, 'damaged.rvr');
    const flipped = Buffer.from(whole);
    flipped[24] = flipped[24]! ^ 0x55;
    writeFileSync(damaged, flipped);
    const shortElf = join(dir, 'short.elf');
    writeFileSync(shortElf, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]));
    for (const [args, message] of [
      [['gdbserver', join(dir, 'missing.rvr'), '--port', '0'], /missing\.rvr: no such file/],
      [['gdbserver', dir, '--port', '0'], /is a directory/],
      [['gdbserver', text, '--port', '0'], /is neither a RISC-V ELF program nor a recording/],
      [['gdbserver', truncated, '--port', '0'], /truncated\.rvr/],
      [['gdbserver', damaged, '--port', '0'], /damaged\.rvr/],
      [['gdbserver', shortElf, '--port', '0'], /short\.elf is truncated/],
      [['gdbserver', symbols, '--port', 'many'], /--port must be a non-negative integer/],
      [['gdbserver', symbols, '--port', '70000'], /--port must be at most 65535/],
    ] as const) {
      const r = await runCli(args);
      expect(r.status, r.stderr).toBe(125);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^retrovisor: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses a port in use with one line', async () => {
    const { port } = await serve(symbols);
    const r = await runCli(['gdbserver', symbols, '--port', String(port)]);
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`retrovisor: port ${port} is in use: choose another with --port (0: any free port)\n`);
  });

  it('has help that names the gdb commands and the monitor commands', async () => {
    const r = await runCli(['gdbserver', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('target remote :PORT');
    expect(r.stdout).toContain('monitor seek ICOUNT');
    expect(r.stdout).toContain('--port <n>');
  });
});
