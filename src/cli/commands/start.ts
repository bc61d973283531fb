// `myelin start [--config FILE]`: starts the homeserver and runs until SIGINT/SIGTERM.
import type { Command } from '../command.js';
import { parseOptions } from '../command.js';
import { ConfigError, loadConfig, publicBaseUrl } from '../../config/index.js';
import { startServer } from '../../server/index.js';
import { endLeanBoot, endLeanBootWhenBusy, releaseStartupGarbage } from '../lean-boot.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'start the homeserver',
  usage: `myelin start [--config FILE]

Starts Myelin. Without --config: server name "localhost", listening on
127.0.0.1:8008, LMDB under ./data, registration with a token that is generated
on first start and printed (kept in ./data/registration_token).
Every key can also be set through the environment: MYELIN_<KEY PATH>, e.g.
MYELIN_SERVER_NAME=example.org MYELIN_LISTEN_PORT=8448 (docs/config.md).
Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
`,
  async run(args, io) {
    const opts = parseOptions(args);
    if (opts._.length > 0) { io.stderr.write(`myelin start: unexpected argument ${opts._[0]}\n`); return 2; }
    const file = typeof opts.config === 'string' ? opts.config : undefined;
    if (opts.config === true) { io.stderr.write('myelin start: --config needs a file name\n'); return 2; }
    let config;
    try {
      config = loadConfig(file);
    } catch (err) {
      if (err instanceof ConfigError) { io.stderr.write(`myelin start: ${err.message}\n`); return 2; }
      throw err;
    }
    // Signal handlers first: a Ctrl-C during start-up still stops cleanly once started.
    let stopRequested: string | undefined;
    let onStop: ((signal: string) => void) | undefined;
    const signalled = (signal: string) => {
      if (stopRequested) return;
      stopRequested = signal;
      onStop?.(signal);
    };
    const sigint = () => signalled('SIGINT');
    const sigterm = () => signalled('SIGTERM');
    process.on('SIGINT', sigint);
    process.on('SIGTERM', sigterm);
    let server;
    try {
      server = await startServer(config);
    } catch (err) {
      endLeanBoot();
      process.off('SIGINT', sigint);
      process.off('SIGTERM', sigterm);
      throw err;
    }
    const k = server.services.kernels;
    io.stdout.write(
      `myelin: ${config.server_name} on ${server.url} (http: ${server.http.adapter}${server.fallbackReason ? `, uWS unavailable: ${server.fallbackReason}` : ''}; ` +
      `kernels: ${k.path} json=${k.features.canonicalJson} sha256=${k.features.sha256} ed25519=${k.features.ed25519}; store: ${config.store.path})\n`,
    );
    const reg = server.registration;
    if (!reg.enabled) io.stdout.write('myelin: registration is disabled\n');
    else if (reg.open) io.stdout.write('myelin: registration is OPEN (no token needed)\n');
    else io.stdout.write(`myelin: registration token${reg.tokenSource === 'generated' ? ' (new)' : ''}: ${reg.token}\n`);
    io.stdout.write(`myelin: clients connect to ${publicBaseUrl(server.config)}\n`);

    const running = server;
    // A rejected promise nobody awaited is a bug to log, not a reason to drop every client.
    const log = running.services.log;
    const onRejection = (reason: unknown) => log.error({ err: reason }, 'unhandled promise rejection');
    process.on('unhandledRejection', onRejection);
    // Listening. Start-up's garbage goes now rather than when V8's memory reducer gets to
    // it (~8 s); V8 tiers up and sizes the heap as usual once the server has work.
    await releaseStartupGarbage();
    endLeanBootWhenBusy();
    await new Promise<void>((resolveStop) => {
      onStop = (signal: string) => {
        io.stdout.write(`myelin: ${signal}, stopping\n`);
        running.close().then(resolveStop, (err: unknown) => {
          io.stderr.write(`myelin: error while stopping: ${String(err)}\n`);
          resolveStop();
        });
      };
      if (stopRequested) onStop(stopRequested);
    });
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    process.off('unhandledRejection', onRejection);
    return 0;
  },
};
