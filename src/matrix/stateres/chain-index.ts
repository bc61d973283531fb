// An auth-chain index: a chain cover of the auth DAG (the idea of Synapse's
// "chain cover index", implemented from its published description).
//
// Every event sits on exactly one chain at a sequence number (1, 2, …), and a
// chain is a path in the auth DAG: each event on it has the previous one among
// its auth events. So "reaches (c, s)" implies "reaches (c, s') for s' ≤ s",
// and the auth chain of any set of events is, per chain, a prefix 1..r. Edges
// from an event to auth events on other chains are stored as links
// (chain, seq) → (chain', seq'). The auth chain of a state set is found by
// following links from its events' positions, touching each link at most once,
// and the auth difference of several sets is, per chain, the range of
// sequence numbers between the smallest and the largest prefix: no walk over
// the events themselves.
//
// The index is append-only (events are added after their auth events) and
// serialisable, so the storage layer can persist it and extend it as events
// arrive.
import type { AuthDifferenceInput } from '../../accel/stateres.js';

export interface ChainPosition {
  readonly chain: number;
  readonly seq: number;
}

/** The serialised form: plain arrays, JSON-safe. */
export interface ChainIndexSnapshot {
  readonly format: 'myelin-chain-index-1';
  readonly eventIds: readonly string[];
  /** per event (in insertion order): chain and sequence number */
  readonly chain: readonly number[];
  readonly seq: readonly number[];
  /** per event: the state key (type NUL state_key) it was added with, used to group chains */
  readonly stateKeys: readonly string[];
  /** flattened (sourceChain, sourceSeq, targetChain, targetSeq) quadruples, in insertion order */
  readonly links: readonly number[];
}

export class ChainIndexError extends Error {
  override readonly name = 'ChainIndexError';
}

export class ChainIndex {
  private readonly idToEvent = new Map<string, number>();
  private readonly eventIds: string[] = [];
  private readonly chainOf: number[] = [];
  private readonly seqOf: number[] = [];
  private readonly keyOf: string[] = [];
  /** per chain: its events by sequence number - 1 */
  private readonly members: number[][] = [];
  /** per chain: links as flat (sourceSeq, targetChain, targetSeq) triples, sorted by sourceSeq */
  private readonly links: number[][] = [];
  private linkCount = 0;
  /** memo for flattening into kernel input; cleared on every insertion */
  private flat: Pick<AuthDifferenceInput, 'chainCount' | 'linkStart' | 'linkSeq' | 'linkTargetChain' | 'linkTargetSeq'> | undefined;

  get size(): number { return this.eventIds.length; }
  get chainCount(): number { return this.members.length; }
  get totalLinks(): number { return this.linkCount; }

  has(eventId: string): boolean { return this.idToEvent.has(eventId); }

  position(eventId: string): ChainPosition | undefined {
    const e = this.idToEvent.get(eventId);
    return e === undefined ? undefined : { chain: this.chainOf[e]!, seq: this.seqOf[e]! };
  }

  /** The event at a position. */
  eventAt(chain: number, seq: number): string {
    const e = this.members[chain]?.[seq - 1];
    if (e === undefined) throw new ChainIndexError(`no event at chain ${chain} seq ${seq}`);
    return this.eventIds[e]!;
  }

  /**
   * Adds an event whose auth events are all in the index already. Idempotent for
   * an event already present. `stateKey` (type NUL state_key) groups successive
   * versions of one piece of state onto one chain, which keeps chains long.
   */
  add(eventId: string, authEvents: readonly string[], stateKey: string): void {
    if (this.idToEvent.has(eventId)) return;
    const auth: number[] = [];
    for (const a of authEvents) {
      const ae = this.idToEvent.get(a);
      if (ae === undefined) throw new ChainIndexError(`auth event ${a} of ${eventId} is not in the index`);
      if (!auth.includes(ae)) auth.push(ae);
    }
    // Extend the chain of an auth event for the same state key when that event is its chain's tip.
    let chain = -1;
    for (const ae of auth) {
      const c = this.chainOf[ae]!;
      if (this.keyOf[ae] === stateKey && this.members[c]!.length === this.seqOf[ae]) { chain = c; break; }
    }
    if (chain < 0) {
      chain = this.members.length;
      this.members.push([]);
      this.links.push([]);
    }
    const e = this.eventIds.length;
    const seq = this.members[chain]!.length + 1;
    this.idToEvent.set(eventId, e);
    this.eventIds.push(eventId);
    this.chainOf.push(chain);
    this.seqOf.push(seq);
    this.keyOf.push(stateKey);
    this.members[chain]!.push(e);
    // Links to the other chains, keeping per target chain only the highest position
    // (reaching (c, s) already reaches everything below s on c).
    const best = new Map<number, number>();
    for (const ae of auth) {
      const c = this.chainOf[ae]!;
      if (c === chain) continue;
      const s = this.seqOf[ae]!;
      if ((best.get(c) ?? 0) < s) best.set(c, s);
    }
    // Drop links another auth event already implies (Synapse prunes its links the
    // same way): fewer links to store and to follow.
    if (best.size > 0 && auth.length > 1) {
      const reaches = auth.map((ae) => this.reach([this.eventIds[ae]!], true));
      for (const [c, s] of [...best]) {
        for (let i = 0; i < auth.length; i++) {
          const ae = auth[i]!;
          if (this.chainOf[ae] === c && this.seqOf[ae] === s) continue; // the link's own target
          if ((reaches[i]!.get(c) ?? 0) >= s) { best.delete(c); break; }
        }
      }
    }
    const out = this.links[chain]!;
    for (const [c, s] of [...best].sort((x, y) => x[0] - y[0])) {
      out.push(seq, c, s);
      this.linkCount++;
    }
    this.flat = undefined;
  }

