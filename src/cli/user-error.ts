export { ExitCode } from '../vm/exit-codes.js';

/** Errors a user can cause (bad file, bad option). The CLI prints the message, never a stack trace. */
export class UserError extends Error {
  override readonly name = 'UserError';
}


/** Parses a memory size such as 128M, 64K, 1G or a byte count. */
export function parseSize(text: string, what: string): number {
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(text.trim());
  if (m === null) throw new UserError(`${what} must be a size like 128M, 64K or 1G (got "${text}")`);
  const unit = (m[2] ?? '').toUpperCase()[0];
  const scale = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  return Number(m[1]) * scale;
}

/** Parses a non-negative integer option (decimal, 0x hex, and _ or , separators). */
export function parseCount(text: string, what: string): number {
  const clean = text.replace(/[_,]/g, '');
  const n = /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean, 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new UserError(`${what} must be a non-negative integer (got "${text}")`);
  return n;
}
