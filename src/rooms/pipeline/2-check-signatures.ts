// Step 2 (receipt checks 2–3): the signatures of every server that must have
// signed (sender's, v1–v2 event id's, restricted-join authoriser's) verify, in
// one kernel batch; a bad signature drops the event. Then the content hash: an
// event whose hash does not match is kept but used redacted from here on.
import type { Kernels, RequiredSignature } from '../../accel/types.js';
import { jsonBytes, jsonMode, canonicalBytes } from '../../matrix/canonical.js';
import { parsePdu } from '../../matrix/event-format/index.js';
import { redactEvent } from '../../matrix/redaction.js';
import { hasValidContentHash, requiredSignatureServers } from '../../matrix/signing.js';
import { EventDropped, type Candidate, type KeyRing } from './types.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key each required server signed with, from the key ring. */
async function requiredKeys(c: Candidate, keyRing: KeyRing): Promise<RequiredSignature[] | EventDropped> {
  const signatures = isObject(c.json.signatures) ? c.json.signatures : {};
  const out: RequiredSignature[] = [];
  for (const server of requiredSignatureServers(c.rules, c.json)) {
    const byKey = signatures[server];
    if (!isObject(byKey)) return new EventDropped('signatures', `the event carries no signature of ${server}`);
    let found: RequiredSignature | undefined;
    for (const keyId of Object.keys(byKey)) {
      if (!keyId.startsWith('ed25519:')) continue;
      const publicKey = await keyRing.verifyKey(server, keyId);
      if (publicKey !== undefined) {
        found = { server, keyId, publicKey };
        break;
      }
    }
    if (found === undefined) return new EventDropped('signatures', `no known ed25519 key of ${server} signed the event`);
    out.push(found);
  }
  return out;
}

/** Checks a batch; each entry is the candidate to continue with (maybe redacted) or why it is dropped. */
export async function checkSignatures(cands: readonly Candidate[], keyRing: KeyRing, kernels: Kernels): Promise<(Candidate | EventDropped)[]> {
  const out: (Candidate | EventDropped)[] = [];
  const toVerify: number[] = [];
  const required: RequiredSignature[][] = [];
  for (const c of cands) {
    const keys = await requiredKeys(c, keyRing);
    if (keys instanceof EventDropped) {
      out.push(keys);
    } else {
      toVerify.push(out.length);
      required.push(keys);
      out.push(c);
    }
  }
  // One kernel call per mode (v1–v5 compat JSON, v6+ strict) and redaction rule set.
  const groups = new Map<string, number[]>();
  toVerify.forEach((idx, j) => {
    const c = cands[idx]!;
    const key = c.rules.id;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(j);
  });
  for (const js of groups.values()) {
    const rules = cands[toVerify[js[0]!]!]!.rules;
    const results = kernels.verifyBatch({
      objects: js.map((j) => jsonBytes(cands[toVerify[j]!]!.json)),
      required: js.map((j) => required[j]!),
      rules: rules.redaction,
      mode: jsonMode(rules),
    });
    js.forEach((j, n) => {
      const r = results[n];
      if (r === undefined || !r.ok) {
        const why = r === undefined ? 'no result' : `${r.reason}${r.server ? ` (${r.server} ${r.keyId ?? ''})` : ''}`;
        out[toVerify[j]!] = new EventDropped('signatures', `signature check failed: ${why}`);
      }
    });
  }
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c instanceof EventDropped) continue;
    if (!hasValidContentHash(c.rules, c.json, kernels)) out[i] = redactOnReceipt(c, kernels);
  }
  return out;
}

function redactOnReceipt(c: Candidate, kernels: Kernels): Candidate {
  const json = redactEvent(c.rules, c.json, kernels);
  const bytes = canonicalBytes(kernels, json, jsonMode(c.rules));
  const pdu = parsePdu(c.rules, json, c.pdu.eventId, { kernels, byteLength: bytes.length });
  return { rules: c.rules, pdu, json, bytes, redactedOnReceipt: true };
}
