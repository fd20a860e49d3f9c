import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_ALL, giveAuthenticator, setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { snapshotDatabase } from '../../test/support/db-snapshot.ts';
import { insertTestRole } from '../../test/support/roles.ts';
import { registerTestClient } from '../../test/support/oidc-clients.ts';
import { USER_PASSWORD, keyFor, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { buildApp } from '../app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { addUserToGroup, createGroup } from '../groups/group.service.ts';
import { createVirtualDevice } from '../mfa/mfa.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { putInlinePolicy } from '../policies/inline-policy.service.ts';
import { putUserPermissionsBoundary } from '../policies/permissions-boundary.service.ts';
import { tagUser } from '../user-tags/user-tag.service.ts';
import { updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { createPolicy, createPolicyVersion } from '../policies/managed-policy.service.ts';
import { insertHelpRequest, listPendingHelpRequests } from '../recovery/help-request.repository.ts';
import { newRowId } from '../shared/ids.ts';
import { askAdministrator } from '../recovery/help-request.service.ts';
import { installRouteAccess } from '../web/route-access.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import { WebContext } from '../web/web-context.ts';
import { ownSession, type RouteAccess } from './console-access.ts';

/** What a console POST route is refused for, and a request that would otherwise change something. */
interface DenyCase {
  /** The IAM action the Query API decides for the same change (the route must declare it). */
  action: string;
  url(f: Fixture): string;
  body(f: Fixture): Record<string, string>;
}

interface Fixture {
  ownDeviceId: string;
  ownPendingDeviceId: string;
  ownKeyId: string;
  targetDeviceId: string;
  targetKeyId: string;
  helpRequestId: string;
  mfaHelpRequestId: string;
  alias: string;
  /** A customer managed policy with a default version v1 and a version v2 besides it. */
  policyArn: string;
  /** A confidential OpenID Connect client of the account. */
  clientId: string;
}

const POLICY_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
});
const policyUrl = (f: Fixture, rest: string) => `/console/policies/${encodeURIComponent(f.policyArn)}${rest}`;

const NEW_PASSWORD = { password: 'another fine password 42', requireReset: 'on' };

const TESS_POLICY_ARN = 'arn:aws:iam::aws:policy/IAMUserChangePassword';
const TESS_INLINE_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
});

const TEAM_POLICY_ARN = 'arn:aws:iam::aws:policy/IAMUserChangePassword';
const TEAM_INLINE_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
});

/**
 * Every state-changing console POST and the permission the Query API uses for the same
 * change: a route missing here, or declaring another action, fails the test.
 */
