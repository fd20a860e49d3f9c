import type { PolicyDocument } from '../policy-engine/document.ts';
import { readAwsPrincipal } from '../policy-engine/trust-principals.ts';

/**
 * Who a trust policy lets assume the role, in a few words each, for the Roles list ("This
 * account", "Account 111122223333", "IAM user ivy", "Service ec2.amazonaws.com"): the
 * principals of its Allow statements. The role's page reads the whole policy (`trustSummary`).
 */
export function trustedEntities(document: PolicyDocument, thisAccountId: string): string[] {
  const found = new Set<string>();
  const inAccount = (accountId: string) => (accountId === thisAccountId ? '' : ` (account ${accountId})`);
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow') continue;
    if (statement.notPrincipal !== null) {
      found.add('Anyone but the principals it names');
      continue;
    }
    const principal = statement.principal;
    if (principal === null) continue;
    if (principal === '*') {
      found.add('Anyone');
      continue;
    }
    for (const [type, values] of Object.entries(principal)) {
      for (const value of values) {
        if (type === 'Service') found.add(`Service ${value}`);
        else if (type === 'Federated') found.add(`Identity provider ${value}`);
        else if (type !== 'AWS') found.add(`${type} ${value}`);
        else {
          const ref = readAwsPrincipal(value);
          if (ref.kind === 'anyone') found.add('Anyone');
          else if (ref.kind === 'account')
            found.add(ref.accountId === thisAccountId ? 'This account' : `Account ${ref.accountId}`);
          else if (ref.kind === 'user') found.add(`IAM user ${ref.name}${inAccount(ref.accountId)}`);
          else if (ref.kind === 'role') found.add(`Role ${ref.name}${inAccount(ref.accountId)}`);
          else if (ref.kind === 'session')
            found.add(`Role session ${ref.roleName}/${ref.sessionName}${inAccount(ref.accountId)}`);
          else if (ref.kind === 'uniqueId') found.add(`Deleted principal ${ref.uniqueId}`);
          else if (ref.kind === 'federatedUser') found.add(`Federated user${inAccount(ref.accountId)}`);
          else found.add(value);
        }
      }
    }
  }
  return [...found];
}
