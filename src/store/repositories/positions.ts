// Stream positions: allocated by the store inside the write transaction, so
// they are unique and strictly increasing across every process sharing the
// store, and a position becomes visible together with the data it orders.

import { STREAMS, type StreamName } from '../catalogue.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import { allocate, counterValue } from './counters.js';

export interface StreamPositionsRepository {
  /** Allocate the next position of `stream` (first is 1). */
  next(tx: WriteTx, stream: StreamName): Op<number>;
  /** Allocate `count` consecutive positions; returns the first. */
  nextRange(tx: WriteTx, stream: StreamName, count: number): Op<number>;
  /** The highest position allocated and committed (0 when none). */
  current(tx: ReadTx, stream: StreamName): Op<number>;
  /** Every stream's current position (a sync token's ingredients). */
  all(tx: ReadTx): Op<Record<StreamName, number>>;
}

const NAMES = new Map<string, string>(STREAMS.map((s) => [s, `stream.${s}`]));
const counter = (stream: StreamName): string => NAMES.get(stream) ?? `stream.${stream}`;

export class StreamPositions implements StreamPositionsRepository {
  *next(tx: WriteTx, stream: StreamName): Op<number> {
    return yield* allocate(tx, counter(stream));
  }

  *nextRange(tx: WriteTx, stream: StreamName, count: number): Op<number> {
    return yield* allocate(tx, counter(stream), count);
  }

  *current(tx: ReadTx, stream: StreamName): Op<number> {
    return yield* counterValue(tx, counter(stream));
  }

  *all(tx: ReadTx): Op<Record<StreamName, number>> {
    const out = {} as Record<StreamName, number>;
    for (const s of STREAMS) out[s] = yield* counterValue(tx, counter(s));
    return out;
  }
}
