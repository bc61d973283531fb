// The numeric core of state resolution v2/v2.1 as a kernel: integer-coded
// events in, an ordering out. src/matrix/stateres gathers the inputs (events
// interned to 0..n-1, their auth edges, sender power, timestamps and the rank
// of their event ids) and calls each operation once per resolution step, so a
// native or wasm kernel crosses the boundary a fixed number of times per
// resolution, never once per event.
//
// Three paths (native, wasm, js) must return identical orderings; the js path
// below is the reference.
import type { AccelPath } from './types.js';
import { loadNativeAddon } from './native/addon.js';
import { wasmInstance } from './wasm/instance.js';

/** Reverse topological power ordering over the events X (spec: rooms/v2, "Reverse topological power ordering"). */
export interface PowerOrderInput {
  /** CSR offsets, length n+1: node i's auth events (within X) are authEdges[authStart[i] .. authStart[i+1]) */
  readonly authStart: Uint32Array;
  readonly authEdges: Uint32Array;
  /** sender power level per node; Infinity for v12 room creators */
  readonly power: Float64Array;
  readonly originServerTs: Float64Array;
  /** rank of each node's event id in code point order (distinct) */
  readonly idRank: Uint32Array;
}

/** Mainline ordering of some events (spec: rooms/v2, "Mainline ordering"). */
export interface MainlineOrderInput {
  /** per node of the universe: the node of the `m.room.power_levels` event among its auth events, or -1 */
  readonly powerParent: Int32Array;
  /** node of P0, the power levels event of the partially resolved state, or -1 when there is none */
  readonly mainlineTip: number;
  /** the nodes to order */
  readonly events: Uint32Array;
  readonly originServerTs: Float64Array;
  readonly idRank: Uint32Array;
}

/**
 * Auth difference over a chain cover (see src/matrix/stateres/chain-index.ts
 * for the layout). Positions are (chain, seq) pairs, seq from 1. The state
 * sets are given as what they share (the unconflicted events: their auth
 * chains are in every set's) plus each set's own events, so the shared part,
 * usually almost all of the state, is followed once.
 */
export interface AuthDifferenceInput {
  readonly chainCount: number;
  /** CSR over chains, length chainCount+1: chain c's links are entries linkStart[c] .. linkStart[c+1]) */
  readonly linkStart: Uint32Array;
  /** per link: sequence number on the source chain from which it applies (links sorted by it per chain) */
  readonly linkSeq: Uint32Array;
  readonly linkTargetChain: Uint32Array;
  readonly linkTargetSeq: Uint32Array;
  /** positions every set reaches */
  readonly commonChain: Uint32Array;
  readonly commonSeq: Uint32Array;
  /** CSR over state sets: set k's own positions are seedChain/seedSeq[setStart[k] .. setStart[k+1]) */
  readonly setStart: Uint32Array;
  readonly seedChain: Uint32Array;
  readonly seedSeq: Uint32Array;
}

/** Per chain touched: the events with lo < seq <= hi are in the auth difference. */
export interface AuthDifferenceRanges {
  readonly chain: Uint32Array;
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
}

export interface StateResKernel {
  readonly path: AccelPath;
  /** nodes, earliest first. A result shorter than n means the auth edges form a cycle. */
  reverseTopologicalPowerOrder(input: PowerOrderInput): Uint32Array;
  /** `events` sorted by (mainline position descending, origin_server_ts, event id) */
  mainlineOrder(input: MainlineOrderInput): Uint32Array;
  /** chains whose reach differs between the state sets, with the differing sequence range; sorted by chain */
  authDifference(input: AuthDifferenceInput): AuthDifferenceRanges;
}

// ---------------------------------------------------------------------------
// The TypeScript reference.

/** Ranks nodes by (power desc, ts asc, id rank asc): one integer key per node, so the heap compares integers. */
function tieBreakRanks(power: Float64Array, ts: Float64Array, idRank: Uint32Array): Uint32Array {
  const n = power.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const pa = power[a]!;
    const pb = power[b]!;
    if (pa !== pb) return pa > pb ? -1 : 1;
    const ta = ts[a]!;
    const tb = ts[b]!;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return idRank[a]! - idRank[b]!;
  });
  const rank = new Uint32Array(n);
  order.forEach((node, i) => { rank[node] = i; });
  return rank;
}

