/**
 * Reads an ELF that carries a guest's symbols and debug information: the
 * program itself, or for a kernel the vmlinux that matches its Image. A
 * gzip-compressed file (vmlinux.gz) is unpacked in memory, since debug-info
 * kernels are large and usually kept compressed.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ElfFile } from '../elf/elf-file.js';
import { SymbolsError } from './symbols.js';

/** Loads `path` as an ELF, gunzipping it first when it is gzip data; problems are one-line SymbolsErrors. */
export function readSymbolFile(path: string): ElfFile {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new SymbolsError(`${path} is a directory, not an ELF file`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof SymbolsError) throw e;
    const code = (e as { code?: string }).code;
    throw new SymbolsError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${(e as Error).message})`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new SymbolsError(`${path}: damaged gzip data (${(e as Error).message})`);
    }
  }
  return new ElfFile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
