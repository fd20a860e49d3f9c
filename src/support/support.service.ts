import { findAccountByRef } from '../identities/account.repository.ts';
import { ANONYMOUS, type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Mail } from '../mail/mail-templates.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import { requestPasswordReset } from '../recovery/recovery.service.ts';
import { DAY } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { newRowId } from '../shared/ids.ts';
import { emailKey, isAccountId, isAlias, normaliseAccountRef, normaliseEmail } from '../shared/validation.ts';
import {
  type SupportCaseRecord,
  countCasesFromSince,
  findCase,
  insertCase,
  listCases,
  noteReply,
  rootEmailIs,
  rootEmailOfAccount,
} from './support-case.repository.ts';

/** Cases one contact address may open per day; more are answered the same and dropped. */
export const CASES_PER_DAY = 5;
export const MAX_DESCRIPTION = 4000;

export interface NewCase {
  contactEmail: string;
  accountRef: string;
  description: string;
}

/** Checks a case form; throws ValidationError naming the field. */
export function validateCase(input: NewCase): NewCase {
  const contactEmail = normaliseEmail('contactEmail', input.contactEmail);
  const accountRef = input.accountRef.trim() ? normaliseAccountRef(input.accountRef) : '';
  if (accountRef && !isAccountId(accountRef) && !isAlias(accountRef)) {
    throw invalid('accountRef', 'Enter a 12-digit account ID or an account alias, or leave it empty.');
  }
  const description = input.description.trim();
  if (description.length < 10)
    throw invalid('description', 'Describe the problem in a few words (at least 10 characters).');
  if (description.length > MAX_DESCRIPTION)
    throw invalid('description', `Keep the description under ${MAX_DESCRIPTION} characters.`);
  return { contactEmail, accountRef, description };
}

/**
 * A person who cannot sign in opens a case. Whether the account exists changes nothing
 * they see; the case is audited on the account it names so its administrators see it.
 */
export async function openCase(deps: Deps, input: NewCase, meta: RequestMeta): Promise<void> {
  const valid = validateCase(input);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    const key = emailKey(valid.contactEmail);
    const accountId = valid.accountRef ? ((await findAccountByRef(tx, valid.accountRef))?.id ?? null) : null;
    if (
      (await countCasesFromSince(tx, key, new Date(deps.clock.now().getTime() - DAY).toISOString())) >= CASES_PER_DAY
    ) {
      await recordAudit(tx, deps, meta, {
        accountId,
        actor: ANONYMOUS,
        eventName: 'SupportCaseOpened',
        outcome: 'Failure',
        reason: 'RateLimited',
      });
      return;
    }
    const id = `case-${newRowId(deps.clock.now())}`;
    await insertCase(tx, {
      id,
      contactEmail: valid.contactEmail,
      contactEmailKey: key,
      accountRef: valid.accountRef || null,
      accountId,
      description: valid.description,
      status: 'open',
      sourceIp: meta.ip || null,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor: ANONYMOUS,
      eventName: 'SupportCaseOpened',
      outcome: 'Success',
      target: { id, name: null },
      details: { caseId: id },
    });
  });
}

/** A case as support staff see it: what the person wrote, nothing from any account. */
export interface CaseSummary {
  id: string;
  status: string;
  createdAt: string;
  contactEmail: string;
  accountRef: string | null;
  replies: number;
  description: string;
}

function summary(row: SupportCaseRecord): CaseSummary {
  return {
    id: row.id,
    status: row.status,
    createdAt: row.createdAt,
    contactEmail: row.contactEmail,
    accountRef: row.accountRef,
    replies: row.replies,
    description: row.description,
  };
}

export async function listSupportCases(deps: Deps, status: 'open' | 'closed' | 'all'): Promise<CaseSummary[]> {
  return (await listCases(deps.db, status, 200)).map(summary);
}

export interface CaseDetail extends CaseSummary {
  /**
   * Whether the named account's root email is the contact email. "no" also when no such
   * account exists: staff learn one bit about the one account the case names, nothing else.
   */
  contactIsRootEmail: 'yes' | 'no' | 'no account named';
}

function supportActor(staff: string): Actor {
  return { type: 'cli', id: null, name: `support: ${staff}` };
}

async function caseOrThrow(deps: Deps, id: string): Promise<SupportCaseRecord> {
  const row = await findCase(deps.db, id);
  if (!row) throw new GatehouseError('NoSuchEntity', `There is no support case ${id}.`);
  return row;
}

/** Support staff open a case; the view is audited on the account it names. */
export async function showSupportCase(deps: Deps, id: string, staff: string, meta: RequestMeta): Promise<CaseDetail> {
  const row = await caseOrThrow(deps, id);
  return deps.db.transaction().execute(async (tx) => {
    let match: CaseDetail['contactIsRootEmail'] = 'no account named';
    if (row.accountRef)
      match = row.accountId && (await rootEmailIs(tx, row.accountId, row.contactEmailKey)) ? 'yes' : 'no';
    await recordAudit(tx, deps, meta, {
      accountId: row.accountId,
      actor: supportActor(staff),
      eventName: 'SupportCaseViewed',
      target: { id: row.id, name: null },
    });
    return { ...summary(row), contactIsRootEmail: match };
  });
}

/**
 * Support staff answer a case by mail to its contact address, and may trigger the
 * normal password-reset mail to the root email on file of the account the case names.
 * They never see that address, nor set or read any credential.
 */
export async function replyToCase(
  deps: Deps,
  id: string,
  input: { staff: string; message: string; sendRecovery: boolean; close: boolean },
  meta: RequestMeta,
): Promise<{ recoverySent: boolean }> {
  const message = input.message.trim();
  if (!message && !input.sendRecovery) throw invalid('message', 'Give a message, --send-recovery, or both.');
  const row = await caseOrThrow(deps, id);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    await noteReply(tx, row.id, input.close ? 'closed' : 'open', now);
    await recordAudit(tx, deps, meta, {
      accountId: row.accountId,
      actor: supportActor(input.staff),
      eventName: 'SupportCaseReplied',
      target: { id: row.id, name: null },
      details: { recoveryMail: input.sendRecovery && row.accountId !== null, closed: input.close },
    });
    if (message)
      await enqueueMail(tx, deps, meta, {
        to: row.contactEmail,
        accountId: row.accountId,
        mail: supportReplyMail(row.id, message),
      });
  });
  if (!input.sendRecovery || !row.accountId) return { recoverySent: false };
  const rootEmail = await rootEmailOfAccount(deps.db, row.accountId);
  if (!rootEmail) return { recoverySent: false };
  await requestPasswordReset(deps, rootEmail, meta);
  return { recoverySent: true };
}

function supportReplyMail(caseId: string, message: string): Mail {
  const subject = `Re: your Gatehouse support case ${caseId}`;
  const note =
    'Support never asks for your password or codes. If you were sent a password reset, it went to the root email address on file.';
  return {
    template: 'support-reply',
    subject,
    text: `${message}\n\n${note}\n`,
    html: html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head><body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 1em auto"><p style="white-space: pre-wrap">${message}</p><p style="color: #57606a">${note}</p></body></html>`
      .value,
  };
}
