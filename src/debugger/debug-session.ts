/**
 * The debugger's command interpreter over a Timeline (gdb-like commands for
 * people and for scripted CI checks). It knows nothing of terminals or DAP:
 * `execute(line)` returns the result lines, in the stable format documented in
 * the README ("The debugger"):
 *
 *   stop <kind> icount=<n> pc=0x<hex8> [<symbol>] [<detail>]
 *   error: <message>
 */
import { CSR_NAMES } from '../isa/csr.js';
import { WatchKind } from '../memory/ram-watch.js';
import type { Catchpoints, Stop, Timeline } from '../timeline/timeline.js';

const ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** A command's arguments or state are wrong: printed as "error: ...". */
export class CommandError extends Error {}

type Point =
  | { readonly id: number; readonly kind: 'breakpoint'; readonly address: number; readonly where: string }
  | { readonly id: number; readonly kind: 'watchpoint'; readonly address: number; readonly length: number; readonly access: WatchKind }
  | { readonly id: number; readonly kind: 'catchpoint'; readonly what: string; readonly apply: (c: Catchpoints) => void };

export const HELP = [
  'si [N]              step N instructions (default 1)',
  'rsi [N]             step N instructions backwards',
  'c                   continue to the next breakpoint, watchpoint or catchpoint, or the end',
  'rc                  reverse-continue to the last hit before now, or the start',
  'b ADDR|SYMBOL       set a breakpoint',
  'd [N...]            delete the given breakpoints/watchpoints/catchpoints (all without N)',
  'watch|rwatch|awatch ADDR [LEN]   stop on writes / reads / any access (LEN bytes, default 4)',
  'catch trap [CAUSE...] | catch interrupt | catch priv | catch mmio [DEVICE...] | catch console',
  'seek ICOUNT         go to an instruction count',
  'when                print the current instruction count',
  'regs                print pc, privilege and the integer registers',
  'p REG               print a register (x0-x31, ABI name, pc, or a CSR name)',
  'x/NF ADDR           examine N units of memory: F = b (bytes), h (halfwords), w (words)',
  'info breakpoints | info checkpoints',
  'lastwrite ADDR [LEN]   the last write before now to ADDR (by the guest or a device)',
  'fork FILE.rvr [SCRIPT] continue live from here (console input from SCRIPT) into a new recording sharing this prefix',
  'help, q',
];

export class DebugSession {
  private readonly points: Point[] = [];
  private nextId = 1;

  /** Runs a fork to a new recording (set by the front end, which owns files and consoles). */
  forker: ((output: string, script: string | undefined) => Promise<string>) | undefined;

  constructor(readonly timeline: Timeline, private readonly symbols: { describe(a: number): string | undefined; address(name: string): number | undefined }) {}

  /** Executes one command line; returns its result lines. Throws nothing for user errors. */
  async execute(line: string, signal?: AbortSignal): Promise<string[]> {
    const words = line.trim().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return [];
    try {
      return await this.dispatch(words[0]!, words.slice(1), signal);
    } catch (e) {
      if (e instanceof CommandError) return [`error: ${e.message}`];
      throw e;
    }
  }

  private async dispatch(cmd: string, args: string[], signal?: AbortSignal): Promise<string[]> {
    const t = this.timeline;
    const control = { signal };
    switch (cmd) {
      case 'si': case 'stepi': return [this.stopLine(await t.stepForward(this.count(args[0]), control))];
      case 'rsi': case 'reverse-stepi': return [this.stopLine(await t.stepBack(this.count(args[0]), control))];
      case 'c': case 'continue': return [this.stopLine(await t.continueForward(control))];
      case 'rc': case 'reverse-continue': return [this.stopLine(await t.reverseContinue(control))];
      case 'seek': case 'goto': {
        if (args[0] === undefined) throw new CommandError('seek needs an instruction count');
        return [this.stopLine(await t.seek(this.number(args[0], 'instruction count'), control))];
      }
      case 'when': return [`icount ${t.icount}`];
      case 'b': case 'break': return [this.addBreakpoint(args)];
      case 'd': case 'delete': return this.delete(args);
      case 'watch': return [this.addWatch(args, WatchKind.Write, 'write')];
      case 'rwatch': return [this.addWatch(args, WatchKind.Read, 'read')];
      case 'awatch': return [this.addWatch(args, WatchKind.Access, 'access')];
      case 'catch': return [this.addCatch(args)];
      case 'regs': case 'info-registers': return this.registers();
      case 'p': case 'print': return [this.printRegister(args)];
      case 'info': return this.info(args);
      case 'lastwrite': return [await this.lastWrite(args)];
      case 'fork': {
        if (this.forker === undefined) throw new CommandError('fork is not available here');
        if (args[0] === undefined) throw new CommandError('fork needs a file name for the new recording');
        return [await this.forker(args[0], args[1])];
      }
      case 'help': case 'h': return HELP;
      default:
        if (cmd.startsWith('x/') || cmd === 'x') return this.examine(cmd, args);
        throw new CommandError(`unknown command "${cmd}" (try help)`);
    }
  }

