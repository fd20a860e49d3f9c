import type { FastifyInstance } from 'fastify';
import { mayUse } from '../authz/console-access.ts';
import { actorOf } from '../identities/principal.ts';
import { loadMfaHelpRequests } from '../mfa/mfa-console.service.ts';
import { mfaHelpRequestsNotice } from '../mfa/mfa-help-request.pages.ts';
import { loadPasswordHelpRequests } from '../recovery/help-request-access.ts';
import { helpRequestsNotice } from '../recovery/help-request.pages.ts';
import { GatehouseError } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { confirmationPage } from '../web/fragments.ts';
import { type HandoffSlot, handOver, takeHandoff } from '../web/handoff.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { signInDetailsCsv } from './credentials-csv.ts';
import { USERS_ACCESS, consoleAccessOf } from './user-access.ts';
import {
  createConsoleUser,
  loadNewUserForm,
  loadSignInDetailsUser,
  loadUser,
  loadUserDependents,
  loadUserView,
  loadUsersList,
  signInUrlOf,
} from './user-console.service.ts';
import { deleteUser, setUserPassword } from './user.service.ts';
import {
  type CreateUserErrors,
  type CreateUserValues,
  USER_NOTICES,
  deleteUserExplanation,
  signInDetailsPage,
  userHref,
  userPage,
  usersListPage,
} from './users.pages.ts';

/** Where a new user's sign-in details are shown once, and where their `.csv` is downloaded once. */
const detailsSlot = (name: string): HandoffSlot => ({
  kind: 'sign-in-details',
  path: `${userHref(name)}/sign-in-details`,
});
const csvSlot = (name: string): HandoffSlot => ({
  kind: 'credentials-csv',
  path: `${userHref(name)}/sign-in-details.csv`,
});

/**
 * The Users pages: the list (search, paging), creating a user with console access and its
 * one-time sign-in details, a user's page, its console password, and deleting it after a
 * confirmation. Each route declares the permission of the Query API Action for the same
 * read or change, and calls the service that Action calls. A user's permissions, groups and
 * tags are `userPermissionsRoutes`'s.
 */
