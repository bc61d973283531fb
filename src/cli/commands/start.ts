// `myelin start`: starts the homeserver. Until the server lands (issue: the
// server and the client API) it checks the installation with `myelin doctor`.
import type { Command } from '../command.js';
import { doctorCommand } from './doctor.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'start the homeserver (for now: check the installation)',
  usage: 'myelin start\n\nStarts Myelin. The HTTP server is not built yet; this runs `myelin doctor`.\n',
  async run(_args, io) {
    io.stdout.write('myelin: the homeserver is not built yet; checking the installation instead.\n\n');
    return doctorCommand.run([], io);
  },
};