  /**
   * Per chain, the highest sequence number the events reach (0: none), as a
   * sparse map. `includeSelf` counts each event as part of its own auth chain
   * (as Synapse's auth difference does); otherwise only its auth events count.
   */
  reach(eventIds: Iterable<string>, includeSelf: boolean): Map<number, number> {
    const reach = new Map<number, number>();
    const processed = new Map<number, number>();
    const stack: number[] = [];
    const raise = (c: number, s: number): void => {
      if (s > (reach.get(c) ?? 0)) { reach.set(c, s); stack.push(c); }
    };
    for (const id of eventIds) {
      const e = this.idToEvent.get(id);
      if (e === undefined) throw new ChainIndexError(`event ${id} is not in the index`);
      const c = this.chainOf[e]!;
      const s = this.seqOf[e]!;
      if (includeSelf) raise(c, s);
      else {
        // the event's own auth events: its predecessor on the chain and its links
        if (s > 1) raise(c, s - 1);
        for (const [tc, ts] of this.linksAt(c, s)) raise(tc, ts);
      }
    }
    while (stack.length > 0) {
      const c = stack.pop()!;
      const hi = reach.get(c)!;
      const lo = processed.get(c) ?? 0;
      if (hi <= lo) continue;
      processed.set(c, hi);
      const links = this.links[c]!;
      // triples sorted by source seq: start at the first with seq > lo
      let a = 0;
      let b = links.length / 3;
      while (a < b) { const m = (a + b) >> 1; if (links[m * 3]! <= lo) a = m + 1; else b = m; }
      for (let l = a * 3; l < links.length && links[l]! <= hi; l += 3) raise(links[l + 1]!, links[l + 2]!);
    }
    return reach;
  }

  /** The auth chain of some events, as event ids (order unspecified). */
  authChain(eventIds: Iterable<string>, includeSelf = false): string[] {
    const out: string[] = [];
    for (const [c, r] of this.reach(eventIds, includeSelf)) {
      const m = this.members[c]!;
      for (let s = 0; s < r; s++) out.push(this.eventIds[m[s]!]!);
    }
    return out;
  }

  /** Whether `ancestor` is in the auth chain of `eventId`. */
  reaches(eventId: string, ancestor: string): boolean {
    const p = this.position(ancestor);
    if (p === undefined) return false;
    return (this.reach([eventId], false).get(p.chain) ?? 0) >= p.seq;
  }

  /**
   * Kernel input for the auth difference of state sets given as the events they
   * all share (`common`) and each one's own events.
   */
  authDifferenceInput(common: readonly string[], stateSets: readonly (readonly string[])[], includeSelf: boolean): AuthDifferenceInput {
    this.flat ??= this.flatten();
    const seeds = (ids: readonly string[], chains: number[], seqs: number[]): void => {
      for (const id of ids) {
        const e = this.idToEvent.get(id);
        if (e === undefined) throw new ChainIndexError(`event ${id} is not in the index`);
        const c = this.chainOf[e]!;
        const s = this.seqOf[e]!;
        if (includeSelf) { chains.push(c); seqs.push(s); continue; }
        if (s > 1) { chains.push(c); seqs.push(s - 1); }
        for (const [tc, ts] of this.linksAt(c, s)) { chains.push(tc); seqs.push(ts); }
      }
    };
    const commonChain: number[] = [];
    const commonSeq: number[] = [];
    seeds(common, commonChain, commonSeq);
    const setStart = new Uint32Array(stateSets.length + 1);
    const chains: number[] = [];
    const seqs: number[] = [];
    stateSets.forEach((set, k) => {
      seeds(set, chains, seqs);
      setStart[k + 1] = chains.length;
    });
    return {
      ...this.flat,
      commonChain: Uint32Array.from(commonChain),
      commonSeq: Uint32Array.from(commonSeq),
      setStart,
      seedChain: Uint32Array.from(chains),
      seedSeq: Uint32Array.from(seqs),
    };
  }

