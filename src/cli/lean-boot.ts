// Lean start-up for `myelin start` (idle RSS, issue 5). Loading the server's ~300
// modules makes Node's module loader hot enough for V8 to grow the young generation
// (1 → 8 MB semi-spaces, ~4.5 MB of it still resident when the server is idle) and to
// tier its URL/path/validation helpers up with Sparkplug and TurboFan: one TurboFan
// compile alone touches ~3.5 MB of compiler code in the node binary, plus the compile
// threads' malloc arenas, all for code that runs once. So from loading until the server
// is listening, the young generation does not grow and neither tier compiles; then V8's
// defaults come back, and request handling is tiered up and sized exactly as without
// this. A time limit ends it too, so a long start-up (a migration) is never left slow.
//
// These are runtime V8 flag changes (node:v8 setFlagsFromString); each is read when V8
// decides (tier-up, new-space growth), not cached at start. Nothing is changed when the
// operator passed V8 flags of their own that these would override.
import { setFlagsFromString } from 'node:v8';

/** V8 flags set while starting, with the defaults they are restored to. */
const LEAN: readonly (readonly [lean: string, restore: string])[] = [
  ['--semi-space-growth-factor=1', '--semi-space-growth-factor=2'],
  ['--no-turbofan', '--turbofan'],
  ['--no-sparkplug', '--sparkplug'],
];

/** Operator flags that these settings would override or whose defaults they assume. */
const OPERATOR_FLAGS = /--(?:no[-_])?(?:(?:opt|turbofan|sparkplug|jitless|lite[-_]mode|max[-_]lazy|predictable|always[-_]sparkplug)\b|semi[-_]space|min[-_]semi|max[-_]semi)/;

/** Start-up longer than this runs with V8's defaults from then on. */
export const LEAN_BOOT_LIMIT_MS = 5_000;

let timer: NodeJS.Timeout | undefined;

/** Whether lean start-up applies to this process (no operator V8 flags in the way). */
export function leanBootAllowed(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return !OPERATOR_FLAGS.test(`${execArgv.join(' ')} ${nodeOptions}`);
}

/** Whether the lean settings are in force now. */
export function leanBootActive(): boolean {
  return timer !== undefined;
}

/** Sets the lean settings until endLeanBoot() or LEAN_BOOT_LIMIT_MS. */
export function beginLeanBoot(): void {
  if (timer !== undefined || !leanBootAllowed()) return;
  for (const [lean] of LEAN) setFlagsFromString(lean);
  timer = setTimeout(endLeanBoot, LEAN_BOOT_LIMIT_MS);
  timer.unref();
}

/** Restores V8's defaults (no-op when lean start-up is not in force). */
export function endLeanBoot(): void {
  if (timer === undefined) return;
  clearTimeout(timer);
  timer = undefined;
  for (const [, restore] of LEAN) setFlagsFromString(restore);
}
