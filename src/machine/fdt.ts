/**
 * A flattened device tree writer (Devicetree Specification v0.4, chapter 5:
 * header, memory reservation block, structure block, strings block).
 */

export type PropertyValue = string | readonly string[] | number | readonly number[] | Uint8Array | true;

export interface DtNode {
  readonly name: string;
  readonly properties: ReadonlyArray<readonly [string, PropertyValue]>;
  readonly children: readonly DtNode[];
}

/** Builds a node; `props` keeps insertion order. */
export function node(name: string, props: Record<string, PropertyValue>, children: DtNode[] = []): DtNode {
  return { name, properties: Object.entries(props), children };
}

/** A 64-bit value as two cells (for #address-cells = <2>). */
export function cells64(value: number): number[] {
  return [Math.floor(value / 0x100000000), value >>> 0];
}

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_END = 9;
const HEADER_SIZE = 40;

function encodeValue(v: PropertyValue): Uint8Array {
  if (v === true) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(v + '\0');
  if (typeof v === 'number') return encodeValue([v]);
  if (v.length > 0 && typeof v[0] === 'string') return new TextEncoder().encode((v as readonly string[]).map((s) => s + '\0').join(''));
  const out = new Uint8Array(v.length * 4);
  const dv = new DataView(out.buffer);
  (v as readonly number[]).forEach((n, i) => dv.setUint32(i * 4, n >>> 0, false));
  return out;
}

/** Serializes a tree rooted at `root` (whose name must be "") into DTB bytes. */
export function encodeFdt(root: DtNode, bootCpu = 0): Uint8Array {
  const struct: number[] = [];
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const u32 = (v: number) => struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const bytes = (b: Uint8Array) => {
    for (const x of b) struct.push(x);
    while (struct.length % 4 !== 0) struct.push(0);
  };
  const stringOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      for (const b of new TextEncoder().encode(name)) strings.push(b);
      strings.push(0);
      stringOffsets.set(name, off);
    }
    return off;
  };
  const walk = (n: DtNode) => {
    u32(FDT_BEGIN_NODE);
    bytes(new TextEncoder().encode(n.name + '\0'));
    for (const [name, value] of n.properties) {
      const data = encodeValue(value);
      u32(FDT_PROP);
      u32(data.length);
      u32(stringOffset(name));
      bytes(data);
    }
    for (const c of n.children) walk(c);
    u32(FDT_END_NODE);
  };
  walk(root);
  u32(FDT_END);

  const rsvmapOff = HEADER_SIZE;
  const rsvmapSize = 16; // just the terminating entry
  const structOff = rsvmapOff + rsvmapSize;
  const stringsOff = structOff + struct.length;
  const total = stringsOff + strings.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const header = [FDT_MAGIC, total, structOff, stringsOff, rsvmapOff, 17, 16, bootCpu, strings.length, struct.length];
  header.forEach((v, i) => dv.setUint32(i * 4, v, false));
  out.set(struct, structOff);
  out.set(strings, stringsOff);
  return out;
}
