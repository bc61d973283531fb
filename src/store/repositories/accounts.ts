// Accounts: one record per local user, with the password hash (see
// ../password.ts; hashing is async and happens before the transaction).

import { NidKind, TREES } from '../catalogue.js';
import { jsonValue, parseJsonValue, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

export interface Account {
  readonly userId: string;
  readonly passwordHash?: string;
  readonly createdTs: number;
  readonly deactivated: boolean;
  readonly admin: boolean;
  readonly guest: boolean;
  /** set for users owned by an application service */
  readonly appserviceId?: string;
}

export type NewAccount = Pick<Account, 'userId' | 'createdTs'> & Partial<Omit<Account, 'userId' | 'createdTs'>>;

export interface AccountsRepository {
  /** Create an account; false when the user id is taken. */
  create(tx: WriteTx, account: NewAccount): Op<boolean>;
  get(tx: ReadTx, userId: string): Op<Account | undefined>;
  setPasswordHash(tx: WriteTx, userId: string, passwordHash: string | undefined): Op<void>;
  update(tx: WriteTx, userId: string, patch: Partial<Pick<Account, 'deactivated' | 'admin' | 'guest'>>): Op<void>;
}

type AccountRecord = Omit<Account, 'userId'>;

export class Accounts implements AccountsRepository {
  constructor(private readonly intern: Interner) {}

  *create(tx: WriteTx, account: NewAccount): Op<boolean> {
    const nid = yield* this.intern.intern(tx, NidKind.user, account.userId);
    if ((yield* tx.get(TREES.accounts, uintKey(nid))) !== undefined) return false;
    const record: AccountRecord = {
      createdTs: account.createdTs,
      deactivated: account.deactivated ?? false,
      admin: account.admin ?? false,
      guest: account.guest ?? false,
      ...(account.passwordHash !== undefined ? { passwordHash: account.passwordHash } : {}),
      ...(account.appserviceId !== undefined ? { appserviceId: account.appserviceId } : {}),
    };
    tx.put(TREES.accounts, uintKey(nid), jsonValue(record));
    return true;
  }

  *get(tx: ReadTx, userId: string): Op<Account | undefined> {
    const nid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (nid === undefined) return undefined;
    const v = yield* tx.get(TREES.accounts, uintKey(nid));
    return v === undefined ? undefined : { userId, ...parseJsonValue<AccountRecord>(v) };
  }

  private *mustRecord(tx: WriteTx, userId: string): Op<[number, AccountRecord]> {
    const nid = yield* this.intern.nid(tx, NidKind.user, userId);
    const v = nid === undefined ? undefined : yield* tx.get(TREES.accounts, uintKey(nid));
    if (nid === undefined || v === undefined) throw new Error(`store: no account ${userId}`);
    return [nid, parseJsonValue<AccountRecord>(v)];
  }

  *setPasswordHash(tx: WriteTx, userId: string, passwordHash: string | undefined): Op<void> {
    const [nid, record] = yield* this.mustRecord(tx, userId);
    const { passwordHash: _old, ...rest } = record;
    tx.put(TREES.accounts, uintKey(nid), jsonValue(passwordHash === undefined ? rest : { ...rest, passwordHash }));
  }

  *update(tx: WriteTx, userId: string, patch: Partial<Pick<Account, 'deactivated' | 'admin' | 'guest'>>): Op<void> {
    const [nid, record] = yield* this.mustRecord(tx, userId);
    tx.put(TREES.accounts, uintKey(nid), jsonValue({ ...record, ...patch }));
  }
}
