import type { Db, DialectName } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { newRowId } from '../shared/ids.ts';
import { sha256 } from '../shared/secrets.ts';
import { type AuditEventFields, appendAuditEvent } from './audit.repository.ts';

/**
 * Who did something. The root user's id is its account ID; an IAM user's is its AIDA… ID; a web
 * identity's (AssumeRoleWithWebIdentity) is the `sub` its identity provider gave it.
 */
export interface Actor {
  type: 'root' | 'user' | 'assumed-role' | 'web-identity' | 'anonymous' | 'system' | 'cli';
  id: string | null;
  name: string | null;
}

/** Where a request came from, for the audit trail. */
export interface RequestMeta {
  ip: string;
  userAgent: string;
  requestId: string;
}

export const SYSTEM_META: RequestMeta = { ip: '', userAgent: '', requestId: '' };
export const CLI_ACTOR: Actor = { type: 'cli', id: null, name: 'gatehouse CLI' };
export const ANONYMOUS: Actor = { type: 'anonymous', id: null, name: null };

export interface AuditEvent {
  accountId: string | null;
  actor: Actor;
  eventName: string;
  outcome?: 'Success' | 'Failure';
  /** Internal reason code (e.g. `WrongPassword`): shown to owners and admins, never to the screen. */
  reason?: string;
  target?: { id: string | null; name: string | null };
  /** Extra facts; never a password, token or secret. */
  details?: Record<string, unknown>;
}

export interface AuditDeps {
  dialect: DialectName;
  clock: Clock;
}

/**
 * Records one CloudTrail-like event. Call it inside the transaction of the change it
 * describes, so the event and the change are written together or not at all; an event of no
 * change (a refusal, a sign-in) given no transaction is written in one of its own, since
 * reading the chain's last hash and extending it must be one step. Returns the event's ID.
 */
export async function recordAudit(db: Db, deps: AuditDeps, meta: RequestMeta, event: AuditEvent): Promise<string> {
  if (!db.isTransaction) return db.transaction().execute((tx) => recordAudit(tx, deps, meta, event));
  const id = newRowId(deps.clock.now());
  await appendAuditEvent(
    db,
    deps.dialect,
    {
      id,
      time: deps.clock.now().toISOString(),
      accountId: event.accountId,
      actorType: event.actor.type,
      actorId: event.actor.id,
      actorName: event.actor.name,
      eventName: event.eventName,
      outcome: event.outcome ?? null,
      reason: event.reason ?? null,
      targetId: event.target?.id ?? null,
      targetName: event.target?.name ?? null,
      sourceIp: meta.ip || null,
      userAgent: meta.userAgent ? meta.userAgent.slice(0, 512) : null,
      requestId: meta.requestId || null,
      details: event.details ? JSON.stringify(event.details) : null,
    },
    chainHash,
  );
  return id;
}

/** The hash that links an event to the one before it in its account's chain. */
export function chainHash(prevHash: string, event: AuditEventFields): string {
  // The order of the fields is part of every stored hash: never change it.
  const fields = [
    event.id,
    event.time,
    event.accountId,
    event.actorType,
    event.actorId,
    event.actorName,
    event.eventName,
    event.outcome,
    event.reason,
    event.targetId,
    event.targetName,
    event.sourceIp,
    event.userAgent,
    event.requestId,
    event.details,
  ];
  return sha256(`${prevHash}\n${JSON.stringify(fields)}`).toString('hex');
}
