/**
 * The Debug Adapter Protocol server: a thin translator between DAP requests
 * and the engine's DebugTarget (src/debugger). No machine logic lives here;
 * line and column bases are converted once, in `toClientLine`/`fromClientLine`.
 */
import * as path from 'node:path';
import {
  Breakpoint, ErrorDestination, Event, InitializedEvent, InvalidatedEvent, LoggingDebugSession, OutputEvent,
  ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugSession as CommandSession } from '../../src/debugger/debug-session.js';
import { DebugTarget, TargetError, TRAP_CAUSES, type Granularity } from '../../src/debugger/debug-target.js';
import type { StepKind } from '../../src/debugger/source-debugger.js';
import { ScriptError, ScriptedConsole } from '../../src/host/console-script.js';
import { LiveHost } from '../../src/host/live-host.js';
import { RecordingError } from '../../src/replay/recording-file.js';
import { ElfError } from '../../src/elf/elf-file.js';
import { LoadError } from '../../src/machine/loader.js';
import { Divergence } from '../../src/replay/divergence.js';
import { SymbolsError } from '../../src/symbols/symbols.js';
import type { Stop } from '../../src/timeline/timeline.js';
import { QueueConsole } from './queue-console.js';
import { TerminalConsole } from './terminal-console.js';
import { TimelineEventsRequest } from './timeline-events.js';

/** Launch arguments (documented in the README, "VS Code launch configuration"). */
export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** A guest ELF to run live (recorded as it runs). */
  program?: string;
  /** A .rvr recording to replay (instead of `program`). */
  recording?: string;
  args?: string[];
  /** Guest RAM, e.g. "128M". */
  memory?: string;
  /** Stop at the first instruction (icount 0) instead of running. */
  stopOnEntry?: boolean;
  /** Directory the guest may use host files in (semihosting). */
  semihostRoot?: string;
  /** A console input script for the guest (see README "Input scripts"). */
  input?: string;
  /**
   * Where the guest console is: the editor's integrated terminal (input typed
   * there goes to the guest), the debug console (type `> text` there to send
   * input), or nowhere.
   */
  console?: 'integratedTerminal' | 'debugConsole' | 'none';
  /** Save the live session's recording here when the session ends. */
  recordTo?: string;
  /** Checkpoint memory budget in MiB (default 512). */
  checkpointBudget?: number;
  /** Directories to find sources in, and DWARF path prefix rewrites. */
  sourceDirectories?: string[];
  sourceMap?: Record<string, string>;
  cwd?: string;
  clock?: 'virtual' | 'host';
}

const THREAD = 1;

function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)([KMG])?$/i.exec(text.trim());
  if (m === null) throw new TargetError(`memory must be a size like 128M (got "${text}")`);
  return Number(m[1]) * ({ K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase() as 'K' | 'M' | 'G'] ?? 1);
}

export class RetrovisorSession extends LoggingDebugSession {
  private target: DebugTarget | undefined;
  private commands: CommandSession | undefined;
  private launchArgs: LaunchArguments | undefined;
  private running: { controller: AbortController; requestSeq: number; progressId: string | undefined; reason: 'pause' | 'cancel' | undefined } | undefined;
  private progressCount = 0;
  private lastPercent = -1;
  private console: QueueConsole | undefined;
  private clientProgress = false;
  private clientTerminal = false;
  /** The guest console in the client's integrated terminal, when launched with console "integratedTerminal". */
  private terminal: TerminalConsole | undefined;
  private clientInvalidated = false;
  private linesStartAt1 = true;
  /** The machine events of the recording, for timeline views (adapter/src/timeline-events.ts). */
  private readonly timelineEvents = new TimelineEventsRequest(() => this.target);

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ------------------------------------------------------------ setup

