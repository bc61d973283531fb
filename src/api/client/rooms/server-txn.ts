// A transaction id for the POST forms of send and redact, which carry none: each request is
// its own transaction (no retry can be recognised without a client id, as in Synapse).
import { randomBytes } from 'node:crypto';
import { SERVER_TXN_PREFIX } from '../../../rooms/room-service.js';

export function serverTxnId(): string {
  return `${SERVER_TXN_PREFIX}${randomBytes(12).toString('base64url')}`;
}
