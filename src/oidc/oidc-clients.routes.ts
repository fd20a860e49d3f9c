import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { type GatehouseError, invalid } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { confirmationPage } from '../web/fragments.ts';
import { type PageResult, ifAllowed, pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { OIDC_CLIENTS_ACCESS } from './oidc-client-access.ts';
import { loadClient, loadClientView, loadClientsList } from './oidc-client-console.service.ts';
import {
  BLANK_CLIENT_FORM,
  CLIENT_SETTINGS_FORM,
  type ClientFormErrors,
  type ClientFormValues,
  NEW_CLIENT_FORM,
  formValuesOf,
  settingsOf,
} from './oidc-client-form.ts';
import {
  clientSettingsProblems,
  createClient,
  deleteClient,
  rotateClientSecret,
  updateClient,
} from './oidc-client.service.ts';
import {
  CLIENT_NOTICES,
  LIST_CRUMBS,
  clientHref,
  clientPage,
  clientSecretPage,
  clientsListPage,
  newClientPage,
} from './oidc-clients.pages.ts';
import { providerUrls } from './oidc-issuer.ts';

/** A refusal that is not about one of the form's fields goes at the top of the form. */
function errorsOf(error: GatehouseError): ClientFormErrors {
  const field = error.field as keyof ClientFormErrors | undefined;
  return { [field && field !== 'form' ? field : 'form']: error.message };
}

/**
 * The console's Applications pages: the account's OpenID Connect clients, registering one (its
 * secret shown once), a client's page with its settings, rotating its secret and deleting it.
 * Each route declares Gatehouse's own permission on the client's ARN and calls the service the
 * CLI calls. Forms are checked here with the services' own rules, so every field that is wrong
 * says so at once.
 */
export async function oidcClientsRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  const now = () => web.deps.clock.now();
  const urls = providerUrls(web.deps.publicUrl);

  async function showClient(
    who: SignedIn,
    csrf: string,
    clientId: string,
    extra: { values?: ClientFormValues; errors?: ClientFormErrors; notice?: string | undefined } = {},
  ): Promise<string> {
    const view = await loadClientView(web.deps, who, clientId);
    return clientPage({ principal: who.principal, csrf, view, urls, now: now(), ...extra });
  }

  pages.get('/console/applications', { access: OIDC_CLIENTS_ACCESS.list }, async (p) =>
    clientsListPage({
      principal: p.who.principal,
      csrf: p.csrf,
      view: await loadClientsList(p.deps, p.who),
      now: now(),
      notice: ownEntry(CLIENT_NOTICES, p.query.done),
    }),
  );

  // Register: the secret is on the response, this once

  const newForm = (p: { who: SignedIn; csrf: string }, values: ClientFormValues, errors: ClientFormErrors = {}) =>
    newClientPage({ principal: p.who.principal, csrf: p.csrf, values, errors });

  pages.get('/console/applications/new', { access: OIDC_CLIENTS_ACCESS.create }, (p) => newForm(p, BLANK_CLIENT_FORM));

  pages.post(
    '/console/applications',
    {
      access: OIDC_CLIENTS_ACCESS.create,
      form: NEW_CLIENT_FORM,
      redisplay: (p, error) => newForm(p, formValuesOf(p.form), errorsOf(error)),
    },
    async (p): Promise<PageResult> => {
      const values = formValuesOf(p.form);
      const settings = settingsOf(values);
      const problems = clientSettingsProblems(settings);
      if (Object.keys(problems).length > 0) return withStatus(400, newForm(p, values, problems));
      const { accountId } = p.who.principal;
      const created = await createClient(
        p.deps,
        accountId,
        { ...settings, public: values.public },
        actorOf(p.who.principal),
        p.meta,
      );
      const page = clientSecretPage({
        principal: p.who.principal,
        csrf: p.csrf,
        client: created.client,
        secret: created.clientSecret,
        urls,
        rotated: false,
      });
      return withStatus(201, page);
    },
  );

  pages.get('/console/applications/:clientId', { access: OIDC_CLIENTS_ACCESS.view }, async (p) =>
    showClient(p.who, p.csrf, p.params.clientId, { notice: ownEntry(CLIENT_NOTICES, p.query.done) }),
  );

  // Settings: name, URIs, scopes, first-party

  pages.post(
    '/console/applications/:clientId/settings',
    {
      access: OIDC_CLIENTS_ACCESS.update,
      form: CLIENT_SETTINGS_FORM,
      redisplay: (p, error) =>
        error.code === 'NoSuchEntity'
          ? undefined
          : ifAllowed(p, OIDC_CLIENTS_ACCESS.view, () =>
              showClient(p.who, p.csrf, p.params.clientId, { values: formValuesOf(p.form), errors: errorsOf(error) }),
            ),
    },
    async (p) => {
      const values = formValuesOf(p.form);
      const settings = settingsOf(values);
      const problems = clientSettingsProblems(settings);
      const [first] = Object.entries(problems);
      if (first) {
        const again = await ifAllowed(p, OIDC_CLIENTS_ACCESS.view, async () =>
          withStatus(400, await showClient(p.who, p.csrf, p.params.clientId, { values, errors: problems })),
        );
        // Without the client's page to come back to, the error page says the first problem.
        if (again === undefined) throw invalid(first[0], first[1]);
        return again;
      }
      const { accountId } = p.who.principal;
      await updateClient(p.deps, accountId, p.params.clientId, settings, actorOf(p.who.principal), p.meta);
      return redirect(`${clientHref(p.params.clientId)}?done=updated`);
    },
  );

  // Rotating the secret and deleting ask first, each on a page of its own

  const CONFIRMATIONS = {
    'rotate-secret': (name: string) => ({
      title: `Rotate the secret of ${name}?`,
      explanation: `${name} gets a new client secret, shown once on the next page. The old secret stops working at once: until the application is given the new one, nobody can sign in to it.`,
      button: 'Rotate secret',
    }),
    delete: (name: string) => ({
      title: `Delete application ${name}?`,
      explanation: `Nobody can sign in to ${name} through Gatehouse any more, and the tokens it holds stop working. Deleting it cannot be undone: registering it again gives it a new client ID.`,
      button: `Delete ${name}`,
    }),
  };

  async function confirm(
    step: keyof typeof CONFIRMATIONS,
    p: { who: SignedIn; csrf: string; params: { clientId: string } },
    error?: string,
  ): Promise<string> {
    const client = await loadClient(web.deps, p.who, p.params.clientId);
    const href = clientHref(client.clientId);
    return confirmationPage({
      principal: p.who.principal,
      csrf: p.csrf,
      crumbs: [...LIST_CRUMBS, { href, label: client.name }],
      ...CONFIRMATIONS[step](client.name),
      action: `${href}/${step}`,
      cancel: href,
      error,
    });
  }

  /** A refusal goes on the confirmation page again; an unknown client is the error page's to say. */
  const confirmAgain =
    (step: keyof typeof CONFIRMATIONS) => (p: Parameters<typeof confirm>[1], error: GatehouseError) =>
      error.code === 'NoSuchEntity' ? undefined : confirm(step, p, error.message);

  pages.get('/console/applications/:clientId/rotate-secret', { access: OIDC_CLIENTS_ACCESS.rotateSecret }, (p) =>
    confirm('rotate-secret', p),
  );

  pages.post(
    '/console/applications/:clientId/rotate-secret',
    { access: OIDC_CLIENTS_ACCESS.rotateSecret, form: {}, redisplay: confirmAgain('rotate-secret') },
    async (p) => {
      const { accountId } = p.who.principal;
      const { client, clientSecret } = await rotateClientSecret(
        p.deps,
        accountId,
        p.params.clientId,
        actorOf(p.who.principal),
        p.meta,
      );
      return clientSecretPage({
        principal: p.who.principal,
        csrf: p.csrf,
        client,
        secret: clientSecret,
        urls,
        rotated: true,
      });
    },
  );

  pages.get('/console/applications/:clientId/delete', { access: OIDC_CLIENTS_ACCESS.delete }, (p) =>
    confirm('delete', p),
  );

  pages.post(
    '/console/applications/:clientId/delete',
    { access: OIDC_CLIENTS_ACCESS.delete, form: {}, redisplay: confirmAgain('delete') },
    async (p) => {
      await deleteClient(p.deps, p.who.principal.accountId, p.params.clientId, actorOf(p.who.principal), p.meta);
      return redirect('/console/applications?done=deleted');
    },
  );
}
