// Where the shared vectors live (../shared/vectors beside the checkout, read in place).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

export const vectorsDir = resolve(findRepoRoot(), '..', 'shared', 'vectors');

export function readVector<T>(relative: string): T {
  return JSON.parse(readFileSync(join(vectorsDir, relative), 'utf8')) as T;
}

/** Room fixture files whose names match. */
export function roomFixtureFiles(pattern: RegExp): string[] {
  return readdirSync(join(vectorsDir, 'rooms')).filter((f) => pattern.test(f)).sort();
}
