// Sync filters: stored as uploaded (after validation against the spec's shape, see
// src/api/client/filters/filter-schema.ts), ids are decimal strings of a store counter.
// Spec: client-server-api#filtering, #post_matrixclientv3useruseridfilter.
import { forbidden } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { UsersContext } from './context.js';

export async function createFilter(ctx: UsersContext, requester: Requester, userId: string, filter: Record<string, unknown>): Promise<string> {
  if (userId !== requester.userId) throw forbidden('Cannot create filters for other users');
  const { store } = ctx;
  const id = await store.write((tx) => store.filters.create(tx, userId, Buffer.from(JSON.stringify(filter), 'utf8')));
  return String(id);
}

export async function getFilter(ctx: UsersContext, userId: string, filterId: string): Promise<Record<string, unknown> | undefined> {
  if (!/^\d{1,15}$/.test(filterId)) return undefined;
  const { store } = ctx;
  const bytes = await store.read((tx) => store.filters.get(tx, userId, Number(filterId)));
  return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>);
}
