// Every CLI command, registered in one list. Each is loaded only when it runs,
// so `myelin start` does not pay for the bench or debug code (start-up time and
// idle RSS), and one command's broken module cannot take the others down.
import type { Command } from '../command.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** load and start with V8's lean start-up settings (../lean-boot.ts); the command ends them */
  readonly leanStart?: boolean;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'start', summary: 'start the homeserver', leanStart: true, load: async () => (await import('./start.js')).startCommand },
  { name: 'routes', summary: 'list the HTTP endpoints the server answers', load: async () => (await import('./routes.js')).routesCommand },
  { name: 'doctor', summary: 'show the platform, CPU features and which kernel path each kernel uses', load: async () => (await import('./doctor.js')).doctorCommand },
  { name: 'json', summary: 'canonical JSON, signing, verification and content hashes (stdin → stdout)', load: async () => (await import('./json.js')).jsonCommand },
  { name: 'debug', summary: 'protocol debugging: room fixtures, state resolution, auth checks, redaction, event ids', load: async () => (await import('./debug.js')).debugCommand },
  { name: 'bench', summary: 'run the built-in benchmark suites', load: async () => (await import('./bench.js')).benchCommand },
];
