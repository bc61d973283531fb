// Kernel modules are loaded when a path is first asked for (src/accel/index.ts): a
// server on the native path does not load the wasm and js kernels; asking for them
// loads them, also where Node cannot require() ES modules (then at import).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryLoadKernels } from '../../src/accel/index.js';

/** Runs `body` in a child that records the ES modules it imports (require()d ones pass no hook); returns its output and the accel modules imported. */
function inChild(body: string, nodeArgs: string[] = []): { out: Record<string, unknown>; accel: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-lazy-'));
  try {
    const record = join(dir, 'loaded.txt');
    const hooks = `import { appendFileSync } from 'node:fs';
      export async function load(url, context, next) { appendFileSync(${JSON.stringify(record)}, url + '\\n'); return next(url, context); }`;
    const index = new URL('../../src/accel/index.js', import.meta.url).href;
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
      const accel = await import(${JSON.stringify(index)});
      ${body}`;
    const r = spawnSync(process.execPath, [...nodeArgs, '--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(r.status, 0, r.stderr);
    const loaded = readFileSync(record, 'utf8').split('\n');
    const accel = loaded.filter((u) => u.includes('/src/accel/')).map((u) => u.slice(u.indexOf('/src/accel/') + '/src/accel/'.length));
    return { out: JSON.parse(r.stdout) as Record<string, unknown>, accel };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kernel loading', () => {
  it('the native path loads neither the wasm nor the js kernels', (t) => {
    if (tryLoadKernels('native') instanceof Error) return t.skip('native addon not built here');
    const { out, accel } = inChild(`process.stdout.write(JSON.stringify({ path: accel.selectKernels('auto').path }));`);
    assert.deepEqual(out, { path: 'native' });
    assert.ok(accel.includes('native/index.js'), accel.join(' '));
    assert.ok(!accel.includes('wasm/index.js'), accel.join(' '));
    assert.ok(!accel.includes('js/index.js'), accel.join(' '));
  });

  it('wasm and js load when asked for, and give the same canonical JSON', () => {
    const { out } = inChild(`
      const text = '{"b":1,"a":[true,null,"\\\\u00e9"]}';
      const canon = (p) => Buffer.from(accel.selectKernels(p).canonicalJson(text)).toString();
      process.stdout.write(JSON.stringify({ wasm: canon('wasm'), js: canon('js') }));`);
    assert.deepEqual(out, { wasm: '{"a":[true,null,"é"],"b":1}', js: '{"a":[true,null,"é"],"b":1}' });
  });

  it('where Node cannot require() ES modules, every path still loads', () => {
    const { out } = inChild(`process.stdout.write(JSON.stringify({ paths: accel.loadedKernels().map((k) => k.path).filter((p) => p !== 'native') }));`, ['--no-experimental-require-module']);
    assert.deepEqual(out, { paths: ['wasm', 'js'] });
  });
});