/** A binary min-heap of node indices keyed by key[node]. */
class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly key: Uint32Array) {}
  get size(): number { return this.items.length; }
  push(node: number): void {
    const a = this.items;
    a.push(node);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key[a[p]!]! <= this.key[a[i]!]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.key[a[l]!]! < this.key[a[m]!]!) m = l;
        if (r < a.length && this.key[a[r]!]! < this.key[a[m]!]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export function reverseTopologicalPowerOrderJs(input: PowerOrderInput): Uint32Array {
  const n = input.power.length;
  const key = tieBreakRanks(input.power, input.originServerTs, input.idRank);
  // Kahn's algorithm from the oldest events: a node is ready once all its auth events are out.
  const pending = new Uint32Array(n);
  const referrerCount = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    pending[i] = input.authStart[i + 1]! - input.authStart[i]!;
    for (let e = input.authStart[i]!; e < input.authStart[i + 1]!; e++) referrerCount[input.authEdges[e]! + 1]!++;
  }
  // reverse edges (auth event → events citing it), CSR
  for (let i = 0; i < n; i++) referrerCount[i + 1]! += referrerCount[i]!;
  const referrers = new Uint32Array(input.authEdges.length);
  const fill = referrerCount.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let e = input.authStart[i]!; e < input.authStart[i + 1]!; e++) referrers[fill[input.authEdges[e]!]!++] = i;
  }
  const heap = new MinHeap(key);
  for (let i = 0; i < n; i++) if (pending[i] === 0) heap.push(i);
  const out = new Uint32Array(n);
  let count = 0;
  while (heap.size > 0) {
    const node = heap.pop();
    out[count++] = node;
    for (let r = referrerCount[node]!; r < referrerCount[node + 1]!; r++) {
      const parent = referrers[r]!;
      if (--pending[parent]! === 0) heap.push(parent);
    }
  }
  return count === n ? out : out.slice(0, count);
}

export function mainlineOrderJs(input: MainlineOrderInput): Uint32Array {
  const universe = input.powerParent.length;
  // depth on the mainline: P_n (oldest) = 1 … P_0 = n+1; 0 means "not based on the mainline" (position ∞).
  const depth = new Int32Array(universe).fill(-1);
  const mainline: number[] = [];
  const onMainline = new Uint8Array(universe);
  for (let p = input.mainlineTip; p >= 0 && onMainline[p] === 0; p = input.powerParent[p]!) {
    mainline.push(p);
    onMainline[p] = 1;
  }
  mainline.forEach((p, i) => { depth[p] = mainline.length - i; });
  // The mainline depth of an event is that of the first mainline event among e1, e2, … (e0 excluded).
  const eventDepth = new Int32Array(universe).fill(-1);
  const depthOf = (event: number): number => {
    const path: number[] = [];
    let result = 0;
    let p = input.powerParent[event]!;
    let steps = 0;
    while (p >= 0) {
      if (onMainline[p] === 1) { result = depth[p]!; break; }
      if (eventDepth[p]! >= 0) { result = eventDepth[p]!; break; }
      path.push(p);
      p = input.powerParent[p]!;
      if (++steps > universe) break; // a cycle in bad input: treat as not based on the mainline
    }
    // every event on the walked path shares the answer (their e1… lists are suffixes of this one)
    for (const q of path) eventDepth[q] = result;
    return result;
  };
  const n = input.events.length;
  const d = new Int32Array(n);
  for (let i = 0; i < n; i++) d[i] = depthOf(input.events[i]!);
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    if (d[a] !== d[b]) return d[a]! - d[b]!;
    const ea = input.events[a]!;
    const eb = input.events[b]!;
    const ta = input.originServerTs[ea]!;
    const tb = input.originServerTs[eb]!;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return input.idRank[ea]! - input.idRank[eb]!;
  });
  return Uint32Array.from(idx, (i) => input.events[i]!);
}