  /** Links leaving the event at (chain, seq): its auth events on other chains. */
  private linksAt(chain: number, seq: number): [number, number][] {
    const links = this.links[chain]!;
    // triples sorted by source seq: binary search the first with seq
    let a = 0;
    let b = links.length / 3;
    while (a < b) { const m = (a + b) >> 1; if (links[m * 3]! < seq) a = m + 1; else b = m; }
    const out: [number, number][] = [];
    for (let l = a * 3; l < links.length && links[l] === seq; l += 3) out.push([links[l + 1]!, links[l + 2]!]);
    return out;
  }

  /** The events of chain `chain` with lo < seq <= hi. */
  eventsInRange(chain: number, lo: number, hi: number): string[] {
    const m = this.members[chain];
    if (m === undefined) throw new ChainIndexError(`no chain ${chain}`);
    const out: string[] = [];
    for (let s = lo; s < hi && s < m.length; s++) out.push(this.eventIds[m[s]!]!);
    return out;
  }

  private flatten(): NonNullable<ChainIndex['flat']> {
    const chainCount = this.members.length;
    const linkStart = new Uint32Array(chainCount + 1);
    const linkSeq = new Uint32Array(this.linkCount);
    const linkTargetChain = new Uint32Array(this.linkCount);
    const linkTargetSeq = new Uint32Array(this.linkCount);
    let n = 0;
    for (let c = 0; c < chainCount; c++) {
      const links = this.links[c]!;
      for (let l = 0; l < links.length; l += 3) {
        linkSeq[n] = links[l]!;
        linkTargetChain[n] = links[l + 1]!;
        linkTargetSeq[n] = links[l + 2]!;
        n++;
      }
      linkStart[c + 1] = n;
    }
    return { chainCount, linkStart, linkSeq, linkTargetChain, linkTargetSeq };
  }

  toSnapshot(): ChainIndexSnapshot {
    const links: number[] = [];
    // re-derive insertion order of links from the events (each event's links follow it)
    for (let e = 0; e < this.eventIds.length; e++) {
      const c = this.chainOf[e]!;
      const s = this.seqOf[e]!;
      const l = this.links[c]!;
      for (let i = 0; i < l.length; i += 3) if (l[i] === s) links.push(c, s, l[i + 1]!, l[i + 2]!);
    }
    return {
      format: 'myelin-chain-index-1',
      eventIds: [...this.eventIds],
      chain: [...this.chainOf],
      seq: [...this.seqOf],
      stateKeys: [...this.keyOf],
      links,
    };
  }

  static fromSnapshot(snapshot: ChainIndexSnapshot): ChainIndex {
    if (snapshot.format !== 'myelin-chain-index-1') throw new ChainIndexError(`unknown chain index format ${String(snapshot.format)}`);
    const n = snapshot.eventIds.length;
    if (snapshot.chain.length !== n || snapshot.seq.length !== n || snapshot.stateKeys.length !== n || snapshot.links.length % 4 !== 0) {
      throw new ChainIndexError('chain index snapshot arrays disagree in length');
    }
    const index = new ChainIndex();
    for (let e = 0; e < n; e++) {
      const c = snapshot.chain[e]!;
      const s = snapshot.seq[e]!;
      const id = snapshot.eventIds[e]!;
      if (!Number.isInteger(c) || c < 0 || c > index.members.length) throw new ChainIndexError(`bad chain for ${id}`);
      if (c === index.members.length) { index.members.push([]); index.links.push([]); }
      if (s !== index.members[c]!.length + 1) throw new ChainIndexError(`bad sequence number for ${id}`);
      if (index.idToEvent.has(id)) throw new ChainIndexError(`duplicate event ${id}`);
      index.idToEvent.set(id, e);
      index.eventIds.push(id);
      index.chainOf.push(c);
      index.seqOf.push(s);
      index.keyOf.push(snapshot.stateKeys[e]!);
      index.members[c]!.push(e);
    }
    for (let i = 0; i < snapshot.links.length; i += 4) {
      const [c, s, tc, ts] = [snapshot.links[i]!, snapshot.links[i + 1]!, snapshot.links[i + 2]!, snapshot.links[i + 3]!];
      const src = index.members[c];
      const dst = index.members[tc];
      if (src === undefined || dst === undefined || s < 1 || s > src.length || ts < 1 || ts > dst.length || tc === c) {
        throw new ChainIndexError(`bad link at ${i / 4}`);
      }
      const l = index.links[c]!;
      if (l.length > 0 && l[l.length - 3]! > s) throw new ChainIndexError(`links of chain ${c} out of order`);
      l.push(s, tc, ts);
      index.linkCount++;
    }
    return index;
  }
}
