// Push rules: the spec's server-default rules for each user, and the user's own rules and
// changes, kept as the global account data `m.push_rules` (what /sync shows clients) once
// the user changes anything. Spec: client-server-api#push-rules, #predefined-rules,
// #push-rules-api (v1.17: no legacy body-matching defaults).
import { MatrixError, invalidParam, notFound } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { Op, ReadTx } from '../store/trees.js';
import type { UsersContext } from './context.js';

export const PUSH_RULE_KINDS = ['override', 'content', 'room', 'sender', 'underride'] as const;
export type PushRuleKind = (typeof PUSH_RULE_KINDS)[number];

export interface PushRule {
  rule_id: string;
  default: boolean;
  enabled: boolean;
  actions: unknown[];
  conditions?: Record<string, unknown>[];
  pattern?: string;
}
export type PushRuleset = Record<PushRuleKind, PushRule[]>;

const sound = (value: string) => ({ set_tweak: 'sound', value });
const HIGHLIGHT = { set_tweak: 'highlight' };
const match = (key: string, pattern: string) => ({ kind: 'event_match', key, pattern });
const rule = (rule_id: string, conditions: Record<string, unknown>[], actions: unknown[], enabled = true): PushRule =>
  ({ rule_id, default: true, enabled, conditions, actions });

/** The spec's predefined rules, in the spec's order, for `userId`. */
export function defaultPushRules(userId: string): PushRuleset {
  return {
    override: [
      rule('.m.rule.master', [], [], false),
      rule('.m.rule.suppress_notices', [match('content.msgtype', 'm.notice')], []),
      rule('.m.rule.invite_for_me', [match('type', 'm.room.member'), match('content.membership', 'invite'), match('state_key', userId)], ['notify', sound('default')]),
      rule('.m.rule.member_event', [match('type', 'm.room.member')], []),
      rule('.m.rule.is_user_mention', [{ kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: userId }], ['notify', sound('default'), HIGHLIGHT]),
      rule('.m.rule.is_room_mention', [{ kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true }, { kind: 'sender_notification_permission', key: 'room' }], ['notify', HIGHLIGHT]),
      rule('.m.rule.tombstone', [match('type', 'm.room.tombstone'), match('state_key', '')], ['notify', HIGHLIGHT]),
      rule('.m.rule.reaction', [match('type', 'm.reaction')], []),
      rule('.m.rule.room.server_acl', [match('type', 'm.room.server_acl'), match('state_key', '')], []),
      rule('.m.rule.suppress_edits', [{ kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' }], []),
    ],
    content: [],
    room: [],
    sender: [],
    underride: [
      rule('.m.rule.call', [match('type', 'm.call.invite')], ['notify', sound('ring')]),
      rule('.m.rule.encrypted_room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.encrypted')], ['notify', sound('default')]),
      rule('.m.rule.room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.message')], ['notify', sound('default')]),
      rule('.m.rule.message', [match('type', 'm.room.message')], ['notify']),
      rule('.m.rule.encrypted', [match('type', 'm.room.encrypted')], ['notify']),
    ],
  };
}

const TYPE = 'm.push_rules';

function checkKind(kind: string): PushRuleKind {
  if (!(PUSH_RULE_KINDS as readonly string[]).includes(kind)) throw invalidParam(`Unknown push rule kind: ${kind}`);
  return kind as PushRuleKind;
}

function* readRules(ctx: UsersContext, tx: ReadTx, userId: string): Op<PushRuleset> {
  const entry = yield* ctx.store.accountData.get(tx, userId, null, TYPE);
  if (entry === undefined) return defaultPushRules(userId);
  const stored = JSON.parse(Buffer.from(entry.content).toString('utf8')) as { global?: Partial<PushRuleset> };
  const rules = defaultPushRules(userId);
  for (const kind of PUSH_RULE_KINDS) if (Array.isArray(stored.global?.[kind])) rules[kind] = stored.global[kind];
  return rules;
}

/** The m.push_rules account data as clients read it: the user's rules, the defaults until they change any. */
export function* pushRulesAccountData(ctx: UsersContext, tx: ReadTx, userId: string): Op<{ global: PushRuleset }> {
  return { global: yield* readRules(ctx, tx, userId) };
}

