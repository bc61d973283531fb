// Every CLI command, registered in one list.
import type { Command } from '../command.js';
import { benchCommand } from './bench.js';
import { debugCommand } from './debug.js';
import { doctorCommand } from './doctor.js';
import { jsonCommand } from './json.js';
import { startCommand } from './start.js';

export const commands: readonly Command[] = [
  startCommand,
  doctorCommand,
  jsonCommand,
  debugCommand,
  benchCommand,
];
