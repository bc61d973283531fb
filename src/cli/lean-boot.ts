// Lean start-up for `myelin start` (idle RSS, issue 5). Loading the server's ~300
// modules makes Node's module loader hot enough for V8 to grow the young generation
// (1 → 8 MB semi-spaces, ~4.5 MB of it still resident when the server is idle) and to
// tier its URL/path/validation helpers up with Sparkplug and TurboFan: one TurboFan
// compile alone touches ~3.5 MB of compiler code in the node binary, plus the compile
// threads' malloc arenas, all for code that runs once. So from loading until the server
// has work, the young generation does not grow and neither tier compiles. A time limit
// ends it during start-up, so a long start-up (a migration) is never left slow.
//
// Once listening, `myelin start` asks V8 for the memory-reducing garbage collection its
// memory reducer would run by itself ~8 s later (releaseStartupGarbage: start-up leaves a
// grown young generation and fragmented old-space pages, ~2.9 MB resident until then),
// and keeps the lean settings while the server is idle (endLeanBootWhenBusy): the first
// second with work in it brings V8's defaults back, and from then on requests are
// tiered up and sized exactly as without this. The busy check runs only once there is
// work (server/activity-clock.ts: woken by a garbage collection, i.e. by work that
// allocates), not once a second for good: an idle server that never gets busy sleeps.
// Ending at `listen` instead lets the idle process's own trickle (timers, GC notifications) reach a tier-up of a start-up-hot
// helper after that collection, seconds later: +3.5 MB while nothing happens.
//
// These are runtime V8 flag changes (node:v8 setFlagsFromString); each is read when V8
// decides (tier-up, new-space growth), not cached at start. Nothing is changed when the
// operator passed V8 flags of their own that these would override.
import { setFlagsFromString } from 'node:v8';
import { ActivityClock } from '../server/activity-clock.js';

/** V8 flags set while starting, with the defaults they are restored to. */
const LEAN: readonly (readonly [lean: string, restore: string])[] = [
  ['--semi-space-growth-factor=1', '--semi-space-growth-factor=2'],
  ['--no-turbofan', '--turbofan'],
  ['--no-sparkplug', '--sparkplug'],
];

/** Operator flags that these settings would override or whose defaults they assume. */
const OPERATOR_FLAGS = /--(?:no[-_])?(?:(?:opt|turbofan|sparkplug|jitless|lite[-_]mode|max[-_]lazy|predictable|always[-_]sparkplug|memory[-_]reducer)\b|semi[-_]space|min[-_]semi|max[-_]semi)/;

/** Start-up longer than this runs with V8's defaults from then on. */
export const LEAN_BOOT_LIMIT_MS = 5_000;

/** After start-up: a second in which the event loop was busy this share of the time (20 ms) ends lean settings. */
export const BUSY_UTILIZATION = 0.02;
const BUSY_CHECK_MS = 1_000;

let active = false;
/** start-up's time limit, then the busy check */
let timer: NodeJS.Timeout | undefined;
let busyCheck: ActivityClock | undefined;

/** Whether lean start-up applies to this process (no operator V8 flags in the way). */
export function leanBootAllowed(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return !OPERATOR_FLAGS.test(`${execArgv.join(' ')} ${nodeOptions}`);
}

/** Whether the lean settings are in force now. */
export function leanBootActive(): boolean {
  return active;
}

/** Sets the lean settings until endLeanBoot() or LEAN_BOOT_LIMIT_MS. */
export function beginLeanBoot(): void {
  if (active || !leanBootAllowed()) return;
  for (const [lean] of LEAN) setFlagsFromString(lean);
  active = true;
  timer = setTimeout(endLeanBoot, LEAN_BOOT_LIMIT_MS);
  timer.unref();
}

/**
 * One memory-reducing full GC (V8's LowMemoryNotification, reached through the
 * in-process inspector's HeapProfiler.collectGarbage: Node exposes no other way; gc()
 * from --expose-gc neither shrinks the young generation nor compacts for memory).
 * It is what V8's memory reducer does once the process has been quiet for ~8 s; done
 * right after start-up, the idle server is at its resting size at once. Takes ~50-150 ms
 * of the main thread, once. Skipped, like lean start-up, under the operator's own V8
 * flags, and when Node was built without the inspector. Resolves true when it ran.
 */
export async function releaseStartupGarbage(): Promise<boolean> {
  if (!leanBootAllowed()) return false;
  try {
    const { Session } = await import('node:inspector');
    const session = new Session();
    session.connect();
    try {
      await new Promise<void>((resolve, reject) => session.post('HeapProfiler.collectGarbage', (err) => (err ? reject(err) : resolve())));
    } finally {
      session.disconnect();
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * After start-up: keeps the lean settings while the process is idle and restores V8's
 * defaults at the first check that finds the event loop busy at least BUSY_UTILIZATION
 * of a second (20 ms of work in it: any load). Health checks and the idle process's
 * timers stay far below. The check runs once a second from a garbage collection on (work
 * allocates; under the lean settings the young generation is 1 MB, so load collects
 * within milliseconds) until a second with no collection in it, then waits for the next
 * one: an idle process is never woken by it. A lone burst of work followed by quiet is
 * judged on the second after it, and so keeps the lean settings. No-op when not in force.
 */
export function endLeanBootWhenBusy(): void {
  if (!active || busyCheck !== undefined) return;
  clearTimeout(timer);
  timer = undefined;
  busyCheck = new ActivityClock({
    tick: (utilization, woken) => {
      if (utilization >= BUSY_UTILIZATION) endLeanBoot();
      return woken;
    },
    intervalMs: BUSY_CHECK_MS,
  });
}

/** Restores V8's defaults (no-op when lean start-up is not in force). */
export function endLeanBoot(): void {
  if (!active) return;
  active = false;
  clearTimeout(timer);
  timer = undefined;
  busyCheck?.stop();
  busyCheck = undefined;
  for (const [, restore] of LEAN) setFlagsFromString(restore);
}
