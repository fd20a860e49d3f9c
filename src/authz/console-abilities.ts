import { decideMany } from '../policies/authorization.service.ts';
import type { Deps } from '../deps.ts';
import type { ConsoleCaller } from './console-authorization.ts';

/**
 * Which administration pages the console offers a signed-in principal, decided by the
 * policy engine from the same permissions the pages themselves check, with the same request
 * context (source address, transport, MFA), so a link is shown exactly when following it
 * would be allowed.
 */
export interface ConsoleAbilities {
  users: boolean;
  groups: boolean;
  roles: boolean;
  policies: boolean;
  passwordPolicy: boolean;
  accountAlias: boolean;
  activity: boolean;
  credentialReport: boolean;
  simulator: boolean;
  oidcClients: boolean;
}

/** The permission behind each console page, as `[action, resource]` (`*`: the account as a whole). */
export const CONSOLE_PAGE_PERMISSIONS: Record<keyof ConsoleAbilities, readonly [string, string]> = {
  users: ['iam:ListUsers', '*'],
  groups: ['iam:ListGroups', '*'],
  roles: ['iam:ListRoles', '*'],
  policies: ['iam:ListPolicies', '*'],
  passwordPolicy: ['iam:GetAccountPasswordPolicy', '*'],
  accountAlias: ['iam:ListAccountAliases', '*'],
  activity: ['cloudtrail:LookupEvents', '*'],
  credentialReport: ['iam:GetCredentialReport', '*'],
  simulator: ['iam:SimulatePrincipalPolicy', '*'],
  oidcClients: ['gatehouse:ListOidcClients', '*'],
};

/** Before they are decided: no administration links. */
export const NO_ABILITIES: Readonly<ConsoleAbilities> = Object.freeze({
  users: false,
  groups: false,
  roles: false,
  policies: false,
  passwordPolicy: false,
  accountAlias: false,
  activity: false,
  credentialReport: false,
  simulator: false,
  oidcClients: false,
});

export async function consoleAbilities(deps: Deps, who: ConsoleCaller): Promise<ConsoleAbilities> {
  const keys = Object.keys(CONSOLE_PAGE_PERMISSIONS) as Array<keyof ConsoleAbilities>;
  const decisions = await decideMany(
    deps,
    who.principal,
    keys.map((k) => ({ action: CONSOLE_PAGE_PERMISSIONS[k][0], resource: CONSOLE_PAGE_PERMISSIONS[k][1] })),
    who.context,
  );
  return Object.fromEntries(keys.map((k, i) => [k, decisions[i]!])) as unknown as ConsoleAbilities;
}
