// `myelin routes [--json]`: the endpoint list, derived from the route table
// (method, every concrete path, auth kind, rate-limit class, spec section).
import type { Command } from '../command.js';
import { parseOptions } from '../command.js';
import { clientRoutes } from '../../api/client/index.js';
import { expandPaths } from '../../api/router.js';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { opsRoutes } from '../../server/ops-routes.js';

export const routesCommand: Command = {
  name: 'routes',
  summary: 'list the HTTP endpoints the server answers',
  usage: 'myelin routes [--json]\n\nLists every endpoint from the route table: method, paths (one per spec version),\nauth kind, rate-limit class, whether guests may call it, and spec section. --json prints one object per route.\n',
  async run(args, io) {
    const opts = parseOptions(args, ['json']);
    const routes = [...clientRoutes, ...opsRoutes(DEFAULT_CONFIG)].map((r) => ({
      method: r.method,
      paths: expandPaths(r).map((p) => p.path),
      auth: r.auth,
      rateLimit: r.rateLimit,
      // guests: true, false, or 'some' when it depends on the path parameters
      guests: typeof r.guests === 'function' ? 'some' : r.guests === true,
      spec: r.spec,
    }));
    if (opts.json) {
      io.stdout.write(`${JSON.stringify(routes, null, 2)}\n`);
      return 0;
    }
    for (const r of routes) {
      io.stdout.write(`${r.method.padEnd(6)} ${r.paths.join('  ')}\n       auth=${r.auth} rate=${r.rateLimit} guests=${r.guests} spec=${r.spec}\n`);
    }
    io.stdout.write(`${routes.length} routes\n`);
    return 0;
  },
};
