import type { Principal } from '../identities/principal.ts';
import { type Authorization, type AuthorizationContext, authorize } from '../policies/authorization.service.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';

/**
 * The policy engine for console pages: the condition keys a browser session carries, and
 * a refusal that tells the signed-in person which permission they lack (they are
 * entitled to know; an attacker without a session never gets this far).
 */

/** A signed-in principal with its request's condition keys: what every console decision is made with. */
export interface ConsoleCaller {
  principal: Principal;
  context: AuthorizationContext;
}

/**
 * The condition keys of a console request, as the Query API supplies them for a signed
 * request: source address, transport, and when the session proved MFA.
 */
export function consoleContext(
  deps: Pick<Deps, 'clock'>,
  mfaAt: string | null,
  request: { ip: string; protocol: string },
): AuthorizationContext {
  return {
    'aws:SourceIp': request.ip,
    'aws:SecureTransport': request.protocol === 'https' ? 'true' : 'false',
    'aws:MultiFactorAuthPresent': mfaAt ? 'true' : 'false',
    ...(mfaAt
      ? {
          'aws:MultiFactorAuthAge': String(
            Math.max(0, Math.floor((deps.clock.now().getTime() - Date.parse(mfaAt)) / 1000)),
          ),
        }
      : {}),
  };
}

export function missingPermissionMessage(result: Authorization): string {
  const why = result.decision === 'explicitDeny' ? 'A policy explicitly denies' : 'None of your policies allows';
  return `You do not have permission to do this. ${why} ${result.action} on ${result.resource}. Ask an administrator of this account if you need it.`;
}

/** The decision on one action, with the request's condition keys. */
export function consoleDecision(
  deps: Deps,
  who: ConsoleCaller,
  action: string,
  resource: string,
): Promise<Authorization> {
  return authorize(deps, who.principal, action, resource, who.context);
}

/** Decides a console action; AccessDenied naming the missing permission unless allowed. */
export async function assertConsoleAllowed(
  deps: Deps,
  who: ConsoleCaller,
  action: string,
  resource: string,
): Promise<Authorization> {
  const result = await consoleDecision(deps, who, action, resource);
  if (result.decision !== 'allowed') throw new GatehouseError('AccessDenied', missingPermissionMessage(result));
  return result;
}

/** Whether a link or form for this action should be shown: the same decision its handler makes. */
export async function consoleMay(deps: Deps, who: ConsoleCaller, action: string, resource: string): Promise<boolean> {
  return (await consoleDecision(deps, who, action, resource)).decision === 'allowed';
}
