/**
 * `monitor` commands (the qRcmd packet): what gdb has no packet for, namely
 * the timeline's own position (icount), seeking to one, the last write to
 * an address, and machine events as stop conditions.
 */
import * as path from 'node:path';
import { TargetError, TRAP_CAUSES, type DebugTarget } from '../debugger/debug-target.js';
import type { Control, Stop } from '../timeline/timeline.js';

export const MONITOR_HELP = [
  'monitor when                 the current instruction count (icount), pc and source line',
  'monitor seek ICOUNT          go to an instruction count (then: maint flush register-cache)',
  'monitor info                 the session: program, live or replay, history, checkpoints',
  'monitor lastwrite ADDR [LEN] the last write before now to LEN bytes (default 4) at ADDR',
  'monitor save FILE.rvr         a live session: save its recording so far (replayable, e.g. by gdbserver FILE.rvr)',
  'monitor catch trap [CAUSE...] | interrupt | privilege | none',
  '                             also stop (both ways) at traps, interrupts or privilege changes',
  'monitor help                 this list',
];

/** The result of a monitor command: lines to print, and whether the timeline moved. */
export interface MonitorResult {
  readonly lines: string[];
  readonly moved?: Stop;
}

const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export class MonitorCommands {
  private catches = new Set<string>();
  private trapCauses: number[] = [];

  constructor(private readonly target: DebugTarget) {}

  /** Runs one command line; user mistakes come back as lines starting with "error:". */
  async execute(line: string, control: Control): Promise<MonitorResult> {
    const words = line.trim().split(/\s+/).filter((w) => w !== '');
    try {
      switch (words[0]) {
        case undefined:
        case 'help':
          return { lines: MONITOR_HELP };
        case 'when':
          return { lines: [this.position()] };
        case 'seek':
        case 'goto': {
          if (words[1] === undefined) throw new TargetError('seek needs an instruction count, e.g. monitor seek 12000');
          const stop = await this.target.seek(parseNumber(words[1], 'instruction count'), control);
          if (stop.kind === 'cancelled') return { lines: ['interrupted: the position did not change', this.position()] };
          return {
            lines: [this.position(), 'gdb still shows the old registers and frames: run "maint flush register-cache" (or "flushregs")'],
            moved: stop,
          };
        }
        case 'info':
          return { lines: this.info() };
        case 'lastwrite': {
          const address = parseNumber(words[1], 'address') >>> 0;
          const length = words[2] === undefined ? 4 : parseNumber(words[2], 'length');
          if (length < 1) throw new TargetError('the length must be at least 1');
          const w = await this.target.timeline.lastWrite(address, length, control);
          if (w === undefined) return { lines: [`no write to ${hex8(address)} before icount ${this.target.icount}`] };
          return {
            lines: [`last write to ${hex8(address)} at icount ${w.icount}, pc ${hex8(w.pc)}${this.where(w.pc)}, ${w.size} bytes` +
              `${w.value === undefined ? '' : `, value ${hex8(w.value)}`}`],
          };
        }
        case 'catch':
          return { lines: [this.catch(words.slice(1))] };
        case 'save': {
          if (!this.target.live) throw new TargetError('only a live session has a recording to save: this one replays a recording already');
          if (words[1] === undefined) throw new TargetError('save needs a file name, e.g. monitor save run.rvr');
          const file = path.resolve(words.slice(1).join(' '));
          try {
            await this.target.saveRecording(file);
          } catch (e) {
            if (e instanceof TargetError) throw e;
            throw new TargetError(`cannot save to ${file}: ${(e as Error).message}`);
          }
          return { lines: [`saved the recording (icount 0..${this.target.timeline.furthest}) to ${file}`] };
        }
        default:
          throw new TargetError(`unknown monitor command "${words[0]}" (try monitor help)`);
      }
    } catch (e) {
      if (e instanceof TargetError) return { lines: [`error: ${e.message}`] };
      throw e;
    }
  }

  /** Forgets the catchpoints (a new client starts without them). */
  reset(): void {
    this.catches.clear();
    this.trapCauses = [];
    this.target.setExceptionFilters([]);
  }

  private position(): string {
    const t = this.target.timeline;
    const history = this.target.live ? `live, furthest icount ${t.furthest}` : `history 0..${t.end}`;
    return `icount ${this.target.icount}, pc ${hex8(this.target.pc)}${this.where(this.target.pc)} (${history})`;
  }

  private where(pc: number): string {
    const symbol = this.target.symbols.describe(pc);
    const line = this.target.debugInfo.lineAt(pc);
    return `${symbol === undefined ? '' : ` <${symbol}>`}${line === undefined ? '' : ` at ${path.basename(line.file)}:${line.line}`}`;
  }

  private info(): string[] {
    const t = this.target.timeline;
    const store = t.store;
    return [
      `program ${t.contents.image.meta.name}`,
      this.target.live ? `a live run, recorded as it goes; furthest icount ${t.furthest}` : `a replay of a recording of ${t.end} steps`,
      `position: icount ${this.target.icount}`,
      `checkpoints: ${store.checkpoints.length} (${store.memoryBytes} bytes; budget ${t.policy.budgetBytes})`,
      `catch: ${this.catches.size === 0 ? 'nothing' : [...this.catches].join(', ')}`,
    ];
  }

  private catch(args: string[]): string {
    switch (args[0]) {
      case 'trap': {
        this.trapCauses = args.slice(1).map((a) => parseNumber(a, 'exception cause'));
        this.catches.add('trap');
        break;
      }
      case 'interrupt':
        this.catches.add('interrupt');
        break;
      case 'priv':
      case 'privilege':
        this.catches.add('privilege');
        break;
      case 'none':
        this.catches.clear();
        this.trapCauses = [];
        break;
      default:
        throw new TargetError(`catch what? trap [CAUSE...], interrupt, privilege or none (causes: ${TRAP_CAUSES.map((c) => `${c.cause} ${c.name}`).join(', ')})`);
    }
    this.target.setExceptionFilters([...this.catches], this.trapCauses);
    const traps = this.catches.has('trap') ? `trap${this.trapCauses.length > 0 ? ` ${this.trapCauses.join(',')}` : ' (every cause)'}` : undefined;
    const list = [traps, ...[...this.catches].filter((c) => c !== 'trap')].filter((c) => c !== undefined);
    return list.length === 0 ? 'catching nothing' : `catching ${list.join(', ')}`;
  }
}

/** A decimal or 0x-hexadecimal number, with optional _ or , separators. */
function parseNumber(text: string | undefined, what: string): number {
  if (text === undefined) throw new TargetError(`a ${what} is needed`);
  const clean = text.replace(/[_,]/g, '');
  const n = /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean, 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(n)) throw new TargetError(`bad ${what} "${text}"`);
  return n;
}
