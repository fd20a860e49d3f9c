import type { FastifyInstance } from 'fastify';
import { loadUserAccessKeys } from '../access-keys/access-key-access.ts';
import { userAccessKeysCard } from '../access-keys/access-key.pages.ts';
import { actorOf } from '../identities/principal.ts';
import { type AccessInput, formText, mayUse, permission } from '../authz/console-access.ts';
import { newUserInForm, userInUrl, wholeAccount } from '../authz/console-resources.ts';
import { loadPasswordHelpRequests } from '../recovery/help-request-access.ts';
import { helpRequestsNotice } from '../recovery/help-request.pages.ts';
import { html } from '../shared/html.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import { alertBox, checkbox, csrfField, field, page, relativeTime } from '../web/layout.ts';
import { MFA_NOTICES } from '../mfa/mfa-console.pages.ts';
import { loadMfaHelpRequests } from '../mfa/mfa-console.service.ts';
import { mfaHelpRequestsNotice } from '../mfa/mfa-help-request.pages.ts';
import { ADMIN_DEACTIVATE_MFA } from '../mfa/mfa-access.ts';
import { adminMfaSection } from '../mfa/mfa.pages.ts';
import { listMfaDevices } from '../mfa/mfa.service.ts';
import { loadSignInActivity } from '../throttle/sign-in-activity.service.ts';
import { UNLOCK_SIGN_IN } from '../throttle/throttle-access.ts';
import { UNLOCK_NOTICE, adminUserSignInSection } from '../throttle/throttle-console.pages.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { listUsersWithPasswords, userPageFacts } from './user-admin.service.ts';
import { createUser, deleteUser, getUser, setUserPassword } from './user.service.ts';

const NOTICES: Record<string, string> = {
  created: 'The user was created.',
  deleted: 'The user was deleted.',
  'password-set': "The user's password was set. The user's sessions were signed out.",
  'mfa-deactivated': MFA_NOTICES['mfa-deactivated']!,
  'mfa-help-resolved': MFA_NOTICES['mfa-help-resolved']!,
  'mfa-help-dismissed': MFA_NOTICES['mfa-help-dismissed']!,
  ...UNLOCK_NOTICE,
};

type CreateErrors = Partial<Record<'userName' | 'password' | 'form', string>>;

/** A console password for a new user, or for a user without one: what CreateLoginProfile allows. */
const NEW_LOGIN_PROFILE = { action: 'iam:CreateLoginProfile', resource: newUserInForm() };

/** The Users pages' permissions: the Query API's for the same reads and changes, on the same resources. */
export const USERS_ACCESS = {
  list: permission({ action: 'iam:ListUsers', resource: wholeAccount }),
  view: permission({ action: 'iam:GetUser', resource: userInUrl() }),
  /** CreateUser, and CreateLoginProfile as well when the form gives a console password. */
  create: permission([
    { action: 'iam:CreateUser', resource: newUserInForm() },
    { ...NEW_LOGIN_PROFILE, when: (input: AccessInput) => formText(input, 'password') !== '' },
  ]),
  createWithPassword: permission(NEW_LOGIN_PROFILE),
  createLoginProfile: permission({ action: 'iam:CreateLoginProfile', resource: userInUrl() }),
  updateLoginProfile: permission({ action: 'iam:UpdateLoginProfile', resource: userInUrl() }),
  delete: permission({ action: 'iam:DeleteUser', resource: userInUrl() }),
};