export function authDifferenceJs(input: AuthDifferenceInput): AuthDifferenceRanges {
  const chains = input.chainCount;
  const sets = input.setStart.length - 1;
  // reach[c]: highest seq reached on chain c (0: none); processed[c]: links followed up to that seq
  const reach = new Uint32Array(chains);
  const processed = new Uint32Array(chains);
  const stack: number[] = [];
  // undo log while one set's own positions are followed on top of the shared reach
  let undo: number[] | undefined;
  const raise = (c: number, q: number): void => {
    if (q <= reach[c]!) return;
    if (undo !== undefined) undo.push(c, reach[c]!, processed[c]!);
    reach[c] = q;
    stack.push(c);
  };
  const close = (): void => {
    while (stack.length > 0) {
      const c = stack.pop()!;
      const hi = reach[c]!;
      const lo = processed[c]!;
      if (hi <= lo) continue;
      if (undo !== undefined) undo.push(c, reach[c]!, lo);
      processed[c] = hi;
      // links of chain c are sorted by source sequence: follow those with lo < seq <= hi
      let a = input.linkStart[c]!;
      let b = input.linkStart[c + 1]!;
      while (a < b) { const m = (a + b) >> 1; if (input.linkSeq[m]! <= lo) a = m + 1; else b = m; }
      for (let l = a; l < input.linkStart[c + 1]! && input.linkSeq[l]! <= hi; l++) raise(input.linkTargetChain[l]!, input.linkTargetSeq[l]!);
    }
  };
  for (let i = 0; i < input.commonChain.length; i++) raise(input.commonChain[i]!, input.commonSeq[i]!);
  close();
  // per chain some set moved beyond the shared reach: that set's reach there
  const perSet = new Map<number, Uint32Array>();
  for (let k = 0; k < sets; k++) {
    undo = [];
    for (let s = input.setStart[k]!; s < input.setStart[k + 1]!; s++) raise(input.seedChain[s]!, input.seedSeq[s]!);
    close();
    for (let u = 0; u < undo.length; u += 3) {
      const c = undo[u]!;
      let row = perSet.get(c);
      if (row === undefined) { row = new Uint32Array(sets); perSet.set(c, row); }
      row[k] = reach[c]!;
    }
    // restore the shared reach (reverse order: the first saved values win)
    for (let u = undo.length - 3; u >= 0; u -= 3) { reach[undo[u]!] = undo[u + 1]!; processed[undo[u]!] = undo[u + 2]!; }
    undo = undefined;
  }
  const touched = [...perSet.keys()].sort((x, y) => x - y);
  const chain: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (const c of touched) {
    const row = perSet.get(c)!;
    let min = Infinity;
    let max = 0;
    for (let k = 0; k < sets; k++) {
      const r = Math.max(row[k]!, reach[c]!);
      if (r < min) min = r;
      if (r > max) max = r;
    }
    if (max > min) { chain.push(c); lo.push(min); hi.push(max); }
  }
  return { chain: Uint32Array.from(chain), lo: Uint32Array.from(lo), hi: Uint32Array.from(hi) };
}

export const jsStateResKernel: StateResKernel = {
  path: 'js',
  reverseTopologicalPowerOrder: reverseTopologicalPowerOrderJs,
  mainlineOrder: mainlineOrderJs,
  authDifference: authDifferenceJs,
};

// ---------------------------------------------------------------------------
// The native addon (native/binding/src/stateres.rs).

type NativeStateRes = {
  stateresPowerOrder(authStart: Uint32Array, authEdges: Uint32Array, power: Float64Array, ts: Float64Array, idRank: Uint32Array): Uint32Array;
  stateresMainlineOrder(powerParent: Int32Array, tip: number, events: Uint32Array, ts: Float64Array, idRank: Uint32Array): Uint32Array;
  stateresAuthDifference(
    chainCount: number, linkStart: Uint32Array, linkSeq: Uint32Array, linkTargetChain: Uint32Array, linkTargetSeq: Uint32Array,
    commonChain: Uint32Array, commonSeq: Uint32Array, setStart: Uint32Array, seedChain: Uint32Array, seedSeq: Uint32Array,
  ): Uint32Array;
};

function splitRanges(flat: Uint32Array): AuthDifferenceRanges {
  const n = flat.length / 3;
  return { chain: flat.slice(0, n), lo: flat.slice(n, 2 * n), hi: flat.slice(2 * n) };
}

function createNativeStateResKernel(): StateResKernel {
  const addon = loadNativeAddon();
  if (addon instanceof Error) throw addon;
  const a = addon as unknown as Partial<NativeStateRes>;
  if (typeof a.stateresPowerOrder !== 'function' || typeof a.stateresMainlineOrder !== 'function' || typeof a.stateresAuthDifference !== 'function') {
    throw new Error('the native addon has no state-res kernel (rebuild it: npm run build:native)');
  }
  const n = a as NativeStateRes;
  return {
    path: 'native',
    reverseTopologicalPowerOrder: (i) => n.stateresPowerOrder(i.authStart, i.authEdges, i.power, i.originServerTs, i.idRank),
    mainlineOrder: (i) => n.stateresMainlineOrder(i.powerParent, i.mainlineTip, i.events, i.originServerTs, i.idRank),
    authDifference: (i) => splitRanges(n.stateresAuthDifference(
      i.chainCount, i.linkStart, i.linkSeq, i.linkTargetChain, i.linkTargetSeq, i.commonChain, i.commonSeq, i.setStart, i.seedChain, i.seedSeq,
    )),
  };
}

