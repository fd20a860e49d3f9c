import { type AuditFact, type Audience, type Cause, when } from './diagnosis.ts';

/**
 * A refused Switch role, explained to its owner: the console told the person only "invalid
 * information", as AWS does; the reason was recorded (SwitchRole, outcome Failure) and is
 * said here, with what fixes it. The reasons are the switch's own (no such account) and
 * AssumeRole's (`src/sts/assume-role.service.ts`), whose decision the switch is.
 */

interface SwitchFacts {
  roleArn?: string;
  account?: string;
}

function factsOf(details: string | null): SwitchFacts {
  try {
    const parsed = details ? (JSON.parse(details) as Record<string, unknown>) : {};
    return {
      ...(typeof parsed.roleArn === 'string' ? { roleArn: parsed.roleArn } : {}),
      ...(typeof parsed.account === 'string' ? { account: parsed.account } : {}),
    };
  } catch {
    return {};
  }
}

export function switchRoleCause(
  event: AuditFact,
  name: string,
  audience: Audience,
  link: (path: string) => string,
  ownAccountId: string,
): Cause {
  const facts = factsOf(event.details);
  const role = event.targetName ?? 'a role';
  const account = facts.account ?? 'another account';
  const tried = `${name} tried to switch to role ${role} in account ${account} on ${when(event.time)}, and was refused:`;
  const sameAccount = facts.roleArn?.split(':')[4] === ownAccountId;
  const rolePage = sameAccount ? link(`/console/roles/${encodeURIComponent(role.split('/').pop() ?? role)}`) : null;
  const switchPage = link('/console/switch-role');
  const admins = audience === 'administrators';
  const askAdmins = { label: 'Ask your administrators to check the role and your permissions', url: switchPage };
  const cause = (text: string, fix: Cause['fix']): Cause => ({
    code: 'SwitchRoleRefused',
    text: `${tried} ${text}`,
    fix,
  });
  switch (event.reason) {
    case 'NoSuchAccount':
      return cause('no account has that ID or alias.', {
        label: 'Switch role with the account ID or alias the role belongs to',
        url: switchPage,
      });
    case 'NoSuchRole':
      return cause(`account ${account} has no role of that name (a role with a path is named path/name).`, {
        label: 'Switch role with the role’s exact name',
        url: switchPage,
      });
    case 'MfaRequired':
      return cause(`the role may only be assumed with MFA, and ${name} had signed in without it.`, {
        label: 'Sign in with an MFA device, then switch role',
        url: link('/console/security-credentials'),
      });
    case 'TrustPolicyDenied':
      return cause(
        `the role’s trust policy does not let ${name} assume it.`,
        admins && rolePage
          ? { label: `Review the trust relationships of role ${role}`, url: `${rolePage}#trust` }
          : askAdmins,
      );
    case 'IdentityPolicyDenied':
      return cause(
        `${name}’s own policies do not allow sts:AssumeRole on the role${sameAccount ? '' : ' (a role of another account needs them as well as its trust policy)'}.`,
        admins
          ? {
              label: `Allow ${name} sts:AssumeRole on ${facts.roleArn ?? 'the role'}`,
              url: link(`/console/users/${encodeURIComponent(name)}#permissions`),
            }
          : askAdmins,
      );
    default:
      return cause(`the switch could not be made (${event.reason ?? 'no reason recorded'}).`, askAdmins);
  }
}
