// The server's pino logger: JSON lines on stdout. Secrets never reach it: the router logs
// no headers and no query strings, and these paths are redacted in case a caller passes
// a request body or a config object along.
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from '../config/types.js';

export const REDACTED_PATHS: readonly string[] = [
  'password', '*.password', 'new_password', '*.new_password',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token',
  'token', '*.token', 'registration_token', '*.registration_token',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'seed', '*.seed', 'auth.password', 'auth.token', '*.auth.password', '*.auth.token',
];

const DAY_MS = 86_400_000;
/** Date#toISOString's range with four-digit years (0000-01-01 to 9999-12-31) */
const FOUR_DIGIT_YEARS = [-62_167_219_200_000, 253_402_300_800_000] as const;
let dayStart = NaN;
let dayPrefix = '';

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * `ms` as Date#toISOString writes it (2026-11-28T04:05:06.789Z), computed from the
 * epoch milliseconds. Date#toISOString makes V8 look up the host's time zone through
 * ICU on its first call (~1 MB resident, idle RSS), though the result is UTC.
 */
export function isoTimestamp(ms: number): string {
  if (!(ms >= FOUR_DIGIT_YEARS[0] && ms < FOUR_DIGIT_YEARS[1]) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== dayStart) {
    // civil date from days since 1970-01-01 (proleptic Gregorian; 400-year eras of 146,097 days)
    const z = day + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    dayPrefix = `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}T`;
    dayStart = day;
  }
  let t = ms - day * DAY_MS;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const s = t % 60;
  t = (t - s) / 60;
  return `${dayPrefix}${pad2(Math.floor(t / 60))}:${pad2(t % 60)}:${pad2(s)}.${pad3(milli)}Z`;
}

/** pino's isoTime, without Date#toISOString (see isoTimestamp) */
const isoTime = () => `,"time":"${isoTimestamp(Date.now())}"`;

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: isoTime,
  };
  return destination ? pino(options, destination) : pino(options, pino.destination({ dest: 1, sync: false }));
}
