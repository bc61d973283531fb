// The results file (`myelin bench --json FILE`): one JSON document per run,
// versioned by `schema`. Compare mode and the HTML report read it back, so it is
// validated on the way in: a wrong file gets a clear error, not a crash.
import { readFileSync } from 'node:fs';
import type { CaseResult, MachineInfo, Tier } from './suite.js';
import { TIERS } from './suite.js';

export const RESULTS_SCHEMA = 'myelin-bench/1';

export type SuiteStatus = 'ran' | 'skipped' | 'failed' | 'interrupted' | 'not-run';

export interface SuiteRecord {
  readonly name: string;
  readonly tier: Tier;
  readonly description: string;
  readonly status: SuiteStatus;
  /** why skipped, or the error that stopped it */
  readonly reason?: string;
  readonly durationMs?: number;
}

export interface BenchResults {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Ctrl-C (or the time limit) stopped the run; what was measured is kept */
  readonly interrupted: boolean;
  readonly quick: boolean;
  /** what was asked for on the command line */
  readonly selection: readonly string[];
  readonly machine: MachineInfo;
  /** the target homeserver of macro suites, without its secret */
  readonly target?: { readonly url: string; readonly serverPid?: number };
  readonly suites: readonly SuiteRecord[];
  readonly cases: readonly CaseResult[];
  /** facts about the run (load generator used, packages missing, ...) */
  readonly notes: readonly string[];
}

export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
}

function fail(where: string, what: string): never {
  throw new ResultsFileError(`${where}: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function needString(o: Record<string, unknown>, key: string, where: string): void {
  if (typeof o[key] !== 'string') fail(where, `"${key}" must be a string`);
}

function needArray(o: Record<string, unknown>, key: string, where: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(where, `"${key}" must be an array`);
  return v;
}

function optNumber(o: Record<string, unknown>, key: string, where: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'number') fail(where, `"${key}" must be a number`);
}

/** Checks the shape of a parsed results document; throws ResultsFileError naming the first problem. */
export function validateResults(doc: unknown, source = 'results'): BenchResults {
  if (!isObject(doc)) fail(source, 'not a JSON object');
  if (doc.schema !== RESULTS_SCHEMA) fail(source, `unknown schema ${JSON.stringify(doc.schema)} (expected "${RESULTS_SCHEMA}")`);
  needString(doc, 'startedAt', source);
  needString(doc, 'finishedAt', source);
  if (typeof doc.interrupted !== 'boolean') fail(source, '"interrupted" must be a boolean');
  if (!isObject(doc.machine)) fail(source, '"machine" must be an object');
  needString(doc.machine, 'cpuModel', `${source}.machine`);
  needString(doc.machine, 'node', `${source}.machine`);
  if (typeof doc.machine.cores !== 'number') fail(`${source}.machine`, '"cores" must be a number');
  needArray(doc, 'notes', source);
  needArray(doc, 'selection', source);
  needArray(doc, 'suites', source).forEach((s, i) => {
    const where = `${source}.suites[${i}]`;
    if (!isObject(s)) fail(where, 'not an object');
    needString(s, 'name', where);
    needString(s, 'status', where);
  });
  needArray(doc, 'cases', source).forEach((c, i) => {
    const where = `${source}.cases[${i}]`;
    if (!isObject(c)) fail(where, 'not an object');
    needString(c, 'suite', where);
    needString(c, 'name', where);
    if (!TIERS.includes(c.tier as Tier)) fail(where, `"tier" must be one of ${TIERS.join(', ')}`);
    if (!['compare', 'once', 'latency'].includes(c.kind as string)) fail(where, '"kind" must be compare, once or latency');
    needArray(c, 'arms', where).forEach((a, j) => {
      const w = `${where}.arms[${j}]`;
      if (!isObject(a)) fail(w, 'not an object');
      needString(a, 'name', w);
      const samples = needArray(a, 'samplesNs', w);
      if (!samples.every((x) => typeof x === 'number')) fail(w, '"samplesNs" must hold numbers');
      for (const k of ['medianNs', 'p99Ns', 'opsPerSec', 'bytesPerSec', 'speedup', 'spread']) optNumber(a, k, w);
    });
  });
  return doc as unknown as BenchResults;
}

export function readResultsFile(file: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ResultsFileError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return validateResults(doc, file);
}

/** Stable key of a case across runs, for compare mode. */
export function caseKey(c: Pick<CaseResult, 'suite' | 'name'>): string {
  return `${c.suite} / ${c.name}`;
}
