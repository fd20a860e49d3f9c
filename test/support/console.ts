import { expect } from 'vitest';
import { loadPrincipal } from '../../src/identities/principal.ts';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { createVirtualDevice, enableVirtualDevice } from '../../src/mfa/mfa.service.ts';
import { codeAt, stepAt } from '../../src/mfa/totp.ts';
import { putInlinePolicy } from '../../src/policies/inline-policy.service.ts';
import { createPolicy } from '../../src/policies/managed-policy.service.ts';
import { putUserPermissionsBoundary } from '../../src/policies/permissions-boundary.service.ts';
import { USER_PASSWORD } from './fixtures.ts';
import { Browser, type TestContext } from './harness.ts';

export const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' } as const;

/** The README's "everyone manages their own MFA devices and access keys" policy, for any account. */
export const MANAGE_OWN_CREDENTIALS = [
  { Effect: 'Allow', Action: 'iam:CreateVirtualMFADevice', Resource: 'arn:aws:iam::*:mfa/*' },
  {
    Effect: 'Allow',
    Action: [
      'iam:EnableMFADevice',
      'iam:ResyncMFADevice',
      'iam:DeactivateMFADevice',
      'iam:ListMFADevices',
      'iam:CreateAccessKey',
      'iam:UpdateAccessKey',
      'iam:DeleteAccessKey',
      'iam:ListAccessKeys',
    ],
    Resource: 'arn:aws:iam::*:user/${aws:username}',
  },
] as const;

/** A policy document of these statements. */
function documentOf(statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Creates a managed policy of these statements and sets it as the permissions boundary of IAM user `userName`. */
export async function setUserBoundary(
  t: TestContext,
  accountId: string,
  userName: string,
  policyName: string,
  statements: object[],
): Promise<void> {
  const boundary = await createPolicy(
    t.deps,
    accountId,
    { name: policyName, document: documentOf(statements) },
    CLI_ACTOR,
    SYSTEM_META,
  );
  await putUserPermissionsBoundary(t.deps, accountId, userName, boundary.arn, CLI_ACTOR, SYSTEM_META);
}

/** Replaces one inline policy of a user with these statements. */
export async function setUserPolicy(
  t: TestContext,
  accountId: string,
  userName: string,
  policyName: string,
  statements: object[],
): Promise<void> {
  await putInlinePolicy(
    t.deps,
    accountId,
    'user',
    userName,
    policyName,
    documentOf(statements),
    CLI_ACTOR,
    SYSTEM_META,
  );
}

/** An enabled authenticator app of an IAM user, made by the services; its secret gives codes. */
export async function giveAuthenticator(
  t: TestContext,
  accountId: string,
  userId: string,
  name: string,
): Promise<{ id: string; serial: string; secret: string }> {
  const deps = t.deps;
  const { device, secret } = await createVirtualDevice(deps, accountId, { name }, CLI_ACTOR, SYSTEM_META);
  const owner = (await loadPrincipal(t.deps.db, accountId, userId))!;
  const now = stepAt(t.clock.now());
  await enableVirtualDevice(
    deps,
    owner,
    device.serial,
    codeAt(secret, now - 1),
    codeAt(secret, now),
    CLI_ACTOR,
    SYSTEM_META,
  );
  // The enabling codes' steps are spent: the next code must come from a later step.
  t.clock.advance(30_000);
  return { id: device.id, serial: device.serial, secret };
}

/** An IAM user signed in to the console (with the authenticator app's code when it has one). */
export async function signInUser(
  t: TestContext,
  accountId: string,
  userName: string,
  options: { mfa?: { id: string; secret: string }; remoteAddress?: string; password?: string } = {},
): Promise<Browser> {
  const browser = new Browser(t.app, options.remoteAddress ? { remoteAddress: options.remoteAddress } : {});
  const first = await browser.post(`/signin/${accountId}`, { userName, password: options.password ?? USER_PASSWORD });
  if (!options.mfa) {
    expect(first.headers.location).toBe('/console');
    return browser;
  }
  expect(first.headers.location).toBe('/signin/mfa');
  const done = await browser.post('/signin/mfa', {
    device: options.mfa.id,
    code: codeAt(options.mfa.secret, stepAt(t.clock.now())),
  });
  expect(done.headers.location).toBe('/console');
  t.clock.advance(30_000);
  return browser;
}
