// `myelin json canonical|sign|verify|hash`: the canonical JSON, signing and
// hashing kernels on stdin, for operators and for checking interop by hand.
// Spec: appendices, "Signing JSON" (canonical JSON, signing details, checking
// for a signature); server-server API, "Calculating the content hash".
import type { CliIo, Command } from '../command.js';
import { parseOptions, readAll } from '../command.js';
import {
  Base64Error, CanonicalJsonError, parseAccelChoice, selectKernels, type JsonMode, type Kernels, type RedactionRules, type VerifyFailure,
} from '../../accel/index.js';
import { roomVersion, type RoomVersionRules } from '../../matrix/room-versions.js';

const usage = `myelin json <tool> [options] < input.json

  canonical [--compat]      the canonical JSON of stdin
  sign --seed B64 --key-id ed25519:ID --server NAME [--room-version V]
                            stdin (a JSON object) with its signature added under
                            signatures[NAME][ed25519:ID], as canonical JSON; other
                            signatures and "unsigned" are kept, neither is signed
  verify --public-key B64 --key-id ed25519:ID --server NAME [--room-version V] [--compat]
                            exit 0 when signatures[NAME][ed25519:ID] is a valid
                            signature of stdin by that key, 1 (reason on stderr) if not
  hash [--compat]           the content hash of an event, as unpadded base64 (the
                            value of its hashes.sha256)

options:
  --room-version V          stdin is a PDU of room version V: it is signed (and
                            verified) in its redacted form, with V's number rules
                            for verify (sign always writes strict canonical JSON)
  --compat                  room v1–v5 number rules (python canonicaljson): floats
                            and big integers are kept instead of refused
  --accel native|wasm|js|auto   kernel path (default: MYELIN_ACCEL or auto)

Output ends with a newline. Exit codes: 0 ok, 1 bad input or invalid signature, 2 usage.
`;

class UsageError extends Error {}

type Options = ReturnType<typeof parseOptions>;

