import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META, recordAudit } from '../audit/audit.service.ts';
import { minuteOf } from '../decision-counts/authorization-count.repository.ts';
import { purgeExpired } from '../maintenance/purge.service.ts';
import { lookUpReference } from '../support-references/support-reference.service.ts';
import { DAY, HOUR } from '../shared/clock.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';

const FIREFOX = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' };

describe.each(DIALECTS)('activity pages on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let stranger: Awaited<ReturnType<typeof makeAccount>>;
  let reference = '';

  beforeAll(async () => {
    t = await createTestContext(dialect, { TRUST_PROXY: '127.0.0.1' });
    account = await makeAccount(t.deps, { alias: `act-${dialect}` });
    stranger = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'alice');
  });
  afterAll(() => t.close());

  async function signInRoot(email: string) {
    const b = new Browser(t.app);
    await b.post('/signin/root/password', { email, password: ROOT_PASSWORD });
    return b;
  }

  it('tells a principal about failures since its last sign-in until it says "that was me"', async () => {
    const alice = new Browser(t.app);
    await alice.post(`/signin/act-${dialect}`, { userName: 'alice', password: USER_PASSWORD });
    t.clock.advance(HOUR);
    const attacker = new Browser(t.app);
    for (let i = 0; i < 3; i++) {
      const failed = await attacker.post(
        `/signin/act-${dialect}`,
        { userName: 'alice', password: 'guess' },
        { headers: { ...FIREFOX, 'x-forwarded-for': '203.0.113.7' } },
      );
      reference = /Ref ([2-9A-Z]{3}-[2-9A-Z]{3})/.exec(failed.body)![1]!;
    }
    t.clock.advance(2 * HOUR);
    const again = new Browser(t.app);
    await again.post(`/signin/act-${dialect}`, { userName: 'alice', password: USER_PASSWORD });
    const home = await again.get('/console');
    expect(home.body).toContain('3 failed sign-in attempts since your last sign-in');
    expect(home.body).toContain('203.0.113.7, Firefox, 2 h ago');
    expect(home.body).toContain('Secure my account');
    const recent = await again.get('/console/recent-activity');
    expect(recent.body).toContain('WrongPassword');
    const csrf = await again.csrf('/console');
    const ack = await again.post('/console/activity/acknowledge', {}, { csrf });
    expect(ack.statusCode).toBe(303);
    expect((await again.get('/console')).body).not.toContain('failed sign-in attempts since');
    expect((await again.get('/console/activity')).statusCode).toBe(403);
  });

  it('gives administrators the trail with filters, a script-free chart and a CloudTrail-like export', async () => {
    const root = await signInRoot(account.email);
    const page = await root.get('/console/activity?user=alice&outcome=Failure');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('times in UTC</figcaption>');
    expect(page.body).not.toContain('<script');
    expect(page.body).toContain('WrongPassword');
    expect(page.body).not.toContain('<td>Success');
    expect(page.body).toContain('<td>Failure');
    const exported = await root.get('/console/activity/export?user=alice&event=ConsoleLogin');
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const records = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown> & { responseElements: Record<string, unknown> });
    expect(records.length).toBeGreaterThanOrEqual(5);
    for (const r of records) {
      expect(r.eventSource).toBe('signin.amazonaws.com');
      expect(r.eventType).toBe('AwsConsoleSignIn');
      expect(r.recipientAccountId).toBe(account.id);
      expect(['Success', 'Failure']).toContain(r.responseElements.ConsoleLogin);
    }
    const failure = records.find((r) => r.responseElements.ConsoleLogin === 'Failure')!;
    expect(failure.errorMessage).toBe('Failed authentication');
    expect(failure.sourceIPAddress).toBe('203.0.113.7');
    expect((await root.get('/console/activity?from=yesterday')).statusCode).toBe(400);
  });

  it('pages through a long trail, 50 events a page, newest first, keeping the filters', async () => {
    const pager = await makeAccount(t.deps);
    const root = await signInRoot(pager.email);
    for (let i = 0; i < 60; i++)
      await recordAudit(t.deps.db, t.deps, SYSTEM_META, {
        accountId: pager.id,
        actor: CLI_ACTOR,
        eventName: `PagedEvent${String(i).padStart(2, '0')}`,
        outcome: 'Success',
      });
    const first = await root.get('/console/activity?outcome=Success');
    const names = (body: string) => [...body.matchAll(/PagedEvent(\d\d)/g)].map((m) => Number(m[1]));
    expect(names(first.body)).toHaveLength(50);
    expect(names(first.body)[0]).toBe(59);
    const older = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toMatch(/^\/console\/activity\?.*before=\d+/);
    const second = await root.get(older!);
    expect(names(second.body).filter((n) => n < 10)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(second.body).not.toContain('rel="next"');
    expect(second.body).toContain('Newest events');
    expect((await root.get('/console/activity?before=x')).statusCode).toBe(400);
  });

  it('finds a support reference only in its own account', async () => {
    const root = await signInRoot(account.email);
    const found = await root.get(`/console/activity?ref=${encodeURIComponent(reference.toLowerCase())}`);
    expect(found.body).toContain(`Ref ${reference}`);
    expect(found.body).toContain('<strong>WrongPassword</strong>');
    const other = await signInRoot(stranger.email);
    const notFound = await other.get(`/console/activity?ref=${reference}`);
    expect(notFound.body).toContain('No failed attempt of this account has that reference');
    expect(notFound.body).not.toContain('WrongPassword');
  });

  it('forgets references after 30 days', async () => {
    t.clock.advance(31 * DAY);
    // Past 30 days a reference is no longer found, even before the hourly purge deletes it.
    expect(await lookUpReference(t.deps, account.id, reference)).toEqual([]);
    await purgeExpired(t.deps);
    const left = await t.deps.db
      .selectFrom('support_references')
      .select('reference')
      .where('reference', '=', reference)
      .execute();
    expect(left).toEqual([]);
  });

  it('shows a user’s sign-in health', async () => {
    const root = await signInRoot(account.email);
    const health = await root.get('/console/activity/users/alice');
    expect(health.statusCode).toBe(200);
    expect(health.body).toContain('Last successful sign-in');
    expect(health.body).toContain('does not expire');
    expect(health.body).toContain('no MFA device');
    expect((await root.get('/console/activity/users/nobody')).statusCode).toBe(404);
  });

  it('sums the per-minute decision counts over the last hour and day, and lists only decisions when asked', async () => {
    const shop = await makeAccount(t.deps);
    const service = `arn:aws:iam::${shop.id}:user/notes-service`;
    const at = (minutesAgo: number) => minuteOf(new Date(t.clock.now().getTime() - minutesAgo * 60_000));
    const counted: Array<[number, string, 'Allow' | 'Deny']> = [
      [5, 'notes:GetNote', 'Allow'],
      [5, 'notes:GetNote', 'Allow'],
      [50, 'notes:GetNote', 'Deny'],
      [3 * 60, 'notes:GetNote', 'Allow'],
      [23 * 60, 'notes:PutNote', 'Deny'],
      [25 * 60, 'notes:GetNote', 'Allow'],
    ];
    for (const [ago, action, decision] of counted)
      t.deps.decisionCounts.add({ accountId: shop.id, minute: at(ago), serviceArn: service, action, decision });
    t.deps.decisionCounts.add({
      accountId: stranger.id,
      minute: at(5),
      serviceArn: service,
      action: 'notes:GetNote',
      decision: 'Allow',
    });
    await t.deps.decisionCounts.flush();
    for (const [eventName, outcome] of [
      ['AuthorizeRequest', 'Failure'],
      ['ConsoleLogin', 'Success'],
    ] as const)
      await recordAudit(t.deps.db, t.deps, SYSTEM_META, {
        accountId: shop.id,
        actor: { type: 'user', id: 'AIDAEXAMPLE', name: 'gus' },
        eventName,
        outcome,
        target: { id: null, name: `arn:aws:notes:eu-west-1:${shop.id}:note/1` },
        details: { action: 'notes:PutNote', service: 'notes', serviceArn: service },
      });
    const root = await signInRoot(shop.email);
    const page = await root.get('/console/activity?kind=decisions');
    const table = /<caption>Decisions for services, counted<\/caption>[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    const cells = [
      ...table.matchAll(
        /<tr><td>[^<]+<\/td><td>([^<]+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/g,
      ),
    ];
    expect(cells.map((m) => m.slice(1))).toEqual([
      ['notes:GetNote', '2', '1', '3', '1'],
      ['notes:PutNote', '0', '0', '0', '1'],
    ]);
    expect(page.body).toContain('<td>notes:PutNote</td>');
    expect([...page.body.matchAll(/data-decision="(\w+)"/g)].map((m) => m[1])).toEqual(['Deny']);
    expect(page.body).toContain(`notes <span class="muted">(${service})</span>`);
    const every = await root.get('/console/activity');
    expect(every.body).toContain('<td>ConsoleLogin</td>');
    expect(every.body).toContain('AuthorizeRequest <span class="muted">notes:PutNote</span>');
  });
});
