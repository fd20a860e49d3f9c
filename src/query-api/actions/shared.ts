import { type Principal, rootArn, userArn } from '../../identities/principal.ts';
import { GatehouseError } from '../../shared/errors.ts';
import type { UserRecord } from '../../identities/user.repository.ts';
import { findUserByName } from '../../identities/user.repository.ts';
import type { ActionContext } from '../action.ts';
import { type XmlObject, awsTime } from '../xml.ts';

function nonUserCredentials(): GatehouseError {
  return new GatehouseError('ValidationError', 'Must specify userName when calling with non-User credentials');
}

/**
 * The user an Action targets: the one named, else the calling IAM user. The root user
 * has no IAM user to default to, so it must name one (AWS's message).
 */
export function targetUserName(ctx: ActionContext, given: string | undefined): string {
  if (given !== undefined) return given;
  const { principal } = ctx.caller;
  if (principal.type === 'user') return principal.name;
  throw nonUserCredentials();
}

/** The ARN of the named user in the caller's account (with its path when it exists). */
export async function userResource(ctx: ActionContext, name: string): Promise<string> {
  const { principal } = ctx.caller;
  if (principal.type === 'user' && principal.name.toLowerCase() === name.toLowerCase()) return principal.arn;
  const user = await findUserByName(ctx.deps.db, principal.accountId, name);
  return userArn(principal.accountId, user?.path ?? '/', user?.name ?? name);
}

/**
 * The resource of an Action whose UserName defaults to the caller (the root user's own ARN when
 * it names nobody). A role session is no user: it must name one, and is told so before any
 * policy is read, as AWS does.
 */
export async function userOrCallerResource(ctx: ActionContext, given: string | undefined): Promise<string> {
  if (given !== undefined) return userResource(ctx, given);
  if (ctx.caller.principal.type === 'assumed-role') throw nonUserCredentials();
  return ctx.caller.principal.arn;
}

export function userXml(user: UserRecord, extra: XmlObject = {}): XmlObject {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: userArn(user.accountId, user.path, user.name),
    CreateDate: awsTime(user.createdAt),
    ...extra,
  };
}

/** `PermissionsBoundary`, as GetUser and CreateUser describe a bounded user (ListUsers leaves it out, as AWS does). */
export function permissionsBoundaryXml(user: UserRecord): XmlObject {
  return user.permissionsBoundary
    ? {
        PermissionsBoundary: {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
          PermissionsBoundaryArn: user.permissionsBoundary,
        },
      }
    : {};
}

/** `PasswordLastUsed`, present only once the password has been used to sign in (as AWS leaves it out). */
export function passwordLastUsedXml(time: string | undefined): XmlObject {
  return time ? { PasswordLastUsed: awsTime(time) } : {};
}

/** The root user as GetUser describes it: its ID is the account ID; it has no name or path. */
export function rootUserXml(principal: Extract<Principal, { type: 'root' }>, createdAt: string): XmlObject {
  return { UserId: principal.accountId, Arn: rootArn(principal.accountId), CreateDate: awsTime(createdAt) };
}

/** Markers are opaque to callers: the sort key of the last item returned, base64url-encoded with a kind. */
export function encodeMarker(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64url');
}

export function decodeMarker(kind: string, marker: string | undefined): string | null {
  if (marker === undefined) return null;
  const text = /^[A-Za-z0-9_-]+$/.test(marker) ? Buffer.from(marker, 'base64url').toString('utf8') : '';
  if (!text.startsWith(`${kind}:`)) throw new GatehouseError('ValidationError', 'Invalid Marker.');
  return text.slice(kind.length + 1);
}

/** AWS's default page size for List Actions. */
export const DEFAULT_MAX_ITEMS = 100;

/** One page of a short list already in memory, sorted by `keyOf`. */
export function pageOf<T>(
  kind: string,
  items: T[],
  keyOf: (item: T) => string,
  marker: string | undefined,
  maxItems: number | undefined,
) {
  const after = decodeMarker(kind, marker);
  const rest = after === null ? items : items.filter((item) => keyOf(item) > after);
  const limit = maxItems ?? DEFAULT_MAX_ITEMS;
  const page = rest.slice(0, limit);
  const truncated = rest.length > limit;
  return {
    page,
    IsTruncated: truncated,
    Marker: truncated ? encodeMarker(kind, keyOf(page[page.length - 1]!)) : undefined,
  };
}
