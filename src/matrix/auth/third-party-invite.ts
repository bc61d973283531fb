// Third-party invites (auth rule "membership is invite" with content.third_party_invite):
// the invite must match an m.room.third_party_invite by the same sender, and
// `signed` must carry a valid signature by one of its public keys.
import type { Kernels } from '../../accel/types.js';
import { Base64Error } from '../../accel/types.js';
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { jsonBytes, jsonMode } from '../canonical.js';
import type { AuthResult, AuthState } from './index.js';
import { allow, reject } from './result.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The invite event's public keys: `public_key` and each `public_keys[].public_key`. */
function publicKeysOf(invite: Pdu): string[] {
  const keys: string[] = [];
  const single = invite.content.public_key;
  if (typeof single === 'string') keys.push(single);
  const list = invite.content.public_keys;
  if (Array.isArray(list)) {
    for (const entry of list) if (isObject(entry) && typeof entry.public_key === 'string') keys.push(entry.public_key);
  }
  return keys;
}

/** Identity-server keys are unpadded base64; accept the URL-safe alphabet too, as Synapse does. */
function decodeKey(k: Kernels, text: string): Uint8Array | undefined {
  for (const urlSafe of [false, true]) {
    try {
      const bytes = k.base64Decode(text, urlSafe);
      if (bytes.length === 32) return bytes;
    } catch (err) {
      if (!(err instanceof Base64Error)) throw err;
    }
  }
  return undefined;
}

export function verifyThirdPartyInvite(
  rules: RoomVersionRules, event: Pdu, target: string, authState: AuthState, kernels: () => Kernels,
): AuthResult {
  const tpi = event.content.third_party_invite;
  if (!isObject(tpi) || !isObject(tpi.signed)) return reject('third_party_invite has no signed object');
  const signed = tpi.signed;
  if (!('mxid' in signed) || !('token' in signed)) return reject('third_party_invite.signed must have mxid and token');
  if (signed.mxid !== target) return reject(`third_party_invite.signed.mxid ${JSON.stringify(signed.mxid)} is not the invited user ${target}`);
  const token = signed.token;
  const invite = typeof token === 'string' ? authState('m.room.third_party_invite', token) : undefined;
  if (invite === undefined) return reject(`no m.room.third_party_invite with token ${JSON.stringify(token)} in the room state`);
  if (invite.sender !== event.sender) {
    return reject(`the invite is sent by ${event.sender}, but the third-party invite was made by ${invite.sender}`);
  }
  const signatures = signed.signatures;
  if (!isObject(signatures)) return reject('third_party_invite.signed has no signatures');

  const k = kernels();
  const signedBytes = jsonBytes(signed);
  const mode = jsonMode(rules);
  for (const keyText of publicKeysOf(invite)) {
    const publicKey = decodeKey(k, keyText);
    if (publicKey === undefined) continue;
    for (const [server, sigs] of Object.entries(signatures)) {
      if (!isObject(sigs)) continue;
      for (const keyId of Object.keys(sigs)) {
        if (!keyId.startsWith('ed25519:')) continue;
        const [result] = k.verifyBatch({ objects: [signedBytes], required: [[{ server, keyId, publicKey }]], mode });
        if (result?.ok) return allow;
      }
    }
  }
  return reject('no signature in third_party_invite.signed verifies with the public keys of the m.room.third_party_invite');
}
