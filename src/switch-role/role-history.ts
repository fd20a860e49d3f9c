import { isAccountId, isAlias } from '../shared/validation.ts';

/**
 * The roles an IAM user switched to recently, as the AWS console keeps them: in the browser
 * (a cookie), the last five per user, each with the display name and colour chosen for its
 * banner. The browser is the right home for it: it is a convenience of that browser, holds
 * nothing the server must keep or protect (every switch is decided afresh), and goes away with
 * the browser's cookies. Entries are keyed by the user's unique ID, so people sharing a browser
 * see only their own, and a user deleted and created again under the same name sees none.
 * Whatever the cookie holds is read strictly: an entry that does not parse is dropped.
 */

/** The banner colours the console offers, as the AWS console does. */
export const ROLE_COLOURS = ['red', 'orange', 'yellow', 'green', 'blue'] as const;
export type RoleColour = (typeof ROLE_COLOURS)[number];

export function isRoleColour(value: string): value is RoleColour {
  return (ROLE_COLOURS as readonly string[]).includes(value);
}

/** Recently used roles kept per user, newest first. */
export const HISTORY_PER_USER = 5;
/** Entries kept in all (several people may share a browser): the cookie stays well under 4 KB. */
const HISTORY_ENTRIES = 15;
/** The longest cookie value written, well under the 4,096 bytes browsers keep for a cookie with its name and attributes. */
const COOKIE_MAX = 3600;
/** The longest display name, as in AWS. */
export const DISPLAY_NAME_MAX = 64;

export interface RecentRole {
  /** The account the role belongs to, as the user typed it: its 12-digit ID or its alias. */
  account: string;
  /** The role's name, with its path when it has one (`path/name`). */
  roleName: string;
  displayName: string;
  colour: RoleColour;
}

interface Entry extends RecentRole {
  /** The user's unique ID (AIDA…). */
  userId: string;
}

/** A role name as AssumeRole's ARN takes it: `name` or `path/name`, each part of IAM name characters. */
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export function isRoleNameWithPath(value: string): boolean {
  return value.length <= 576 && ROLE_NAME.test(value);
}

function entryOf(value: unknown): Entry | null {
  if (!Array.isArray(value) || value.length !== 5 || !value.every((v) => typeof v === 'string')) return null;
  const [userId, account, roleName, displayName, colour] = value as string[];
  if (!/^[A-Z0-9]{16,32}$/.test(userId!) || !(isAccountId(account!) || isAlias(account!))) return null;
  if (!isRoleNameWithPath(roleName!) || !isRoleColour(colour!)) return null;
  if (displayName!.length === 0 || displayName!.length > DISPLAY_NAME_MAX) return null;
  return { userId: userId!, account: account!, roleName: roleName!, displayName: displayName!, colour: colour! };
}

function readAll(cookie: string | undefined): Entry[] {
  if (!cookie) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed
      .map(entryOf)
      .filter((e): e is Entry => e !== null)
      .slice(0, HISTORY_ENTRIES);
  } catch {
    return [];
  }
}

function sameRole(a: RecentRole, b: RecentRole): boolean {
  return a.account === b.account && a.roleName.toLowerCase() === b.roleName.toLowerCase();
}

/** The user's recently used roles in the cookie, newest first. */
export function recentRolesOf(cookie: string | undefined, userId: string): RecentRole[] {
  return readAll(cookie)
    .filter((e) => e.userId === userId)
    .slice(0, HISTORY_PER_USER)
    .map(({ userId: _user, ...role }) => role);
}

/** The cookie's value with `role` first in the user's list (replacing the same role), the oldest beyond five dropped. */
export function withRecentRole(cookie: string | undefined, userId: string, role: RecentRole): string {
  const all = readAll(cookie).filter((e) => !(e.userId === userId && sameRole(e, role)));
  const entries = [{ userId, ...role }, ...all];
  const kept: Entry[] = [];
  const perUser = new Map<string, number>();
  for (const e of entries) {
    const n = perUser.get(e.userId) ?? 0;
    if (n >= HISTORY_PER_USER || kept.length >= HISTORY_ENTRIES) continue;
    perUser.set(e.userId, n + 1);
    kept.push(e);
  }
  const encode = (list: Entry[]) =>
    Buffer.from(
      JSON.stringify(list.map((e) => [e.userId, e.account, e.roleName, e.displayName, e.colour])),
      'utf8',
    ).toString('base64url');
  // Long role paths could outgrow what a browser keeps in one cookie: the oldest entries go first.
  let value = encode(kept);
  while (value.length > COOKIE_MAX && kept.length > 1) {
    kept.pop();
    value = encode(kept);
  }
  return value;
}

/** The history entry of the role the console now acts as, matched by its account and name; undefined when the cookie has none. */
export function recentRoleFor(
  cookie: string | undefined,
  userId: string,
  role: { accountId: string; accountAlias: string | null; roleName: string; path: string },
): RecentRole | undefined {
  const withPath = `${role.path.slice(1)}${role.roleName}`.toLowerCase();
  return recentRolesOf(cookie, userId).find(
    (r) =>
      (r.account === role.accountId || r.account === role.accountAlias) &&
      (r.roleName.toLowerCase() === withPath || r.roleName.toLowerCase() === role.roleName.toLowerCase()),
  );
}
