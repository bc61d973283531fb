// The registration token when config does not open registration nor fix a token:
// generated on first start, kept in <store.path>/registration_token (mode 0600) so
// restarts print and accept the same one.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MyelinConfig } from '../config/types.js';

export interface RegistrationPolicy {
  readonly enabled: boolean;
  /** no token needed */
  readonly open: boolean;
  /** the token to require when not open */
  readonly token: string | undefined;
  /** where the token came from, for the start-up message */
  readonly tokenSource: 'config' | 'generated' | 'stored' | 'none';
  readonly allowGuests: boolean;
}

/** Registration token grammar (spec: client-server-api#token-authenticated-registration): [A-Za-z0-9._~-]{1,64}. */
function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export function registrationPolicy(config: MyelinConfig): RegistrationPolicy {
  const r = config.registration;
  const base = { enabled: r.enabled, allowGuests: r.allow_guests };
  if (!r.enabled || r.open) return { ...base, open: r.open, token: undefined, tokenSource: 'none' };
  if (r.token) return { ...base, open: false, token: r.token, tokenSource: 'config' };
  const file = join(config.store.path, 'registration_token');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9._~-]{1,64}$/.test(stored)) return { ...base, open: false, token: stored, tokenSource: 'stored' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = newToken();
  mkdirSync(config.store.path, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { ...base, open: false, token, tokenSource: 'generated' };
}
