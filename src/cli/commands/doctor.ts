// `myelin doctor`: placeholder until the kernels land.
import type { Command } from '../command.js';
import { probeKernels } from '../../accel/index.js';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'show the platform, CPU features and which kernel path is used',
  usage: 'myelin doctor\n',
  async run(_args, io) {
    io.stdout.write(`node ${process.version} ${process.platform}/${process.arch}\n`);
    for (const a of probeKernels()) io.stdout.write(`${a.path}: ${a.loaded ? 'loaded' : `not loaded (${a.error})`}\n`);
    return 0;
  },
};
