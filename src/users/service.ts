// UserService: accounts (register, login, logout, password, deactivation), access tokens,
// user-interactive auth, devices, profiles, presence, the user directory, account data
// (global, per room, tags) and sync filters. Handlers under src/api/client/{account,profile,
// devices,presence,user-directory,account-data,filters}/ are thin wrappers over these calls;
// every failure is a MatrixError (src/api/errors.ts).
// Spec: client-server-api#account-registration-and-management, #login, #user-interactive-authentication-api,
// #device-management, #profiles, #presence, #user-directory, #client-config, #room-tagging, #filtering.

import type { Requester } from '../api/route.js';
import type { PushRule, PushRuleBody, PushRuleset } from './push-rules.js';
import type { Pusher, SetPusherRequest } from './pushers.js';

export type { PushRule, PushRuleBody, PushRuleset } from './push-rules.js';

/** The `auth` dict of a UIA request (client-server-api#authentication-types). */
export type UiaAuth = Record<string, unknown> & { readonly type?: string; readonly session?: string };

/** POST /register body (client-server-api#post_matrixclientv3register). */
export interface RegisterRequest {
  readonly username?: string;
  readonly password?: string;
  readonly device_id?: string;
  readonly initial_device_display_name?: string;
  readonly inhibit_login?: boolean;
  readonly refresh_token?: boolean;
  readonly auth?: UiaAuth;
  /** a guest's access token: upgrade that guest to a full account (spec: #guest-access) */
  readonly guest_access_token?: string;
}

export interface LoginResult {
  readonly user_id: string;
  readonly access_token: string;
  readonly device_id: string;
  /** deprecated in the spec, still read by older clients */
  readonly home_server: string;
}

/** Registration with `inhibit_login` answers only the user id. */
export type RegisterResult = LoginResult | { readonly user_id: string; readonly home_server: string };

/** POST /login body (client-server-api#post_matrixclientv3login). */
export interface LoginRequest {
  readonly type: string;
  readonly identifier?: Record<string, unknown>;
  /** deprecated: the user id or localpart */
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  readonly device_id?: string;
  readonly initial_device_display_name?: string;
  readonly refresh_token?: boolean;
}

export interface DeviceInfo {
  readonly device_id: string;
  readonly display_name?: string;
  readonly last_seen_ip?: string;
  readonly last_seen_ts?: number;
}

export interface Profile {
  readonly displayname?: string;
  readonly avatar_url?: string;
  /** m.tz and custom namespaced fields (spec v1.16) */
  readonly [field: string]: unknown;
}

export type PresenceState = 'online' | 'offline' | 'unavailable';

export interface PresenceStatus {
  readonly presence: PresenceState;
  readonly last_active_ago?: number;
  readonly status_msg?: string;
  readonly currently_active?: boolean;
}

export interface DirectoryResult {
  readonly user_id: string;
  readonly display_name?: string;
  readonly avatar_url?: string;
}

export interface UserService {
  // --- access tokens (the router calls this for every authenticated route) ---
  /** The requester a token belongs to; null when the token is unknown or revoked. */
  /** `ipOf`: the client's address, asked for only when the device's last_seen_ip is recorded */
  authenticate(accessToken: string, ipOf?: () => string): Promise<Requester | null> | Requester | null;

  // --- registration ---
  /** Throws M_INVALID_USERNAME / M_USER_IN_USE; resolves when the name is free. */
  checkUsernameAvailable(username: string): Promise<void>;
  /** `kind` is the query parameter ('user' | 'guest'); UIA per the registration policy. */
  register(request: RegisterRequest, kind: string): Promise<RegisterResult>;
  /** GET /register/m.login.registration_token/validity */
  registrationTokenValid(token: string): boolean;

  // --- login / logout ---
  loginFlows(): readonly { type: string }[];
  login(request: LoginRequest): Promise<LoginResult>;
  whoami(requester: Requester): { user_id: string; device_id: string; is_guest: boolean };
  /** Revoke the request's token and delete its device. */
  logout(requester: Requester): Promise<void>;
  /** Revoke every token and device of the user. */
  logoutAll(requester: Requester): Promise<void>;
  /** UIA m.login.password; without a requester the UIA identifies the user. */
  changePassword(requester: Requester | undefined, request: { new_password: string; logout_devices?: boolean; auth?: UiaAuth }): Promise<void>;
  /** UIA m.login.password; leaves every room, revokes every device. */
  deactivate(requester: Requester | undefined, request: { auth?: UiaAuth; erase?: boolean; id_server?: string }): Promise<{ id_server_unbind_result: 'success' | 'no-support' }>;

