// createUserService: the UserService of src/users/service.ts, assembled from one module per area.
import * as account from './account.js';
import * as accountData from './account-data.js';
import { usersContext, type UserServiceDeps } from './context.js';
import * as devices from './devices.js';
import { searchUsers } from './directory.js';
import * as filters from './filters.js';
import * as loginMod from './login.js';
import * as presence from './presence.js';
import * as profile from './profile.js';
import * as push from './push-rules.js';
import * as pushers from './pushers.js';
import * as registration from './registration.js';
import type { UserService } from './service.js';
import { authenticateToken } from './sessions.js';

export type { UserServiceDeps } from './context.js';

export function createUserService(deps: UserServiceDeps): UserService {
  const ctx = usersContext(deps);
  return {
    authenticate: (token, ipOf) => authenticateToken(ctx, token, ipOf),
    checkUsernameAvailable: async (username) => { await registration.checkUsernameAvailable(ctx, username); },
    register: (request, kind) => registration.register(ctx, request, kind),
    registrationTokenValid: (token) => registration.registrationTokenValid(ctx, token),
    loginFlows: () => loginMod.LOGIN_FLOWS,
    login: (request) => loginMod.login(ctx, request),
    whoami: (requester) => loginMod.whoami(requester),
    logout: (requester) => loginMod.logout(ctx, requester),
    logoutAll: (requester) => loginMod.logoutAll(ctx, requester),
    changePassword: (requester, request) => account.changePassword(ctx, requester, request),
    deactivate: (requester, request) => account.deactivate(ctx, requester, request),
    listDevices: (requester) => devices.listDevices(ctx, requester),
    getDevice: (requester, deviceId) => devices.getDevice(ctx, requester, deviceId),
    updateDevice: (requester, deviceId, name) => devices.updateDevice(ctx, requester, deviceId, name),
    deleteDevices: (requester, ids, auth) => devices.deleteDevices(ctx, requester, ids, auth),
    getProfile: (userId) => profile.getProfile(ctx, userId),
    getProfileField: (userId, field) => profile.getProfileField(ctx, userId, field),
    setProfileField: (requester, userId, field, value) => profile.setProfileField(ctx, requester, userId, field, value),
    deleteProfileField: (requester, userId, field) => profile.deleteProfileField(ctx, requester, userId, field),
    getPresence: (requester, userId) => presence.getPresence(ctx, requester, userId),
    setPresence: (requester, userId, state, msg) => presence.setPresence(ctx, requester, userId, state, msg),
    searchUsers: (requester, term, limit) => searchUsers(ctx, requester, term, limit),
    getAccountData: (requester, userId, roomId, type) => accountData.getAccountData(ctx, requester, userId, roomId, type),
    setAccountData: (requester, userId, roomId, type, content) => accountData.setAccountData(ctx, requester, userId, roomId, type, content),
    getTags: (requester, userId, roomId) => accountData.getTags(ctx, requester, userId, roomId),
    setTag: (requester, userId, roomId, tag, content) => accountData.setTag(ctx, requester, userId, roomId, tag, content),
    deleteTag: (requester, userId, roomId, tag) => accountData.deleteTag(ctx, requester, userId, roomId, tag),
    getPushRules: (requester) => push.getPushRules(ctx, requester),
    getPushRule: (requester, kind, ruleId) => push.getPushRule(ctx, requester, kind, ruleId),
    setPushRule: (requester, kind, ruleId, rule, position) => push.setPushRule(ctx, requester, kind, ruleId, rule, position),
    deletePushRule: (requester, kind, ruleId) => push.deletePushRule(ctx, requester, kind, ruleId),
    setPushRuleAttr: (requester, kind, ruleId, attr, value) => push.setPushRuleAttr(ctx, requester, kind, ruleId, attr, value),
    createFilter: (requester, userId, filter) => filters.createFilter(ctx, requester, userId, filter),
    getFilter: (userId, filterId) => filters.getFilter(ctx, userId, filterId),
    getPushers: (requester) => pushers.getPushers(ctx, requester),
    setPusher: (requester, request) => pushers.setPusher(ctx, requester, request),
  };
}
