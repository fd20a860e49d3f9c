import type { Principal } from '../accounts/principal.ts';

/**
 * Who may administer an account's users until the policy engine decides it:
 * the root user and IAM users marked administrator. The one place this rule lives.
 */
export function mayAdministerUsers(principal: Principal): boolean {
  return principal.type === 'root' || principal.isAdmin;
}
