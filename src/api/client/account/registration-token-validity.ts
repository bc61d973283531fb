// GET /_matrix/client/v1/register/m.login.registration_token/validity — client-server-api#get_matrixclientv1registermloginregistration_tokenvalidity
import { forbidden, missingParam } from '../../errors.js';
import { route } from '../../route.js';

export const registrationTokenValidityRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/register/m.login.registration_token/validity',
  versions: ['v1'],
  auth: 'none',
  rateLimit: 'register',
  spec: 'client-server-api#get_matrixclientv1registermloginregistration_tokenvalidity',
  handler: ({ services, query }) => {
    if (!services.registration.enabled) throw forbidden('Registration is disabled on this server');
    const token = query.get('token');
    if (token === null) throw missingParam('token');
    return { body: { valid: services.users.registrationTokenValid(token) } };
  },
});
