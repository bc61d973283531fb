// A transaction id for the POST forms of send and redact, which carry none: each request is
// its own transaction (no retry can be recognised without a client id, as in Synapse).
import { randomBytes } from 'node:crypto';

export function serverTxnId(): string {
  return `m.server.${randomBytes(12).toString('base64url')}`;
}
