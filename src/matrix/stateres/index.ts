// State resolution: the state before an event from the states after its
// prev_events. Dispatches on the room version's algorithm: v1 (room v1), v2
// (v2–v11), v2.1 (v12, MSC4297). The numeric core runs in the chosen kernel
// path (src/accel/stateres.ts); auth chains come from a chain index.
import { stateResKernel } from '../../accel/stateres.js';
import type { AccelPath } from '../../accel/types.js';
import type { EventLookup, StateMap } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { ChainIndex } from './chain-index.js';
import { StateResolutionError, type ResolveContext } from './context.js';
import { resolveV1 } from './v1.js';
import { resolveV2 } from './v2.js';

export { ChainIndex, ChainIndexError, type ChainIndexSnapshot } from './chain-index.js';
export { StateResolutionError } from './context.js';
export { isPowerEvent } from './power-ordering.js';

export interface ResolveOptions {
  /**
   * The room's auth-chain index (persisted by the store). Events of the state
   * sets and their auth chains that it lacks are added to it. Without one, a
   * throwaway index is built from the lookup, which walks the auth chains.
   */
  readonly authIndex?: ChainIndex;
  /** events rejected on receipt: never used as auth events during iterative auth checks */
  readonly isRejected?: (eventId: string) => boolean;
  /**
   * Whether each state set's own events count as part of its full auth chain
   * for the auth difference. Synapse counts them (default: true, for
   * convergence with it); the spec's wording, which ruma follows, does not.
   */
  readonly authChainIncludesStateEvents?: boolean;
}

/**
 * Resolves `stateSets` (at least one) under `rules`. `kernels` picks the path
 * of the numeric core (anything with a `path`, e.g. the Kernels in use; js by
 * default). Throws StateResolutionError on inconsistent input (cycles in auth
 * events, events missing where the algorithm needs them).
 */
export function resolveState(
  rules: RoomVersionRules,
  stateSets: readonly StateMap[],
  lookup: EventLookup,
  kernels?: { readonly path: AccelPath },
  options: ResolveOptions = {},
): StateMap {
  if (stateSets.length === 0) throw new StateResolutionError('nothing to resolve: no state sets');
  if (stateSets.length === 1) return new Map(stateSets[0]);
  const index = options.authIndex ?? new ChainIndex();
  const ctx: ResolveContext = {
    rules,
    lookup,
    kernel: stateResKernel(kernels?.path ?? 'js'),
    index,
    isRejected: options.isRejected ?? (() => false),
  };
  switch (rules.stateResolution) {
    case 'v1':
      return resolveV1(ctx, stateSets);
    case 'v2':
    case 'v2.1':
      return resolveV2(ctx, stateSets, {
        variant: rules.stateResolution,
        authChainIncludesStateEvents: options.authChainIncludesStateEvents ?? true,
      });
  }
}