export async function getPushRules(ctx: UsersContext, requester: Requester): Promise<PushRuleset> {
  const { store } = ctx;
  return store.read((tx) => readRules(ctx, tx, requester.userId));
}

export async function getPushRule(ctx: UsersContext, requester: Requester, kind: string, ruleId: string): Promise<PushRule> {
  const k = checkKind(kind);
  const found = (await getPushRules(ctx, requester))[k].find((r) => r.rule_id === ruleId);
  if (found === undefined) throw notFound('The push rule was not found.');
  return found;
}

/** Read-modify-write of the user's rules in one transaction; `edit` returns false for "no change". */
async function editRules(ctx: UsersContext, requester: Requester, edit: (rules: PushRuleset) => boolean): Promise<void> {
  const { store } = ctx;
  const userId = requester.userId;
  const pos = await store.write(function* (tx) {
    const rules = yield* readRules(ctx, tx, userId);
    if (!edit(rules)) return undefined;
    return yield* store.accountData.put(tx, userId, null, TYPE, Buffer.from(JSON.stringify({ global: rules }), 'utf8'));
  });
  if (pos !== undefined) ctx.events.accountDataChanged?.(userId, pos);
}

export interface PushRuleBody {
  readonly actions: unknown[];
  readonly conditions?: Record<string, unknown>[];
  readonly pattern?: string;
}

export async function setPushRule(
  ctx: UsersContext, requester: Requester, kind: string, ruleId: string, body: PushRuleBody, position: { before?: string; after?: string },
): Promise<void> {
  const k = checkKind(kind);
  if (ruleId.startsWith('.')) throw invalidParam('Rule ids starting with "." are reserved for server-default rules');
  if (ruleId.length === 0 || ruleId.includes('/') || ruleId.includes('\\')) throw invalidParam('Invalid rule id');
  if (k === 'content' && typeof body.pattern !== 'string') throw new MatrixError(400, 'M_MISSING_PARAM', 'Content rules need a pattern');
  const next: PushRule = {
    rule_id: ruleId, default: false, enabled: true, actions: body.actions,
    ...(k === 'override' || k === 'underride' ? { conditions: body.conditions ?? [] } : {}),
    ...(k === 'content' ? { pattern: body.pattern! } : {}),
  };
  await editRules(ctx, requester, (rules) => {
    const list = rules[k];
    const old = list.findIndex((r) => r.rule_id === ruleId);
    const anchorId = position.before ?? position.after;
    if (anchorId === undefined && old >= 0) {
      list[old] = { ...next, enabled: list[old]!.enabled };
      return true;
    }
    if (old >= 0) list.splice(old, 1);
    let at: number;
    if (anchorId !== undefined) {
      const anchor = list.findIndex((r) => r.rule_id === anchorId && !r.default);
      if (anchor < 0) throw new MatrixError(400, 'M_UNKNOWN', `before/after rule not found: ${anchorId}`);
      at = position.before !== undefined ? anchor : anchor + 1;
    } else {
      // The most important user rule: user rules outrank server defaults, except .m.rule.master.
      at = list[0]?.rule_id === '.m.rule.master' ? 1 : 0;
    }
    list.splice(at, 0, next);
    return true;
  });
}

export async function deletePushRule(ctx: UsersContext, requester: Requester, kind: string, ruleId: string): Promise<void> {
  const k = checkKind(kind);
  await editRules(ctx, requester, (rules) => {
    const i = rules[k].findIndex((r) => r.rule_id === ruleId);
    if (i < 0 || rules[k][i]!.default) throw notFound('The push rule was not found.');
    rules[k].splice(i, 1);
    return true;
  });
}

export async function setPushRuleAttr(
  ctx: UsersContext, requester: Requester, kind: string, ruleId: string, attr: 'enabled' | 'actions', value: boolean | unknown[],
): Promise<void> {
  const k = checkKind(kind);
  await editRules(ctx, requester, (rules) => {
    const r = rules[k].find((x) => x.rule_id === ruleId);
    if (r === undefined) throw notFound('The push rule was not found.');
    if (attr === 'enabled') r.enabled = value as boolean;
    else r.actions = value as unknown[];
    return true;
  });
}
