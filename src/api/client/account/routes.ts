// The routes of src/users (accounts, login, profile, devices, presence, user directory,
// account data and tags, filters, push rules), listed once for src/api/client/index.ts.
import type { AnyRoute } from '../../route.js';
import { changePasswordRoute } from './change-password.js';
import { deactivateRoute } from './deactivate.js';
import { get3pidsRoute } from './get-3pids.js';
import { loginFlowsRoute } from './login-flows.js';
import { loginRoute } from './login.js';
import { logoutAllRoute } from './logout-all.js';
import { logoutRoute } from './logout.js';
import { registerAvailableRoute } from './register-available.js';
import { registerRoute } from './register.js';
import { registrationTokenValidityRoute } from './registration-token-validity.js';
import { whoamiRoute } from './whoami.js';
import { deleteProfileFieldRoute } from '../profile/delete-profile-field.js';
import { getProfileFieldRoute } from '../profile/get-profile-field.js';
import { getProfileRoute } from '../profile/get-profile.js';
import { setProfileFieldRoute } from '../profile/set-profile-field.js';
import { deleteDeviceRoute } from '../devices/delete-device.js';
import { deleteDevicesRoute } from '../devices/delete-devices.js';
import { getDeviceRoute } from '../devices/get-device.js';
import { listDevicesRoute } from '../devices/list-devices.js';
import { updateDeviceRoute } from '../devices/update-device.js';
import { getPresenceRoute } from '../presence/get-presence.js';
import { setPresenceRoute } from '../presence/set-presence.js';
import { searchUsersRoute } from '../user-directory/search-users.js';
import { deleteTagRoute } from '../account-data/delete-tag.js';
import { getGlobalAccountDataRoute } from '../account-data/get-global.js';
import { getRoomAccountDataRoute } from '../account-data/get-room.js';
import { getTagsRoute } from '../account-data/get-tags.js';
import { putGlobalAccountDataRoute } from '../account-data/put-global.js';
import { putRoomAccountDataRoute } from '../account-data/put-room.js';
import { putTagRoute } from '../account-data/put-tag.js';
import { createFilterRoute } from '../filters/create-filter.js';
import { getFilterRoute } from '../filters/get-filter.js';
import { getGlobalPushRulesRoutes, getPushRulesRoutes } from '../push-rules/get-push-rules.js';
import { getPushRuleRoute } from '../push-rules/get-push-rule.js';
import { setPushRuleRoute } from '../push-rules/set-push-rule.js';
import { deletePushRuleRoute } from '../push-rules/delete-push-rule.js';
import { getPushRuleEnabledRoute, setPushRuleEnabledRoute } from '../push-rules/push-rule-enabled.js';
import { getPushRuleActionsRoute, setPushRuleActionsRoute } from '../push-rules/push-rule-actions.js';
import { getPushersRoute } from '../pushers/get-pushers.js';
import { setPusherRoute } from '../pushers/set-pusher.js';

export const usersRoutes: readonly AnyRoute[] = [
  // account
  changePasswordRoute,
  deactivateRoute,
  get3pidsRoute,
  loginFlowsRoute,
  loginRoute,
  logoutAllRoute,
  logoutRoute,
  registerAvailableRoute,
  registerRoute,
  registrationTokenValidityRoute,
  whoamiRoute,
  // profile
  deleteProfileFieldRoute,
  getProfileFieldRoute,
  getProfileRoute,
  setProfileFieldRoute,
  // devices
  deleteDeviceRoute,
  deleteDevicesRoute,
  getDeviceRoute,
  listDevicesRoute,
  updateDeviceRoute,
  // presence
  getPresenceRoute,
  setPresenceRoute,
  // user-directory
  searchUsersRoute,
  // account-data
  deleteTagRoute,
  getGlobalAccountDataRoute,
  getRoomAccountDataRoute,
  getTagsRoute,
  putGlobalAccountDataRoute,
  putRoomAccountDataRoute,
  putTagRoute,
  // filters
  createFilterRoute,
  getFilterRoute,
  // push rules
  ...getPushRulesRoutes,
  ...getGlobalPushRulesRoutes,
  getPushRuleRoute,
  setPushRuleRoute,
  deletePushRuleRoute,
  getPushRuleEnabledRoute,
  setPushRuleEnabledRoute,
  getPushRuleActionsRoute,
  setPushRuleActionsRoute,
  // pushers
  getPushersRoute,
  setPusherRoute,
];
