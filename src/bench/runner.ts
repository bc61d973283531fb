// Runs the chosen suites one after another and collects a BenchResults
// document. Ctrl-C (the signal) stops the current case after its current
// sample; what was measured is kept and the run is marked interrupted.
import type { CaseResult, MachineInfo, Suite, SuiteContext, SuiteEnvironment, Target } from './suite.js';
import { TIERS } from './suite.js';
import { latencyCase, runCompare, runOnce } from './measure.js';
import type { Progress } from './progress.js';
import type { BenchResults, SuiteRecord } from './results.js';
import { RESULTS_SCHEMA } from './results.js';

export interface Selection {
  /** suites to run, in registry order */
  readonly run: readonly Suite[];
  /** suites selected but not fitting this machine, with the reason */
  readonly skipped: readonly { suite: Suite; reason: string }[];
}

/**
 * Resolves names from the command line: `all`, a tier (`micro`, `core`,
 * `macro`) or suite names. Unknown names are an error that lists the known ones.
 */
export function selectSuites(registry: readonly Suite[], names: readonly string[], env: SuiteEnvironment): Selection {
  if (names.length === 0) throw new Error('no suite named: give suite names, a tier (micro, core, macro) or "all"');
  const chosen = new Set<Suite>();
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name === 'all') registry.forEach((s) => chosen.add(s));
    else if ((TIERS as readonly string[]).includes(name)) registry.filter((s) => s.tier === name).forEach((s) => chosen.add(s));
    else {
      const s = registry.find((x) => x.name === name);
      if (!s) throw new Error(`unknown suite "${raw}"; known: all, ${TIERS.join(', ')}, ${registry.map((x) => x.name).join(', ')}`);
      chosen.add(s);
    }
  }
  const run: Suite[] = [];
  const skipped: { suite: Suite; reason: string }[] = [];
  for (const s of registry) {
    if (!chosen.has(s)) continue;
    let fit: true | string;
    try {
      fit = s.fits(env);
    } catch (err) {
      fit = `fits() failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (fit === true) run.push(s);
    else skipped.push({ suite: s, reason: fit });
  }
  return { run, skipped };
}

/** Checks that a registry is well formed: unique lower-case names, known tiers. */
export function checkRegistry(registry: readonly Suite[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of registry) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(s.name)) problems.push(`suite name "${s.name}" must be lower-case letters, digits and dashes`);
    if (seen.has(s.name)) problems.push(`two suites named "${s.name}"`);
    if ((TIERS as readonly string[]).includes(s.name) || s.name === 'all' || s.name === 'report') problems.push(`suite name "${s.name}" is reserved`);
    if (!(TIERS as readonly string[]).includes(s.tier)) problems.push(`suite "${s.name}" has unknown tier "${s.tier}"`);
    if (!s.description.trim()) problems.push(`suite "${s.name}" has no description`);
    seen.add(s.name);
  }
  return problems;
}

export interface RunOptions {
  readonly selection: Selection;
  /** the words given on the command line, recorded in the results */
  readonly asked: readonly string[];
  readonly machine: MachineInfo;
  readonly target?: Target;
  readonly quick: boolean;
  readonly signal: AbortSignal;
  readonly progress: Progress;
  /** called after every case and suite with the results so far (to save partial results) */
  readonly onUpdate?: (partial: BenchResults) => void;
  /** notes known before the run (e.g. packages missing) */
  readonly notes?: readonly string[];
}

export async function runSuites(opts: RunOptions): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const cases: CaseResult[] = [];
  const notes: string[] = [...(opts.notes ?? [])];
  const records: SuiteRecord[] = opts.selection.skipped.map(({ suite, reason }) => ({
    name: suite.name, tier: suite.tier, description: suite.description, status: 'skipped', reason,
  }));
  const pending = new Map(opts.selection.run.map((s) => [s.name, s] as const));

  const snapshot = (finished: boolean): BenchResults => ({
    schema: RESULTS_SCHEMA,
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: opts.signal.aborted || !finished,
    quick: opts.quick,
    selection: [...opts.asked],
    machine: opts.machine,
    ...(opts.target ? { target: { url: opts.target.url, ...(opts.target.serverPid ? { serverPid: opts.target.serverPid } : {}) } } : {}),
    suites: [
      ...records,
      ...[...pending.values()].map((s): SuiteRecord => ({ name: s.name, tier: s.tier, description: s.description, status: 'not-run' })),
    ],
    cases: [...cases],
    notes: [...new Set(notes)],
  });
  const update = () => opts.onUpdate?.(snapshot(false));

  for (const suite of opts.selection.run) {
    if (opts.signal.aborted) break;
    pending.delete(suite.name);
    const env = { suite, quick: opts.quick, signal: opts.signal, progress: opts.progress };
    const push = (c: CaseResult): CaseResult => { cases.push(c); update(); return c; };
    const ctx: SuiteContext = {
      machine: opts.machine,
      ...(opts.target ? { target: opts.target } : {}),
      quick: opts.quick,
      signal: opts.signal,
      log: (m) => opts.progress.log(m),
      compare: async (name, arms, o) => push(await runCompare(env, name, arms, o)),
      measureOnce: async (name, fn, o) => push(await runOnce(env, name, fn, o)),
      latency: (name, recs, o) => push(latencyCase(env, name, recs, o)),
      note: (m) => { notes.push(`${suite.name}: ${m}`); },
      progress: (label, total) => opts.progress.start(label, total),
    };
    opts.progress.log(`» ${suite.name} (${suite.tier}): ${suite.description}`);
    const t0 = performance.now();
    let status: SuiteRecord['status'] = 'ran';
    let reason: string | undefined;
    try {
      await suite.run(ctx);
      if (opts.signal.aborted) status = 'interrupted';
    } catch (err) {
      if (opts.signal.aborted) status = 'interrupted';
      else {
        status = 'failed';
        reason = err instanceof Error ? err.message : String(err);
        opts.progress.log(`  ${suite.name} failed: ${reason}`);
      }
    }
    records.push({ name: suite.name, tier: suite.tier, description: suite.description, status, ...(reason ? { reason } : {}), durationMs: Math.round(performance.now() - t0) });
    update();
  }
  return snapshot(true);
}
