import type { Kernels } from '../../accel/types.js';
import { kernels as defaultKernels } from '../../accel/index.js';
import type { RoomVersionRules } from '../room-versions.js';

export function referenceHash(_rules: RoomVersionRules, _json: Record<string, unknown>, _k: Kernels = defaultKernels()): Uint8Array {
  throw new Error('not yet implemented');
}

export function computeEventId(_rules: RoomVersionRules, _json: Record<string, unknown>, _k: Kernels = defaultKernels()): string {
  throw new Error('not yet implemented');
}

export function computeRoomIdFromCreate(_json: Record<string, unknown>, _k: Kernels = defaultKernels()): string {
  throw new Error('not yet implemented');
}