  // --- devices ---
  listDevices(requester: Requester): Promise<DeviceInfo[]>;
  getDevice(requester: Requester, deviceId: string): Promise<DeviceInfo>;
  updateDevice(requester: Requester, deviceId: string, displayName: string | undefined): Promise<void>;
  /** UIA m.login.password; revokes the devices' tokens and keys. */
  deleteDevices(requester: Requester, deviceIds: readonly string[], auth: UiaAuth | undefined): Promise<void>;

  // --- profile ---
  /** Local users only (no federation yet): M_NOT_FOUND for unknown users. */
  getProfile(userId: string): Promise<Profile>;
  /** One field; M_NOT_FOUND when unset. */
  getProfileField(userId: string, field: string): Promise<unknown>;
  /**
   * Sets one field; displayname/avatar_url changes update the member event in every joined room.
   * For displayname and avatar_url, null or '' clears the field (what clients before v1.16 send).
   */
  setProfileField(requester: Requester, userId: string, field: string, value: unknown): Promise<void>;
  deleteProfileField(requester: Requester, userId: string, field: string): Promise<void>;

  // --- presence ---
  getPresence(requester: Requester, userId: string): Promise<PresenceStatus>;
  setPresence(requester: Requester, userId: string, presence: PresenceState, statusMsg: string | undefined): Promise<void>;

  // --- user directory ---
  searchUsers(requester: Requester, term: string, limit: number): Promise<{ results: DirectoryResult[]; limited: boolean }>;

  // --- account data (roomId null: global) and tags ---
  getAccountData(requester: Requester, userId: string, roomId: string | null, type: string): Promise<Record<string, unknown>>;
  setAccountData(requester: Requester, userId: string, roomId: string | null, type: string, content: Record<string, unknown>): Promise<void>;
  getTags(requester: Requester, userId: string, roomId: string): Promise<Record<string, Record<string, unknown>>>;
  setTag(requester: Requester, userId: string, roomId: string, tag: string, content: Record<string, unknown>): Promise<void>;
  deleteTag(requester: Requester, userId: string, roomId: string, tag: string): Promise<void>;

  // --- push rules (kept as global account data m.push_rules once changed) ---
  getPushRules(requester: Requester): Promise<PushRuleset>;
  getPushRule(requester: Requester, kind: string, ruleId: string): Promise<PushRule>;
  setPushRule(requester: Requester, kind: string, ruleId: string, rule: PushRuleBody, position: { before?: string; after?: string }): Promise<void>;
  deletePushRule(requester: Requester, kind: string, ruleId: string): Promise<void>;
  setPushRuleAttr(requester: Requester, kind: string, ruleId: string, attr: 'enabled' | 'actions', value: boolean | unknown[]): Promise<void>;

  // --- filters ---
  createFilter(requester: Requester, userId: string, filter: Record<string, unknown>): Promise<string>;
  /** Also what /sync uses to resolve `filter=<id>` (undefined when unknown). */
  getFilter(userId: string, filterId: string): Promise<Record<string, unknown> | undefined>;

  // --- pushers (each tied to the device that set it) ---
  getPushers(requester: Requester): Promise<Pusher[]>;
  setPusher(requester: Requester, request: SetPusherRequest): Promise<void>;
}

/** What UserService tells the rest of the server (wired by src/server/index.ts). */
export interface UserEvents {
  /** account data of `userId` changed at stream position `streamPos` (wakes /sync) */
  accountDataChanged?(userId: string, streamPos: number): void;
  /** presence of `userId` changed */
  presenceChanged?(userId: string): void;
  /**
   * the device list of `userId` changed at `streamPos` (e2ee device_lists); `rooms`: the user's
   * joined rooms, whose members' /sync long-polls wake too (their device_lists.changed names the user)
   */
  deviceListChanged?(userId: string, streamPos: number, rooms?: readonly string[]): void;
}