const DENY_CASES: Record<string, DenyCase> = {
  'POST /console/users': {
    action: 'iam:CreateUser',
    url: () => '/console/users',
    body: () => ({ userName: 'made-while-denied' }),
  },
  'POST /console/users/:name/login-profile': {
    action: 'iam:CreateLoginProfile',
    url: () => '/console/users/nopass/login-profile',
    body: () => NEW_PASSWORD,
  },
  'POST /console/users/:name/password': {
    action: 'iam:UpdateLoginProfile',
    url: () => '/console/users/tess/password',
    body: () => NEW_PASSWORD,
  },
  'POST /console/users/:name/delete': {
    action: 'iam:DeleteUser',
    url: () => '/console/users/tess/delete',
    body: () => ({}),
  },
  'POST /console/users/:name/unlock-sign-in': {
    action: 'iam:UpdateLoginProfile',
    url: () => '/console/users/tess/unlock-sign-in',
    body: () => ({}),
  },
  'POST /console/users/help-requests/:id/dismiss': {
    action: 'iam:UpdateLoginProfile',
    url: (f) => `/console/users/help-requests/${f.helpRequestId}/dismiss`,
    body: () => ({}),
  },
  'POST /console/users/mfa-help-requests/:id/resolve': {
    action: 'iam:DeactivateMFADevice',
    url: (f) => `/console/users/mfa-help-requests/${f.mfaHelpRequestId}/resolve`,
    body: () => ({}),
  },
  'POST /console/users/mfa-help-requests/:id/dismiss': {
    action: 'iam:DeactivateMFADevice',
    url: (f) => `/console/users/mfa-help-requests/${f.mfaHelpRequestId}/dismiss`,
    body: () => ({}),
  },
  'POST /console/users/:name/mfa/:id/deactivate': {
    action: 'iam:DeactivateMFADevice',
    url: (f) => `/console/users/tess/mfa/${f.targetDeviceId}/deactivate`,
    body: () => ({}),
  },
  'POST /console/users/:name/access-keys': {
    action: 'iam:CreateAccessKey',
    url: () => '/console/users/tess/access-keys',
    body: () => ({}),
  },
  'POST /console/users/:name/access-keys/:id/status': {
    action: 'iam:UpdateAccessKey',
    url: (f) => `/console/users/tess/access-keys/${f.targetKeyId}/status`,
    body: () => ({ status: 'Inactive' }),
  },
  'POST /console/users/:name/access-keys/:id/delete': {
    action: 'iam:DeleteAccessKey',
    url: (f) => `/console/users/tess/access-keys/${f.targetKeyId}/delete`,
    body: () => ({}),
  },
  'POST /console/security-credentials/access-keys': {
    action: 'iam:CreateAccessKey',
    url: () => '/console/security-credentials/access-keys',
    body: () => ({}),
  },
  'POST /console/security-credentials/access-keys/:id/status': {
    action: 'iam:UpdateAccessKey',
    url: (f) => `/console/security-credentials/access-keys/${f.ownKeyId}/status`,
    body: () => ({ status: 'Inactive' }),
  },
  'POST /console/security-credentials/access-keys/:id/delete': {
    action: 'iam:DeleteAccessKey',
    url: (f) => `/console/security-credentials/access-keys/${f.ownKeyId}/delete`,
    body: () => ({}),
  },
  'POST /console/mfa/authenticator': {
    action: 'iam:CreateVirtualMFADevice',
    url: () => '/console/mfa/authenticator',
    body: () => ({ name: 'dora' }),
  },
  'POST /console/mfa/authenticator/enable': {
    action: 'iam:EnableMFADevice',
    url: () => '/console/mfa/authenticator/enable',
    body: (f) => ({ device: f.ownPendingDeviceId, code1: '123456', code2: '654321' }),
  },
  'POST /console/mfa/security-key': {
    action: 'iam:EnableMFADevice',
    url: () => '/console/mfa/security-key',
    body: () => ({ name: 'key', credential: '{}' }),
  },
  'POST /console/mfa/devices/:id/remove': {
    action: 'iam:DeactivateMFADevice',
    url: (f) => `/console/mfa/devices/${f.ownDeviceId}/remove`,
    body: () => ({ currentPassword: USER_PASSWORD }),
  },
  'POST /console/mfa/devices/:id/resync': {
    action: 'iam:ResyncMFADevice',
    url: (f) => `/console/mfa/devices/${f.ownDeviceId}/resync`,
    body: () => ({ code1: '123456', code2: '654321' }),
  },
  'POST /console/mfa/recovery-codes': {
    action: 'iam:EnableMFADevice',
    url: () => '/console/mfa/recovery-codes',
    body: () => ({}),
  },
  'POST /console/change-password': {
    action: 'iam:ChangePassword',
    url: () => '/console/change-password',
    body: () => ({
      currentPassword: USER_PASSWORD,
      newPassword: 'a changed password 77',
      confirmPassword: 'a changed password 77',
    }),
  },
  'POST /console/password-policy': {
    action: 'iam:UpdateAccountPasswordPolicy',
    url: () => '/console/password-policy',
    body: () => ({ minimumPasswordLength: '20' }),
  },
  'POST /console/password-policy/delete': {
    action: 'iam:DeleteAccountPasswordPolicy',
    url: () => '/console/password-policy/delete',
    body: () => ({}),
  },
  'POST /console/account-alias': {
    action: 'iam:CreateAccountAlias',
    url: () => '/console/account-alias',
    body: () => ({ alias: 'another-alias-while-denied' }),
  },
  'POST /console/account-alias/delete': {
    action: 'iam:DeleteAccountAlias',
    url: () => '/console/account-alias/delete',
    body: (f) => ({ alias: f.alias }),
  },
  'POST /console/users/:name/sign-in-details.csv': {
    action: 'iam:CreateLoginProfile',
    url: () => '/console/users/tess/sign-in-details.csv',
    body: () => ({}),
  },
  'POST /console/users/:name/attach-policy': {
    action: 'iam:AttachUserPolicy',
    url: () => '/console/users/tess/attach-policy',
    body: () => ({ policyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }),
  },
  'POST /console/users/:name/detach-policy': {
    action: 'iam:DetachUserPolicy',
    url: () => '/console/users/tess/detach-policy',
    body: () => ({ policyArn: TESS_POLICY_ARN }),
  },
  'POST /console/users/:name/inline-policies': {
    action: 'iam:PutUserPolicy',
    url: () => '/console/users/tess/inline-policies',
    body: () => ({ policyName: 'made-while-denied', policyDocument: TESS_INLINE_DOCUMENT }),
  },
  'POST /console/users/:name/inline-policies/:policyName': {
    action: 'iam:PutUserPolicy',
    url: () => '/console/users/tess/inline-policies/kept',
    body: () => ({ policyDocument: TESS_INLINE_DOCUMENT.replace('GetUser', 'ListUsers') }),
  },
  'POST /console/users/:name/inline-policies/:policyName/delete': {
    action: 'iam:DeleteUserPolicy',
    url: () => '/console/users/tess/inline-policies/kept/delete',
    body: () => ({}),
  },
  'POST /console/users/:name/permissions-boundary': {
    action: 'iam:PutUserPermissionsBoundary',
    url: () => '/console/users/tess/permissions-boundary',
    body: () => ({ permissionsBoundary: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }),
  },
  'POST /console/users/:name/permissions-boundary/delete': {
    action: 'iam:DeleteUserPermissionsBoundary',
    url: () => '/console/users/tess/permissions-boundary/delete',
    body: () => ({}),
  },
  'POST /console/users/:name/groups': {
    action: 'iam:AddUserToGroup',
    url: () => '/console/users/nopass/groups',
    body: () => ({ groupName: 'crew' }),
  },
  'POST /console/users/:name/groups/remove': {
    action: 'iam:RemoveUserFromGroup',
    url: () => '/console/users/tess/groups/remove',
    body: () => ({ groupName: 'crew' }),
  },
  'POST /console/users/:name/tags': {
    action: 'iam:TagUser',
    url: () => '/console/users/tess/tags',
    body: () => ({ tagKey: 'team', tagValue: 'changed-while-denied' }),
  },
  'POST /console/users/:name/tags/remove': {
    action: 'iam:UntagUser',
    url: () => '/console/users/tess/tags/remove',
    body: () => ({ tagKey: 'team' }),
  },
  'POST /console/users/:name/access-keys/:id/csv': {
    action: 'iam:CreateAccessKey',
    url: (f) => `/console/users/tess/access-keys/${f.targetKeyId}/csv`,
    body: () => ({}),
  },
  'POST /console/security-credentials/access-keys/:id/csv': {
    action: 'iam:CreateAccessKey',
    url: (f) => `/console/security-credentials/access-keys/${f.ownKeyId}/csv`,
    body: () => ({}),
  },
  'POST /console/groups': {
    action: 'iam:CreateGroup',
    url: () => '/console/groups',
    body: () => ({ groupName: 'made-while-denied' }),
  },
  'POST /console/groups/:name/add-user': {
    action: 'iam:AddUserToGroup',
    url: () => '/console/groups/team/add-user',
    body: () => ({ userName: 'nopass' }),
  },
  'POST /console/groups/:name/remove-user': {
    action: 'iam:RemoveUserFromGroup',
    url: () => '/console/groups/team/remove-user',
    body: () => ({ userName: 'tess' }),
  },
  'POST /console/groups/:name/update': {
    action: 'iam:UpdateGroup',
    url: () => '/console/groups/team/update',
    body: () => ({ newGroupName: 'renamed-while-denied', newPath: '/moved/' }),
  },
  'POST /console/groups/:name/delete': {
    action: 'iam:DeleteGroup',
    url: () => '/console/groups/empty-team/delete',
    body: () => ({}),
  },
  'POST /console/groups/:name/attach-policy': {
    action: 'iam:AttachGroupPolicy',
    url: () => '/console/groups/team/attach-policy',
    body: () => ({ policyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }),
  },
  'POST /console/groups/:name/detach-policy': {
    action: 'iam:DetachGroupPolicy',
    url: () => '/console/groups/team/detach-policy',
    body: () => ({ policyArn: TEAM_POLICY_ARN }),
  },
  'POST /console/groups/:name/inline-policies': {
    action: 'iam:PutGroupPolicy',
    url: () => '/console/groups/team/inline-policies',
    body: () => ({ policyName: 'made-while-denied', policyDocument: TEAM_INLINE_DOCUMENT }),
  },
  'POST /console/groups/:name/inline-policies/:policyName': {
    action: 'iam:PutGroupPolicy',
    url: () => '/console/groups/team/inline-policies/existing',
    body: () => ({ policyDocument: TEAM_INLINE_DOCUMENT.replace('ListAllMyBuckets', 'GetObject') }),
  },
  'POST /console/groups/:name/inline-policies/:policyName/delete': {
    action: 'iam:DeleteGroupPolicy',
    url: () => '/console/groups/team/inline-policies/existing/delete',
    body: () => ({}),
  },
  'POST /console/roles/new': {
    action: 'iam:CreateRole',
    url: () => '/console/roles/new',
    body: () => ({ trustKind: 'this-account', go: 'permissions' }),
  },
  'POST /console/roles': {
    action: 'iam:CreateRole',
    url: () => '/console/roles',
    body: () => ({ trustKind: 'this-account', roleName: 'made-while-denied', maxSessionDuration: '3600' }),
  },
  'POST /console/roles/:name/settings': {
    action: 'iam:UpdateRole',
    url: () => '/console/roles/ops/settings',
    body: () => ({ maxSessionDuration: '7200', description: 'changed while denied' }),
  },
  'POST /console/roles/:name/trust-policy': {
    action: 'iam:UpdateAssumeRolePolicy',
    url: () => '/console/roles/ops/trust-policy',
    body: () => ({
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  },
  'POST /console/roles/:name/revoke-sessions': {
    action: 'iam:PutRolePolicy',
    url: () => '/console/roles/ops/revoke-sessions',
    body: () => ({}),
  },
  'POST /console/roles/:name/delete': {
    action: 'iam:DeleteRole',
    url: () => '/console/roles/ops/delete',
    body: () => ({}),
  },
  'POST /console/roles/:name/attach-policy': {
    action: 'iam:AttachRolePolicy',
    url: () => '/console/roles/ops/attach-policy',
    body: () => ({ policyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }),
  },
  'POST /console/roles/:name/detach-policy': {
    action: 'iam:DetachRolePolicy',
    url: () => '/console/roles/ops/detach-policy',
    body: () => ({ policyArn: TEAM_POLICY_ARN }),
  },
  'POST /console/roles/:name/inline-policies': {
    action: 'iam:PutRolePolicy',
    url: () => '/console/roles/ops/inline-policies',
    body: () => ({ policyName: 'made-while-denied', policyDocument: TEAM_INLINE_DOCUMENT }),
  },
  'POST /console/roles/:name/inline-policies/:policyName': {
    action: 'iam:PutRolePolicy',
    url: () => '/console/roles/ops/inline-policies/existing',
    body: () => ({ policyDocument: TEAM_INLINE_DOCUMENT.replace('ListAllMyBuckets', 'GetObject') }),
  },
  'POST /console/roles/:name/inline-policies/:policyName/delete': {
    action: 'iam:DeleteRolePolicy',
    url: () => '/console/roles/ops/inline-policies/existing/delete',
    body: () => ({}),
  },
  'POST /console/policies': {
    action: 'iam:CreatePolicy',
    url: () => '/console/policies',
    body: () => ({ policyName: 'made-while-denied', policyDocument: POLICY_DOCUMENT }),
  },
  'POST /console/policies/:arn/versions': {
    action: 'iam:CreatePolicyVersion',
    url: (f) => policyUrl(f, '/versions'),
    body: () => ({ policyDocument: POLICY_DOCUMENT, setAsDefault: 'on' }),
  },
  'POST /console/policies/:arn/versions/:versionId/default': {
    action: 'iam:SetDefaultPolicyVersion',
    url: (f) => policyUrl(f, '/versions/v2/default'),
    body: () => ({}),
  },
  'POST /console/policies/:arn/versions/:versionId/delete': {
    action: 'iam:DeletePolicyVersion',
    url: (f) => policyUrl(f, '/versions/v2/delete'),
    body: () => ({}),
  },
  'POST /console/policies/:arn/delete': {
    action: 'iam:DeletePolicy',
    url: (f) => policyUrl(f, '/delete'),
    body: () => ({}),
  },
  'POST /console/applications': {
    action: 'gatehouse:CreateOidcClient',
    url: () => '/console/applications',
    body: () => ({ name: 'Made while denied', redirectUris: 'https://app.example/cb' }),
  },
  'POST /console/applications/:clientId/settings': {
    action: 'gatehouse:UpdateOidcClient',
    url: (f) => `/console/applications/${f.clientId}/settings`,
    body: () => ({ name: 'Renamed while denied', redirectUris: 'https://app.example/cb' }),
  },
  'POST /console/applications/:clientId/rotate-secret': {
    action: 'gatehouse:RotateOidcClientSecret',
    url: (f) => `/console/applications/${f.clientId}/rotate-secret`,
    body: () => ({}),
  },
  'POST /console/applications/:clientId/delete': {
    action: 'gatehouse:DeleteOidcClient',
    url: (f) => `/console/applications/${f.clientId}/delete`,
    body: () => ({}),
  },
};

/** Console POST routes with no IAM action behind them, each with the kind of reason it declares. */
const NO_PERMISSION: Record<string, RouteAccess['kind']> = {
  'POST /signout': 'no-session',
  'POST /console/email': 'root-only',
  'POST /console/mfa/phone': 'root-only',
  'POST /console/mfa/phone/confirm': 'root-only',
  'POST /console/mfa/recovery-wait': 'root-only',
  'POST /console/mfa/recovery/:id/cancel': 'root-only',
  'POST /console/activity/acknowledge': 'own-session',
  'POST /console/switch-role': 'own-session',
  'POST /console/switch-role/back': 'own-session',
};

describe('every console POST route declares how it is authorized', () => {
  it('declares a permission (the Query API one) or why it needs none', async () => {
    const t = await createTestContext('sqlite');
    const routes: RouteOptions[] = [];
    const app = await buildApp(t.config, t.deps, { logger: false, onRoute: (route) => routes.push(route) });
    await app.ready();
    await app.close();
    await t.close();

    const methods = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]);
    const consolePosts = routes.filter(
      (r) => methods(r).includes('POST') && (r.url.startsWith('/console') || r.url === '/signout'),
    );
    expect(consolePosts.length).toBeGreaterThan(25);
    const seen = new Set<string>();
    for (const route of consolePosts) {
      const key = `POST ${route.url}`;
      seen.add(key);
      const access = (route.config as { access?: RouteAccess } | undefined)?.access;
      expect(access, `${key} declares no access`).toBeDefined();
      if (access!.kind === 'permission') {
        expect(DENY_CASES[key], `${key} has no deny case in this test`).toBeDefined();
        expect(access!.needs[0]!.action, key).toBe(DENY_CASES[key]!.action);
      } else {
        expect(NO_PERMISSION[key], `${key} needs no permission: say why in NO_PERMISSION`).toBe(access!.kind);
        expect(access!.reason.length, key).toBeGreaterThan(20);
      }
    }
    for (const key of [...Object.keys(DENY_CASES), ...Object.keys(NO_PERMISSION)]) expect(seen, key).toContain(key);
  });

  it('refuses to build an app with a state-changing console route that is not a page route', async () => {
    const t = await createTestContext('sqlite');
    const app = Fastify({ logger: false });
    const web = new WebContext(t.config, t.deps);
    installRouteAccess(app);
    expect(() => app.post('/console/forgotten', async () => 'changed')).toThrowError(
      '/console/forgotten changes state but is not a page route declaring its access',
    );
    expect(() => app.post('/signout', async () => 'signed out')).toThrowError(
      '/signout changes state but is not a page route declaring its access',
    );
    // Access declared by hand is never enforced: refused too, rather than trusted.
    expect(() =>
      app.post(
        '/console/hand-made',
        { config: { access: ownSession('A route that claims access by hand.') } },
        async () => 'x',
      ),
    ).toThrowError('/console/hand-made declares access but is not a page route (pageRoutes)');
    app.get('/console/read-only', async () => 'fine');
    pageRoutes(app, web).post('/console/declared', { access: ownSession('A page route declaring its access.') }, () =>
      redirect('/console'),
    );
    await app.close();
    await t.close();
  });
});

