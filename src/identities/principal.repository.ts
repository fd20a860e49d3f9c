import { type Principal, principalFrom } from './principal.ts';

/*
 * Reading a principal in the query that finds what it owns (a session, an access key,
 * temporary credentials): the columns such a query selects from `accounts`, `root_users` and
 * `users` joined to the principal ID, and the principal they make.
 */

/** The columns such a query selects from the three joined tables (`select(JOINED_PRINCIPAL_COLUMNS)`). */
export const JOINED_PRINCIPAL_COLUMNS = [
  'accounts.alias as account_alias',
  'accounts.name as account_name',
  'root_users.email as root_email',
  'users.id as user_id',
  'users.account_id as user_account_id',
  'users.name as user_name',
  'users.path as user_path',
  'users.is_admin as user_is_admin',
  'users.permissions_boundary as user_permissions_boundary',
] as const;

/** The columns a query that may find a role session selects from `roles` joined to the principal ID. */
export const JOINED_ROLE_COLUMNS = [
  'roles.id as role_id',
  'roles.account_id as role_account_id',
  'roles.name as role_name',
  'roles.path as role_path',
  'roles.permissions_boundary as role_permissions_boundary',
] as const;

export interface JoinedRoleRow {
  role_id: string | null;
  role_account_id: string | null;
  role_name: string | null;
  role_path: string | null;
  role_permissions_boundary: string | null;
}

/** The columns such a query selects, under these names. */
export interface JoinedPrincipalRow {
  account_alias: string | null;
  account_name: string;
  root_email: string | null;
  user_id: string | null;
  user_account_id: string | null;
  user_name: string | null;
  user_path: string | null;
  user_is_admin: number | null;
  user_permissions_boundary: string | null;
}

/** The principal `principalId` of account `accountId` from a row that joined its records; null when they do not belong together. */
export function joinedPrincipal(row: JoinedPrincipalRow, accountId: string, principalId: string): Principal | null {
  const user =
    row.user_id !== null
      ? {
          id: row.user_id,
          accountId: row.user_account_id!,
          name: row.user_name!,
          path: row.user_path!,
          isAdmin: Number(row.user_is_admin) === 1,
          permissionsBoundary: row.user_permissions_boundary,
        }
      : null;
  return principalFrom(
    { id: accountId, alias: row.account_alias, name: row.account_name },
    { rootEmail: row.root_email, user },
    principalId,
  );
}
