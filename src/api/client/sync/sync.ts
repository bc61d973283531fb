// GET /_matrix/client/v3/sync — client-server-api#get_matrixclientv3sync
import { invalidParam } from '../../errors.js';
import { route } from '../../route.js';
import { encodeSyncResponse } from '../../../sync/raw-json.js';
import type { PresenceState } from '../../../users/service.js';

const PRESENCE = new Set(['online', 'offline', 'unavailable']);

export const syncRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/sync',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3sync',
  handler: async (ctx) => {
    const { services, requester, query } = ctx;
    const timeoutRaw = query.get('timeout');
    let timeout = 0;
    if (timeoutRaw !== null && timeoutRaw !== '') {
      if (!/^\d{1,12}$/.test(timeoutRaw)) throw invalidParam('timeout must be a non-negative integer (milliseconds)');
      timeout = Number(timeoutRaw);
    }
    const fullStateRaw = query.get('full_state');
    if (fullStateRaw !== null && fullStateRaw !== 'true' && fullStateRaw !== 'false') throw invalidParam('full_state must be true or false');
    const stateAfterRaw = query.get('use_state_after');
    if (stateAfterRaw !== null && stateAfterRaw !== 'true' && stateAfterRaw !== 'false') throw invalidParam('use_state_after must be true or false');
    const setPresence = query.get('set_presence');
    if (setPresence !== null && !PRESENCE.has(setPresence)) throw invalidParam('set_presence must be online, offline or unavailable');
    const since = query.get('since');
    const filter = query.get('filter');
    // (one object shape whatever the query: spreading optional members cost V8 a slow path per request)
    const body = await services.sync.sync(requester, {
      since: since !== null && since !== '' ? since : undefined,
      timeout,
      fullState: fullStateRaw === 'true',
      filter: filter ?? undefined,
      setPresence: (setPresence ?? 'online') as PresenceState,
      useStateAfter: stateAfterRaw === 'true',
    }, timeout > 0 ? ctx.signal : undefined); // an answer-at-once sync never waits: no AbortSignal made for it
    // Timeline events arrive as cached JSON text (src/sync/timeline-cache.ts): spliced, not re-encoded.
    return { raw: encodeSyncResponse(body), contentType: 'application/json' };
  },
});
