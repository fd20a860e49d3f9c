import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { OidcClient, OidcContext } from 'oidc-provider';
import type { RequestMeta } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { DAY, HOUR } from '../shared/clock.ts';
import {
  ACR_MFA,
  ACR_PASSWORD,
  claimsOf,
  principalOfSubject,
  recordToken,
  refreshContext,
  refusalToSignIn,
} from './oidc-account.service.ts';
import { KyselyOidcAdapter } from './oidc-adapter.ts';
import { findClientById } from './oidc-client.service.ts';
import { loadSigningKeys } from './oidc-keys.service.ts';
import { OIDC_SCOPES } from './oidc-scopes.ts';

/** Lifetimes, in seconds. */
export const OIDC_TTL = {
  AccessToken: HOUR / 1000,
  AuthorizationCode: 60,
  IdToken: HOUR / 1000,
  RefreshToken: (14 * DAY) / 1000,
  Interaction: 600,
  Session: (14 * DAY) / 1000,
  Grant: (14 * DAY) / 1000,
} as const;

/** What the pages layer gives the provider: its pages, and how to end a console session on sign-out. */
export interface ProviderHooks {
  /** Where the provider sends a browser to sign in: a page of ours, by interaction ID. */
  interactionPath(uid: string): string;
  logoutPage(form: string, clientName: string | undefined): string;
  loggedOutPage(clientName: string | undefined): string;
  errorPage(error: string, description: string | undefined): string;
  /** Ends the Gatehouse session the browser holds (RP-initiated logout signs out of Gatehouse too). */
  signOut(ctx: OidcContext): Promise<void>;
  /** Who sent the request (address, user agent, request ID), as the rest of the app sees it. */
  metaOf(req: IncomingMessage): RequestMeta;
}

/** What a refresh token or code says of the sign-in it came from. */
interface SignInRecord {
  amr?: string[];
  authTime?: number;
}

function nameOf(client: OidcClient | undefined): string | undefined {
  return client?.clientName ?? client?.clientId;
}

/**
 * Gatehouse's OpenID Connect provider (oidc-provider): its records and signing keys live in the
 * database, so every instance serves the same issuer. Authorization always goes through an
 * interaction (src/oidc/oidc.routes.ts), which signs in with the browser's Gatehouse session and
 * decides `gatehouse:SignInToClient` every time.
 */
export async function createOidcProvider(deps: Deps, issuer: string, hooks: ProviderHooks): Promise<Provider> {
  const keys = await loadSigningKeys(deps);
  // Loaded when the server starts, not by every CLI command: the library warns on import under Node.js 20.
  const { default: OidcProvider, errors } = await import('oidc-provider');
  const secure = new URL(issuer).protocol === 'https:';
  const provider = new OidcProvider(issuer, {
    adapter: (name: string) => new KyselyOidcAdapter(deps, name),
    jwks: { keys },
    cookies: { keys: [deps.keyring.subkey('gatehouse oidc cookies v1').toString('base64url')] },
    scopes: [...OIDC_SCOPES],
    claims: {
      // How the person signed in comes with every ID token: an application can insist on MFA.
      openid: ['sub', 'account_id', 'account_alias', 'acr', 'amr', 'auth_time'],
      sid: null,
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    acrValues: [ACR_PASSWORD, ACR_MFA],
    responseTypes: ['code'],
    // Claims of the scopes granted go in the ID token as well as userinfo: most applications read only the ID token.
    conformIdTokenClaims: false,
    extraClientMetadata: { properties: ['gatehouse_account_id', 'gatehouse_first_party'] },
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        // A client reads only its own tokens.
        allowedPolicy: async (_ctx: OidcContext, client: OidcClient, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: OidcContext, client: OidcClient, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: OidcContext, form: string) => {
          ctx.type = 'html';
          ctx.body = hooks.logoutPage(form, nameOf(ctx.oidc.client));
        },
        postLogoutSuccessSource: async (ctx: OidcContext) => {
          ctx.type = 'html';
          ctx.body = hooks.loggedOutPage(nameOf(ctx.oidc.client));
        },
      },
    },
    clientBasedCORS: (_ctx: OidcContext, origin: string, client: OidcClient & { redirectUris?: string[] }) =>
      origin !== 'null' && (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    renderError: async (ctx: OidcContext, out: { error: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = hooks.errorPage(out.error, out.error_description);
    },
    interactions: {
      url: async (_ctx: OidcContext, interaction: { uid: string }) => hooks.interactionPath(interaction.uid),
    },
    // Never reuse a grant from an earlier authorization: every authorization goes through the
    // interaction, which checks the Gatehouse session and SignInToClient again.
    loadExistingGrant: async (ctx: OidcContext) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: async (_ctx: OidcContext, client: OidcClient & { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    // Every refresh gives a new refresh token and retires the old one (a replay revokes the grant).
    rotateRefreshToken: true,
    findAccount: async (ctx: OidcContext, sub: string, token?: SignInRecord) => {
      const principal = await principalOfSubject(deps, sub);
      if (!principal || principal.type === 'assumed-role') return undefined;
      const clientId = ctx.oidc.client?.clientId;
      if (clientId) {
        const client = await findClientById(deps, clientId);
        if (!client || client.accountId !== principal.accountId) return undefined;
        // A refresh is a sign-in the person does not see: SignInToClient is decided again, as
        // the interaction decides it, so a policy taken away stops the application at its next refresh.
        if (ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token') {
          const meta = hooks.metaOf(ctx.req);
          const context = refreshContext(deps, { ip: meta.ip, protocol: secure ? 'https' : 'http' }, token ?? {});
          const refusal = await refusalToSignIn(deps, principal, client, context);
          if (refusal) {
            await recordToken(deps, meta, client.accountId, sub, client.id, 'refresh_token', refusal);
            throw new errors.InvalidGrant('the person may no longer sign in to this application');
          }
        }
      }
      return {
        accountId: sub,
        claims: async (_use: string, scope: string) => claimsOf(deps, principal, new Set(scope.split(' '))),
      };
    },
    ttl: { ...OIDC_TTL },
  });
  // Gatehouse sits behind whatever PUBLIC_URL names: the mount sets the forwarded host and scheme from it.
  provider.proxy = true;
  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    if (route === 'token' && ctx.status === 200) {
      const token = ctx.oidc.entities.AccessToken;
      const clientId = ctx.oidc.client?.clientId;
      const client = clientId ? await findClientById(deps, clientId) : null;
      if (token?.accountId && client)
        await recordToken(
          deps,
          hooks.metaOf(ctx.req),
          client.accountId,
          token.accountId,
          client.id,
          String(ctx.oidc.params?.grant_type ?? ''),
        );
    }
    if (route === 'end_session_confirm' && ctx.oidc.body?.logout) await hooks.signOut(ctx);
  });
  return provider;
}
