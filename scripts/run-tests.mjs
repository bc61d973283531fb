// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// With CI=true every kernel path (native, wasm, js) must load, so a broken
// native build fails the run instead of silently testing fewer paths.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = join(root, 'dist', 'test');

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = collect(testRoot).map((f) => relative(root, f));
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  process.stderr.write('run-tests: no test files found (did `npm run build` run?)\n');
  process.exit(1);
}
const env = { ...process.env };
if (env.CI === 'true' && env.MYELIN_TEST_REQUIRE_PATHS === undefined) env.MYELIN_TEST_REQUIRE_PATHS = 'native,wasm,js';
// TAP as before, then (from failures-reporter.mjs) a list of what failed at the very end.
const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts', 'failures-reporter.mjs')}`, '--test-reporter-destination=stdout'];
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...reporters, ...files], { cwd: root, stdio: 'inherit', env });
process.exit(res.status ?? 1);