  // ------------------------------------------------------------ formatting

  /** "name+off" or "" for an address. */
  where(address: number): string {
    return this.symbols.describe(address) ?? '';
  }

  stopLine(s: Stop): string {
    const sym = this.where(s.pc);
    return [`stop ${s.kind}`, `icount=${s.icount}`, `pc=${hex8(s.pc)}`, sym, s.kind === 'step' ? '' : s.detail]
      .filter((p) => p.length > 0).join(' ');
  }

  private count(text: string | undefined): number {
    if (text === undefined) return 1;
    const n = this.number(text, 'count');
    if (n < 1) throw new CommandError('the count must be at least 1');
    return n;
  }

  private number(text: string, what: string): number {
    const clean = text.replace(/_/g, '');
    const n = /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean, 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
    if (!Number.isSafeInteger(n)) throw new CommandError(`bad ${what} "${text}"`);
    return n;
  }

  /** An address: a number, a symbol, or symbol+offset. */
  private address(text: string | undefined): number {
    if (text === undefined) throw new CommandError('an address or symbol is needed');
    const m = /^([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-f]+|\d+))?$/i.exec(text);
    if (m !== null && !/^0x/i.test(text)) {
      const base = this.symbols.address(m[1]!);
      if (base === undefined) throw new CommandError(`no symbol "${m[1]}"`);
      return (base + (m[2] === undefined ? 0 : this.number(m[2], 'offset'))) >>> 0;
    }
    return this.number(text, 'address') >>> 0;
  }

  // ------------------------------------------------------------ points

  private addBreakpoint(args: string[]): string {
    const address = this.address(args[0]);
    const id = this.nextId++;
    this.points.push({ id, kind: 'breakpoint', address, where: this.where(address) });
    this.timeline.breakpoints.add(address);
    return `breakpoint ${id} at ${hex8(address)}${this.where(address) === '' ? '' : ` ${this.where(address)}`}`;
  }

  private addWatch(args: string[], access: WatchKind, name: string): string {
    const address = this.address(args[0]);
    const length = args[1] === undefined ? 4 : this.number(args[1], 'length');
    if (length < 1) throw new CommandError('the length must be at least 1');
    const id = this.nextId++;
    this.points.push({ id, kind: 'watchpoint', address, length, access });
    this.timeline.watchpoints.push({ address, length, kind: access });
    return `watchpoint ${id} ${name} ${hex8(address)} length ${length}`;
  }

  private addCatch(args: string[]): string {
    let text: string;
    let apply: (c: Catchpoints) => void;
    switch (args[0]) {
      case 'trap': {
        const causes = args.slice(1).map((a) => this.number(a, 'cause'));
        text = causes.length === 0 ? 'trap (every cause)' : `trap ${causes.join(',')}`;
        apply = (c) => {
          if (causes.length === 0 || c.traps === 'all') c.traps = 'all';
          else c.traps = new Set([...(c.traps ?? []), ...causes]);
        };
        break;
      }
      case 'interrupt': text = 'interrupt'; apply = (c) => { c.interrupts = true; }; break;
      case 'priv': case 'privilege': text = 'privilege change'; apply = (c) => { c.privilege = true; }; break;
      case 'mmio': {
        const devices = args.slice(1);
        text = devices.length === 0 ? 'mmio (every device)' : `mmio ${devices.join(',')}`;
        apply = (c) => {
          if (devices.length === 0 || c.mmio === 'all') c.mmio = 'all';
          else c.mmio = new Set([...(c.mmio ?? []), ...devices]);
        };
        break;
      }
      case 'console': text = 'console output'; apply = (c) => { c.console = true; }; break;
      default: throw new CommandError('catch what? trap [CAUSE...], interrupt, priv, mmio [DEVICE...] or console');
    }
    const id = this.nextId++;
    this.points.push({ id, kind: 'catchpoint', what: text, apply });
    this.rebuild();
    return `catchpoint ${id} ${text}`;
  }

  private delete(args: string[]): string[] {
    const ids = args.length === 0 ? this.points.map((p) => p.id) : args.map((a) => this.number(a, 'number'));
    const out: string[] = [];
    for (const id of ids) {
      const i = this.points.findIndex((p) => p.id === id);
      if (i < 0) throw new CommandError(`no breakpoint, watchpoint or catchpoint ${id}`);
      this.points.splice(i, 1);
      out.push(`deleted ${id}`);
    }
    this.rebuild();
    return out;
  }

  /** Re-derives the timeline's conditions from the remaining points. */
  private rebuild(): void {
    const t = this.timeline;
    t.breakpoints.clear();
    t.watchpoints.length = 0;
    t.catchpoints = {};
    const remaining = this.points.splice(0);
    for (const p of remaining) {
      this.points.push(p);
      if (p.kind === 'breakpoint') t.breakpoints.add(p.address);
      else if (p.kind === 'watchpoint') t.watchpoints.push({ address: p.address, length: p.length, kind: p.access });
    }
    const catches: Catchpoints = {};
    for (const p of this.points) if (p.kind === 'catchpoint') p.apply(catches);
    t.catchpoints = catches;
  }

  // ------------------------------------------------------------ state

  private registers(): string[] {
    const hart = this.timeline.vm.board.hart;
    const lines = [`pc ${hex8(hart.pc)}${this.where(hart.pc) === '' ? '' : ` ${this.where(hart.pc)}`} priv ${'US?M'[hart.priv]} icount ${hart.icount}`];
    for (let i = 1; i < 32; i++) lines.push(`x${i} ${ABI[i]} ${hex8(hart.x[i]!)}`);
    return lines;
  }

  private printRegister(args: string[]): string {
    const name = (args[0] ?? '').replace(/^\$/, '');
    if (name === '') throw new CommandError('print what? a register name');
    const hart = this.timeline.vm.board.hart;
    if (name === 'pc') return `pc = ${hex8(hart.pc)}${this.where(hart.pc) === '' ? '' : ` ${this.where(hart.pc)}`}`;
    let i = ABI.indexOf(name);
    if (name === 'fp') i = 8;
    const m = /^x(\d+)$/.exec(name);
    if (m !== null && Number(m[1]) < 32) i = Number(m[1]);
    if (i >= 0) return `${name} = ${hex8(hart.x[i]!)} ${hart.x[i]!}`;
    for (const [num, csr] of CSR_NAMES) {
      if (csr !== name) continue;
      const v = hart.peekCsr(num);
      if (v === undefined) throw new CommandError(`${name} cannot be read here`);
      return `${name} = ${hex8(v)}`;
    }
    throw new CommandError(`no register "${name}"`);
  }

  private examine(cmd: string, args: string[]): string[] {
    const m = /^x(?:\/(\d*)([bhw]?))?$/.exec(cmd);
    if (m === null) throw new CommandError('examine as x/NF ADDR with F = b, h or w');
    const n = m[1] === undefined || m[1] === '' ? 1 : Number(m[1]);
    const size = m[2] === 'b' ? 1 : m[2] === 'h' ? 2 : 4;
    const start = this.address(args[0]);
    const vm = this.timeline.vm;
    const perLine = size === 1 ? 8 : 4;
    const out: string[] = [];
    for (let i = 0; i < n; i += perLine) {
      const cells: string[] = [];
      for (let j = i; j < Math.min(n, i + perLine); j++) {
        const va = (start + j * size) >>> 0;
        const pa = vm.board.hart.translateForDebugger(va);
        const v = pa === undefined ? undefined : vm.board.bus.peek(pa, size as 1 | 2 | 4);
        cells.push(v === undefined ? '?' : `0x${v.toString(16).padStart(size * 2, '0')}`);
      }
      out.push(`${hex8(start + i * size)}: ${cells.join(' ')}`);
    }
    return out;
  }

  private info(args: string[]): string[] {
    switch (args[0]) {
      case 'breakpoints': case 'b': case 'watchpoints':
        return this.points.length === 0 ? ['no breakpoints, watchpoints or catchpoints'] : this.points.map((p) =>
          p.kind === 'breakpoint' ? `${p.id} breakpoint ${hex8(p.address)}${p.where === '' ? '' : ` ${p.where}`}`
            : p.kind === 'watchpoint' ? `${p.id} watchpoint ${['', 'read', 'write', 'access'][p.access]} ${hex8(p.address)} length ${p.length}`
              : `${p.id} catchpoint ${p.what}`);
      case 'checkpoints': {
        const store = this.timeline.store;
        return [
          `checkpoints ${store.checkpoints.length} memory ${store.memoryBytes} bytes budget ${this.timeline.policy.budgetBytes} bytes policy ${this.timeline.policy.name}`,
          ...store.checkpoints.map((c) => `checkpoint icount=${c.icount} pages=${c.pages.size}${c.full ? ' full' : ''}${c.cold ? ' cold' : ''}${c.digest !== undefined ? ' stored' : ''}`),
        ];
      }
      default:
        throw new CommandError('info what? breakpoints or checkpoints');
    }
  }

  private async lastWrite(args: string[]): Promise<string> {
    const address = this.address(args[0]);
    const length = args[1] === undefined ? 4 : this.number(args[1], 'length');
    const w = await this.timeline.lastWrite(address, length);
    if (w === undefined) return `no write to ${hex8(address)} before icount ${this.timeline.icount}`;
    return `last write to ${hex8(address)} at icount=${w.icount} pc=${hex8(w.pc)}${this.where(w.pc) === '' ? '' : ` ${this.where(w.pc)}`}` +
      ` size ${w.size}${w.value === undefined ? '' : ` value ${hex8(w.value)}`}`;
  }
}