  /**
   * A request handler that threw: the base class would answer with a stack
   * trace; answer with a message a person can read instead.
   */
  protected override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string, variables?: Record<string, string>, dest?: ErrorDestination): void {
    if (codeOrMessage === 1104) {
      const text = this.target === undefined && !['initialize', 'launch', 'disconnect', 'terminate'].includes(response.command)
        ? `${response.command}: no program is being debugged (launch one first)`
        : `${response.command} failed: internal error: ${variables?.['_exception'] ?? 'unknown'}`;
      super.sendErrorResponse(response, 1104, text, undefined, ErrorDestination.User);
      return;
    }
    super.sendErrorResponse(response, codeOrMessage as number, format, variables, dest);
  }

  /** The protocol's default path format is `path`; the base class refuses a client that leaves it out. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    if (request.command === 'initialize') {
      const args = (request.arguments ?? {}) as DebugProtocol.InitializeRequestArguments;
      request.arguments = { ...args, pathFormat: args.pathFormat ?? 'path' };
    }
    super.dispatchRequest(request);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientProgress = args.supportsProgressReporting === true;
    this.clientTerminal = args.supportsRunInTerminalRequest === true;
    this.clientInvalidated = args.supportsInvalidatedEvent === true;
    this.linesStartAt1 = args.linesStartAt1 !== false;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      exceptionBreakpointFilters: [
        { filter: 'trap', label: 'Traps (exceptions)', description: 'Stop after the guest takes an exception', supportsCondition: true,
          conditionDescription: `exception causes to stop at, e.g. "2, 13, 15" (${TRAP_CAUSES.map((c) => `${c.cause} ${c.name}`).join('; ')})` },
        { filter: 'interrupt', label: 'Interrupts', description: 'Stop after the guest takes an interrupt' },
        { filter: 'privilege', label: 'Privilege changes', description: 'Stop when the privilege level changes (traps, mret, sret)' },
      ],
      supportsStepBack: true,
      supportsSteppingGranularity: true,
      supportsGotoTargetsRequest: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsEvaluateForHovers: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsCancelRequest: true,
      supportsValueFormattingOptions: false,
      supportsDelayedStackTraceLoading: false,
      supportsSingleThreadExecutionRequests: false,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments | undefined): Promise<void> {
    args ??= {};
    try {
      this.launchArgs = args;
      if (args.console === 'integratedTerminal') await this.openTerminal(args);
      this.target = this.createTarget(args);
      this.commands = new CommandSession(this.target.timeline, this.target.symbols, this.target.source);
      this.sendResponse(response);
      this.sendEvent(new InitializedEvent());
    } catch (e) {
      this.terminal?.close();
      this.terminal = undefined;
      this.sendErrorResponse(response, 1001, userMessage(e));
    }
  }

  /** Starts the guest console in the client's terminal, or falls back to the debug console when the client has none. */
  private async openTerminal(args: LaunchArguments): Promise<void> {
    if (!this.clientTerminal) {
      this.sendEvent(new OutputEvent('Retrovisor: this editor cannot run a terminal for the guest console; using the debug console (type "> text" to send input)\n', 'console'));
      return;
    }
    const terminal = await TerminalConsole.open();
    this.terminal = terminal;
    const [command, ...rest] = terminal.command();
    this.runInTerminalRequest({
      kind: 'integrated', title: `Retrovisor: ${path.basename(args.program ?? args.recording ?? 'guest')}`, cwd: args.cwd ?? process.cwd(), args: [command!, ...rest],
      // Inside desktop VS Code's extension host, process.execPath is Electron: make it plain Node.
      env: { ELECTRON_RUN_AS_NODE: '1' },
    }, 10_000, (r) => {
      if (!r.success) this.sendEvent(new OutputEvent(`Retrovisor: could not open the guest console terminal (${r.message ?? 'refused'}); guest output goes to the debug console\n`, 'stderr'));
      if (!r.success && this.terminal === terminal) this.terminal = undefined;
    });
  }

  private createTarget(args: LaunchArguments): DebugTarget {
    const cwd = args.cwd ?? process.cwd();
    const resolve = (p: string) => path.resolve(cwd, p);
    if ((args.program === undefined) === (args.recording === undefined)) {
      throw new TargetError('give either "program" (a RISC-V ELF to run) or "recording" (a .rvr file to replay) in the launch configuration');
    }
    let host: LiveHost | undefined;
    if (args.program !== undefined) {
      const script = args.input !== undefined ? ScriptedConsole.fromFile(resolve(args.input)) : undefined;
      this.console = script === undefined && args.console !== 'none' ? this.terminal?.input ?? new QueueConsole() : undefined;
      host = new LiveHost({
        semihostRoot: args.semihostRoot === undefined ? undefined : resolve(args.semihostRoot),
        commandLine: [args.program, ...(args.args ?? [])].join(' '),
        console: script ?? this.console,
      });
    }
    return new DebugTarget({
      program: args.program === undefined ? undefined : resolve(args.program),
      recording: args.recording === undefined ? undefined : resolve(args.recording),
      args: args.args,
      memory: parseSize(args.memory),
      host,
      checkpointBudget: args.checkpointBudget === undefined ? undefined : args.checkpointBudget * 1024 * 1024,
      sourceDirectories: [cwd, ...(args.sourceDirectories ?? []).map(resolve)],
      sourceMap: args.sourceMap,
      clock: args.clock,
      onOutput: (text, category) => {
        if (this.terminal !== undefined) this.terminal.write(text);
        else if (args.console !== 'none') this.sendEvent(new OutputEvent(text, category));
      },
    });
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    if (this.launchArgs?.stopOnEntry === true) this.reportStop({ kind: 'step', icount: 0, pc: this.target!.pc, detail: 'entry' }, 'entry');
    else void this.operate(-1, (signal) => this.target!.continue({ signal }), 'continue');
  }

  // ------------------------------------------------------------ running

  /** Runs an engine operation in the background; its stop becomes a stopped event. */
  private async operate(seq: number, run: (signal: AbortSignal) => Promise<Stop>, label: string, reason?: string): Promise<void> {
    const controller = new AbortController();
    const progressId = this.clientProgress && label.startsWith('reverse') ? `retrovisor-${++this.progressCount}` : undefined;
    this.running = { controller, requestSeq: seq, progressId, reason: undefined };
    if (progressId !== undefined) {
      this.lastPercent = -1;
      const start = new ProgressStartEvent(progressId, `Retrovisor: ${label}`) as DebugProtocol.ProgressStartEvent;
      start.body.cancellable = true;
      start.body.requestId = seq >= 0 ? seq : undefined;
      this.sendEvent(start);
    }
    try {
      const stop = await run(controller.signal);
      const why = this.running?.reason;
      this.running = undefined;
      this.reportStop(stop, stop.kind === 'cancelled' ? (why === 'cancel' ? 'cancelled' : 'pause') : reason);
    } catch (e) {
      this.running = undefined;
      if (e instanceof Divergence) this.sendEvent(new OutputEvent(`Retrovisor: the replay diverged from the recording:\n${e.report || e.message}\n`, 'stderr'));
      else this.sendEvent(new OutputEvent(`Retrovisor: ${userMessage(e)}\n`, 'stderr'));
      this.reportStop({ kind: 'step', icount: this.target!.icount, pc: this.target!.pc, detail: 'error' }, 'exception');
    } finally {
      if (progressId !== undefined) this.sendEvent(new ProgressEndEvent(progressId));
    }
  }

  private reportStop(stop: Stop, forced?: string): void {
    const reason = forced ?? {
      breakpoint: 'breakpoint', watchpoint: 'data breakpoint', trap: 'exception', interrupt: 'exception', privilege: 'exception',
      mmio: 'exception', console: 'exception', step: 'step', end: 'step', start: 'step', exit: 'step', cancelled: 'pause',
    }[stop.kind];
    const hit = stop.kind === 'breakpoint' && forced === undefined ? this.target!.breakpointsAt(stop.pc, stop.icount) : undefined;
    const e = new StoppedEvent(hit === undefined || hit.kind === 'source' ? reason : `${hit.kind} breakpoint`, THREAD) as DebugProtocol.StoppedEvent;
    if (hit !== undefined) e.body.hitBreakpointIds = hit.ids;
    const description = stop.kind === 'end' ? 'end of the recording' : stop.kind === 'start' ? 'start of the recording'
      : stop.kind === 'exit' ? stop.detail : stop.kind === 'watchpoint' || stop.kind === 'trap' || stop.kind === 'interrupt' || stop.kind === 'privilege' ? stop.detail : undefined;
    if (description !== undefined) {
      e.body.description = description;
      e.body.text = description;
    }
    e.body.allThreadsStopped = true;
    this.sendEvent(e);
    this.sendEvent(new Event('retrovisor.position', { icount: stop.icount, pc: stop.pc, end: this.target!.timeline.end, furthest: this.target!.timeline.furthest }));
  }

  private busy(response: DebugProtocol.Response): boolean {
    if (this.running === undefined) return false;
    this.sendErrorResponse(response, 1002, 'the guest is running: pause it first');
    return true;
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments, request?: DebugProtocol.Request): void {
    if (this.busy(response)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    void this.operate(request?.seq ?? -1, (signal) => this.target!.continue({ signal }), 'continue');
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, _args: DebugProtocol.ReverseContinueArguments, request?: DebugProtocol.Request): void {
    if (this.busy(response)) return;
    this.sendResponse(response);
    void this.operate(request?.seq ?? -1, (signal) => this.target!.reverseContinue({ signal, progress: (done, total) => this.progress(done, total) }), 'reverse continue');
  }

  private progress(done: number, total: number): void {
    const id = this.running?.progressId;
    if (id === undefined || total <= 0 || !Number.isFinite(total)) return;
    const percent = Math.floor((100 * done) / total);
    if (percent === this.lastPercent) return;
    this.lastPercent = percent;
    const update = new ProgressUpdateEvent(id, `${Math.round((100 * done) / total)}%`) as DebugProtocol.ProgressUpdateEvent;
    update.body.percentage = Math.min(100, (100 * done) / total);
    this.sendEvent(update);
  }

  private stepping(response: DebugProtocol.Response, seq: number, kind: StepKind, granularity: DebugProtocol.SteppingGranularity | undefined, back: boolean): void {
    if (this.busy(response)) return;
    const g: Granularity = granularity === 'instruction' ? 'instruction' : 'statement';
    // A step gdb refuses (finish in main ...) fails the request; nothing moves.
    const refusal = this.target?.stepRefusal(kind, g, back);
    if (refusal !== undefined) {
      this.sendErrorResponse(response, 1009, refusal, undefined, ErrorDestination.User);
      return;
    }
    this.sendResponse(response);
    // A step that ends at a breakpoint, watchpoint or trap reports that (as gdb does), otherwise 'step'.
    void this.operate(seq, (signal) => (back ? this.target!.stepBack(kind, g, { signal }) : this.target!.step(kind, g, { signal })), back ? 'reverse step' : 'step');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments, request?: DebugProtocol.Request): void {
    this.stepping(response, request?.seq ?? -1, 'over', args.granularity, false);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments, request?: DebugProtocol.Request): void {
    this.stepping(response, request?.seq ?? -1, 'in', args.granularity, false);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments, request?: DebugProtocol.Request): void {
    this.stepping(response, request?.seq ?? -1, 'out', args.granularity, false);
  }

  /** Step back: a statement step back steps OVER calls (reverse next). */
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments, request?: DebugProtocol.Request): void {
    this.stepping(response, request?.seq ?? -1, 'over', args.granularity, true);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    if (this.running !== undefined) {
      this.running.reason = 'pause';
      this.running.controller.abort();
    }
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    this.sendResponse(response);
    const r = this.running;
    if (r === undefined) return;
    if ((args.progressId !== undefined && args.progressId === r.progressId) || (args.requestId !== undefined && args.requestId === r.requestSeq) || (args.requestId === undefined && args.progressId === undefined)) {
      r.reason = 'cancel';
      r.controller.abort();
    }
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const line = this.fromClientLine(args.line);
    response.body = {
      targets: [
        { id: 1, label: `Forward to the next time line ${line} runs`, line: args.line },
        { id: 2, label: `Back to the last time line ${line} ran`, line: args.line },
      ],
    };
    this.gotoSource = { path: args.source.path ?? '', line };
    this.sendResponse(response);
  }

  private gotoSource: { path: string; line: number } | undefined;

  /** After a jump in time (seek, goto, restart) every view of the state is stale. */
  private jumped(stop: Stop): Stop {
    if (this.clientInvalidated) this.sendEvent(new InvalidatedEvent(['stacks', 'variables']));
    return stop;
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments, request?: DebugProtocol.Request): void {
    if (this.busy(response)) return;
    const g = this.gotoSource;
    if (g === undefined) {
      this.sendErrorResponse(response, 1003, 'ask for goto targets first');
      return;
    }
    this.sendResponse(response);
    void this.operate(request?.seq ?? -1, async (signal) => this.jumped(await this.target!.gotoLine(g.path, g.line, args.targetId === 1, { signal })), 'goto', 'goto');
  }

  /** Custom requests: reverse step in/out, seek to an icount, save a live recording, run a debugger command. */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: Record<string, unknown> | undefined, request?: DebugProtocol.Request): void {
    const seq = request?.seq ?? -1;
    switch (command) {
      case 'reverseStepIn':
        this.stepping(response, seq, 'in', args?.['granularity'] as DebugProtocol.SteppingGranularity | undefined, true);
        return;
      case 'reverseStepOut':
        this.stepping(response, seq, 'out', args?.['granularity'] as DebugProtocol.SteppingGranularity | undefined, true);
        return;
      case 'seek': {
        const icount = Number(args?.['icount']);
        if (!Number.isSafeInteger(icount) || icount < 0) {
          this.sendErrorResponse(response, 1004, 'seek needs a non-negative integer "icount"');
          return;
        }
        if (this.busy(response)) return;
        this.sendResponse(response);
        void this.operate(seq, async (signal) => this.jumped(await this.target!.seek(icount, { signal })), 'seek', 'goto');
        return;
      }
      case 'timelineEvents':
        void this.timelineEvents.answer(response, args, (r) => this.sendResponse(r));
        return;
      case 'position':
        response.body = { icount: this.target?.icount, end: this.target?.timeline.end, furthest: this.target?.timeline.furthest };
        this.sendResponse(response);
        return;
      default:
        super.customRequest(command, response, args, request);
    }
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, _args: DebugProtocol.RestartArguments, request?: DebugProtocol.Request): void {
    if (this.busy(response)) return;
    this.sendResponse(response);
    // Time travel: restarting is going back to the first instruction.
    void this.operate(request?.seq ?? -1, async (signal) => this.jumped(await this.target!.seek(0, { signal })), 'restart', 'entry');
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    this.running?.controller.abort();
    await this.finish();
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    this.running?.controller.abort();
    await this.finish();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  private async finish(): Promise<void> {
    const t = this.target;
    this.target = undefined;
    if (t === undefined) return;
    const to = this.launchArgs?.recordTo;
    if (to !== undefined && t.live) {
      try {
        await t.saveRecording(path.resolve(this.launchArgs?.cwd ?? process.cwd(), to));
        this.sendEvent(new OutputEvent(`Retrovisor: saved the recording to ${to}\n`, 'console'));
      } catch (e) {
        this.sendEvent(new OutputEvent(`Retrovisor: could not save the recording: ${userMessage(e)}\n`, 'stderr'));
      }
    }
    t.timeline.vm.board.host.close();
    this.terminal?.close();
    this.terminal = undefined;
  }

  // ------------------------------------------------------------ breakpoints

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path ?? args.source.name ?? '';
    const results = this.target!.setSourceBreakpoints(file, (args.breakpoints ?? []).map((b) => ({
      line: this.fromClientLine(b.line), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage,
    })));
    response.body = { breakpoints: results.map((r) => this.breakpoint(r, args.source)) };
    this.sendResponse(response);
  }

  private breakpoint(r: { id: number; verified: boolean; line?: number; address?: number; message?: string }, source?: DebugProtocol.Source): DebugProtocol.Breakpoint {
    const b = new Breakpoint(r.verified, r.line === undefined ? undefined : this.toClientLine(r.line)) as DebugProtocol.Breakpoint;
    b.id = r.id;
    if (r.message !== undefined) b.message = r.message;
    if (r.address !== undefined) b.instructionReference = hex8(r.address);
    if (source !== undefined) b.source = source;
    return b;
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const results = this.target!.setFunctionBreakpoints(args.breakpoints.map((b) => ({ name: b.name, condition: b.condition, hitCondition: b.hitCondition })));
    response.body = { breakpoints: results.map((r) => this.breakpoint(r)) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const results = this.target!.setInstructionBreakpoints(args.breakpoints.map((b) => ({
      address: (parseInt(b.instructionReference, 16) + (b.offset ?? 0)) >>> 0, condition: b.condition, hitCondition: b.hitCondition,
    })));
    response.body = { breakpoints: results.map((r) => this.breakpoint(r)) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const filters = [...(args.filters ?? []), ...(args.filterOptions ?? []).map((o) => o.filterId)];
    const trapOption = (args.filterOptions ?? []).find((o) => o.filterId === 'trap');
    const causes = trapOption?.condition === undefined ? undefined
      : trapOption.condition.split(/[\s,]+/).filter((s) => s.length > 0).map((s) => Number(s)).filter((n) => Number.isInteger(n));
    this.target!.setExceptionFilters(filters, causes);
    response.body = { breakpoints: filters.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const child = args.variablesReference !== undefined && args.variablesReference !== 0 ? this.target!.childExpression(args.variablesReference, args.name) : undefined;
    const info = child !== undefined
      ? this.target!.dataBreakpointInfo(child.expression, child.level)
      : this.target!.dataBreakpointInfo(args.name, args.frameId === undefined ? 0 : args.frameId - 1);
    response.body = info === undefined
      ? { dataId: null, description: `${args.name} is not in memory (a register or an optimized-out value)` }
      : { dataId: info.dataId, description: info.description, accessTypes: ['write', 'read', 'readWrite'], canPersist: false };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const results = this.target!.setDataBreakpoints(args.breakpoints.map((b) => ({ dataId: b.dataId, accessType: b.accessType })));
    response.body = { breakpoints: results.map((r) => this.breakpoint(r)) };
    this.sendResponse(response);
  }

  // ------------------------------------------------------------ inspection

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, 'hart 0')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const frames = this.target!.frames();
    const start = args.startFrame ?? 0;
    const count = args.levels === undefined || args.levels === 0 ? frames.length : args.levels;
    response.body = {
      stackFrames: frames.slice(start, start + count).map((f) => {
        const source = f.path !== undefined ? new Source(path.basename(f.path), f.path) : f.file !== undefined ? new Source(path.basename(f.file)) : undefined;
        const sf = new StackFrame(f.level + 1, f.name, source, f.line > 0 ? this.toClientLine(f.line) : 0, this.convertDebuggerColumnToClient(1)) as DebugProtocol.StackFrame;
        sf.instructionPointerReference = hex8(f.pc);
        if (source === undefined) sf.presentationHint = 'subtle';
        return sf;
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    response.body = { scopes: this.target!.scopes(args.frameId - 1).map((s) => new Scope(s.name, s.reference, s.expensive)) };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    try {
      let vars = this.target!.variables(args.variablesReference);
      if (args.start !== undefined) vars = vars.slice(args.start, args.count === undefined ? undefined : args.start + args.count);
      response.body = {
        variables: vars.map((v) => ({
          name: v.name, value: v.value, type: v.type, variablesReference: v.reference, memoryReference: v.memoryReference, evaluateName: v.evaluateName,
        })),
      };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 1005, userMessage(e));
    }
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const text = args.expression.trim();
    // In the debug console: "> text" types into the guest console; "!command" runs a retrovisor debug command.
    if (args.context === 'repl' && text.startsWith('>')) {
      if (this.console === undefined) {
        this.sendErrorResponse(response, 1006, 'the guest has no debug-console input in this session (it is a replay, or uses an input script)');
        return;
      }
      this.console.push(`${text.slice(1).replace(/^ /, '')}\n`);
      response.body = { result: '', variablesReference: 0 };
      this.sendResponse(response);
      return;
    }
    if (args.context === 'repl' && text.startsWith('!')) {
      if (this.busy(response)) return;
      const lines = await this.commands!.execute(text.slice(1));
      response.body = { result: lines.join('\n'), variablesReference: 0 };
      this.sendResponse(response);
      if (/^(s|n|finish|rs|rn|rfinish|si|rsi|c|rc|seek)\b/.test(text.slice(1).trim())) {
        this.reportStop({ kind: 'step', icount: this.target!.icount, pc: this.target!.pc, detail: '' }, 'step');
      }
      return;
    }
    try {
      const v = this.target!.evaluate(text, args.frameId === undefined ? 0 : args.frameId - 1);
      response.body = { result: v.value, type: v.type, variablesReference: v.reference, memoryReference: v.memoryReference };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 1007, userMessage(e));
    }
  }

  // Changes are possible in a live session at its frontier: each is logged, so the recording still replays.

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.change(response, () => {
      const v = this.target!.setVariable(args.variablesReference, args.name, args.value);
      response.body = { value: v.value, type: v.type, variablesReference: v.reference, memoryReference: v.memoryReference };
    });
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    this.change(response, () => {
      const v = this.target!.assign(args.expression, args.value, args.frameId === undefined ? 0 : args.frameId - 1);
      response.body = { value: v.value, type: v.type, variablesReference: v.reference, memoryReference: v.memoryReference };
    });
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.change(response, () => {
      const address = (parseInt(args.memoryReference, 16) + (args.offset ?? 0)) >>> 0;
      response.body = { bytesWritten: this.target!.writeMemory(address, new Uint8Array(Buffer.from(args.data, 'base64'))) };
    });
  }

  private change(response: DebugProtocol.Response, apply: () => void): void {
    if (this.busy(response)) return;
    try {
      apply();
    } catch (e) {
      this.sendErrorResponse(response, 1008, userMessage(e));
      return;
    }
    this.sendResponse(response);
    if (this.clientInvalidated) this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const address = (parseInt(args.memoryReference, 16) + (args.offset ?? 0)) >>> 0;
    const r = this.target!.readMemory(address, Math.min(args.count, 1 << 20));
    response.body = { address: hex8(r.address), data: Buffer.from(r.data).toString('base64'), unreadableBytes: r.unreadable };
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const address = (parseInt(args.memoryReference, 16) + (args.offset ?? 0)) >>> 0;
    const list = this.target!.disassemble(address, args.instructionOffset ?? 0, args.instructionCount);
    response.body = {
      instructions: list.map((d) => ({
        address: hex8(d.address),
        instruction: d.text,
        instructionBytes: d.bytes,
        symbol: d.symbol,
        location: d.path !== undefined ? new Source(path.basename(d.path), d.path) : undefined,
        line: d.line === undefined ? undefined : this.toClientLine(d.line),
      })),
    };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const info = this.target!.exceptionInfo();
    response.body = info === undefined
      ? { exceptionId: 'none', breakMode: 'always', description: 'not stopped at a trap' }
      : { exceptionId: info.id, description: info.description, breakMode: 'always', details: { message: info.details } };
    this.sendResponse(response);
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: this.target!.loadedSources().map((s) => new Source(s.name, s.path)) };
    this.sendResponse(response);
  }

  // ------------------------------------------------------------ lines

  private toClientLine(line: number): number {
    return this.linesStartAt1 ? line : line - 1;
  }

  private fromClientLine(line: number): number {
    return this.linesStartAt1 ? line : line + 1;
  }
}

function hex8(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** A message a person can read for an error in a request. */
export function userMessage(e: unknown): string {
  // The same errors the CLI reports as the user's (src/cli/main.ts): bad files, scripts and debug information.
  if (e instanceof TargetError || e instanceof RecordingError || e instanceof ElfError || e instanceof LoadError
    || e instanceof ScriptError || e instanceof SymbolsError) return e.message;
  if (e instanceof Error) return `internal error: ${e.message}`;
  return String(e);
}

