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
import { ABI_NAMES } from '../isa/disassembler.js';
import { WatchKind } from '../memory/ram-watch.js';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SymbolsError } from '../symbols/symbols.js';
import type { Catchpoints, Stop, Timeline, Watchpoint } from '../timeline/timeline.js';
import type { SourceDebugger, SourceStop } from './source-debugger.js';


const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** A command's arguments or state are wrong: printed as "error: ...". */
export class CommandError extends Error {}

type Point =
  | { readonly id: number; readonly kind: 'breakpoint'; readonly address: number; readonly where: string; readonly function?: string }
  | { readonly id: number; readonly kind: 'watchpoint'; readonly address: number; readonly length: number; readonly access: WatchKind }
  | { readonly id: number; readonly kind: 'catchpoint'; readonly what: string; readonly apply: (c: Catchpoints) => void };

export const HELP = [
  's | n | finish      step a source line (into calls) | over calls | out of the function',
  'u [LOC]             until: next, but not back round a loop; with LOC, run to it in this frame (or until it returns)',
  'advance LOC         run to LOC in any frame, or until the current function returns',
  'rs | rn | rfinish   the same, backwards (rn steps back over calls; rfinish returns to the call)',
  'si [N]              step N instructions (default 1)',
  'rsi [N]             step N instructions backwards',
  'c                   continue to the next breakpoint, watchpoint or catchpoint, or the end',
  'rc                  reverse-continue to the last hit before now, or the start',
  'b FUNCTION|FILE:LINE|LINE|*ADDR|SYMBOL   set a breakpoint (LINE: in the current file)',
  'bt                  backtrace;  frame N  selects frame N for info locals/args and p',
  'info locals | info args',
  'p EXPR              print a C expression as gdb does (operators, casts, sizeof, @) or a register',
  'x/Ni ADDR           disassemble N instructions',
  'list [FILE:LINE]    source lines around the current line (or the given one)',
  'd [N...]            delete the given breakpoints/watchpoints/catchpoints (all without N)',
  'watch|rwatch|awatch ADDR [LEN]   stop on writes / reads / any access (LEN bytes, default 4)',
  'catch trap [CAUSE...] | catch interrupt [CODE...] | catch priv | catch mmio [DEVICE...] | catch console',
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

  /** The selected frame for info locals/args and p. */
  private frameLevel = 0;
  /** Directories where source files are looked for (relative DWARF paths), besides the current one. */
  sourceDirectories: string[] = [];

  /** Runs a fork to a new recording (set by the front end, which owns files and consoles). */
  forker: ((output: string, script: string | undefined) => Promise<string>) | undefined;

  constructor(
    readonly timeline: Timeline,
    private readonly symbols: { describe(a: number): string | undefined; address(name: string): number | undefined },
    /** Source-level debugging, when the program has debug information. */
    readonly source?: SourceDebugger,
  ) {
    source?.addBreakpointFunctions((pc) => this.breakpointFunctions(pc));
  }

  /** The functions the breakpoints at `pc` were set on; undefined if one of them is a line or an address. */
  private breakpointFunctions(pc: number): readonly string[] | undefined {
    const names: string[] = [];
    for (const p of this.points) {
      if (p.kind !== 'breakpoint' || p.address !== pc >>> 0) continue;
      if (p.function === undefined) return undefined;
      names.push(p.function);
    }
    return names;
  }

  private needSource(): SourceDebugger {
    if (this.source === undefined) throw new CommandError('the program has no debug information (build it with -g)');
    return this.source;
  }

  /** Executes one command line; returns its result lines. Throws nothing for user errors. */
  async execute(line: string, signal?: AbortSignal): Promise<string[]> {
    const words = line.trim().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return [];
    try {
      const out = await this.dispatch(words[0]!, words.slice(1), signal, line.trim().slice(words[0]!.length).trim());
      return out;
    } catch (e) {
      if (e instanceof CommandError || e instanceof SymbolsError) return [`error: ${e.message}`];
      throw e;
    }
  }

  private async dispatch(cmd: string, args: string[], signal: AbortSignal | undefined, rest: string): Promise<string[]> {
    const t = this.timeline;
    const control = { signal };
    const moved = (s: Stop) => { this.frameLevel = 0; return [this.stopLine(s)]; };
    // A command gdb refuses here (finish in main ...) is an error; nothing moved.
    const stepped = (s: SourceStop) => {
      if (s.refused !== undefined) throw new CommandError(s.refused);
      return moved(s);
    };
    switch (cmd) {
      case 's': case 'step': return stepped(await this.needSource().step('in', control));
      case 'n': case 'next': return stepped(await this.needSource().step('over', control));
      case 'finish': return stepped(await this.needSource().step('out', control));
      case 'u': case 'until':
        if (args[0] === undefined) return stepped(await this.needSource().until(control));
      {
        const { addresses, fn } = this.location(args[0]);
        return stepped(await this.needSource().runTo(addresses, false, fn, control));
      }
      case 'advance':
        if (args[0] === undefined) throw new CommandError('advance where? a function, FILE:LINE, LINE or *ADDR');
      {
        const { addresses, fn } = this.location(args[0]);
        return stepped(await this.needSource().runTo(addresses, true, fn, control));
      }
      case 'rs': case 'reverse-step': return stepped(await this.needSource().reverseStep('in', control));
      case 'rn': case 'reverse-next': return stepped(await this.needSource().reverseStep('over', control));
      case 'rfinish': case 'reverse-finish': return stepped(await this.needSource().reverseStep('out', control));
      case 'bt': case 'backtrace': case 'where': return this.backtrace();
      case 'frame': case 'f': return [this.selectFrame(args)];
      case 'list': case 'l': return this.list(args);
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
      case 'p': case 'print': return this.print(rest);
      case 'info': return args[0] === 'locals' || args[0] === 'args' ? this.variables(args[0]) : this.info(args);
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
    // The stop's inline frames are decided now, from the breakpoints set now (as gdb decides them).
    this.source?.settle();
    const sym = this.where(s.pc);
    const pos = this.source?.symbols.lineAt(s.pc);
    const at = pos === undefined ? '' : `at ${path.basename(pos.file)}:${pos.line}`;
    return [`stop ${s.kind}`, `icount=${s.icount}`, `pc=${hex8(s.pc)}`, sym, at, s.kind === 'step' ? '' : s.detail]
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

  /** An address: a number, a register ($pc, $sp ...), a symbol, or symbol+offset. */
  private address(text: string | undefined): number {
    if (text === undefined) throw new CommandError('an address or symbol is needed');
    if (text.startsWith('$')) {
      const v = /^\S+ = (0x[0-9a-f]+)/.exec(this.printRegister([text]));
      if (v === null) throw new CommandError(`bad register ${text}`);
      return parseInt(v[1]!, 16) >>> 0;
    }
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
    if (args[0] === undefined) throw new CommandError('break where? a function, FILE:LINE, LINE or *ADDR');
    const { addresses, lines, fn } = this.location(args[0]);
    const out: string[] = [];
    for (const address of addresses) {
      const id = this.nextId++;
      const where = this.where(address);
      this.points.push({ id, kind: 'breakpoint', address, where, function: fn });
      const pos = this.source?.symbols.lineAt(address);
      const line = lines?.get(address) ?? pos?.line;
      out.push(`breakpoint ${id} at ${hex8(address)}${where === '' ? '' : ` ${where}`}${pos === undefined ? '' : ` at ${path.basename(pos.file)}:${line}`}`);
    }
    this.rebuild();
    return out.join('\n');
  }

  /**
   * The addresses of a location as `break` takes it (FUNCTION, FILE:LINE,
   * LINE in the current file, *ADDR, a symbol or number), the line gdb
   * reports for each of a FILE:LINE, and the function a FUNCTION names.
   */
  private location(given: string): { addresses: number[]; lines?: Map<number, number>; fn?: string } {
    let spec = given;
    let addresses: number[] = [];
    if (spec.startsWith('*')) {
      addresses = [this.address(spec.slice(1))];
    } else if (this.source !== undefined && /^\d+$/.test(spec)) {
      const here = this.source.position();
      if (here === undefined) throw new CommandError('no current source file: use FILE:LINE');
      spec = `${here.file}:${spec}`;
    }
    // `break FUNCTION` (as gdb: stopped there, the function's inlined frame shows); FILE:LINE with
    // the line gdb reports for each location (the next line with code, or past a prologue).
    let fn: string | undefined;
    let lines: Map<number, number> | undefined;
    const fileLine = /^(.*):(\d+)$/.exec(spec);
    if (addresses.length === 0 && this.source !== undefined && fileLine !== null) {
      lines = new Map(this.source.symbols.lineBreakpointLocations(fileLine[1]!, Number(fileLine[2])).map((l) => [l.address, l.line]));
      addresses = [...lines.keys()];
      if (addresses.length === 0) throw new CommandError(`no code at ${spec}`);
    } else if (addresses.length === 0 && this.source !== undefined && !/^0x/i.test(spec)) {
      addresses = this.source.symbols.functionBreakpoints(spec);
      if (addresses.length === 0 && spec.includes(':')) throw new CommandError(`no code at ${spec}`);
      if (addresses.length > 0) fn = spec;
    }
    if (addresses.length === 0) addresses = [this.address(spec)];
    return { addresses, lines, fn };
  }

  // ------------------------------------------------------------ source level

  private backtrace(): string[] {
    const src = this.needSource();
    const frames = src.frames();
    return frames.map((f, i) => {
      const args = src.symbols.frameArguments(frames, i, src.machine);
      const where = f.file === undefined ? '' : ` at ${path.basename(f.file)}:${f.line ?? '?'}`;
      const pc = i === 0 || f.inline ? '' : `${hex8(f.pc)} in `;
      return `#${i}  ${pc}${f.function ?? '??'} (${args})${where}`;
    });
  }

  private selectFrame(args: string[]): string {
    const src = this.needSource();
    const frames = src.frames();
    const n = args[0] === undefined ? this.frameLevel : this.number(args[0], 'frame number');
    if (n >= frames.length) throw new CommandError(`no frame ${n} (the stack has ${frames.length})`);
    this.frameLevel = n;
    const f = frames[n]!;
    return `#${n}  ${f.function ?? '??'}${f.file === undefined ? '' : ` at ${path.basename(f.file)}:${f.line ?? '?'}`}`;
  }

  private variables(which: 'locals' | 'args'): string[] {
    const src = this.needSource();
    const frames = src.frames();
    const level = Math.min(this.frameLevel, frames.length - 1);
    const vars = which === 'locals' ? src.symbols.locals(frames, level, src.machine) : src.symbols.args(frames, level, src.machine);
    return src.symbols.describeVariables(vars, src.machine, which === 'locals' ? 'No locals.' : 'No arguments.');
  }

  /**
   * p EXPR: a C expression when the program has debug information (after
   * gdb's warnings, if any), or a register. A bare name is the program's
   * variable when it has one (a variable `time` is not the CSR); `$name` and
   * names the program does not know are registers.
   */
  private print(expr: string): string[] {
    const e = expr.replace(/^\/x\s+/, '');
    if (e === '') throw new CommandError('print what? a register or an expression');
    const registerLike = /^\$?\w+$/.test(e);
    const src = this.source;
    if (src === undefined || (registerLike && e.startsWith('$'))) {
      try {
        return [this.printRegister([e])];
      } catch (err) {
        if (!(err instanceof CommandError) || src === undefined || !/^no register/.test(err.message)) throw err;
      }
    }
    const frames = src.frames();
    const warnings: string[] = [];
    try {
      const v = src.symbols.evaluate(e, frames, Math.min(this.frameLevel, frames.length - 1), src.machine, warnings);
      return [...warnings.map((w) => `warning: ${w}`), `${e} = ${src.symbols.formatValue(v, src.machine, { topLevel: true })}`];
    } catch (err) {
      if (!registerLike || !(err instanceof SymbolsError) || !/^No symbol "/.test(err.message)) throw err;
      try {
        return [this.printRegister([e])];
      } catch {
        throw err;
      }
    }
  }

  private list(args: string[]): string[] {
    const src = this.needSource();
    let file: string;
    let line: number;
    if (args[0] !== undefined) {
      const m = /^(.*):(\d+)$/.exec(args[0]);
      if (m === null) throw new CommandError('list FILE:LINE');
      file = m[1]!;
      line = Number(m[2]);
    } else {
      const frames = src.frames();
      const f = frames[Math.min(this.frameLevel, frames.length - 1)];
      if (f?.file === undefined || f.line === undefined) throw new CommandError('no source line here');
      file = f.file;
      line = f.line;
    }
    const found = [file, ...this.sourceDirectories.map((d) => path.join(d, file)), ...this.sourceDirectories.map((d) => path.join(d, path.basename(file)))]
      .find((p) => existsSync(p));
    if (found === undefined) throw new CommandError(`source file ${file} not found (give its directory with --source-dir)`);
    const lines = readFileSync(found, 'utf8').split('\n');
    const from = Math.max(1, line - 5);
    const to = Math.min(lines.length, line + 4);
    const out: string[] = [];
    for (let i = from; i <= to; i++) out.push(`${i}\t${lines[i - 1]}`);
    return out;
  }

  private addWatch(args: string[], access: WatchKind, name: string): string {
    const virtual = this.address(args[0]);
    const length = args[1] === undefined ? 4 : this.number(args[1], 'length');
    if (length < 1) throw new CommandError('the length must be at least 1');
    // Watches are on RAM, by physical address: a virtual address (a kernel variable) is translated
    // through the page tables in force now.
    const address = this.timeline.vm.board.hart.translateForDebugger(virtual);
    if (address === undefined) {
      throw new CommandError(`${hex8(virtual)} is not mapped at icount ${this.timeline.icount}: seek to where the guest maps it`);
    }
    const id = this.nextId++;
    this.points.push({ id, kind: 'watchpoint', address, length, access });
    this.rebuild();
    return `watchpoint ${id} ${name} ${hex8(virtual)}${address === virtual ? '' : ` (physical ${hex8(address)})`} length ${length}`;
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
      case 'interrupt': {
        const causes = args.slice(1).map((a) => this.number(a, 'interrupt code'));
        text = causes.length === 0 ? 'interrupt (every cause)' : `interrupt ${causes.join(',')}`;
        apply = (c) => {
          if (causes.length === 0) c.interrupts = true;
          else c.interruptCauses = new Set([...(c.interruptCauses ?? []), ...causes]);
        };
        break;
      }
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
      default: throw new CommandError('catch what? trap [CAUSE...], interrupt [CODE...], priv, mmio [DEVICE...] or console');
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

  /** Gives the timeline this session's points (other clients of the timeline keep theirs). */
  private rebuild(): void {
    const breakpoints: number[] = [];
    const watchpoints: Watchpoint[] = [];
    const catchpoints: Catchpoints = {};
    for (const p of this.points) {
      if (p.kind === 'breakpoint') breakpoints.push(p.address);
      else if (p.kind === 'watchpoint') watchpoints.push({ address: p.address, length: p.length, kind: p.access });
      else p.apply(catchpoints);
    }
    this.timeline.setPointsOf(this, { breakpoints, watchpoints, catchpoints });
  }

  // ------------------------------------------------------------ state

  private registers(): string[] {
    const hart = this.timeline.vm.board.hart;
    const lines = [`pc ${hex8(hart.pc)}${this.where(hart.pc) === '' ? '' : ` ${this.where(hart.pc)}`} priv ${'US?M'[hart.priv]} icount ${hart.icount}`];
    for (let i = 1; i < 32; i++) lines.push(`x${i} ${ABI_NAMES[i]} ${hex8(hart.x[i]!)}`);
    return lines;
  }

  private printRegister(args: string[]): string {
    const name = (args[0] ?? '').replace(/^\$/, '');
    if (name === '') throw new CommandError('print what? a register name');
    const hart = this.timeline.vm.board.hart;
    if (name === 'pc') return `pc = ${hex8(hart.pc)}${this.where(hart.pc) === '' ? '' : ` ${this.where(hart.pc)}`}`;
    let i = ABI_NAMES.indexOf(name);
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
    const m = /^x(?:\/(\d*)([bhwi]?))?$/.exec(cmd);
    if (m === null) throw new CommandError('examine as x/NF ADDR with F = b, h, w or i');
    const n = m[1] === undefined || m[1] === '' ? 1 : Number(m[1]);
    if (m[2] === 'i') {
      const src = this.needSource();
      const start = args[0] === undefined ? this.timeline.vm.board.hart.pc >>> 0 : this.address(args[0]);
      return src.symbols.disassemble(start, n, src.machine).map((d) =>
        `${hex8(d.address)}${this.where(d.address) === '' ? '' : ` <${this.where(d.address)}>`}:\t${d.instruction.text}`);
    }
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
