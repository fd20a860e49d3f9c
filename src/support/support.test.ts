import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { settleAfterResponse } from '../web/after-response.ts';
import { GatehouseError } from '../shared/errors.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { listSupportCases, replyToCase, showSupportCase } from './support.service.ts';

describe.each(DIALECTS)('support cases on %s', (dialect) => {
  let t: TestContext;
  let mine: Awaited<ReturnType<typeof makeAccount>>;
  let other: Awaited<ReturnType<typeof makeAccount>>;
  const browser = () => new Browser(t.app);

  beforeAll(async () => {
    t = await createTestContext(dialect);
    mine = await makeAccount(t.deps, { alias: `mine-${dialect}` });
    other = await makeAccount(t.deps, { alias: `other-${dialect}` });
    await makeUser(t.deps, other.id, 'secret-user-name');
  });
  afterAll(() => t.close());

  async function openCase(fields: Record<string, string>) {
    const b = browser();
    const response = await b.post('/support', fields, { csrfFrom: '/support' });
    await settleAfterResponse(t.deps);
    return response;
  }

  it('opens cases with the same answer whether the account exists or not', async () => {
    const a = await openCase({
      contactEmail: mine.email,
      accountRef: `mine-${dialect}`,
      description: 'I forgot my root password and the reset mail never came.',
    });
    const b = await openCase({
      contactEmail: 'stranger@example.com',
      accountRef: '123456789012',
      description: 'Locked out of an account that is not there.',
    });
    expect(a.statusCode).toBe(200);
    // Each answer names its own case number; nothing else differs.
    const caseNumber = (body: string) => /class="case-id">(case-[a-z0-9]+)</.exec(body)?.[1];
    expect(caseNumber(a.body)).toBeDefined();
    expect(a.body.replace(caseNumber(a.body)!, 'CASE')).toBe(b.body.replace(caseNumber(b.body)!, 'CASE'));
    const stored = (await listSupportCases(t.deps, 'open')).map((c) => c.id);
    expect(stored).toEqual(expect.arrayContaining([caseNumber(a.body), caseNumber(b.body)]));
    const bad = await openCase({ contactEmail: 'not-an-email', accountRef: '', description: 'short' });
    expect(bad.statusCode).toBe(400);
  });

  it('shows staff the case and only whether the named account’s root email matches', async () => {
    const cases = await listSupportCases(t.deps, 'open');
    const genuine = cases.find((c) => c.contactEmail === mine.email)!;
    const stranger = cases.find((c) => c.contactEmail === 'stranger@example.com')!;
    const shown = await showSupportCase(t.deps, genuine.id, 'sam', SYSTEM_META);
    expect(shown.contactIsRootEmail).toBe('yes');
    expect((await showSupportCase(t.deps, stranger.id, 'sam', SYSTEM_META)).contactIsRootEmail).toBe('no');
    // Nothing of the account leaks into what staff see: no ID, no users, no root email other than the one the sender typed.
    const everything = JSON.stringify([cases, shown]);
    expect(everything).not.toContain(other.email);
    expect(everything).not.toContain('secret-user-name');
    expect(everything).not.toContain(mine.id);
  });

  it('cannot be used to probe another account: a case naming it with a wrong address learns "no" and nothing else', async () => {
    await openCase({
      contactEmail: 'attacker@example.com',
      accountRef: `other-${dialect}`,
      description: 'Please tell me the root email of this account.',
    });
    const probe = (await listSupportCases(t.deps, 'open')).find((c) => c.contactEmail === 'attacker@example.com')!;
    const shown = await showSupportCase(t.deps, probe.id, 'sam', SYSTEM_META);
    expect(shown.contactIsRootEmail).toBe('no');
    expect(JSON.stringify(shown)).not.toContain(other.email);
    expect(JSON.stringify(shown)).not.toContain(other.id);
    // The recovery mail goes to the root email on file, never to the case's contact address.
    const result = await replyToCase(
      t.deps,
      probe.id,
      { staff: 'sam', message: 'We sent a reset to the address on file.', sendRecovery: true, close: true },
      SYSTEM_META,
    );
    expect(result.recoverySent).toBe(true);
    const mail = await t.deps.db
      .selectFrom('mail_outbox')
      .select(['recipient', 'template'])
      .orderBy('created_at')
      .execute();
    expect(mail).toContainEqual({ recipient: other.email, template: expect.stringMatching(/reset/) });
    expect(mail.filter((m) => m.recipient === 'attacker@example.com').map((m) => m.template)).toEqual([
      'support-reply',
    ]);
    await expect(showSupportCase(t.deps, 'case-nonexistent', 'sam', SYSTEM_META)).rejects.toBeInstanceOf(
      GatehouseError,
    );
  });

  it('audits every support action where the account’s administrators see it, and offers staff no HTTP route', async () => {
    const events = await t.deps.db
      .selectFrom('audit_events')
      .select(['event_name', 'actor_name'])
      .where('account_id', '=', other.id)
      .execute();
    const names = events.map((e) => e.event_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'SupportCaseOpened',
        'SupportCaseViewed',
        'SupportCaseReplied',
        'PasswordRecoveryRequested',
      ]),
    );
    expect(events.find((e) => e.event_name === 'SupportCaseViewed')!.actor_name).toBe('support: sam');
    const admin = browser();
    await admin.post('/signin/root/password', { email: other.email, password: ROOT_PASSWORD });
    const home = await admin.get('/console');
    expect(home.body).toContain('Support (support: sam) viewed a case naming this account');
    const activity = await admin.get('/console/activity?event=SupportCaseReplied');
    expect(activity.body).toContain('support: sam');
    for (const path of ['/support/cases', '/support/cases/x', '/console/support'])
      expect((await browser().get(path)).statusCode).toBe(404);
  });
});
