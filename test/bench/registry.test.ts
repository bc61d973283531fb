// The suite registry and how names on the command line select suites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suites } from '../../src/bench/suites/index.js';
import { checkRegistry, selectSuites } from '../../src/bench/runner.js';
import { TIERS } from '../../src/bench/suite.js';
import { fakeSuite, testMachine } from './helpers.js';

const env = { machine: testMachine, quick: true };

test('the registry is well formed: unique lower-case names, known tiers, descriptions', () => {
  assert.deepEqual(checkRegistry(suites), []);
  assert.ok(suites.length >= 5, 'micro suites are registered');
  for (const s of suites) assert.ok(TIERS.includes(s.tier));
  // ordered micro, core, macro so `all` runs the cheap tiers first
  const order = suites.map((s) => TIERS.indexOf(s.tier));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
});

test('every kernel has a micro suite', () => {
  const names = suites.filter((s) => s.tier === 'micro').map((s) => s.name);
  for (const n of ['micro-canonical-json', 'micro-base64', 'micro-hashes', 'micro-ed25519', 'micro-utf16']) assert.ok(names.includes(n), n);
});

test('checkRegistry reports duplicates, bad names and reserved words', () => {
  const noop = async () => {};
  const problems = checkRegistry([fakeSuite('a', 'micro', noop), fakeSuite('a', 'core', noop), fakeSuite('Bad Name', 'micro', noop), fakeSuite('macro', 'macro', noop)]);
  assert.ok(problems.some((p) => p.includes('two suites named "a"')));
  assert.ok(problems.some((p) => p.includes('Bad Name')));
  assert.ok(problems.some((p) => p.includes('"macro" is reserved')));
});

test('selection: all, tiers and names, in registry order, without duplicates', () => {
  const noop = async () => {};
  const reg = [fakeSuite('m1', 'micro', noop), fakeSuite('c1', 'core', noop), fakeSuite('x1', 'macro', noop), fakeSuite('m2', 'micro', noop)];
  assert.deepEqual(selectSuites(reg, ['all'], env).run.map((s) => s.name), ['m1', 'c1', 'x1', 'm2']);
  assert.deepEqual(selectSuites(reg, ['micro'], env).run.map((s) => s.name), ['m1', 'm2']);
  assert.deepEqual(selectSuites(reg, ['x1', 'm1', 'micro'], env).run.map((s) => s.name), ['m1', 'x1', 'm2']);
  assert.throws(() => selectSuites(reg, ['nope'], env), /unknown suite "nope".*m1, c1, x1, m2/);
  assert.throws(() => selectSuites(reg, [], env), /no suite named/);
});

test('suites that do not fit are skipped with their reason, also when fits() throws', () => {
  const noop = async () => {};
  const reg = [
    fakeSuite('ok', 'micro', noop),
    fakeSuite('needs-target', 'macro', noop, (e) => e.target !== undefined || 'needs --target URL'),
    fakeSuite('broken', 'core', noop, () => { throw new Error('boom'); }),
  ];
  const sel = selectSuites(reg, ['all'], env);
  assert.deepEqual(sel.run.map((s) => s.name), ['ok']);
  assert.deepEqual(sel.skipped.map((s) => [s.suite.name, s.reason]), [['needs-target', 'needs --target URL'], ['broken', 'fits() failed: boom']]);
  const withTarget = selectSuites(reg, ['macro'], { ...env, target: { url: 'http://127.0.0.1:1' } });
  assert.deepEqual(withTarget.run.map((s) => s.name), ['needs-target']);
});

test('macro suites say why they are skipped without --target', () => {
  const macro = suites.filter((s) => s.tier === 'macro');
  for (const s of macro) {
    const fit = s.fits(env);
    assert.equal(typeof fit, 'string', `${s.name} must not fit without a target`);
    assert.match(fit as string, /--target/);
  }
});
