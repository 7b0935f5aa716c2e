/**
 * The line-table decoder against `readelf --debug-dump=decodedline`
 * (binutils 2.40): every row of every guest's .debug_line, in order, with
 * its file, line, address, view number and is_stmt flag, and the file path
 * readelf prints when the file changes. Regenerate the golden data with
 * `node scripts/gen-symbols-golden.mjs lines`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { readLinePrograms } from '../src/symbols/line-table.js';

const GOLDEN = new URL('./golden/symbols/lines/', import.meta.url);
const REPO = new URL('../', import.meta.url);

interface ReadelfRow {
  readonly file: string;
  readonly line: number | undefined;
  readonly address: number;
  readonly view: number;
  readonly stmt: boolean;
  /** The path readelf printed in the header line before this row, if any. */
  readonly header?: string;
}

const ROW = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+|0)(?:\s+(\d+))?(?:\s+(x))?\s*$/;

function parseReadelf(text: string): ReadelfRow[] {
  const rows: ReadelfRow[] = [];
  let header: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '' || line.startsWith('Contents of')) continue;
    // A header line right before the column titles names the unit, not a change of file.
    if (line.startsWith('File name ')) { header = undefined; continue; }
    const m = ROW.exec(line);
    if (m) {
      rows.push({
        file: m[1]!, line: m[2] === '-' ? undefined : Number(m[2]), address: parseInt(m[3]!, 16),
        view: m[4] === undefined ? 0 : Number(m[4]), stmt: m[5] === 'x', ...(header !== undefined ? { header } : {}),
      });
      header = undefined;
    } else if (line.endsWith(':')) {
      header = line.slice(0, -1);
    } else {
      throw new Error(`unexpected readelf line: ${line}`);
    }
  }
  return rows;
}

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

describe('line tables vs readelf --debug-dump=decodedline', () => {
  for (const file of readdirSync(GOLDEN).filter((f) => f.endsWith('.txt')).sort()) {
    it(file.replace(/\.txt$/, ''), () => {
      const text = readFileSync(new URL(file, GOLDEN), 'utf8');
      const elfPath = /decodedline (\S+\.elf)$/.exec(text.split('\n', 1)[0]!)![1]!;
      const elf = new ElfFile(readFileSync(new URL(elfPath, REPO)), elfPath);
      const data = (name: string): Uint8Array | undefined => {
        const s = elf.section(name);
        return s === undefined ? undefined : elf.sectionData(s);
      };
      const programs = readLinePrograms({ line: data('.debug_line')!, lineStr: data('.debug_line_str'), str: data('.debug_str') });
      const ours = programs.flatMap((p) => p.rows.map((r) => ({ row: r, file: p.files[r.file] })));
      const theirs = parseReadelf(text);
      const problems: string[] = [];
      expect(ours.length).toBe(theirs.length);
      theirs.forEach((t, i) => {
        const o = ours[i]!;
        const name = basename(o.file?.name ?? '?');
        // readelf prints no view number for end-of-sequence rows.
        const view = o.row.endSequence ? 0 : o.row.view;
        const got = `${name} ${o.row.endSequence ? '-' : o.row.line} ${o.row.address.toString(16)} v${view} ${o.row.isStmt && !o.row.endSequence ? 'x' : ''}`;
        const want = `${t.file} ${t.line ?? '-'} ${t.address.toString(16)} v${t.view} ${t.stmt ? 'x' : ''}`;
        if (got !== want) problems.push(`row ${i}: readelf "${want}", ours "${got}"`);
        if (t.header !== undefined && o.file !== undefined && !o.file.path.endsWith(t.header) && i > 0 && !o.row.endSequence) {
          problems.push(`row ${i}: readelf names the file ${t.header}, ours ${o.file.path}`);
        }
      });
      expect(problems.slice(0, 20)).toEqual([]);
      expect(theirs.length).toBeGreaterThan(100);
    });
  }
});