describe.each(DIALECTS)(
  'an explicit Deny on the declared action refuses each console POST and changes nothing on %s',
  (dialect) => {
    let t: TestContext;
    let account: Awaited<ReturnType<typeof makeAccount>>;
    let fixture: Fixture;
    let dora: Browser;
    let csrf: string;

    beforeAll(async () => {
      t = await createTestContext(dialect);
      const alias = `deny-${dialect}`;
      account = await makeAccount(t.deps, { alias });
      await updatePasswordPolicy(
        t.deps,
        account.id,
        { minimumPasswordLength: 8, allowUsersToChangePassword: true },
        CLI_ACTOR,
        SYSTEM_META,
      );
      const doraUser = await makeUser(t.deps, account.id, 'dora');
      const tessUser = await makeUser(t.deps, account.id, 'tess');
      await makeUser(t.deps, account.id, 'nopass', { password: null });
      await setUserPolicy(t, account.id, 'dora', 'everything', [ALLOW_ALL]);
      const own = await giveAuthenticator(t, account.id, doraUser.id, 'dora-phone');
      const target = await giveAuthenticator(t, account.id, tessUser.id, 'tess-phone');
      const mfaDeps = t.deps;
      const pending = await createVirtualDevice(
        mfaDeps,
        account.id,
        { name: 'dora-pending', pendingFor: doraUser.id },
        CLI_ACTOR,
        SYSTEM_META,
      );
      const ownKey = await keyFor(t, { accountId: account.id, principalId: doraUser.id, userName: 'dora' });
      const targetKey = await keyFor(t, { accountId: account.id, principalId: tessUser.id, userName: 'tess' });
      await createGroup(t.deps, account.id, { name: 'crew' }, CLI_ACTOR, SYSTEM_META);
      await addUserToGroup(t.deps, account.id, 'crew', 'tess', CLI_ACTOR, SYSTEM_META);
      await attachPolicy(t.deps, account.id, 'user', 'tess', TESS_POLICY_ARN, CLI_ACTOR, SYSTEM_META);
      await putInlinePolicy(t.deps, account.id, 'user', 'tess', 'kept', TESS_INLINE_DOCUMENT, CLI_ACTOR, SYSTEM_META);
      await putUserPermissionsBoundary(t.deps, account.id, 'tess', TESS_POLICY_ARN, CLI_ACTOR, SYSTEM_META);
      await tagUser(t.deps, account.id, 'tess', [{ key: 'team', value: 'blue' }], CLI_ACTOR, SYSTEM_META);
      await createGroup(t.deps, account.id, { name: 'team' }, CLI_ACTOR, SYSTEM_META);
      await createGroup(t.deps, account.id, { name: 'empty-team' }, CLI_ACTOR, SYSTEM_META);
      await addUserToGroup(t.deps, account.id, 'team', 'tess', CLI_ACTOR, SYSTEM_META);
      await attachPolicy(t.deps, account.id, 'group', 'team', TEAM_POLICY_ARN, CLI_ACTOR, SYSTEM_META);
      await putInlinePolicy(
        t.deps,
        account.id,
        'group',
        'team',
        'existing',
        TEAM_INLINE_DOCUMENT,
        CLI_ACTOR,
        SYSTEM_META,
      );
      await insertTestRole(t, account.id, 'ops');
      await attachPolicy(t.deps, account.id, 'role', 'ops', TEAM_POLICY_ARN, CLI_ACTOR, SYSTEM_META);
      await putInlinePolicy(
        t.deps,
        account.id,
        'role',
        'ops',
        'existing',
        TEAM_INLINE_DOCUMENT,
        CLI_ACTOR,
        SYSTEM_META,
      );
      await askAdministrator(t.deps, { accountRef: account.id, userName: 'tess' }, SYSTEM_META);
      const [help] = await listPendingHelpRequests(t.deps.db, account.id);
      const mfaHelpRequestId = newRowId(new Date());
      const asked = {
        id: mfaHelpRequestId,
        kind: 'mfa' as const,
        accountId: account.id,
        userId: tessUser.id,
        userName: 'tess',
      };
      await insertHelpRequest(t.deps.db, { ...asked, sourceIp: null, createdAt: t.clock.now().toISOString() });
      const policy = await createPolicy(
        t.deps,
        account.id,
        { name: 'kept-while-denied', document: POLICY_DOCUMENT },
        CLI_ACTOR,
        SYSTEM_META,
      );
      await createPolicyVersion(t.deps, account.id, policy.arn, POLICY_DOCUMENT, false, CLI_ACTOR, SYSTEM_META);
      const app = await registerTestClient(t, account.id, 'Kept while denied');
      fixture = {
        policyArn: policy.arn,
        clientId: app.client.clientId,
        ownDeviceId: own.id,
        ownPendingDeviceId: pending.device.id,
        ownKeyId: ownKey.accessKeyId,
        targetDeviceId: target.id,
        targetKeyId: targetKey.accessKeyId,
        helpRequestId: help!.id,
        mfaHelpRequestId,
        alias,
      };
      dora = await signInUser(t, account.id, 'dora', { mfa: own });
      csrf = await dora.csrf('/console');
    });
    afterAll(() => t.close());

    it.each(Object.entries(DENY_CASES))('%s', async (_key, c) => {
      await setUserPolicy(t, account.id, 'dora', 'deny-one', [{ Effect: 'Deny', Action: c.action, Resource: '*' }]);
      const before = await snapshotDatabase(t.database);
      const response = await dora.post(c.url(fixture), c.body(fixture), { csrf });
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain(`A policy explicitly denies ${c.action}`);
      // The refusal page keeps the console's navigation.
      expect(response.body).toContain('href="/console/security-credentials"');
      expect(await snapshotDatabase(t.database)).toEqual(before);
    });
  },
);
