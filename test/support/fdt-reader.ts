/** A minimal flattened-device-tree reader for tests (checks the structure our writer produces). */

export interface FdtNode {
  name: string;
  props: Map<string, Uint8Array>;
  children: FdtNode[];
}

export function readFdt(bytes: Uint8Array): FdtNode {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0) !== 0xd00dfeed) throw new Error('bad magic');
  if (dv.getUint32(4) !== bytes.length) throw new Error('totalsize mismatch');
  const structOff = dv.getUint32(8);
  const stringsOff = dv.getUint32(12);
  const cstr = (off: number) => {
    let end = off;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(off, end));
  };
  let p = structOff;
  const u32 = () => { const v = dv.getUint32(p); p += 4; return v; };
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    const tok = u32();
    if (tok === 1) {
      const name = cstr(p);
      p += (name.length + 1 + 3) & ~3;
      const n: FdtNode = { name, props: new Map(), children: [] };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(n); else root = n;
      stack.push(n);
    } else if (tok === 3) {
      const len = u32();
      const nameOff = u32();
      stack[stack.length - 1]!.props.set(cstr(stringsOff + nameOff), bytes.slice(p, p + len));
      p += (len + 3) & ~3;
    } else if (tok === 2) {
      stack.pop();
    } else if (tok === 9) {
      break;
    } else if (tok !== 4) {
      throw new Error(`bad token ${tok}`);
    }
  }
  if (root === undefined || stack.length !== 0) throw new Error('unbalanced tree');
  return root;
}

export function child(n: FdtNode, name: string): FdtNode {
  const c = n.children.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no node ${name} under ${n.name || '/'}`);
  return c;
}

export function str(n: FdtNode, prop: string): string {
  const v = n.props.get(prop);
  if (v === undefined) throw new Error(`no property ${prop}`);
  return new TextDecoder().decode(v).replace(/\0$/, '');
}

export function cells(n: FdtNode, prop: string): number[] {
  const v = n.props.get(prop);
  if (v === undefined) throw new Error(`no property ${prop}`);
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(i * 4));
}
