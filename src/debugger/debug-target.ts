/**
 * A debugging target for front ends (the DAP server, later others): a replay
 * of a recording, or a live run that is recorded as it goes, with everything a
 * debugger UI asks for as plain calls. It holds the debugger's logic
 * (conditional and hit-count breakpoints, logpoints, stepping rules, variable
 * trees, source paths) so front ends only translate.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ElfFile } from '../elf/elf-file.js';
import { SymbolMap } from '../elf/symbol-map.js';
import { CSR_NAMES } from '../isa/csr.js';
import { ABI_NAMES } from '../isa/disassembler.js';
import { EXCEPTION_NAMES, INTERRUPT_BIT, causeName } from '../hart/trap.js';
import type { HostInput } from '../host/host-input.js';
import { WatchKind } from '../memory/ram-watch.js';
import { liveContents, saveContents, type RecordingContents } from '../replay/recording-contents.js';
import { RecordingReader } from '../replay/recording-file.js';
import { PRODUCER } from '../replay/recorder.js';
import { fullDigest } from '../replay/state-check.js';
import { conditionHolds } from '../symbols/c-arithmetic.js';
import { Symbols, SymbolsError, type Frame, type Machine } from '../symbols/symbols.js';
import { strip, typeName } from '../symbols/types.js';
import { assignmentBytes, valueFromNumber, ValueError, type Value } from '../symbols/values.js';
import { PC_REGISTER_INDEX, type DebuggerWrite } from '../monitor/debugger-write.js';
import { DensityPolicy } from '../timeline/checkpoint-policy.js';
import { Timeline, type Control, type Stop, type WatchTiming } from '../timeline/timeline.js';
import { SourceDebugger, type SourceStop, type StepKind } from './source-debugger.js';
import { childrenOf, expandable } from './value-tree.js';

/** A user mistake in a request (bad expression, refused write): the message is for the user. */
export class TargetError extends Error {}

export interface TargetOptions {
  /** A guest ELF to run live (recorded as it runs)... */
  readonly program?: string;
  /** ...or a recording to replay. */
  readonly recording?: string;
  readonly args?: readonly string[];
  readonly memory?: number;
  /** Where live inputs come from (console, host files). Required with `program`. */
  readonly host?: HostInput;
  readonly checkpointBudget?: number;
  /** Directories to find sources in (relative DWARF paths), and prefix rewrites of DWARF paths. */
  readonly sourceDirectories?: readonly string[];
  readonly sourceMap?: Readonly<Record<string, string>>;
  readonly clock?: 'virtual' | 'host';
  /** Receives guest console output the first time it is produced. */
  readonly onOutput?: (text: string, category: 'stdout' | 'stderr') => void;
  /** Where watchpoint stops leave the timeline (see Timeline's WatchTiming); 'completed' by default. */
  readonly watchTiming?: WatchTiming;
}

/** A watchpoint as front ends give it: the watched bytes and the accesses that stop. */
export interface WatchpointSpec {
  readonly address: number;
  readonly length: number;
  readonly kind: WatchKind;
}

/** One window of the physical address space, for memory maps. */
export interface MemoryRegion {
  readonly base: number;
  readonly size: number;
  /** 'ram' (RAM), 'rom' (read-only memory, the boot ROM), or 'device' (registers: peeks only). */
  readonly kind: 'ram' | 'rom' | 'device';
  readonly name: string;
}

export interface SourceBreakpointSpec {
  readonly line: number;
  readonly condition?: string;
  readonly hitCondition?: string;
  readonly logMessage?: string;
}

export interface BreakpointResult {
  readonly id: number;
  readonly verified: boolean;
  readonly line?: number;
  readonly address?: number;
  readonly message?: string;
}

interface BreakpointEntry {
  readonly id: number;
  readonly address: number;
  /** The function a function breakpoint was set on (its inlined frame shows when stopped there). */
  readonly function?: string;
  readonly condition?: string;
  readonly hitCondition?: string;
  readonly logMessage?: string;
  /** The icounts at which this breakpoint was reached going forward (a span run twice counts once). */
  readonly hits: Set<number>;
}

export interface FrameView {
  readonly level: number;
  readonly name: string;
  /** Host path of the source, when found. */
  readonly path: string | undefined;
  /** The DWARF file name. */
  readonly file: string | undefined;
  readonly line: number;
  readonly pc: number;
}

export interface VariableView {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
  /** Non-zero: expandable (pass to variables()). */
  readonly reference: number;
  readonly memoryReference?: string;
  readonly evaluateName?: string;
}

export type Granularity = 'statement' | 'instruction';

export interface DisassembledInstruction {
  readonly address: number;
  readonly bytes: string;
  readonly text: string;
  readonly symbol?: string;
  readonly path?: string;
  readonly line?: number;
}

type Node =
  | { readonly kind: 'scope'; readonly scope: 'locals' | 'args' | 'registers' | 'csrs' | 'globals'; readonly level: number }
  | { readonly kind: 'value'; readonly value: Value; readonly path: string; readonly level: number };