export async function usersRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  const now = () => web.deps.clock.now();

  async function listPage(
    who: SignedIn,
    csrf: string,
    query: { search?: string | undefined; page?: string | undefined },
    form: { values: CreateUserValues; errors: CreateUserErrors } = { values: {}, errors: {} },
    notice?: string,
  ): Promise<string> {
    const { deps } = web;
    const [view, help, mfaHelp] = await Promise.all([
      loadUsersList(deps, who, { search: query.search ?? '', page: Number.parseInt(query.page ?? '1', 10) }),
      loadPasswordHelpRequests(deps, who),
      loadMfaHelpRequests(deps, who),
    ]);
    // A refused form comes back with its error even when the policy allows only some names.
    const create = view.mayCreate || Object.keys(form.errors).length > 0 ? await loadNewUserForm(deps, who) : null;
    return usersListPage({
      principal: who.principal,
      csrf,
      view,
      create,
      ...form,
      now: now(),
      requests: html`${helpRequestsNotice(help.requests, csrf, now(), help.mayDismiss)}
${mfaHelpRequestsNotice(mfaHelp, csrf, now())}`,
      notice,
    });
  }

  async function showUser(who: SignedIn, csrf: string, name: string, extra: { error?: string; notice?: string }) {
    const view = await loadUserView(web.deps, who, name);
    return userPage({
      principal: who.principal,
      csrf,
      view,
      now: now(),
      notice: extra.notice,
      errors: { password: extra.error },
    });
  }

  pages.get('/console/users', { access: USERS_ACCESS.list }, async (p) =>
    listPage(p.who, p.csrf, p.query, undefined, ownEntry(USER_NOTICES, p.query.done)),
  );

  pages.post(
    '/console/users',
    {
      access: USERS_ACCESS.create,
      form: {
        userName: { max: 128 },
        consoleAccess: { max: 16, optional: true },
        password: { max: 1024, optional: true },
        requireReset: { max: 2, optional: true },
      },
      redisplay: async (p, error) => {
        const key = (['userName', 'password'] as const).find((f) => f === error.field) ?? 'form';
        const values = {
          userName: p.form.userName,
          consoleAccess: consoleAccessOf({ params: {}, body: p.form }),
          requireReset: p.form.requireReset === 'on',
        };
        return (await mayUse(p.deps, p.who, USERS_ACCESS.list))
          ? listPage(p.who, p.csrf, {}, { values, errors: { [key]: error.message } })
          : undefined;
      },
    },
    async (p) => {
      const requireReset = p.form.requireReset === 'on';
      const { user, password } = await createConsoleUser(
        p.deps,
        p.who.principal.accountId,
        {
          name: p.form.userName,
          consoleAccess: consoleAccessOf({ params: {}, body: p.form }),
          password: p.form.password,
          passwordResetRequired: requireReset,
        },
        actorOf(p.who.principal),
        p.meta,
      );
      if (password !== null) {
        handOver(p, detailsSlot(user.name), { userName: user.name, password, requireReset });
        return redirect(detailsSlot(user.name).path);
      }
      const mayView = await mayUse(p.deps, p.who, USERS_ACCESS.view, { params: { name: user.name }, body: {} });
      return redirect(mayView ? `${userHref(user.name)}?done=created` : '/console/users?done=created');
    },
  );

  // The sign-in details of a console password just created: shown once, downloadable once.

  pages.get('/console/users/:name/sign-in-details', { access: USERS_ACCESS.signInDetails }, async (p) => {
    const { user, hasPassword } = await loadSignInDetailsUser(p.deps, p.who, p.params.name);
    const handed = takeHandoff(p, detailsSlot(user.name));
    const fresh = handed !== null && handed.userName === user.name && typeof handed.password === 'string';
    const details = {
      userName: user.name,
      signInUrl: signInUrlOf(p.deps, p.who.principal),
      accountRef: p.who.principal.accountAlias ?? p.who.principal.accountId,
      password: fresh ? (handed.password as string) : null,
      hasPassword,
      passwordResetRequired: fresh ? handed.requireReset === true : false,
      contactEmail: user.contactEmail,
    };
    if (fresh) handOver(p, csvSlot(user.name), { userName: user.name, password: details.password! });
    return signInDetailsPage({ principal: p.who.principal, csrf: p.csrf, details, created: fresh });
  });

  pages.post(
    '/console/users/:name/sign-in-details.csv',
    { access: USERS_ACCESS.signInDetails, form: {} },
    async (p) => {
      const user = await loadUser(p.deps, p.who, p.params.name);
      const handed = takeHandoff(p, csvSlot(user.name));
      if (handed?.userName !== user.name || typeof handed.password !== 'string') {
        throw new GatehouseError(
          'NoSuchEntity',
          'The sign-in details can be downloaded once, from the page that showed them. Reset the console password to hand over a new one.',
        );
      }
      const csv = signInDetailsCsv({
        userName: user.name,
        password: handed.password,
        signInUrl: signInUrlOf(p.deps, p.who.principal),
      });
      return p.reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${user.name}_credentials.csv"`)
        .send(csv);
    },
  );

  pages.get('/console/users/:name', { access: USERS_ACCESS.view }, async (p) =>
    showUser(p.who, p.csrf, p.params.name, { notice: ownEntry(USER_NOTICES, p.query.done) }),
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
          error.code === 'NoSuchEntity' ? undefined : showUser(p.who, p.csrf, p.params.name, { error: error.message }),
      },
      async (p) => {
        await setUserPassword(
          p.deps,
          p.who.principal.accountId,
          p.params.name,
          p.form.password,
          p.form.requireReset === 'on',
          actorOf(p.who.principal),
          p.meta,
          { profile },
        );
        return redirect(`${userHref(p.params.name)}?done=password-set`);
      },
    );
  }

  // Delete, after a confirmation that names what goes with the user.

  async function confirmDelete(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const dependents = await loadUserDependents(web.deps, who, name);
    const { user } = dependents;
    return confirmationPage({
      principal: who.principal,
      csrf,
      title: `Delete user ${user.name}?`,
      crumbs: [
        { href: '/console/users', label: 'Users' },
        { href: userHref(user.name), label: user.name },
      ],
      explanation: deleteUserExplanation(dependents),
      action: `${userHref(user.name)}/delete`,
      button: `Delete ${user.name}`,
      cancel: userHref(user.name),
      error,
    });
  }

  pages.get('/console/users/:name/delete', { access: USERS_ACCESS.delete }, async (p) =>
    confirmDelete(p.who, p.csrf, p.params.name),
  );

  pages.post('/console/users/:name/delete', { access: USERS_ACCESS.delete }, async (p) => {
    await deleteUser(p.deps, p.who.principal.accountId, p.params.name, actorOf(p.who.principal), p.meta);
    return redirect('/console/users?done=deleted');
  });
}
