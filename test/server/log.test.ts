// The logger's timestamps: the same text as Date#toISOString (pino's isoTime), made
// without it (src/server/log.ts says why).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, isoTimestamp } from '../../src/server/log.js';

describe('log timestamps', () => {
  it('match Date#toISOString at day, month, leap-year and range edges', () => {
    const edges = [
      0, -1, 1, 86_399_999, 86_400_000, -86_400_000,
      Date.UTC(2000, 1, 28, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(2000, 2, 1),
      Date.UTC(1900, 1, 28, 12), Date.UTC(1900, 2, 1), Date.UTC(2100, 1, 28, 23, 59, 59, 999), Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(2025, 0, 1), Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(1600, 1, 29), Date.UTC(1, 0, 1), -62_167_219_200_000, -62_167_219_200_001,
      253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15,
    ];
    for (const ms of edges) assert.equal(isoTimestamp(ms), new Date(ms).toISOString(), String(ms));
  });

  it('match Date#toISOString for random instants in any order (the cached day changes back and forth)', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor((next() * 2 - 1) * 1.2e14) + (i % 3 === 0 ? Date.now() : 0);
      assert.equal(isoTimestamp(ms), new Date(ms).toISOString(), String(ms));
    }
  });

  it('each log line carries the time as an ISO string', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const before = Date.now();
    createLogger('info', sink).info({ event: 'x' }, 'hello');
    const after = Date.now();
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as { time: string; msg: string };
    assert.equal(line.msg, 'hello');
    assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const t = Date.parse(line.time);
    assert.ok(t >= before && t <= after, line.time);
  });
});