/** The register a debugger may change (x1-x31 by number or ABI name, fp, pc as 32), or undefined. */
function registerIndex(name: string): number | undefined {
  if (name === 'pc') return PC_REGISTER_INDEX;
  if (name === 'fp') return 8;
  const abi = ABI_NAMES.indexOf(name);
  if (abi >= 0) return abi;
  const x = /^x(\d+)$/.exec(name);
  return x !== null && Number(x[1]) < 32 ? Number(x[1]) : undefined;
}

const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export class DebugTarget {
  readonly timeline: Timeline;
  readonly elf: ElfFile;
  readonly symbols: SymbolMap;
  readonly debugInfo: Symbols;
  readonly source: SourceDebugger | undefined;
  private readonly breakpoints = new Map<string, BreakpointEntry[]>();
  /** The breakpoints that held (condition, hit count) at recent breakpoint hits, by icount: what a stop there reports. */
  private readonly triggered = new Map<number, number[]>();
  private nextId = 1;
  /** Handles for variables views, valid until the timeline moves. */
  private nodes: Node[] = [];
  /** The last stop, for exceptionInfo. */
  lastStop: Stop | undefined;
  private readonly sourceDirs: readonly string[];
  private readonly sourceMap: Readonly<Record<string, string>>;
  private direction: 'forward' | 'reverse' = 'forward';
  private readonly onOutput: TargetOptions['onOutput'];

  constructor(o: TargetOptions) {
    this.onOutput = o.onOutput;
    let contents: RecordingContents | RecordingReader;
    if (o.recording !== undefined) {
      contents = RecordingReader.open(o.recording);
    } else if (o.program !== undefined) {
      if (o.host === undefined) throw new TargetError('a live program needs a host');
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(o.program));
      } catch {
        throw new TargetError(`${o.program}: no such file`);
      }
      contents = liveContents({
        elf: new ElfFile(bytes, o.program), programName: o.program, args: o.args ?? [], memory: o.memory ?? 128 * 1024 * 1024,
        clock: o.clock, producer: PRODUCER,
      });
    } else {
      throw new TargetError('give a program to run or a recording to replay');
    }
    this.timeline = new Timeline(contents, {
      policy: new DensityPolicy({ budgetBytes: o.checkpointBudget }),
      onOutput: (bytes, error) => this.onOutput?.(Buffer.from(bytes).toString('latin1'), error ? 'stderr' : 'stdout'),
      watchTiming: o.watchTiming,
    }, o.program !== undefined ? o.host : undefined);
    this.timeline.hitFilter = (pc) => this.breakpointFilter(pc);
    const image = this.timeline.contents.image;
    this.elf = new ElfFile(image.bytes, image.meta.name);
    this.symbols = new SymbolMap(this.elf);
    this.debugInfo = Symbols.load(this.elf);
    this.source = this.debugInfo.sourceFiles().length > 0 ? new SourceDebugger(this.timeline, this.debugInfo) : undefined;
    this.source?.addBreakpointFunctions((pc) => this.breakpointFunctions(pc));
    this.sourceDirs = [...(o.sourceDirectories ?? []), ...(o.program !== undefined ? [path.dirname(path.resolve(o.program))] : [])];
    this.sourceMap = o.sourceMap ?? {};
  }

  get live(): boolean {
    return this.timeline.contents.live;
  }

  get icount(): number {
    return this.timeline.icount;
  }

  get pc(): number {
    return this.timeline.vm.board.hart.pc >>> 0;
  }

  // ------------------------------------------------------------ sources

  /** The host path of a DWARF source file, if it can be found. */
  hostPath(file: string | undefined): string | undefined {
    if (file === undefined) return undefined;
    let f = file;
    for (const [from, to] of Object.entries(this.sourceMap)) if (f.startsWith(from)) f = to + f.slice(from.length);
    // Relative paths resolve only against the configured directories: the process's own working
    // directory is arbitrary (an editor's extension host, when the adapter runs inside it).
    const candidates = path.isAbsolute(f) ? [f] : [...this.sourceDirs.map((d) => path.join(d, f)), ...this.sourceDirs.map((d) => path.join(d, path.basename(f)))];
    return candidates.find((c) => existsSync(c)) ?? (path.isAbsolute(f) ? f : undefined);
  }

  /** Source files of the program, as host paths where found. */
  loadedSources(): { path: string | undefined; name: string }[] {
    return this.debugInfo.sourceFiles().map((f) => ({ path: this.hostPath(f), name: path.basename(f) }));
  }

  // ------------------------------------------------------------ breakpoints

  private rebuildBreakpoints(): void {
    const addresses: number[] = [];
    for (const list of this.breakpoints.values()) for (const b of list) addresses.push(b.address);
    this.timeline.setPointsOf(this, { ...this.timeline.pointsOf(this), breakpoints: addresses });
  }

  /** Replaces the breakpoints of one source file. */
  setSourceBreakpoints(sourcePath: string, specs: readonly SourceBreakpointSpec[]): BreakpointResult[] {
    const entries: BreakpointEntry[] = [];
    const results = specs.map((s): BreakpointResult => {
      const id = this.nextId++;
      if (this.source === undefined) return { id, verified: false, message: 'the program has no debug information (build it with -g)' };
      const locations = this.debugInfo.lineBreakpointLocations(sourcePath, s.line);
      if (locations.length === 0) return { id, verified: false, message: `no code at line ${s.line} of ${path.basename(sourcePath)}` };
      for (const { address } of locations) entries.push({ id, address, condition: s.condition, hitCondition: s.hitCondition, logMessage: s.logMessage, hits: new Set<number>() });
      // The line gdb reports for the breakpoint (the next line with code, or past a prologue).
      return { id, verified: true, line: locations[0]!.line, address: locations[0]!.address };
    });
    this.breakpoints.set(`source:${sourcePath}`, entries);
    this.rebuildBreakpoints();
    return results;
  }

  setFunctionBreakpoints(specs: readonly { name: string; condition?: string; hitCondition?: string }[]): BreakpointResult[] {
    const entries: BreakpointEntry[] = [];
    const results = specs.map((s): BreakpointResult => {
      const id = this.nextId++;
      let addresses = this.debugInfo.functionBreakpoints(s.name);
      if (addresses.length === 0) {
        const a = this.symbols.address(s.name);
        if (a !== undefined) addresses = [a];
      }
      if (addresses.length === 0) return { id, verified: false, message: `no function ${s.name}` };
      for (const address of addresses) entries.push({ id, address, function: s.name, condition: s.condition, hitCondition: s.hitCondition, hits: new Set<number>() });
      return { id, verified: true, address: addresses[0], line: this.debugInfo.lineAt(addresses[0]!)?.line };
    });
    this.breakpoints.set('functions', entries);
    this.rebuildBreakpoints();
    return results;
  }

  setInstructionBreakpoints(specs: readonly { address: number; condition?: string; hitCondition?: string }[]): BreakpointResult[] {
    const entries: BreakpointEntry[] = [];
    const results = specs.map((s) => {
      const id = this.nextId++;
      entries.push({ id, address: s.address >>> 0, condition: s.condition, hitCondition: s.hitCondition, hits: new Set<number>() });
      return { id, verified: true, address: s.address >>> 0, line: this.debugInfo.lineAt(s.address >>> 0)?.line };
    });
    this.breakpoints.set('instructions', entries);
    this.rebuildBreakpoints();
    return results;
  }

  /** Decides whether a breakpoint hit at `pc` stops: conditions, hit counts (forward only), logpoints. */
  private breakpointFilter(pc: number): boolean {
    const all = this.entriesAt(pc);
    if (all.length === 0) return true; // not ours: the debug console's (which has no conditions)
    let stop = false;
    const icount = this.timeline.icount;
    const triggered: number[] = [];
    for (const b of all) {
      if (b.condition !== undefined && b.condition.trim() !== '') {
        try {
          if (!conditionHolds(this.evaluateValue(b.condition, 0))) continue;
        } catch {
          // A condition that cannot be evaluated stops, as in gdb, so the user sees it.
        }
      }
      if (b.hitCondition !== undefined && b.hitCondition.trim() !== '' && this.direction === 'forward') {
        // The ordinal of this execution among those seen: the same at this icount whenever the timeline passes it.
        b.hits.add(icount);
        let ordinal = 0;
        for (const h of b.hits) if (h <= icount) ordinal++;
        if (!hitMatches(b.hitCondition, ordinal)) continue;
      }
      if (b.logMessage !== undefined) {
        if (this.direction === 'forward') this.onOutput?.(`${this.interpolate(b.logMessage)}\n`, 'stdout');
        continue;
      }
      stop = true;
      triggered.push(b.id);
    }
    if (triggered.length > 0) {
      this.triggered.set(icount, triggered);
      if (this.triggered.size > 64) this.triggered.delete(this.triggered.keys().next().value!);
    }
    // A breakpoint of the debug console's at the same place stops whatever ours decide.
    return stop || this.timeline.othersBreakAt(this, pc >>> 0);
  }

  /** Every breakpoint entry (of any kind) at `pc`. */
  private entriesAt(pc: number): BreakpointEntry[] {
    return [...this.breakpoints.values()].flat().filter((b) => b.address === pc >>> 0);
  }

  /** The functions the breakpoints at `pc` were set on; undefined if one of them is a line or an address. */
  private breakpointFunctions(pc: number): readonly string[] | undefined {
    const here = this.entriesAt(pc);
    if (here.some((b) => b.function === undefined)) return undefined;
    return here.map((b) => b.function!);
  }

  /**
   * The breakpoints (not logpoints) at `pc`, and the kind of the first: what
   * a stop there reports. For a stop at `icount`, only those whose condition
   * and hit count held there (none: another client's breakpoint stopped it).
   */
  breakpointsAt(pc: number, icount?: number): { ids: number[]; kind: 'source' | 'function' | 'instruction' } | undefined {
    const held = icount === undefined ? undefined : this.triggered.get(icount);
    const found = [...this.breakpoints.entries()].flatMap(([key, list]) => list
      .filter((b) => b.address === pc >>> 0 && b.logMessage === undefined && (icount === undefined || held?.includes(b.id) === true))
      .map((b) => ({ id: b.id, key })));
    if (found.length === 0) return undefined;
    const key = found[0]!.key;
    return { ids: [...new Set(found.map((f) => f.id))], kind: key === 'functions' ? 'function' : key === 'instructions' ? 'instruction' : 'source' };
  }

  private interpolate(message: string): string {
    return message.replace(/\{([^}]+)\}/g, (_, expr: string) => {
      try {
        return this.evaluate(expr, 0).value;
      } catch (e) {
        return `<${(e as Error).message}>`;
      }
    });
  }

  /** Exception filters: traps (optionally only the given causes), interrupts, privilege changes. */
  setExceptionFilters(filters: readonly string[], trapCauses?: readonly number[]): void {
    const catchpoints = {
      traps: filters.includes('trap') ? (trapCauses !== undefined && trapCauses.length > 0 ? new Set(trapCauses) : 'all' as const) : undefined,
      interrupts: filters.includes('interrupt'),
      privilege: filters.includes('privilege'),
    };
    this.timeline.setPointsOf(this, { ...this.timeline.pointsOf(this), catchpoints });
  }

  /** The expression and frame of a child of a variables reference (for data breakpoints on it), if it has one. */
  childExpression(reference: number, name: string): { expression: string; level: number } | undefined {
    const node = this.nodes[reference - 1];
    if (node === undefined) return undefined;
    const child = this.variables(reference).find((v) => v.name === name);
    return child?.evaluateName === undefined ? undefined : { expression: child.evaluateName, level: node.level };
  }

  /** What a data breakpoint on `expression` (a variable, or an address) would watch. */
  dataBreakpointInfo(expression: string, level = 0): { dataId: string; description: string } | undefined {
    let address: number | undefined;
    let length = 4;
    let description = expression;
    try {
      const v = this.evaluateValue(expression, level);
      if (v.address !== undefined) {
        address = v.address >>> 0;
        length = Math.max(1, Math.min(v.bytes.length, 4096));
        description = `${expression} (${length} bytes at ${hex8(address)})`;
      }
    } catch {
      const n = /^(0x[0-9a-f]+|\d+)$/i.exec(expression.trim());
      if (n !== null) address = Number(n[1]) >>> 0;
    }
    if (address === undefined) return undefined;
    return { dataId: `${address}:${length}`, description };
  }

  setDataBreakpoints(specs: readonly { dataId: string; accessType?: 'read' | 'write' | 'readWrite' }[]): BreakpointResult[] {
    const watches: WatchpointSpec[] = [];
    const results = specs.map((s): BreakpointResult => {
      const id = this.nextId++;
      const m = /^(\d+):(\d+)$/.exec(s.dataId);
      if (m === null) return { id, verified: false, message: `bad data breakpoint ${s.dataId}` };
      const kind = s.accessType === 'read' ? WatchKind.Read : s.accessType === 'readWrite' ? WatchKind.Access : WatchKind.Write;
      watches.push({ address: Number(m[1]), length: Number(m[2]), kind });
      return { id, verified: true };
    });
    this.setWatchpoints(watches);
    return results;
  }

  /** Replaces every watchpoint. */
  setWatchpoints(specs: readonly WatchpointSpec[]): void {
    for (const w of specs) {
      if (!Number.isSafeInteger(w.length) || w.length < 1) throw new TargetError(`a watchpoint needs a length of at least 1 byte (got ${w.length})`);
    }
    const watchpoints = specs.map((w) => ({ address: w.address >>> 0, length: w.length, kind: w.kind }));
    this.timeline.setPointsOf(this, { ...this.timeline.pointsOf(this), watchpoints });
  }

  // ------------------------------------------------------------ execution

  private moved(s: Stop): Stop {
    this.nodes = [];
    this.lastStop = s;
    this.source?.settle();
    return s;
  }

  async continue(control: Control = {}): Promise<Stop> {
    this.direction = 'forward';
    return this.moved(await this.timeline.continueForward(control));
  }

  async reverseContinue(control: Control = {}): Promise<Stop> {
    this.direction = 'reverse';
    try {
      return this.moved(await this.timeline.reverseContinue(control));
    } finally {
      this.direction = 'forward';
    }
  }

  /**
   * Why a step would be refused here (gdb's message: `finish` in the
   * outermost frame ...), or undefined. Front ends ask before they answer
   * the request.
   */
  stepRefusal(kind: StepKind, granularity: Granularity, back: boolean): string | undefined {
    if (this.source === undefined || (granularity === 'instruction' && kind !== 'out')) return undefined;
    return this.source.refusal(kind, back);
  }

  /** A source-level stop, or the error gdb gives for a refused command. */
  private sourceStop(s: SourceStop): Stop {
    if (s.refused !== undefined) throw new TargetError(s.refused);
    return this.moved(s);
  }

  /** Steps forward: by statements (source lines) or instructions. */
  async step(kind: StepKind, granularity: Granularity, control: Control = {}): Promise<Stop> {
    this.direction = 'forward';
    if (granularity === 'instruction' || this.source === undefined) {
      if (kind === 'out' && this.source !== undefined) return this.sourceStop(await this.source.step('out', control));
      return this.moved(await this.timeline.stepForward(1, control));
    }
    return this.sourceStop(await this.source.step(kind, control));
  }

  /** Steps backward; a statement step back steps over calls (reverse next). */
  async stepBack(kind: StepKind, granularity: Granularity, control: Control = {}): Promise<Stop> {
    // Going back, breakpoint conditions are tested but hit counts and logpoints are left alone.
    this.direction = 'reverse';
    try {
      if (granularity === 'instruction' || this.source === undefined) {
        if (kind === 'out' && this.source !== undefined) return this.sourceStop(await this.source.reverseStep('out', control));
        return this.moved(await this.timeline.stepBack(1, control));
      }
      return this.sourceStop(await this.source.reverseStep(kind, control));
    } finally {
      this.direction = 'forward';
    }
  }

  async seek(icount: number, control: Control = {}): Promise<Stop> {
    return this.moved(await this.timeline.seek(icount, control));
  }

  /** Goes to the next (forward) or last (backward) time a source line starts executing. */
  async gotoLine(file: string, line: number, forward: boolean, control: Control = {}): Promise<Stop> {
    const addresses = new Set(this.debugInfo.lineBreakpoints(file, line));
    if (addresses.size === 0) throw new TargetError(`no code at line ${line}`);
    const match = (h: { pc: number }) => addresses.has(h.pc >>> 0);
    const s = forward ? await this.timeline.searchForward(match, control) : await this.timeline.searchBackward(match, control);
    return this.moved(s);
  }

  /** Saves a live session's recording (up to the furthest point reached) to `file`. */
  async saveRecording(file: string): Promise<void> {
    const t = this.timeline;
    const here = t.icount;
    const upTo = t.furthest;
    await t.seek(upTo);
    const digest = fullDigest(t.vm);
    // A guest that powered off ends the recording with its exit; otherwise the user quit the session there.
    const power = t.vm.board.power;
    const end = power.kind === 'off' ? { stop: 'exit', exitStatus: power.status } : { stop: 'quit', exitStatus: 0 };
    saveContents(t.contents, file, upTo, { finalIcount: upTo, ...end, finalDigest: digest, eventCount: t.contents.events.filter((e) => e.icount <= upTo).length });
    await t.seek(here);
  }

  // ------------------------------------------------------------ frames and variables

  frames(): FrameView[] {
    const pc = this.pc;
    if (this.source === undefined) {
      return [{ level: 0, name: this.symbols.describe(pc) ?? hex8(pc), path: undefined, file: undefined, line: 0, pc }];
    }
    return this.source.frames().map((f: Frame, i) => ({
      level: i,
      name: f.function ?? this.symbols.describe(f.pc) ?? hex8(f.pc),
      path: this.hostPath(f.file),
      file: f.file,
      line: f.line ?? 0,
      pc: f.pc >>> 0,
    }));
  }

  private handle(n: Node): number {
    this.nodes.push(n);
    return this.nodes.length;
  }

  /** The scopes of a frame: Locals, Arguments, Registers, CSRs, Globals. */
  scopes(level: number): { name: string; reference: number; expensive: boolean }[] {
    const out = [];
    if (this.source !== undefined) {
      out.push({ name: 'Locals', reference: this.handle({ kind: 'scope', scope: 'locals', level }), expensive: false });
      out.push({ name: 'Arguments', reference: this.handle({ kind: 'scope', scope: 'args', level }), expensive: false });
    }
    out.push({ name: 'Registers', reference: this.handle({ kind: 'scope', scope: 'registers', level }), expensive: false });
    out.push({ name: 'CSRs', reference: this.handle({ kind: 'scope', scope: 'csrs', level }), expensive: true });
    if (this.source !== undefined) out.push({ name: 'Globals', reference: this.handle({ kind: 'scope', scope: 'globals', level }), expensive: true });
    return out;
  }

  private formatValue(v: Value): string {
    const src = this.source;
    if (src === undefined) return '';
    return src.symbols.formatValue(v, src.machine);
  }

  private valueView(name: string, v: Value, pathExpr: string, level: number): VariableView {
    const t = strip(v.type);
    return {
      name,
      value: this.formatValue(v),
      type: typeName(v.type),
      reference: expandable(v) ? this.handle({ kind: 'value', value: v, path: pathExpr, level }) : 0,
      memoryReference: v.address !== undefined ? hex8(v.address) : t.kind === 'pointer' ? hex8(Number(new DataView(v.bytes.buffer, v.bytes.byteOffset).getUint32(0, true))) : undefined,
      evaluateName: pathExpr,
    };
  }

  /** The children of a variables reference. */
  variables(reference: number): VariableView[] {
    const node = this.nodes[reference - 1];
    if (node === undefined) throw new TargetError('that variable is no longer valid (the timeline moved)');
    const hart = this.timeline.vm.board.hart;
    if (node.kind === 'value') {
      const src = this.source!;
      return childrenOf(node.value, src.machine).map((c) => this.valueView(c.name, c.value, c.path(`(${node.path})`), node.level));
    }
    switch (node.scope) {
      case 'registers': {
        const regs = node.level === 0 ? Array.from(hart.x.subarray(0, 32), (v) => v >>> 0) : this.frameRegisters(node.level);
        return [
          { name: 'pc', value: hex8(node.level === 0 ? hart.pc : this.frames()[node.level]?.pc ?? 0), reference: 0, evaluateName: '$pc' },
          { name: 'priv', value: 'US?M'[hart.priv]!, reference: 0 },
          { name: 'icount', value: String(hart.icount), reference: 0 },
          ...regs.map((v, i) => ({ name: `${ABI_NAMES[i]} (x${i})`, value: v === undefined ? '<not saved>' : hex8(v), reference: 0, evaluateName: `$${ABI_NAMES[i]}`, memoryReference: v === undefined ? undefined : hex8(v) })),
        ];
      }
      case 'csrs':
        return [...CSR_NAMES].filter(([n, name]) => !/^m?hpm/.test(name) && hart.peekCsr(n) !== undefined)
          .map(([n, name]) => ({ name, value: hex8(hart.peekCsr(n)!), reference: 0, evaluateName: `$${name}` }));
      case 'locals':
      case 'args':
      case 'globals': {
        const src = this.source!;
        const frames = src.frames();
        const level = Math.min(node.level, frames.length - 1);
        const vars = node.scope === 'locals' ? src.symbols.locals(frames, level, src.machine)
          : node.scope === 'args' ? src.symbols.args(frames, level, src.machine)
            : src.symbols.globalNames().slice(0, 500).flatMap((name) => {
              try {
                return [{ name, value: src.symbols.evaluate(name, frames, level, src.machine) }];
              } catch {
                return [];
              }
            });
        return vars.map((v) => this.valueView(v.name, v.value, v.name, level));
      }
    }
  }

  private frameRegisters(level: number): (number | undefined)[] {
    const f = this.source?.frames()[level];
    return Array.from({ length: 32 }, (_, i) => f?.registers[i]);
  }

  private evaluateValue(expression: string, level: number): Value {
    const e = expression.trim();
    const reg = /^\$(\w+)$/.exec(e);
    const hart = this.timeline.vm.board.hart;
    const int32: Value['type'] = { kind: 'base', name: 'unsigned int', size: 4, encoding: 8 };
    // With debug information, registers and CSRs go through the symbol evaluator: typed as gdb
    // types them ($pc a code pointer, $sp a data pointer, $mstatus a long) and read in the selected frame.
    if (reg !== null && (this.source === undefined || !this.source.symbols.isRegisterName(reg[1]!, this.source.machine))) {
      const name = reg[1]!;
      if (name === 'pc') return valueFromNumber(int32, hart.pc >>> 0);
      if (name === 'icount') return valueFromNumber(int32, hart.icount % 2 ** 32);
      const i = registerIndex(name);
      if (i !== undefined) return valueFromNumber(int32, hart.x[i]! >>> 0);
      for (const [n, csr] of CSR_NAMES) if (csr === name) { const v = hart.peekCsr(n); if (v !== undefined) return valueFromNumber(int32, v >>> 0); }
      throw new TargetError(`no register $${name}`);
    }
    if (this.source === undefined) {
      const a = this.symbols.address(e);
      if (a !== undefined) return valueFromNumber(int32, a);
      throw new TargetError('the program has no debug information: only $registers and symbols can be evaluated');
    }
    const src = this.source;
    const frames = src.frames();
    try {
      return src.symbols.evaluate(e, frames, Math.min(level, frames.length - 1), src.machine);
    } catch (err) {
      if (err instanceof SymbolsError) throw new TargetError(err.message);
      throw err;
    }
  }

  /** Evaluates an expression: $registers, C expressions over variables, symbols. */
  evaluate(expression: string, level: number): VariableView {
    const v = this.evaluateValue(expression, level);
    if (this.source === undefined) {
      return { name: expression, value: hex8(new DataView(v.bytes.buffer, v.bytes.byteOffset).getUint32(0, true)), reference: 0 };
    }
    return this.valueView(expression, v, expression, level);
  }

  /** Refuses a state change where it cannot be made: in a replay, or in a live session's recorded past. */
  refuseWrite(what: string): never {
    const t = this.timeline;
    if (this.live && t.icount === t.furthest && t.vm.board.power.kind !== 'on') {
      throw new TargetError(`cannot change ${what}: the guest has stopped for good here (icount ${t.icount}), nothing would run after the change`);
    }
    throw new TargetError(this.live
      ? `cannot change ${what} here: icount ${t.icount} is in this session's recorded past; changes are made at its end (icount ${t.furthest}): continue there first`
      : `cannot change ${what} while replaying a recording: its past is fixed (fork a new recording to change the future)`);
  }

  // ------------------------------------------------------------ machine state

  /** The integer registers x0..x31 (unsigned) and the pc, at the current position. */
  registers(): { x: number[]; pc: number } {
    const hart = this.timeline.vm.board.hart;
    return { x: Array.from(hart.x.subarray(0, 32), (v) => v >>> 0), pc: hart.pc >>> 0 };
  }

  /** The privilege level the hart runs in: 0 U, 1 S, 3 M. */
  get privilege(): number {
    return this.timeline.vm.board.hart.priv;
  }

  /** A CSR's value as a debugger sees it (no side effects); undefined if the hart has no such CSR or it has no value of its own (time, seed). */
  readCsr(csr: number): number | undefined {
    const v = this.timeline.vm.board.hart.peekCsr(csr);
    return v === undefined ? undefined : v >>> 0;
  }

  /** The CSRs a debugger can read, by number, with objdump's names. */
  readableCsrs(): { number: number; name: string }[] {
    return [...CSR_NAMES].filter(([n]) => this.readCsr(n) !== undefined).sort((a, b) => a[0] - b[0]).map(([number, name]) => ({ number, name }));
  }

  /** The physical address space: RAM, read-only memory and device windows, in address order. */
  memoryRegions(): MemoryRegion[] {
    const bus = this.timeline.vm.board.bus;
    return [
      ...bus.romWindows().map((r) => ({ base: r.base, size: r.size, kind: 'rom' as const, name: 'rom' })),
      ...bus.devices().map((d) => ({ base: d.base, size: d.size, kind: 'device' as const, name: d.device.name })),
      { base: bus.ram.base, size: bus.ram.size, kind: 'ram' as const, name: 'ram' },
    ].sort((a, b) => a.base - b.base);
  }

  /** Whether the guest can be changed now: a live session at the end of what has run. */
  get writable(): boolean {
    return this.timeline.writable;
  }

  /**
   * Assigns the value of the expression `valueText` to the object `expression`
   * names in frame `level` (a variable, member, element, `*pointer`, or a
   * register like `$a0`), as a logged change the recording replays. Returns the
   * object's new view.
   */
  assign(expression: string, valueText: string, level: number): VariableView {
    if (!this.writable) this.refuseWrite(expression.trim());
    const e = expression.trim();
    const reg = /^\$(\w+)$/.exec(e);
    const rhs = this.operandValue(valueText, level);
    if (reg !== null && registerIndex(reg[1]!) === undefined) throw new TargetError(`cannot change $${reg[1]}: only x1-x31 and the pc can be changed`);
    const lhs = this.evaluateValue(e, level);
    const index = reg !== null ? registerIndex(reg[1]!)! : lhs.register;
    let bytes: Uint8Array;
    try {
      bytes = assignmentBytes(lhs.type, rhs);
    } catch (err) {
      if (err instanceof ValueError) throw new TargetError(err.message);
      throw err;
    }
    if (lhs.address !== undefined && reg === null) {
      for (const w of this.memoryWrites(lhs.address, bytes)) this.timeline.write(w);
    } else if (index !== undefined) {
      if (index === 0) throw new TargetError('x0 is hard-wired to zero');
      if (!this.sharesInnermostRegisters(level)) throw new TargetError(`cannot change ${e} in frame ${level}: its register is saved by a callee; select frame 0`);
      const padded = new Uint8Array(4);
      padded.set(bytes.subarray(0, 4));
      this.timeline.write({ kind: 'register', register: index, value: new DataView(padded.buffer).getUint32(0, true) });
    } else {
      throw new TargetError(`cannot change ${e}: it is not an object in memory or in a register (a computed, bit-field or optimized-out value)`);
    }
    this.nodes = [];
    return this.evaluate(e, level);
  }

  /** Sets a child of a variables reference (a scope's variable, a member, an element, a register). */
  setVariable(reference: number, name: string, valueText: string): VariableView {
    const node = this.nodes[reference - 1];
    if (node === undefined) throw new TargetError('that variable is no longer valid (the timeline moved)');
    if (node.kind === 'scope' && node.scope === 'registers') {
      const reg = /^(\w+)/.exec(name)?.[1] ?? name;
      if (registerIndex(reg) === undefined) throw new TargetError(`cannot change ${name}: only x1-x31 and the pc can be changed`);
      return { ...this.assign(`$${reg}`, valueText, node.level), name };
    }
    if (node.kind === 'scope' && node.scope === 'csrs') throw new TargetError(`cannot change ${name}: CSRs are read-only in the debugger`);
    const child = this.variables(reference).find((v) => v.name === name);
    if (child?.evaluateName === undefined) throw new TargetError(`no variable ${name} here`);
    return { ...this.assign(child.evaluateName, valueText, node.level), name };
  }

  /** Writes guest memory at a virtual address (RAM only), as a logged change. Returns the bytes written. */
  writeMemory(address: number, data: Uint8Array): number {
    if (!this.writable) this.refuseWrite(`memory at ${hex8(address)}`);
    const writes = this.memoryWrites(address, data);
    for (const w of writes) this.timeline.write(w);
    this.nodes = [];
    return data.length;
  }

  /**
   * Sets a register by number (1-31: x1-x31, 32: the pc) at the live
   * frontier, as a logged change. x0 takes only zero: it is hard-wired.
   */
  writeRegister(index: number, value: number): void {
    const name = index === PC_REGISTER_INDEX ? 'the pc' : `x${index}`;
    if (!Number.isInteger(index) || index < 0 || index > PC_REGISTER_INDEX) throw new TargetError(`no register ${index}: only x0-x31 and the pc (32)`);
    if (index === 0) {
      if ((value >>> 0) !== 0) throw new TargetError('x0 is hard-wired to zero');
      return;
    }
    if (!this.writable) this.refuseWrite(name);
    this.timeline.write({ kind: 'register', register: index, value: value >>> 0 });
    this.nodes = [];
  }

  /** A right-hand side: an expression in the frame, or a plain number when there is no debug information. */
  private operandValue(text: string, level: number): Value {
    const t = text.trim();
    const literal = /^-?(0x[0-9a-f]+|\d+)$/i.exec(t);
    if (literal !== null) {
      const n = Number(t.replace(/^-/, ''));
      const int32: Value['type'] = { kind: 'base', name: 'int', size: 4, encoding: 5 };
      return valueFromNumber(int32, t.startsWith('-') ? -n : n);
    }
    return this.evaluateValue(t, level);
  }

  /** Per-page physical writes for `data` at virtual address `va`; every page must be RAM. */
  private memoryWrites(va: number, data: Uint8Array): DebuggerWrite[] {
    const board = this.timeline.vm.board;
    const out: DebuggerWrite[] = [];
    for (let done = 0; done < data.length;) {
      const at = (va + done) >>> 0;
      const chunk = Math.min(data.length - done, 4096 - (at & 0xfff));
      const pa = board.hart.translateForDebugger(at);
      if (pa === undefined || !board.bus.ram.contains(pa, chunk)) throw new TargetError(`cannot write ${hex8(at)}: not RAM (unmapped, or a device)`);
      out.push({ kind: 'memory', address: pa, bytes: data.slice(done, done + chunk) });
      done += chunk;
    }
    return out;
  }

  /** Whether frame `level` uses the live registers (it is frame 0 or inlined into it). */
  private sharesInnermostRegisters(level: number): boolean {
    if (level === 0) return true;
    const frames = this.source?.frames() ?? [];
    return frames.slice(0, level).every((f) => f.inline);
  }

  // ------------------------------------------------------------ memory and code

  /** The guest's memory as the debugger reads it (virtual addresses, side-effect-free peeks). */
  private get guestMemory(): Machine {
    return this.source?.machine ?? {
      readMemory: (a: number, n: number) => {
        const pa = this.timeline.vm.board.hart.translateForDebugger(a);
        return pa === undefined ? undefined : this.timeline.vm.board.bus.peekBytes(pa, n);
      },
      readRegister: () => 0,
    };
  }

  readMemory(address: number, count: number): { address: number; data: Uint8Array; unreadable: number } {
    const mem = this.guestMemory;
    // A page at a time (one translation each); byte by byte only in a page that is partly unreadable.
    const out = new Uint8Array(count);
    let done = 0;
    while (done < count) {
      const va = (address + done) >>> 0;
      const chunk = Math.min(count - done, 4096 - (va & 0xfff));
      const bytes = mem.readMemory(va, chunk);
      if (bytes !== undefined) {
        out.set(bytes, done);
        done += chunk;
        continue;
      }
      for (let i = 0; i < chunk; i++, done++) {
        const b = mem.readMemory((va + i) >>> 0, 1);
        if (b === undefined) return { address, data: out.slice(0, done), unreadable: count - done };
        out[done] = b[0]!;
      }
    }
    return { address, data: out, unreadable: 0 };
  }

  disassemble(address: number, instructionOffset: number, count: number): DisassembledInstruction[] {
    const machine = this.guestMemory;
    // Negative offsets: start earlier (4-byte steps; compressed code may realign a few instructions later).
    let start = (address + Math.min(0, instructionOffset) * 4) >>> 0;
    const skip = Math.max(0, instructionOffset);
    const list = this.debugInfo.disassemble(start, count + skip, machine).slice(skip, skip + count);
    const out: DisassembledInstruction[] = list.map((d) => {
      const pos = this.debugInfo.lineAt(d.address >>> 0);
      const bytes = machine.readMemory(d.address >>> 0, d.bytes);
      return {
        address: d.address >>> 0,
        bytes: bytes === undefined ? '' : Array.from(bytes).reverse().map((b) => b.toString(16).padStart(2, '0')).join(''),
        text: d.instruction.text,
        symbol: this.symbols.describe(d.address >>> 0),
        path: this.hostPath(pos?.file),
        line: pos?.line,
      };
    });
    while (out.length < count) {
      start = out.length > 0 ? out[out.length - 1]!.address + 4 : start;
      out.push({ address: start >>> 0, bytes: '', text: '<unreadable>' });
    }
    return out;
  }

  /** Details of the trap the last stop was for. */
  exceptionInfo(): { id: string; description: string; details: string } | undefined {
    const s = this.lastStop;
    if (s === undefined || s.cause === undefined) return undefined;
    const interrupt = (s.cause & INTERRUPT_BIT) !== 0;
    const hart = this.timeline.vm.board.hart;
    const m = hart.priv === 3;
    const epc = hart.peekCsr(m ? 0x341 : 0x141) ?? 0;
    const tval = hart.peekCsr(m ? 0x343 : 0x143) ?? 0;
    return {
      id: interrupt ? `interrupt ${s.cause & 0x7fffffff}` : `exception ${s.cause}`,
      description: causeName(s.cause),
      details: `${causeName(s.cause)} at pc ${hex8(epc)}${this.symbols.describe(epc) === undefined ? '' : ` (${this.symbols.describe(epc)})`}, tval ${hex8(tval)}, icount ${s.icount}`,
    };
  }
}

/** Exception causes with their names, for UIs. */
export const TRAP_CAUSES = Object.entries(EXCEPTION_NAMES).map(([n, name]) => ({ cause: Number(n), name }));

function hitMatches(condition: string, hits: number): boolean {
  const c = condition.trim();
  const m = /^(>=|<=|==|>|<|%)?\s*(\d+)$/.exec(c);
  if (m === null) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return hits >= n;
    case '>': return hits > n;
    case '<=': return hits <= n;
    case '<': return hits < n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits === n;
  }
}