// ---------------------------------------------------------------------------
// The wasm module (wasm/src/stateres.rs): one input block per call, laid out
// f64 arrays first (8-aligned), then 32-bit arrays, as each export documents.

type WasmStateRes = {
  myelin_stateres_output(): number;
  myelin_stateres_power_order(input: number, n: number, edges: number): number;
  myelin_stateres_mainline_order(input: number, universe: number, count: number, tip: number): number;
  myelin_stateres_auth_difference(input: number, chains: number, links: number, common: number, sets: number, seeds: number): number;
};

function createWasmStateResKernel(): StateResKernel {
  const rt = wasmInstance();
  if (rt instanceof Error) throw rt;
  const x = rt.exports as unknown as Partial<WasmStateRes>;
  if (typeof x.myelin_stateres_power_order !== 'function' || typeof x.myelin_stateres_output !== 'function'
    || typeof x.myelin_stateres_mainline_order !== 'function' || typeof x.myelin_stateres_auth_difference !== 'function') {
    throw new Error('wasm/myelin.wasm has no state-res kernel (rebuild it: npm run build:wasm)');
  }
  const w = x as WasmStateRes;
  /** Copies the arrays into one block, calls `run(ptr)`, returns the u32 output (copied) and frees the block. */
  const call = (arrays: readonly (Float64Array | Uint32Array | Int32Array)[], run: (ptr: number) => number): Uint32Array => {
    const total = arrays.reduce((sum, a) => sum + a.byteLength, 0);
    const ptr = rt.alloc(total);
    try {
      let offset = ptr;
      for (const a of arrays) {
        new Uint8Array(rt.memory.buffer, offset, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        offset += a.byteLength;
      }
      const len = run(ptr);
      return rt.words(w.myelin_stateres_output(), len).slice();
    } finally {
      rt.free(ptr, total);
    }
  };
  return {
    path: 'wasm',
    reverseTopologicalPowerOrder: (i) => call(
      [i.power, i.originServerTs, i.authStart, i.authEdges, i.idRank],
      (p) => w.myelin_stateres_power_order(p, i.power.length, i.authEdges.length),
    ),
    mainlineOrder: (i) => call(
      [i.originServerTs, i.powerParent, i.idRank, i.events],
      (p) => w.myelin_stateres_mainline_order(p, i.powerParent.length, i.events.length, i.mainlineTip),
    ),
    authDifference: (i) => splitRanges(call(
      [i.linkStart, i.linkSeq, i.linkTargetChain, i.linkTargetSeq, i.commonChain, i.commonSeq, i.setStart, i.seedChain, i.seedSeq],
      (p) => w.myelin_stateres_auth_difference(p, i.chainCount, i.linkSeq.length, i.commonChain.length, i.setStart.length - 1, i.seedChain.length),
    )),
  };
}

const loaded = new Map<AccelPath, StateResKernel | Error>([['js', jsStateResKernel]]);
const loaders = new Map<AccelPath, () => StateResKernel>([
  ['native', createNativeStateResKernel],
  ['wasm', createWasmStateResKernel],
]);

/** Replaces how a path's kernel is loaded (tests use it to inject a failing path). */
export function registerStateResKernel(path: AccelPath, load: () => StateResKernel): void {
  loaders.set(path, load);
  loaded.delete(path);
}

/** The state-res kernel of a path, or the Error that stopped it loading. */
export function tryStateResKernel(path: AccelPath): StateResKernel | Error {
  let k = loaded.get(path);
  if (k === undefined) {
    const load = loaders.get(path);
    if (load === undefined) k = new Error(`no ${path} state-res kernel is available`);
    else {
      try { k = load(); } catch (err) { k = err instanceof Error ? err : new Error(String(err)); }
    }
    loaded.set(path, k);
  }
  return k;
}

/** The kernel for a path, falling back to the js reference when that path has none. */
export function stateResKernel(path: AccelPath = 'js'): StateResKernel {
  const k = tryStateResKernel(path);
  return k instanceof Error ? jsStateResKernel : k;
}
