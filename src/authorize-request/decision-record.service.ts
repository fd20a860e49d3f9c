import { recordAudit } from '../audit/audit.service.ts';
import type { Caller } from '../authz/api-caller.ts';
import type { Deps } from '../deps.ts';
import { actorOf } from '../identities/principal.ts';
import { minuteOf } from '../decision-counts/authorization-count.repository.ts';
import type { AuthorizeRecord } from './authorize-input.ts';

/**
 * What the authorization API keeps of a decision about a verified principal. Every decision is
 * counted in its minute's row (a count says how much, never who; written in batches, `decision-counts.ts`). Events — who,
 * action, resource, reason — follow the service's `record`: `denials` (the default) writes an
 * event for each Deny, `all` for each decision, `none` none. A request whose signature failed
 * is never recorded: anyone can send one, and it would fill the account's trail.
 */

export const AUTHORIZE_EVENT = 'AuthorizeRequest';

export interface RecordedDecision {
  caller: Caller;
  /** The calling service, authenticated. */
  service: Caller;
  /** The credential-scope service name the end client signed for (`notes`, `s3`). */
  serviceName: string;
  action: string;
  resource: string;
  allowed: boolean;
  reason: string;
  record: AuthorizeRecord;
  /** The end client's address, as the service forwarded it. */
  clientIp: string | null;
  userAgent: string;
  requestId: string;
}

/** Counts the decision and, when the service's `record` asks for it, writes its event (one commit). */
export async function recordDecision(deps: Deps, d: RecordedDecision): Promise<void> {
  const { principal } = d.caller;
  deps.decisionCounts.add({
    accountId: principal.accountId,
    minute: minuteOf(deps.clock.now()),
    serviceArn: d.service.principal.arn,
    action: d.action,
    decision: d.allowed ? 'Allow' : 'Deny',
  });
  if (d.record === 'none' || (d.allowed && d.record !== 'all')) return;
  await recordAudit(
    deps.db,
    deps,
    { ip: d.clientIp ?? '', userAgent: d.userAgent, requestId: d.requestId },
    {
      accountId: principal.accountId,
      actor: actorOf(principal),
      eventName: AUTHORIZE_EVENT,
      outcome: d.allowed ? 'Success' : 'Failure',
      ...(d.allowed ? {} : { reason: 'AccessDenied' }),
      target: { id: null, name: d.resource },
      details: {
        action: d.action,
        resource: d.resource,
        service: d.serviceName,
        serviceArn: d.service.principal.arn,
        reason: d.reason,
        sourceIp: d.clientIp,
        accessKeyId: d.caller.accessKeyId,
      },
    },
  );
}