function option(opts: Options, name: string): string {
  const v = opts[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function keyId(opts: Options): string {
  const id = option(opts, 'key-id');
  if (!/^ed25519:[A-Za-z0-9_]+$/.test(id)) throw new UsageError(`--key-id must look like ed25519:abc_123, got "${id}"`);
  return id;
}

function key32(k: Kernels, opts: Options, name: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = k.base64Decode(option(opts, name));
  } catch (err) {
    if (err instanceof Base64Error) throw new UsageError(`--${name} is not base64: ${err.message}`);
    throw err;
  }
  if (raw.length !== 32) throw new UsageError(`--${name} must be 32 bytes, got ${raw.length}`);
  return raw;
}

function describeJsonError(err: CanonicalJsonError): string {
  return `not valid canonical JSON input: ${err.code} at byte ${err.offset}`;
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses stdin as a strict-mode JSON object (through the kernels, so bad input is refused exactly). */
function readObject(k: Kernels, input: Uint8Array): JsonObject {
  const parsed: unknown = JSON.parse(Buffer.from(k.canonicalJson(input, 'strict')).toString('utf8'));
  if (!isObject(parsed)) throw new InputError('the input must be a JSON object');
  return parsed;
}

class InputError extends Error {}

function roomRules(opts: Options): RoomVersionRules | undefined {
  const v = opts['room-version'];
  if (v === undefined) return undefined;
  const rules = typeof v === 'string' ? roomVersion(v) : undefined;
  if (!rules) throw new UsageError(`--room-version: unknown room version "${String(v)}"`);
  return rules;
}

/** The bytes a signature covers: the object (redacted for a PDU) without signatures and unsigned. */
function signingInput(k: Kernels, object: JsonObject, redaction: RedactionRules | undefined): Uint8Array {
  let base = object;
  if (redaction) base = JSON.parse(Buffer.from(k.redact(k.canonicalJson(JSON.stringify(object)), redaction)).toString('utf8')) as JsonObject;
  const { signatures: _signatures, unsigned: _unsigned, ...signed } = base;
  return k.canonicalJson(JSON.stringify(signed), 'strict');
}

function sign(k: Kernels, input: Uint8Array, opts: Options): Uint8Array {
  const seed = key32(k, opts, 'seed');
  const id = keyId(opts);
  const server = option(opts, 'server');
  const object = readObject(k, input);
  const existing = object.signatures ?? {};
  if (!isObject(existing)) throw new InputError('"signatures" is present but not an object');
  const forServer = existing[server] ?? {};
  if (!isObject(forServer)) throw new InputError(`"signatures"."${server}" is present but not an object`);
  const signature = k.base64Encode(k.ed25519Sign(seed, signingInput(k, object, roomRules(opts)?.redaction)));
  const out = { ...object, signatures: { ...existing, [server]: { ...forServer, [id]: signature } } };
  return k.canonicalJson(JSON.stringify(out), 'strict');
}

const REASONS: Record<VerifyFailure, string> = {
  bad_json: 'the input is not valid JSON for this mode',
  missing_signature: 'no such signature',
  bad_signature_encoding: 'the signature is not unpadded base64 of 64 bytes',
  invalid_signature: 'the signature does not verify',
};

function verify(k: Kernels, input: Uint8Array, opts: Options, mode: JsonMode, io: CliIo): number {
  const publicKey = key32(k, opts, 'public-key');
  const id = keyId(opts);
  const server = option(opts, 'server');
  const room = roomRules(opts);
  const [result] = k.verifyBatch({ objects: [input], required: [[{ server, keyId: id, publicKey }]], mode, ...(room ? { rules: room.redaction } : {}) });
  if (result!.ok) {
    io.stdout.write(`valid: signed by ${server} with ${id}\n`);
    return 0;
  }
  let detail = REASONS[result!.reason];
  if (result!.reason === 'bad_json') {
    try { k.canonicalJson(input, mode); detail = 'the input is not a JSON object'; } catch (err) {
      if (err instanceof CanonicalJsonError) detail = describeJsonError(err);
    }
  }
  io.stderr.write(`invalid: ${result!.reason}: ${detail} (signatures.${server}.${id})\n`);
  return 1;
}

async function runTool(tool: string, args: string[], io: CliIo): Promise<number> {
  const opts = parseOptions(args, ['compat']);
  if (opts._.length > 0) throw new UsageError(`unexpected argument "${opts._[0]}"`);
  const accel = opts.accel;
  if (accel !== undefined && typeof accel !== 'string') throw new UsageError('--accel needs a value: native, wasm, js or auto');
  let k: Kernels;
  try {
    k = selectKernels(parseAccelChoice(accel ?? process.env.MYELIN_ACCEL));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const room = roomRules(opts);
  if (room && tool !== 'sign' && tool !== 'verify') throw new UsageError('--room-version is for sign and verify');
  const mode: JsonMode = opts.compat === true || (room !== undefined && !room.strictCanonicalJson) ? 'compat' : 'strict';
  if (tool === 'sign' && opts.compat === true) throw new UsageError('sign always uses strict canonical JSON; --compat is for canonical, verify and hash');
  // Check options before waiting on stdin, so a usage mistake does not hang on a terminal.
  if (tool === 'sign') { key32(k, opts, 'seed'); keyId(opts); option(opts, 'server'); }
  if (tool === 'verify') { key32(k, opts, 'public-key'); keyId(opts); option(opts, 'server'); }
  const input = await readAll(io.stdin);
  const write = (bytes: Uint8Array | string) => { io.stdout.write(typeof bytes === 'string' ? bytes : Buffer.from(bytes)); io.stdout.write('\n'); };
  switch (tool) {
    case 'canonical': write(k.canonicalJson(input, mode)); return 0;
    case 'hash': write(k.base64Encode(k.contentHash(input, mode))); return 0;
    case 'sign': write(sign(k, input, opts)); return 0;
    case 'verify': return verify(k, input, opts, mode, io);
    default: throw new UsageError(`unknown tool "${tool}"`);
  }
}

export const jsonCommand: Command = {
  name: 'json',
  summary: 'canonical JSON, signing, verification and content hashes on stdin',
  usage,
  async run(args, io) {
    const [tool, ...rest] = args;
    if (tool === undefined || tool === '--help' || tool === '-h') {
      io.stdout.write(usage);
      return tool === undefined ? 2 : 0;
    }
    try {
      return await runTool(tool, rest, io);
    } catch (err) {
      if (err instanceof UsageError) { io.stderr.write(`myelin json ${tool}: ${err.message}\n\n${usage}`); return 2; }
      if (err instanceof CanonicalJsonError) { io.stderr.write(`myelin json ${tool}: ${describeJsonError(err)}\n`); return 1; }
      if (err instanceof InputError) { io.stderr.write(`myelin json ${tool}: ${err.message}\n`); return 1; }
      throw err;
    }
  },
};
