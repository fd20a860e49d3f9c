import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { createAccessKey, resolveKeyOwner } from '../access-keys/access-key.service.ts';
import { HOUR } from '../shared/clock.ts';
import { GatehouseError } from '../shared/errors.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import {
  CREDENTIAL_REPORT_COLUMNS,
  generateCredentialReport,
  getCredentialReport,
} from './credential-report.service.ts';

const AWS_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

/** A small RFC 4180 reader: enough to check the report is well-formed CSV. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe.each(DIALECTS)('credential report on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'alice');
    await makeUser(t.deps, account.id, 'keyonly', { password: null });
    await createAccessKey(t.deps, await resolveKeyOwner(t.deps.db, account.id, 'keyonly'), CLI_ACTOR, SYSTEM_META);
    const browser = new Browser(t.app);
    await browser.post(`/signin/${account.id}`, { userName: 'alice', password: USER_PASSWORD });
  });
  afterAll(() => t.close());

  it('has the AWS header and value conventions', async () => {
    await expect(getCredentialReport(t.deps, account.id)).rejects.toMatchObject({ code: 'ReportNotPresent' });
    expect(await generateCredentialReport(t.deps, account.id)).toBe('STARTED');
    expect(await generateCredentialReport(t.deps, account.id)).toBe('COMPLETE');
    const { content } = await getCredentialReport(t.deps, account.id);
    const rows = parseCsv(content);
    expect(rows[0]!.join(',')).toBe(AWS_HEADER);
    expect(CREDENTIAL_REPORT_COLUMNS.join(',')).toBe(AWS_HEADER);
    for (const row of rows) expect(row).toHaveLength(22);
    const byUser = new Map(
      rows.slice(1).map((r) => [r[0]!, Object.fromEntries(CREDENTIAL_REPORT_COLUMNS.map((c, i) => [c, r[i]!]))]),
    );
    const root = byUser.get('<root_account>')!;
    expect(root.arn).toBe(`arn:aws:iam::${account.id}:root`);
    expect(root.password_enabled).toBe('not_supported');
    expect(root.password_last_changed).toBe('not_supported');
    expect(root.password_last_used).toBe('no_information');
    const alice = byUser.get('alice')!;
    expect(alice.password_enabled).toBe('true');
    expect(alice.password_last_used).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(alice.password_next_rotation).toBe('N/A');
    expect(alice.mfa_active).toBe('false');
    expect(alice.access_key_1_active).toBe('false');
    expect(alice.access_key_1_last_rotated).toBe('N/A');
    const keyOnly = byUser.get('keyonly')!;
    expect(keyOnly.password_enabled).toBe('false');
    expect(keyOnly.password_last_used).toBe('N/A');
    expect(keyOnly.access_key_1_active).toBe('true');
    expect(keyOnly.access_key_1_last_rotated).toMatch(/\+00:00$/);
    expect(keyOnly.access_key_1_last_used_date).toBe('N/A');
    expect(keyOnly.cert_1_active).toBe('false');
  });

  it('expires after four hours', async () => {
    t.clock.advance(4 * HOUR);
    const error = await getCredentialReport(t.deps, account.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('ReportExpired');
    expect(await generateCredentialReport(t.deps, account.id)).toBe('STARTED');
  });

  it('downloads from the console for administrators only', async () => {
    const admin = new Browser(t.app);
    await admin.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const csv = await admin.get('/console/credential-report.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(parseCsv(csv.body)[0]!.join(',')).toBe(AWS_HEADER);
    const user = new Browser(t.app);
    await user.post(`/signin/${account.id}`, { userName: 'alice', password: USER_PASSWORD });
    expect((await user.get('/console/credential-report.csv')).statusCode).toBe(403);
  });
});
