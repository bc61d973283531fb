// POST /_matrix/client/v3/pushers/set — client-server-api#post_matrixclientv3pushersset
// kind null deletes the pusher; otherwise every field but profile_tag and append is required.
import { missingParam } from '../../errors.js';
import { route } from '../../route.js';
import { s } from '../../schema.js';

const text = (max: number) => s.string({ maxLength: max });

export const setPusherRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/pushers/set',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({
    // pushkey: at most 512 bytes (spec); app_id at most 64 characters
    pushkey: text(512),
    kind: s.nullable(s.string({ maxLength: 64 })),
    app_id: text(64),
    app_display_name: text(255),
    device_display_name: text(255),
    profile_tag: text(255),
    lang: text(64),
    data: s.record(s.any()),
    append: s.bool(),
  }, { required: ['pushkey', 'kind', 'app_id'] }),
  spec: 'client-server-api#post_matrixclientv3pushersset',
  handler: async ({ services, requester, body }) => {
    if (body.kind !== null) {
      for (const name of ['app_display_name', 'device_display_name', 'lang', 'data'] as const) {
        if (body[name] === undefined) throw missingParam(name);
      }
    }
    await services.users.setPusher(requester, {
      pushkey: body.pushkey,
      kind: body.kind,
      app_id: body.app_id,
      app_display_name: body.app_display_name ?? '',
      device_display_name: body.device_display_name ?? '',
      ...(body.profile_tag !== undefined ? { profile_tag: body.profile_tag } : {}),
      lang: body.lang ?? '',
      data: body.data ?? {},
      ...(body.append !== undefined ? { append: body.append } : {}),
    });
    return { body: {} };
  },
});
