import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import { isAccountId, isAlias, normaliseAccountRef } from '../shared/validation.ts';
import { GatehouseError } from '../shared/errors.ts';
import { readForm } from '../web/forms.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { chooseUserTypePage, iamSignInPage, rootFailedPage, rootPasswordPage } from './signin.pages.ts';
import { type SignInResult, signInRoot, signInUser } from './signin.service.ts';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { iamCheckPage, rootCheckPage } from '../security-check/security-check.pages.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS } from '../throttle/device-cookie.ts';
import {
  type AttemptSource,
  type GuardDecision,
  type Settlement,
  abandonSignIn,
  guardSignIn,
  settleSignIn,
} from '../throttle/signin-guard.ts';
import { afterResponse } from '../web/after-response.ts';

const REMEMBER_DAYS = 90;

/** Sign-in pages: root (email → password) and IAM user (account → user name + password). */
export async function signinRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');

  app.get<{ Querystring: { choose?: string } }>('/signin', async (request, reply) => {
    const remembered = readRemembered(request.cookies[web.rememberCookie]);
    if (remembered && request.query.choose === undefined) return reply.redirect(`/signin/${remembered.account}`, 303);
    return html(reply).send(chooseUserTypePage(web.csrfToken(request, reply)));
  });

  app.post('/signin/root', async (request, reply) => {
    web.assertCsrf(request);
    const { email } = readForm(request, { email: { max: 254 } });
    const csrf = web.csrfToken(request, reply);
    if (!email.trim()) {
      return html(reply)
        .status(400)
        .send(chooseUserTypePage(csrf, { email: 'Enter the email address of the root user.' }));
    }
    return html(reply).send(rootPasswordPage(csrf, email.trim()));
  });

  app.post('/signin/root/password', async (request, reply) => {
    web.assertCsrf(request);
    const { email, password, altcha } = readForm(request, {
      email: { max: 254 },
      password: { max: 1024 },
      ...CHECK_FIELD,
    });
    // Throttles and the security check come first: nothing is hashed for a refused attempt.
    const decision = await guardSignIn(web.deps, sourceOf(request), { kind: 'root', email }, altcha);
    if (decision.kind === 'check')
      return html(reply)
        .status(401)
        .send(rootCheckPage(web.csrfToken(request, reply), email.trim(), decision.problem, decision.level));
    if (decision.kind === 'refused')
      return html(reply)
        .status(401)
        .send(rootFailedPage(web.csrfToken(request, reply)));
    const result = await signInRoot(web.deps, email, password, metaOf(request), decision.throttled).catch(
      abandon(decision),
    );
    settle(reply, await settleSignIn(web.deps, request.ip, decision, result, metaOf(request)));
    if (!result.ok)
      return html(reply)
        .status(401)
        .send(rootFailedPage(web.csrfToken(request, reply), result.reference));
    return signedIn(reply, result);
  });

  app.post('/signin/account', async (request, reply) => {
    web.assertCsrf(request);
    const { account } = readForm(request, { account: { max: 64 } });
    const ref = normaliseAccountRef(account);
    if (!isAccountId(ref) && !isAlias(ref)) {
      return html(reply)
        .status(400)
        .send(
          chooseUserTypePage(web.csrfToken(request, reply), {
            account: 'Enter a 12-digit account ID or an account alias.',
          }),
        );
    }
    return reply.redirect(`/signin/${ref}`, 303);
  });

  app.get<{ Params: { ref: string } }>('/signin/:ref', async (request, reply) => {
    const ref = accountRefOrThrow(request.params.ref);
    if (ref !== request.params.ref) return reply.redirect(`/signin/${ref}`, 301);
    const remembered = readRemembered(request.cookies[web.rememberCookie]);
    const userName = remembered?.account === ref ? remembered.userName : '';
    return html(reply).send(iamSignInPage(web.csrfToken(request, reply), ref, userName, false));
  });

  app.post<{ Params: { ref: string } }>('/signin/:ref', async (request, reply) => {
    web.assertCsrf(request);
    const ref = accountRefOrThrow(request.params.ref);
    const { userName, password, altcha } = readForm(request, {
      userName: { max: 128 },
      password: { max: 1024 },
      ...CHECK_FIELD,
    });
    const decision = await guardSignIn(
      web.deps,
      sourceOf(request),
      { kind: 'user', accountRef: ref, userName },
      altcha,
    );
    if (decision.kind === 'check')
      return html(reply)
        .status(401)
        .send(iamCheckPage(web.csrfToken(request, reply), ref, userName, decision.problem, decision.level));
    if (decision.kind === 'refused')
      return html(reply)
        .status(401)
        .send(iamSignInPage(web.csrfToken(request, reply), ref, '', true));
    const result = await signInUser(web.deps, ref, userName, password, metaOf(request), decision.throttled).catch(
      abandon(decision),
    );
    settle(reply, await settleSignIn(web.deps, request.ip, decision, result, metaOf(request)));
    if (!result.ok)
      return html(reply)
        .status(401)
        .send(iamSignInPage(web.csrfToken(request, reply), ref, '', true, result.reference));
    reply.setCookie(
      web.rememberCookie,
      JSON.stringify({ account: ref, userName: result.principal.name }),
      web.cookieOptions(REMEMBER_DAYS * 86400),
    );
    return signedIn(reply, result);
  });

  const signOut = noSession(
    'Signing out ends the session the browser holds, whoever it belongs to; a browser without one is simply sent to sign-in.',
  );
  app.post('/signout', { config: { access: signOut } }, async (request, reply) => {
    await web.signOut(request);
    reply.clearCookie(web.sessionCookie, web.cookieOptions());
    return reply.redirect('/signin', 303);
  });

  /** An attempt that ends in an error (overload, a database failure) was never answered: its failure is given back. */
  function sourceOf(request: FastifyRequest): AttemptSource {
    return { ip: request.ip, deviceCookie: request.cookies[DEVICE_COOKIE] };
  }

  /** The browser keeps its device cookie; the hard-stop notice goes out after the response. */
  function settle(reply: FastifyReply, settled: Settlement): void {
    if (settled.deviceCookie)
      reply.setCookie(DEVICE_COOKIE, settled.deviceCookie, web.cookieOptions(DEVICE_COOKIE_DAYS * 86400));
    if (settled.afterResponse) afterResponse(reply, web.deps, settled.afterResponse);
  }

  function abandon(decision: Extract<GuardDecision, { kind: 'proceed' }>) {
    return async (error: unknown): Promise<never> => {
      await abandonSignIn(web.deps, decision);
      throw error;
    };
  }

  function signedIn(reply: FastifyReply, result: Extract<SignInResult, { ok: true }>) {
    reply.setCookie(web.sessionCookie, result.token, web.cookieOptions());
    if (result.mfaRequired) return reply.redirect('/signin/mfa', 303);
    return reply.redirect(result.passwordChangeRequired ? '/console/change-password' : '/console', 303);
  }
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