/** The Users pages: list, create and delete users; set or reset a user's password. */
export async function usersRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  pages.get('/console/users', { access: USERS_ACCESS.list }, async (p) =>
    usersPage(p.who, p.csrf, {}, {}, ownEntry(NOTICES, p.query.done)),
  );

  const CREATE_FORM = {
    userName: { max: 128 },
    password: { max: 1024, optional: true },
    requireReset: { max: 2, optional: true },
  };
  pages.post(
    '/console/users',
    {
      access: USERS_ACCESS.create,
      form: CREATE_FORM,
      redisplay: async (p, error) => {
        const key = (['userName', 'password'] as const).find((f) => f === error.field) ?? 'form';
        return usersPage(p.who, p.csrf, { userName: p.form.userName }, { [key]: error.message });
      },
    },
    async (p) => {
      const { userName, password, requireReset } = p.form;
      const login = password ? { password, passwordResetRequired: requireReset === 'on' } : {};
      await createUser(
        p.deps,
        p.who.principal.accountId,
        { name: userName, ...login },
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect('/console/users?done=created');
    },
  );

  pages.get('/console/users/:name', { access: USERS_ACCESS.view }, async (p) =>
    userPage(p.who, p.params.name, p.csrf, undefined, ownEntry(NOTICES, p.query.done)),
  );

  // Setting a first console password is CreateLoginProfile; replacing one is UpdateLoginProfile, as in the API.
  for (const [path, access, profile] of [
    ['/console/users/:name/login-profile', USERS_ACCESS.createLoginProfile, 'create'],
    ['/console/users/:name/password', USERS_ACCESS.updateLoginProfile, 'update'],
  ] as const) {
    pages.post(
      path,
      {
        access,
        form: { password: { max: 1024 }, requireReset: { max: 2, optional: true } },
        // An unknown user is the error page's to say, not the form's.
        redisplay: (p, error) =>
          error.code === 'NoSuchEntity' ? undefined : userPage(p.who, p.params.name, p.csrf, error.message),
      },
      async (p) => {
        const { accountId } = p.who.principal;
        const reset = p.form.requireReset === 'on';
        await setUserPassword(
          p.deps,
          accountId,
          p.params.name,
          p.form.password,
          reset,
          actorOf(p.who.principal),
          p.meta,
          { profile },
        );
        return redirect(`/console/users/${encodeURIComponent(p.params.name)}?done=password-set`);
      },
    );
  }

  pages.post('/console/users/:name/delete', { access: USERS_ACCESS.delete }, async (p) => {
    await deleteUser(p.deps, p.who.principal.accountId, p.params.name, actorOf(p.who.principal), p.meta);
    return redirect('/console/users?done=deleted');
  });

  async function usersPage(
    who: SignedIn,
    csrf: string,
    values: { userName?: string },
    errors: CreateErrors,
    notice?: string,
  ): Promise<string> {
    const accountId = who.principal.accountId;
    const { users, withPassword } = await listUsersWithPasswords(web.deps, accountId);
    const now = web.deps.clock.now();
    const helpRequests = await loadPasswordHelpRequests(web.deps, who);
    const mfaHelpRequests = await loadMfaHelpRequests(web.deps, who);
    const [mayCreateAny, mayGivePassword] = await Promise.all([
      mayUse(web.deps, who, USERS_ACCESS.create),
      mayUse(web.deps, who, USERS_ACCESS.createWithPassword),
    ]);
    // A refused form comes back with its error even when the policy allows only some names.
    const mayCreate = mayCreateAny || Object.keys(errors).length > 0;
    return page({
      title: 'Users',
      principal: who.principal,
      csrf,
      body: html`<h1>Users</h1>
${alertBox(notice, 'success')}
${helpRequestsNotice(helpRequests.requests, csrf, now, helpRequests.mayDismiss)}
${mfaHelpRequestsNotice(mfaHelpRequests, csrf, now)}
<section class="card">
  <h2>Users in this account</h2>
  ${
    users.length === 0
      ? html`<p class="muted">No users yet.</p>`
      : html`<table>
    <thead><tr><th scope="col">User name</th><th scope="col">Console password</th><th scope="col">Created</th></tr></thead>
    <tbody>${users.map(
      (u) =>
        html`<tr><td><a href="/console/users/${encodeURIComponent(u.name)}">${u.name}</a></td><td>${withPassword.has(u.id) ? 'Yes' : 'No'}</td><td>${relativeTime(u.createdAt, now)}</td></tr>`,
    )}</tbody>
  </table>`
  }
</section>
${
  mayCreate
    ? html`<section class="card">
  <h2>Create a user</h2>
  ${alertBox(errors.form)}
  <form method="post" action="/console/users" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'User name', name: 'userName', value: values.userName, error: errors.userName, hint: 'Up to 64 letters, digits and + = , . @ _ - (no spaces).' })}
    ${
      mayGivePassword
        ? html`${field({ label: 'Console password (optional)', name: 'password', type: 'password', autocomplete: 'new-password', required: false, error: errors.password, hint: 'Leave empty for a user without console access.' })}
    ${checkbox({ label: 'User must create a new password at next sign-in', name: 'requireReset', checked: true })}`
        : ''
    }
    <button type="submit">Create user</button>
  </form>
</section>`
    : ''
}`,
    });
  }

  async function userPage(who: SignedIn, name: string, csrf: string, error?: string, notice?: string): Promise<string> {
    const accountId = who.principal.accountId;
    const user = await getUser(web.deps, accountId, name);
    const { profile, events } = await userPageFacts(web.deps, accountId, user);
    const [mfaDevices, signIns, keys] = await Promise.all([
      listMfaDevices(web.deps, user.id),
      loadSignInActivity(web.deps, accountId, user),
      loadUserAccessKeys(web.deps, who, user),
    ]);
    const now = web.deps.clock.now();
    const input: AccessInput = { params: { name: user.name }, body: {} };
    const [maySetPassword, mayDeactivateMfa, mayUnlock, mayDelete] = await Promise.all([
      mayUse(web.deps, who, profile ? USERS_ACCESS.updateLoginProfile : USERS_ACCESS.createLoginProfile, input),
      mayUse(web.deps, who, ADMIN_DEACTIVATE_MFA, input),
      mayUse(web.deps, who, UNLOCK_SIGN_IN, input),
      mayUse(web.deps, who, USERS_ACCESS.delete, input),
    ]);
    return page({
      title: `User ${user.name}`,
      principal: who.principal,
      csrf,
      body: html`<h1>User ${user.name}</h1>
${alertBox(notice, 'success')}
<section class="card">
  <dl class="facts">
    <dt>ARN</dt><dd>arn:aws:iam::${accountId}:user${user.path}${user.name}</dd>
    <dt>User ID</dt><dd>${user.id}</dd>
    <dt>Console password</dt><dd>${profile ? `Set ${relativeTime(profile.passwordChangedAt, now)}${profile.passwordResetRequired ? ', must be changed at next sign-in' : ''}` : 'None'}</dd>
    <dt>Permissions boundary</dt><dd>${user.permissionsBoundary ?? 'None: its policies apply in full'}</dd>
  </dl>
</section>
${
  maySetPassword
    ? html`<section class="card">
  <h2>${profile ? 'Reset console password' : 'Set console password'}</h2>
  ${alertBox(error)}
  <form method="post" action="/console/users/${encodeURIComponent(user.name)}/${profile ? 'password' : 'login-profile'}" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'New password', name: 'password', type: 'password', autocomplete: 'new-password' })}
    ${checkbox({ label: 'User must create a new password at next sign-in', name: 'requireReset', checked: true })}
    <button type="submit">${profile ? 'Reset password' : 'Set password'}</button>
  </form>
</section>`
    : ''
}
${adminMfaSection(csrf, user.name, mfaDevices, now, mayDeactivateMfa)}
${adminUserSignInSection(signIns, user.name, csrf, mayUnlock, now)}
${userAccessKeysCard(keys, user.name, csrf, now)}
<section class="card">
  <h2>Recent changes</h2>
  ${
    events.length === 0
      ? html`<p class="muted">Nothing recorded yet.</p>`
      : html`<ul>${events.map((e) => html`<li>${e.eventName}${e.outcome ? ` (${e.outcome})` : ''} by ${e.actorName ?? e.actorType}, ${relativeTime(e.time, now)}${e.sourceIp ? ` from ${e.sourceIp}` : ''}</li>`)}</ul>`
  }
</section>
${
  mayDelete
    ? html`<section class="card">
  <h2>Delete user</h2>
  <form method="post" action="/console/users/${encodeURIComponent(user.name)}/delete">
    ${csrfField(csrf)}
    <button type="submit" class="danger">Delete ${user.name}</button>
  </form>
</section>`
    : ''
}`,
    });
  }
}
