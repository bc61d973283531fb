// Operator endpoints, declared like the Matrix ones: GET /health and the Prometheus
// metrics at config metrics.path (default /_myelin/metrics). Neither needs a token;
// bind to 127.0.0.1 or filter them at the reverse proxy if they must stay private.
import { route, type AnyRoute } from '../api/route.js';
import type { MyelinConfig } from '../config/types.js';

export const healthRoute = route({
  method: 'GET',
  path: '/health',
  auth: 'none',
  rateLimit: 'none',
  spec: 'myelin: liveness (200 "OK" while the store is open and requests are served)',
  handler: () => ({ raw: 'OK', contentType: 'text/plain; charset=utf-8' }),
});

export function opsRoutes(config: MyelinConfig): AnyRoute[] {
  const routes: AnyRoute[] = [healthRoute];
  if (config.metrics.enabled) {
    routes.push(route({
      method: 'GET',
      path: config.metrics.path,
      auth: 'none',
      rateLimit: 'none',
      spec: 'myelin: Prometheus metrics (prom-client text format)',
      handler: async ({ services }) => ({ raw: await services.metrics.render(), contentType: services.metrics.contentType }),
    }));
  }
  return routes;
}
