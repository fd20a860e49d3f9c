import { requireUserByName } from '../identities/user-lookup.ts';
import { randomBytes } from 'node:crypto';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { randomFrom } from '../shared/secrets.ts';
import {
  type AccessKeyRecord,
  type AccessKeyStatus,
  countAccessKeysOf,
  deleteAccessKeyRow,
  findAccessKey,
  insertAccessKey,
  listAccessKeysOf,
  recordAccessKeyUse,
  setAccessKeyStatus,
} from './access-key.repository.ts';

/** AWS's non-adjustable quota: two keys (active or inactive) per user, root included. */
export const MAX_ACCESS_KEYS = 2;

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Whose keys: the root user (`userName` null) or an IAM user. */
export interface KeyOwner {
  accountId: string;
  principalId: string;
  userName: string | null;
}

export interface NewAccessKey {
  accessKeyId: string;
  /** Shown once, here; only a sealed copy is kept. */
  secretAccessKey: string;
  status: AccessKeyStatus;
  createdAt: string;
  owner: KeyOwner;
}

/** `AKIA` and 16 characters of upper-case base32, as AWS; `ASIA` for temporary keys. */
export function newAccessKeyId(prefix: 'AKIA' | 'ASIA' = 'AKIA'): string {
  return prefix + randomFrom(KEY_ID_ALPHABET, 16);
}

/** 40 characters of base64 (30 random bytes), the shape of an AWS secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function sealKeySecret(deps: Pick<Deps, 'keyring'>, keyId: string, secret: string): string {
  return deps.keyring.box('access-key-secret').seal(secret, keyId);
}

export function openKeySecret(deps: Pick<Deps, 'keyring'>, keyId: string, sealed: string): string | null {
  return deps.keyring.box('access-key-secret').open(sealed, keyId);
}

function noSuchKey(id: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
}

/** The owner named by `userName` in the account, or the root user when `userName` is null. */
export async function resolveKeyOwner(db: Db, accountId: string, userName: string | null): Promise<KeyOwner> {
  if (userName === null) return { accountId, principalId: accountId, userName: null };
  const user = await requireUserByName(db, accountId, userName);
  return { accountId, principalId: user.id, userName: user.name };
}

/** A new Active key for `owner`; LimitExceeded when it already has two. */
export async function createAccessKey(
  deps: Deps,
  owner: KeyOwner,
  actor: Actor,
  meta: RequestMeta,
): Promise<NewAccessKey> {
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const createdAt = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    const current = await resolveKeyOwner(tx, owner.accountId, owner.userName);
    if ((await countAccessKeysOf(tx, current.principalId)) >= MAX_ACCESS_KEYS) {
      throw new GatehouseError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS}`);
    }
    await insertAccessKey(tx, {
      id: accessKeyId,
      accountId: owner.accountId,
      principalId: current.principalId,
      secretSealed: sealKeySecret(deps, accessKeyId, secretAccessKey),
      status: 'Active',
      createdAt,
      lastUsedAt: null,
      lastUsedService: null,
      lastUsedRegion: null,
    });
    await recordAudit(tx, deps, meta, {
      accountId: owner.accountId,
      actor,
      eventName: 'CreateAccessKey',
      target: { id: current.principalId, name: current.userName ?? 'root' },
      details: { accessKeyId },
    });
  });
  return { accessKeyId, secretAccessKey, status: 'Active', createdAt, owner };
}

export async function listAccessKeys(deps: Deps, owner: KeyOwner): Promise<AccessKeyRecord[]> {
  return listAccessKeysOf(deps.db, owner.principalId);
}

/** The key, when it belongs to `owner`; NoSuchEntity otherwise (another user's key is not found). */
async function ownedKey(db: Db, owner: KeyOwner, accessKeyId: string): Promise<AccessKeyRecord> {
  const key = await findAccessKey(db, accessKeyId);
  if (!key || key.principalId !== owner.principalId || key.accountId !== owner.accountId) throw noSuchKey(accessKeyId);
  return key;
}

/** One of `owner`'s keys (for the delete confirmation); NoSuchEntity, as DeleteAccessKey says it, otherwise. */
export async function findOwnedKey(deps: Deps, owner: KeyOwner, accessKeyId: string): Promise<AccessKeyRecord> {
  return ownedKey(deps.db, owner, accessKeyId);
}

export async function updateAccessKeyStatus(
  deps: Deps,
  owner: KeyOwner,
  accessKeyId: string,
  status: AccessKeyStatus,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const key = await ownedKey(tx, owner, accessKeyId);
    await setAccessKeyStatus(tx, key.id, status);
    await recordAudit(tx, deps, meta, {
      accountId: owner.accountId,
      actor,
      eventName: 'UpdateAccessKey',
      target: { id: owner.principalId, name: owner.userName ?? 'root' },
      details: { accessKeyId, status, previousStatus: key.status },
    });
  });
}

export async function deleteAccessKey(
  deps: Deps,
  owner: KeyOwner,
  accessKeyId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const key = await ownedKey(tx, owner, accessKeyId);
    await deleteAccessKeyRow(tx, key.id);
    await recordAudit(tx, deps, meta, {
      accountId: owner.accountId,
      actor,
      eventName: 'DeleteAccessKey',
      target: { id: owner.principalId, name: owner.userName ?? 'root' },
      details: { accessKeyId },
    });
  });
}

export async function findKey(deps: Deps, accessKeyId: string): Promise<AccessKeyRecord | null> {
  return findAccessKey(deps.db, accessKeyId);
}

/** Last use is written at most once per this span per key (as AWS, which records the first use in each 15 minutes). */
const LAST_USED_SPAN_MS = 15 * 60_000;

/** Notes a successful use of a key, unless it was already noted for this service and region within the span. */
export async function noteAccessKeyUse(
  deps: Deps,
  key: AccessKeyRecord,
  service: string,
  region: string,
): Promise<void> {
  const now = deps.clock.now();
  const fresh =
    key.lastUsedAt !== null &&
    key.lastUsedService === service &&
    key.lastUsedRegion === region &&
    now.getTime() - new Date(key.lastUsedAt).getTime() < LAST_USED_SPAN_MS;
  if (!fresh) await recordAccessKeyUse(deps.db, key.id, now.toISOString(), service, region);
}
