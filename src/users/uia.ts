// User-interactive authentication sessions (client-server-api#user-interactive-authentication-api).
// A session is bound to one operation (e.g. `delete_devices:@alice:example.org`) so a completed
// password stage cannot be replayed against another endpoint. Sessions live in this process's
// memory and expire; a restarted server answers an old session with a fresh challenge.
import { randomBytes } from 'node:crypto';
import { MatrixError, forbidden, uiaChallenge, uiaRequired } from '../api/errors.js';
import type { Clock } from '../server/services.js';
import type { UiaAuth } from './service.js';

export interface UiaFlow {
  readonly stages: readonly string[];
}

export interface UiaOffer {
  readonly flows: readonly UiaFlow[];
  readonly params?: Record<string, unknown>;
}

/** A stage verifier: resolves with the user the stage proved (m.login.password), throws MatrixError when it fails. */
export type StageVerifier = (stage: string, auth: UiaAuth) => Promise<{ userId?: string }> | { userId?: string };

interface Session {
  readonly id: string;
  readonly op: string;
  readonly createdTs: number;
  readonly completed: string[];
  userId?: string;
  /** request values the client may omit on later rounds (registration username/password) */
  readonly saved: Record<string, unknown>;
}

export interface UiaResult {
  readonly sessionId: string;
  /** the user a password stage authenticated, if any */
  readonly userId?: string;
  /** values saved with the session on earlier rounds */
  readonly saved: Record<string, unknown>;
}

/** 15 minutes: enough to type a password or fetch a registration token. */
export const UIA_SESSION_TTL_MS = 15 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export class UiaSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock, private readonly ttlMs = UIA_SESSION_TTL_MS) {}

  /**
   * Run one UIA round for `op`. Resolves when a whole flow is complete (the caller then
   * performs the operation and calls `finish`); otherwise throws the 401 challenge
   * (with `errcode` when a stage attempt failed).
   */
  async check(op: string, auth: UiaAuth | undefined, offer: UiaOffer, verify: StageVerifier, save: Record<string, unknown> = {}): Promise<UiaResult> {
    this.expire();
    let session: Session;
    if (auth?.session !== undefined) {
      if (typeof auth.session !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'auth.session must be a string');
      const found = this.sessions.get(auth.session);
      if (found === undefined) throw new MatrixError(400, 'M_UNKNOWN', 'Unknown or expired UIA session');
      if (found.op !== op) throw forbidden('This UIA session was started for a different request');
      session = found;
    } else {
      session = this.create(op);
    }
    for (const [k, v] of Object.entries(save)) if (v !== undefined && session.saved[k] === undefined) session.saved[k] = v;

    const body = () => ({
      flows: offer.flows,
      params: offer.params ?? {},
      session: session.id,
      ...(session.completed.length > 0 ? { completed: [...session.completed] } : {}),
    });

    const type = auth?.type;
    if (type !== undefined) {
      if (typeof type !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'auth.type must be a string');
      if (!offer.flows.some((f) => f.stages.includes(type))) {
        throw uiaRequired(body(), 'M_UNRECOGNIZED', `Authentication type ${type} is not offered here`);
      }
      if (!session.completed.includes(type)) {
        try {
          const proved = await verify(type, auth!);
          if (proved.userId !== undefined) {
            if (session.userId !== undefined && session.userId !== proved.userId) throw forbidden('The session was started by another user');
            session.userId = proved.userId;
          }
        } catch (err) {
          if (err instanceof MatrixError && (err.status === 401 || err.status === 403)) throw uiaRequired(body(), err.errcode, err.message);
          throw err;
        }
        session.completed.push(type);
      }
    }

    const done = offer.flows.some((f) => f.stages.every((s) => session.completed.includes(s)));
    if (!done) throw uiaChallenge(body());
    return { sessionId: session.id, ...(session.userId !== undefined ? { userId: session.userId } : {}), saved: session.saved };
  }

  /** The operation succeeded: the session cannot authorise anything else. */
  finish(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  get size(): number {
    return this.sessions.size;
  }

  private create(op: string): Session {
    if (this.sessions.size >= MAX_SESSIONS) {
      // Drop the oldest: a flood of abandoned challenges must not grow memory without bound.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const session: Session = { id: randomBytes(18).toString('base64url'), op, createdTs: this.clock.now(), completed: [], saved: {} };
    this.sessions.set(session.id, session);
    return session;
  }

  private expire(): void {
    const cutoff = this.clock.now() - this.ttlMs;
    // Map iteration is insertion order, so expired sessions are at the front.
    for (const [id, s] of this.sessions) {
      if (s.createdTs > cutoff) break;
      this.sessions.delete(id);
    }
  }
}
