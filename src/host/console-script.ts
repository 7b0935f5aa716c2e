/**
 * Scripted console input (`--input FILE`): typed at given icounts, or after the
 * guest prints given text. One step per line:
 *
 *   # a comment
 *   at 2000000 "hello\n"        type the bytes once the guest reaches icount 2000000, or
 *                               earlier if it waits for input before then
 *   after "login: " "root\n"    type the bytes once the guest has printed "login: "
 *   eof                         end of input (the guest reads end-of-file)
 *
 * Strings are JSON strings (escapes like \n, \t, \u0004). Steps run in order;
 * "after" looks only at output printed since the previous step. A guest that
 * waits for input while the next "after" step's text has not appeared sees
 * end of input.
 */
import { readFileSync } from 'node:fs';
import type { ConsoleSource } from './console-source.js';

export type ScriptStep =
  | { readonly kind: 'at'; readonly icount: number; readonly bytes: Uint8Array }
  | { readonly kind: 'after'; readonly text: string; readonly bytes: Uint8Array }
  | { readonly kind: 'eof' };

/** A malformed script; the message names the line. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
}

export function parseConsoleScript(text: string, name = 'script'): ScriptStep[] {
  const steps: ScriptStep[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${name}:${i + 1}`;
    const strings = (rest: string, n: number): string[] => {
      const out: string[] = [];
      let s = rest.trim();
      while (s.length > 0) {
        const m = /^"(?:[^"\\]|\\.)*"/.exec(s);
        if (m === null) throw new ScriptError(`${where}: expected a "quoted string" at: ${s}`);
        try {
          out.push(JSON.parse(m[0]) as string);
        } catch {
          throw new ScriptError(`${where}: bad string ${m[0]}`);
        }
        s = s.slice(m[0].length).trim();
      }
      if (out.length !== n) throw new ScriptError(`${where}: expected ${n} string(s), found ${out.length}`);
      return out;
    };
    const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
    const at = /^at\s+([0-9_]+)\s+(.*)$/.exec(line);
    const after = /^after\s+(.*)$/.exec(line);
    if (at !== null) {
      steps.push({ kind: 'at', icount: Number(at[1]!.replace(/_/g, '')), bytes: bytes(strings(at[2]!, 1)[0]!) });
    } else if (after !== null) {
      const [wanted, typed] = strings(after[1]!, 2);
      steps.push({ kind: 'after', text: wanted!, bytes: bytes(typed!) });
    } else if (line === 'eof') {
      steps.push({ kind: 'eof' });
    } else {
      throw new ScriptError(`${where}: expected "at ICOUNT \\"text\\"", "after \\"output\\" \\"text\\"" or "eof"`);
    }
  });
  return steps;
}

export class ScriptedConsole implements ConsoleSource {
  private step = 0;
  /** Bytes of the current step not yet taken by the guest. */
  private pending: number[] | undefined;
  private output = '';
  /** The guest waits for input: an "at" step is due at once. */
  private idle = false;

  /** `onReady` runs when an "after" step becomes ready, so the run can pause and deliver it promptly. */
  constructor(private readonly steps: readonly ScriptStep[], private readonly onReady: () => void = () => {}) {}

  static fromFile(path: string, onReady?: () => void): ScriptedConsole {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (e) {
      throw new ScriptError(`cannot read input script ${path}: ${(e as Error).message}`);
    }
    return new ScriptedConsole(parseConsoleScript(text, path), onReady);
  }

  private current(): ScriptStep | undefined {
    return this.steps[this.step];
  }

  private ready(icount: number): boolean {
    if (this.pending !== undefined) return true;
    const s = this.current();
    if (s === undefined || s.kind === 'eof') return false;
    if (s.kind === 'at' ? icount >= s.icount || this.idle : this.output.includes(s.text)) {
      this.pending = Array.from(s.bytes);
      this.output = '';
      this.idle = false;
      return true;
    }
    return false;
  }

  take(icount: number, max: number): Uint8Array {
    if (max <= 0 || !this.ready(icount)) return new Uint8Array(0);
    const out = this.pending!.splice(0, max);
    if (this.pending!.length === 0) {
      this.pending = undefined;
      this.step++;
    }
    return Uint8Array.from(out);
  }

  mayArrive(): boolean {
    const s = this.current();
    if (this.pending !== undefined) return true;
    return s !== undefined && (s.kind === 'at' || (s.kind === 'after' && this.output.includes(s.text)));
  }

  nextIcount(): number | undefined {
    const s = this.current();
    return this.pending === undefined && s !== undefined && s.kind === 'at' ? s.icount : undefined;
  }

  /** The guest waits for input: the next "at" step becomes due now. */
  async wait(): Promise<void> {
    this.idle = true;
  }

  observeOutput(bytes: Uint8Array): void {
    const s = this.current();
    if (s === undefined || s.kind !== 'after' || this.pending !== undefined) return;
    const before = this.output.includes(s.text);
    this.output += Buffer.from(bytes).toString('latin1');
    if (this.output.length > 1 << 16) this.output = this.output.slice(-(s.text.length + 4096));
    if (!before && this.output.includes(s.text)) this.onReady();
  }

  close(): void {}
}
