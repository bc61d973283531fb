// Global user profiles (display name, avatar URL, other fields): what GET /profile answers and
// what new member events carry. Per-room overrides live in the member events.

import { NidKind, TREES } from '../catalogue.js';
import { jsonValue, parseJsonValue, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

/** displayname, avatar_url, m.tz and custom namespaced fields (spec v1.16 profile fields). */
export interface ProfileRecord {
  readonly displayname?: string;
  readonly avatar_url?: string;
  readonly [field: string]: unknown;
}

export interface ProfilesRepository {
  get(tx: ReadTx, userId: string): Op<ProfileRecord | undefined>;
  /** Replace the whole profile. */
  put(tx: WriteTx, userId: string, profile: ProfileRecord): Op<void>;
}

export class Profiles implements ProfilesRepository {
  constructor(private readonly intern: Interner) {}

  *get(tx: ReadTx, userId: string): Op<ProfileRecord | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (nid === undefined) return undefined;
    const v = yield* tx.get(TREES.profiles, uintKey(nid));
    return v === undefined ? undefined : parseJsonValue<ProfileRecord>(v);
  }

  *put(tx: WriteTx, userId: string, profile: ProfileRecord): Op<void> {
    const nid = yield* this.intern.intern(tx, NidKind.user, userId);
    tx.put(TREES.profiles, uintKey(nid), jsonValue(profile));
  }
}
