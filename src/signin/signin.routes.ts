import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import { isAccountId, isAlias, normaliseAccountRef } from '../shared/validation.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type Page, type PageResult, pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { chooseUserTypePage, iamSignInPage, rootPasswordPage } from './signin.pages.ts';
import { type SignInResult, signInRoot, signInUser } from './signin.service.ts';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { iamCheckPage, rootCheckPage } from '../security-check/security-check.pages.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS } from '../throttle/device-cookie.ts';
import {
  type AttemptSource,
  type GuardDecision,
  type Settlement,
  abandonSignIn,
  clearedOnSuccess,
  guardSignIn,
  settleSignIn,
} from '../throttle/signin-guard.ts';
import { afterResponse } from '../web/after-response.ts';

const REMEMBER_DAYS = 90;

const SIGNING_IN = noSession('Signing in is how a browser gets a session: these pages serve one that has none yet.');

/** Sign-in pages: root (email → password) and IAM user (account → user name + password). */
export async function signinRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/signin', { access: SIGNING_IN }, (p) => {
    const remembered = readRemembered(p.request.cookies[web.rememberCookie]);
    if (remembered && p.query.choose === undefined) return redirect(`/signin/${remembered.account}`);
    return chooseUserTypePage(p.csrf);
  });

  pages.post('/signin/root', { access: SIGNING_IN, form: { email: { max: 254 } } }, (p) => {
    const email = p.form.email.trim();
    if (!email)
      return withStatus(400, chooseUserTypePage(p.csrf, { email: 'Enter the email address of the root user.' }));
    return rootPasswordPage(p.csrf, email);
  });

  pages.post(
    '/signin/root/password',
    { access: SIGNING_IN, form: { email: { max: 254 }, password: { max: 1024 }, ...CHECK_FIELD } },
    async (p) => {
      const { email, password, altcha } = p.form;
      // Throttles and the security check come first: nothing is hashed for a refused attempt.
      const decision = await guardSignIn(p.deps, sourceOf(p.request), { kind: 'root', email }, altcha);
      if (decision.kind === 'check')
        return withStatus(401, rootCheckPage(p.csrf, email.trim(), decision.problem, decision.level));
      if (decision.kind === 'refused')
        return withStatus(401, rootPasswordPage(p.csrf, email.trim(), { reference: '' }));
      const result = await signInRoot(p.deps, email, password, p.meta, {
        throttled: decision.throttled,
        candidate: decision.resolved.kind === 'root' ? decision.resolved.candidate : undefined,
        onSuccess: clearedOnSuccess(p.deps, decision),
      }).catch(abandon(decision));
      settle(p.reply, await settleSignIn(p.deps, p.request.ip, decision, result, p.meta));
      if (!result.ok) return withStatus(401, rootPasswordPage(p.csrf, email.trim(), { reference: result.reference }));
      return signedIn(p, result);
    },
  );

  pages.post('/signin/account', { access: SIGNING_IN, form: { account: { max: 64 } } }, (p) => {
    const ref = normaliseAccountRef(p.form.account);
    if (!isAccountId(ref) && !isAlias(ref))
      return withStatus(
        400,
        chooseUserTypePage(p.csrf, { account: 'Enter a 12-digit account ID or an account alias.' }),
      );
    return redirect(`/signin/${ref}`);
  });

  pages.get('/signin/:ref', { access: SIGNING_IN }, (p) => {
    const ref = accountRefOrThrow(p.params.ref);
    if (ref !== p.params.ref) return redirect(`/signin/${ref}`, 301);
    const remembered = readRemembered(p.request.cookies[web.rememberCookie]);
    const userName = remembered?.account === ref ? remembered.userName : '';
    return iamSignInPage(p.csrf, ref, userName, false);
  });

  pages.post(
    '/signin/:ref',
    { access: SIGNING_IN, form: { userName: { max: 128 }, password: { max: 1024 }, ...CHECK_FIELD } },
    async (p) => {
      const ref = accountRefOrThrow(p.params.ref);
      const { userName, password, altcha } = p.form;
      const decision = await guardSignIn(
        p.deps,
        sourceOf(p.request),
        { kind: 'user', accountRef: ref, userName },
        altcha,
      );
      if (decision.kind === 'check')
        return withStatus(401, iamCheckPage(p.csrf, ref, userName, decision.problem, decision.level));
      if (decision.kind === 'refused') return withStatus(401, iamSignInPage(p.csrf, ref, userName, true));
      const result = await signInUser(p.deps, ref, userName, password, p.meta, {
        throttled: decision.throttled,
        candidate: decision.resolved.kind === 'user' ? decision.resolved.candidate : undefined,
        onSuccess: clearedOnSuccess(p.deps, decision),
      }).catch(abandon(decision));
      settle(p.reply, await settleSignIn(p.deps, p.request.ip, decision, result, p.meta));
      if (!result.ok) return withStatus(401, iamSignInPage(p.csrf, ref, userName, true, result.reference));
      p.reply.setCookie(
        web.rememberCookie,
        JSON.stringify({ account: ref, userName: result.principal.name }),
        web.cookieOptions(REMEMBER_DAYS * 86400),
      );
      return signedIn(p, result);
    },
  );

  const signOut = noSession(
    'Signing out ends the session the browser holds, whoever it belongs to; a browser without one is simply sent to sign-in.',
  );
  pages.post('/signout', { access: signOut }, async (p) => {
    await web.signOut(p.request);
    p.reply.clearCookie(web.sessionCookie, web.cookieOptions());
    return redirect('/signin');
  });

  /** The browser keeps its device cookie; the hard-stop notice goes out after the response. */
  function settle(reply: FastifyReply, settled: Settlement): void {
    if (settled.deviceCookie)
      reply.setCookie(DEVICE_COOKIE, settled.deviceCookie, web.cookieOptions(DEVICE_COOKIE_DAYS * 86400));
    if (settled.afterResponse) afterResponse(reply, web.deps, settled.afterResponse);
  }

  /** An attempt that ends in an error (overload, a database failure) was never answered: its failure is given back. */
  function abandon(decision: Extract<GuardDecision, { kind: 'proceed' }>) {
    return async (error: unknown): Promise<never> => {
      await abandonSignIn(web.deps, decision);
      throw error;
    };
  }

  function signedIn(p: Pick<Page, 'request' | 'reply'>, result: Extract<SignInResult, { ok: true }>): PageResult {
    p.reply.setCookie(web.sessionCookie, result.token, web.cookieOptions());
    if (result.mfaRequired) return redirect('/signin/mfa');
    if (result.passwordChangeRequired) return redirect('/console/change-password');
    return redirect(web.landing(p.request, p.reply, '/console'));
  }
}

function sourceOf(request: FastifyRequest): AttemptSource {
  return { ip: request.ip, deviceCookie: request.cookies[DEVICE_COOKIE] };
}

function accountRefOrThrow(raw: string): string {
  const ref = normaliseAccountRef(raw);
  if (!isAccountId(ref) && !isAlias(ref))
    throw new GatehouseError('NoSuchEntity', 'There is no sign-in page at this address.');
  return ref;
}

function readRemembered(value: string | undefined): { account: string; userName: string } | null {
  if (!value || value.length > 300) return null;
  try {
    const parsed = JSON.parse(value) as { account?: unknown; userName?: unknown };
    if (typeof parsed.account !== 'string' || typeof parsed.userName !== 'string') return null;
    const account = normaliseAccountRef(parsed.account);
    if (!isAccountId(account) && !isAlias(account)) return null;
    return { account, userName: parsed.userName.slice(0, 64) };
  } catch {
    return null;
  }
}
