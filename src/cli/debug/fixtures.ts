// `myelin debug fixtures FILE...`: runs every section of room fixture files.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CliIo } from '../command.js';
import { resolveState } from '../../matrix/stateres/index.js';
import { runRoomFixture, type RoomFixture } from './room-fixture.js';
import { kernelsFromOptions, type Options, UsageError } from './input.js';

export async function runFixtures(opts: Options, io: CliIo): Promise<number> {
  const files = opts._;
  if (files.length === 0) throw new UsageError('name at least one fixture file');
  const k = kernelsFromOptions(opts);
  const verbose = opts.verbose === true;
  io.stdout.write(`kernels: ${k.path}\n`);
  let mismatches = 0;
  for (const file of files) {
    let fixture: RoomFixture;
    try {
      fixture = JSON.parse(await readFile(file, 'utf8')) as RoomFixture;
    } catch (err) {
      io.stderr.write(`${file}: cannot read fixture: ${(err as Error).message}\n`);
      mismatches++;
      continue;
    }
    let reports;
    try {
      reports = runRoomFixture(fixture, { kernels: k, resolveState });
    } catch (err) {
      io.stderr.write(`${file}: ${(err as Error).message}\n`);
      mismatches++;
      continue;
    }
    for (const r of reports) {
      const name = `${basename(file)} ${r.section}`;
      if (r.unavailable !== undefined) {
        io.stdout.write(`${name}: not available (${r.unavailable})\n`);
        continue;
      }
      io.stdout.write(`${name}: passed ${r.passed} failed ${r.failed}\n`);
      mismatches += r.failed;
      for (const f of verbose ? r.failures : r.failures.slice(0, 5)) io.stdout.write(`  FAIL ${f}\n`);
      if (!verbose && r.failures.length > 5) io.stdout.write(`  … ${r.failures.length - 5} more (--verbose)\n`);
    }
  }
  return mismatches === 0 ? 0 : 1;
}
