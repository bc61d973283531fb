// Builds the native addon (native/binding) with @napi-rs/cli when cargo is on PATH.
// Never fails the install: without cargo, or when the build fails, Myelin runs on
// the committed wasm kernels (or the TypeScript reference) and says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const warn = (msg) => process.stderr.write(`myelin: ${msg}\n`);

if (process.env.MYELIN_SKIP_NATIVE_BUILD === '1') {
  warn('MYELIN_SKIP_NATIVE_BUILD=1: not building the native addon');
  process.exit(0);
}
const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.status !== 0) {
  warn('cargo not found: skipping the native addon; the wasm (or js) kernels will be used');
  process.exit(0);
}
const cli = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
if (!existsSync(cli)) {
  warn('@napi-rs/cli is not installed: skipping the native addon');
  process.exit(0);
}
const args = [cli, 'build', '--platform', '--release',
  '--manifest-path', 'native/binding/Cargo.toml', '--package-json-path', 'package.json',
  '-o', 'native', '--no-js', '--dts', 'binding.d.ts'];
const res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (res.status !== 0) {
  warn('the native addon did not build; the wasm (or js) kernels will be used (`myelin doctor` tells which)');
}
process.exit(0);
