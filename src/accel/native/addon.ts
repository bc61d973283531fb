// Loads the native addon (native/myelin.<platform>-<arch>[-abi].node, built by
// scripts/build-native.mjs) relative to the package root, once.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface JsonFailure {
  readonly code: number;
  readonly offset: number;
}

/**
 * Bytes from a kernel: their length when they were written into the caller's
 * `scratch` array (they fit), else a new Buffer (see `deliver` in native/binding).
 */
export type Delivered = number | Uint8Array;

/** The functions myelin-native exports (see native/binding/src); others may add more. */
export interface MyelinAddon {
  version(): number;
  cpuFeatures(): string[];
  simdLevels(): { canonicalJson: string; base64: string; utf16: string; sha256: string; ed25519: string };
  canonicalJson(input: Uint8Array, compat: boolean, scratch: Uint8Array): Delivered | JsonFailure;
  canonicalJsonString(input: string, compat: boolean, scratch: Uint8Array): Delivered | JsonFailure;
  /** items: 3 words per item [end in the output, error code, error offset] */
  canonicalJsonBatch(input: Uint8Array, ends: Uint32Array, compat: boolean, items: Uint32Array, scratch: Uint8Array): Delivered;
  redact(event: Uint8Array, rulesJson: Uint8Array, compat: boolean, scratch: Uint8Array): Delivered | JsonFailure;
  contentHash(event: Uint8Array, compat: boolean, scratch: Uint8Array): Delivered | JsonFailure;
  referenceHash(event: Uint8Array, rulesJson: Uint8Array, compat: boolean, scratch: Uint8Array): Delivered | JsonFailure;
  decodeJsonString(body: Uint8Array): string | JsonFailure;
  base64Encode(bytes: Uint8Array, urlSafe: boolean): string;
  base64Decode(text: string, urlSafe: boolean, scratch: Uint8Array): Delivered | null;
  /** a negative number n: a lone surrogate at index −1 − n */
  utf8Encode(text: string, scratch: Uint8Array): Delivered;
  findLoneSurrogate(text: string): number;
  sha256(bytes: Uint8Array, scratch: Uint8Array): Delivered;
  ed25519PublicKey(seed: Uint8Array, scratch: Uint8Array): Delivered;
  ed25519Sign(seed: Uint8Array, message: Uint8Array, scratch: Uint8Array): Delivered;
  /** content hash ‖ signature ‖ reference hash into `out` (128 bytes), or why the text was refused */
  signEvent(event: Uint8Array, rulesJson: Uint8Array, compat: boolean, seed: Uint8Array, signaturesPrefix: Uint8Array, scratch: Uint8Array): Delivered | JsonFailure;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** results: 2 words per object [VerifyCode, failing requirement index] */
  verifyBatch(
    objects: Uint8Array, objectEnds: Uint32Array, requiredEnds: Uint32Array,
    names: Uint8Array, nameEnds: Uint32Array, keys: Uint8Array, keyEnds: Uint32Array,
    rulesJson: Uint8Array | undefined, compat: boolean, results: Uint32Array,
  ): void;
}

/** The raw loaded module: typed for Myelin's kernels, open to exports added later (state resolution). */
export type NativeAddon = MyelinAddon & Readonly<Record<string, unknown>>;

/** The directory holding package.json, walking up from this file (src/ or dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('myelin: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The addon file name napi-rs gives this platform: linux-x64-gnu, darwin-arm64, win32-x64-msvc, … */
export function addonFileName(): string {
  let abi = '';
  if (process.platform === 'linux') {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    abi = header?.glibcVersionRuntime ? '-gnu' : '-musl';
  } else if (process.platform === 'win32') {
    abi = '-msvc';
  }
  return `myelin.${process.platform}-${process.arch}${abi}.node`;
}

let loaded: NativeAddon | Error | undefined;

/** The native addon, or why it cannot be loaded. Cached. */
export function loadNativeAddon(): NativeAddon | Error {
  if (loaded !== undefined) return loaded;
  try {
    const file = join(packageRoot(), 'native', addonFileName());
    if (!existsSync(file)) {
      throw new Error(`the native addon ${file} is not built (run \`npm run build:native\`; needs cargo)`);
    }
    loaded = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (err) {
    loaded = err instanceof Error ? err : new Error(String(err));
  }
  return loaded;
}
