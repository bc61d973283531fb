// Token buckets per (rate-limit class, requester), configured per class in config
// rate_limits. The key is the user id when authenticated, else the client IP.
// Answer when empty: 429 M_LIMIT_EXCEEDED with retry_after_ms (spec: client-server-api#rate-limiting).
import type { RateLimitClass } from './route.js';
import type { RateLimitSetting } from '../config/types.js';
import type { Clock } from '../server/services.js';

export type RateLimitSettings = { readonly enabled: boolean } & { readonly [K in Exclude<RateLimitClass, 'none'>]: RateLimitSetting };

interface Bucket { tokens: number; at: number }

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private ops = 0;

  constructor(private readonly settings: RateLimitSettings, private readonly clock: Clock = Date) {}

  /**
   * Takes one token for `key` in `cls`. Returns 0 when the request may go ahead,
   * else the milliseconds until a token is available (nothing is taken then).
   */
  take(cls: RateLimitClass, key: string): number {
    if (cls === 'none' || !this.settings.enabled) return 0;
    const { per_second: rate, burst } = this.settings[cls];
    const now = this.clock.now();
    const id = `${cls}\u0000${key}`;
    let b = this.buckets.get(id);
    if (b === undefined) {
      b = { tokens: burst, at: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
    }
    if (++this.ops % 4096 === 0) this.sweep(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) / rate) * 1000));
  }

  /** Forgets buckets that have refilled completely (they behave like new ones). */
  private sweep(now: number): void {
    for (const [id, b] of this.buckets) {
      const cls = id.slice(0, id.indexOf('\u0000')) as Exclude<RateLimitClass, 'none'>;
      const { per_second: rate, burst } = this.settings[cls];
      if (b.tokens + ((now - b.at) / 1000) * rate >= burst) this.buckets.delete(id);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
