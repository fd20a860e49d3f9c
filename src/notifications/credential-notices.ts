import { findRootUser } from '../identities/account.repository.ts';
import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { rootPasswordChangedMail, userPasswordSetMail } from '../mail/mail-templates.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import { resolveHelpRequestsOfUser } from '../recovery/help-request.repository.ts';
import type { Deps } from '../deps.ts';

/**
 * Mail to an account's root email when credentials change, queued inside the change's
 * own transaction so the notice exists exactly when the change does.
 */

function describeActor(actor: Actor): string {
  switch (actor.type) {
    case 'root':
      return 'The root user';
    case 'user':
      return `IAM user ${actor.name ?? actor.id ?? '(unknown)'}`;
    case 'cli':
      return 'An operator using the gatehouse command line';
    default:
      return actor.name ? `${actor.name}` : 'An automated process';
  }
}

/**
 * Someone set or reset an IAM user's console password. The root email is told who did
 * it, unless the user did it themselves; the user's open "forgot my password" requests
 * are closed, since an administrator has acted.
 */
export async function noteUserPasswordSet(
  tx: Db,
  deps: Pick<Deps, 'dialect' | 'clock' | 'publicUrl' | 'keyring'>,
  meta: RequestMeta,
  change: { accountId: string; userId: string; userName: string; actor: Actor; created: boolean },
): Promise<void> {
  const now = deps.clock.now().toISOString();
  await resolveHelpRequestsOfUser(tx, change.userId, 'password', now, change.actor.name ?? change.actor.type);
  if (change.actor.type === 'user' && change.actor.id === change.userId) return;
  const root = await findRootUser(tx, change.accountId);
  if (!root) return;
  await enqueueMail(tx, deps, meta, {
    to: root.email,
    accountId: change.accountId,
    mail: userPasswordSetMail({
      accountId: change.accountId,
      userName: change.userName,
      actorName: describeActor(change.actor),
      created: change.created,
      origin: { time: now, meta },
    }),
  });
}

/** The signed-in root user changed its own password: its email is told. */
export async function noteRootPasswordChanged(
  tx: Db,
  deps: Pick<Deps, 'dialect' | 'clock' | 'publicUrl' | 'keyring'>,
  meta: RequestMeta,
  accountId: string,
): Promise<void> {
  const root = await findRootUser(tx, accountId);
  if (!root) return;
  await enqueueMail(tx, deps, meta, {
    to: root.email,
    accountId,
    mail: rootPasswordChangedMail({
      accountId,
      how: 'changed',
      origin: { time: deps.clock.now().toISOString(), meta },
    }),
  });
}
