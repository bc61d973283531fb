// Configuration: defaults, YAML files, environment overrides, and clear errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, DEFAULT_CONFIG, envOverrides, loadConfig, publicBaseUrl } from '../../src/config/index.js';

function repoRoot(): string {
  return resolve(new URL('.', import.meta.url).pathname, '..', '..', '..');
}

function withFile(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-config-'));
  try {
    const file = join(dir, 'myelin.yaml');
    writeFileSync(file, text);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('config', () => {
  it('no file, no env: localhost on 127.0.0.1:8008, LMDB under ./data, registration needs a token', () => {
    const c = loadConfig(undefined, {});
    assert.equal(c.server_name, 'localhost');
    assert.equal(c.listen.host, '127.0.0.1');
    assert.equal(c.listen.port, 8008);
    assert.equal(c.store.backend, 'lmdb');
    assert.equal(c.store.path, './data');
    assert.equal(c.registration.enabled, true);
    assert.equal(c.registration.open, false);
    assert.equal(c.http.adapter, 'auto');
    assert.equal(publicBaseUrl(c), 'http://127.0.0.1:8008/');
  });

  it('a YAML file overrides only the keys it names', () => {
    withFile('server_name: example.org\nlisten:\n  port: 8448\nregistration:\n  open: true\nrate_limits:\n  message: { per_second: 2, burst: 4 }\n', (file) => {
      const c = loadConfig(file, {});
      assert.equal(c.server_name, 'example.org');
      assert.equal(c.listen.port, 8448);
      assert.equal(c.listen.host, '127.0.0.1');
      assert.equal(c.registration.open, true);
      assert.deepEqual(c.rate_limits.message, { per_second: 2, burst: 4 });
      assert.deepEqual(c.rate_limits.login, DEFAULT_CONFIG.rate_limits.login);
    });
  });

  it('an empty file is the defaults', () => {
    withFile('# nothing here\n', (file) => assert.deepEqual(loadConfig(file, {}), DEFAULT_CONFIG));
  });

  it('environment overrides the file: MYELIN_<KEY PATH>', () => {
    withFile('server_name: example.org\nlisten: { port: 8448 }\n', (file) => {
      const c = loadConfig(file, {
        MYELIN_SERVER_NAME: 'env.example', MYELIN_LISTEN_PORT: '9000', MYELIN_HTTP_ADAPTER: 'node',
        MYELIN_REGISTRATION_OPEN: 'true', MYELIN_RATE_LIMITS_MESSAGE_BURST: '7', MYELIN_STORE_PATH: '/tmp/x',
        MYELIN_UNRELATED: 'ignored',
      });
      assert.equal(c.server_name, 'env.example');
      assert.equal(c.listen.port, 9000);
      assert.equal(c.http.adapter, 'node');
      assert.equal(c.registration.open, true);
      assert.equal(c.rate_limits.message.burst, 7);
      assert.equal(c.rate_limits.message.per_second, DEFAULT_CONFIG.rate_limits.message.per_second);
      assert.equal(c.store.path, '/tmp/x');
    });
  });

  it('bad environment values are named', () => {
    assert.throws(() => envOverrides({ MYELIN_LISTEN_PORT: 'eighty' }), (e: Error) => e instanceof ConfigError && /MYELIN_LISTEN_PORT.*number/.test(e.message));
    assert.throws(() => envOverrides({ MYELIN_REGISTRATION_OPEN: 'maybe' }), /MYELIN_REGISTRATION_OPEN: expected true or false/);
    assert.throws(() => loadConfig(undefined, { MYELIN_LISTEN_PORT: '70000' }), /listen\.port/);
  });

  it('YAML syntax errors give the file, line and column', () => {
    withFile('server_name: example.org\nlisten:\n  port: [8448\n', (file) => {
      assert.throws(() => loadConfig(file, {}), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${file}:`) && /:\d+:\d+: invalid YAML/.test(e.message));
    });
    withFile('a: 1\na: 2\n', (file) => assert.throws(() => loadConfig(file, {}), /invalid YAML/));
  });

  it('unknown keys, wrong types and bad values are refused with the key path', () => {
    withFile('server_nmae: typo.org\n', (file) => assert.throws(() => loadConfig(file, {}), /unknown key server_nmae/));
    withFile('listen:\n  prot: 1\n', (file) => assert.throws(() => loadConfig(file, {}), /unknown key listen\.prot/));
    withFile('listen:\n  port: "8008"\n', (file) => assert.throws(() => loadConfig(file, {}), /listen\.port must be a number/));
    withFile('listen: 8008\n', (file) => assert.throws(() => loadConfig(file, {}), /listen must be a mapping/));
    withFile('- a\n- b\n', (file) => assert.throws(() => loadConfig(file, {}), /top level must be a mapping/));
    withFile('server_name: "bad name!"\n', (file) => assert.throws(() => loadConfig(file, {}), /server_name/));
    withFile('http: { adapter: fast }\n', (file) => assert.throws(() => loadConfig(file, {}), /http\.adapter/));
    withFile('rooms: { default_room_version: "13" }\n', (file) => assert.throws(() => loadConfig(file, {}), /default_room_version/));
    withFile('registration: { token: "has space" }\n', (file) => assert.throws(() => loadConfig(file, {}), /registration\.token/));
  });

  it('a missing file is a clear error', () => {
    assert.throws(() => loadConfig('/nonexistent/myelin.yaml', {}), /cannot read config file \/nonexistent\/myelin\.yaml: ENOENT/);
  });

  it('docs/config.md documents every key with its default, and myelin.example.yaml parses to the defaults', () => {
    const root = repoRoot();
    const doc = readFileSync(join(root, 'docs', 'config.md'), 'utf8');
    const walk = (o: Record<string, unknown>, prefix: string[]): void => {
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'object' && v !== null) walk(v as Record<string, unknown>, [...prefix, k]);
        else {
          const key = [...prefix, k].join('.');
          const row = doc.split('\n').find((l) => l.startsWith(`| \`${key}\` `));
          assert.ok(row, `docs/config.md has a row for ${key}`);
          assert.ok(row.includes(`\`${JSON.stringify(v)}\``), `docs/config.md gives ${key}'s default ${JSON.stringify(v)}: ${row}`);
        }
      }
    };
    walk(DEFAULT_CONFIG as unknown as Record<string, unknown>, []);
    assert.deepEqual(loadConfig(join(root, 'myelin.example.yaml'), {}), DEFAULT_CONFIG);
  });
});
