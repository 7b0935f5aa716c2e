/**
 * Host files for semihosting, confined below one root directory: relative
 * paths only, no `..`, and no symbolic link that leads outside the root.
 * Without a root, every host-file operation is refused (EACCES).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FsRequest, FsResponse } from './file-system.js';

const OPEN_FLAGS = ['r', 'r', 'r+', 'r+', 'w', 'w', 'w+', 'w+', 'a', 'a', 'a+', 'a+'] as const;
const EACCES = os.constants.errno.EACCES;
const EBADF = os.constants.errno.EBADF;
const EINVAL = os.constants.errno.EINVAL;

interface OpenFile {
  readonly fd: number;
  position: number;
  readonly append: boolean;
}

export class HostFiles {
  private readonly realRoot: string | undefined;
  private readonly open = new Map<number, OpenFile>();
  private nextHandle = 1;

  constructor(root: string | undefined) {
    this.realRoot = root === undefined ? undefined : fs.realpathSync(root);
  }

  /** Performs one request against the host file system. */
  handle(req: FsRequest): FsResponse {
    try {
      return this.perform(req);
    } catch (e) {
      return { result: -1, errno: errnoOf(e) };
    }
  }

  private perform(req: FsRequest): FsResponse {
    switch (req.op) {
      case 'open': {
        if (req.mode < 0 || req.mode >= OPEN_FLAGS.length) return fail(EINVAL);
        const full = this.confine(req.path, req.mode >= 4);
        if (typeof full === 'number') return fail(full);
        const fd = fs.openSync(full, OPEN_FLAGS[req.mode]!);
        const handle = this.nextHandle++;
        this.open.set(handle, { fd, position: 0, append: req.mode >= 8 });
        return { result: handle, errno: 0 };
      }
      case 'close': {
        const f = this.open.get(req.handle);
        if (f === undefined) return fail(EBADF);
        this.open.delete(req.handle);
        fs.closeSync(f.fd);
        return { result: 0, errno: 0 };
      }
      case 'read': {
        const f = this.open.get(req.handle);
        if (f === undefined) return fail(EBADF);
        const buf = new Uint8Array(Math.max(0, req.length));
        const n = fs.readSync(f.fd, buf, 0, buf.length, f.position);
        f.position += n;
        return { result: n, errno: 0, data: buf.subarray(0, n) };
      }
      case 'write': {
        const f = this.open.get(req.handle);
        if (f === undefined) return fail(EBADF);
        const n = f.append ? fs.writeSync(f.fd, req.data) : fs.writeSync(f.fd, req.data, 0, req.data.length, f.position);
        f.position = f.append ? fs.fstatSync(f.fd).size : f.position + n;
        return { result: n, errno: 0 };
      }
      case 'seek': {
        const f = this.open.get(req.handle);
        if (f === undefined) return fail(EBADF);
        if (req.position < 0) return fail(EINVAL);
        f.position = req.position;
        return { result: 0, errno: 0 };
      }
      case 'flen': {
        const f = this.open.get(req.handle);
        if (f === undefined) return fail(EBADF);
        return { result: fs.fstatSync(f.fd).size, errno: 0 };
      }
      case 'remove': {
        const full = this.confine(req.path, false, false);
        if (typeof full === 'number') return fail(full);
        fs.unlinkSync(full);
        return { result: 0, errno: 0 };
      }
      case 'rename': {
        const from = this.confine(req.from, false, false);
        if (typeof from === 'number') return fail(from);
        const to = this.confine(req.to, true, false);
        if (typeof to === 'number') return fail(to);
        fs.renameSync(from, to);
        return { result: 0, errno: 0 };
      }
    }
  }

  /**
   * The host path for a guest path, or an errno when it is refused. `creating`
   * allows a path that does not exist yet (its directory must be inside the
   * root). With `follow` false (remove, rename), a final symbolic link is the
   * file meant, not its target: only its directory is resolved.
   */
  private confine(guestPath: string, creating: boolean, follow = true): string | number {
    if (this.realRoot === undefined) return EACCES;
    if (guestPath.length === 0 || path.isAbsolute(guestPath) || guestPath.includes('\\')) return EACCES;
    if (guestPath.split('/').some((part) => part === '..')) return EACCES;
    const full = path.join(this.realRoot, guestPath);
    const inside = (p: string) => p === this.realRoot || p.startsWith(this.realRoot + path.sep);
    if (!follow) {
      const dir = fs.realpathSync(path.dirname(full));
      const named = path.join(dir, path.basename(full));
      return inside(dir) && named !== this.realRoot ? named : EACCES;
    }
    let real: string;
    try {
      real = fs.realpathSync(full);
    } catch (e) {
      if (!creating || errnoOf(e) !== os.constants.errno.ENOENT) throw e;
      // A new file: its directory must resolve inside the root, and the name must not be a dangling link.
      if (isSymlink(full)) return EACCES;
      real = path.join(fs.realpathSync(path.dirname(full)), path.basename(full));
    }
    return inside(real) ? real : EACCES;
  }

  /** Closes every host file. */
  closeAll(): void {
    for (const f of this.open.values()) fs.closeSync(f.fd);
    this.open.clear();
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function fail(errno: number): FsResponse {
  return { result: -1, errno };
}

function errnoOf(e: unknown): number {
  const code = (e as { code?: string }).code;
  const n = code === undefined ? undefined : (os.constants.errno as Record<string, number>)[code];
  return n ?? os.constants.errno.EIO;
}
