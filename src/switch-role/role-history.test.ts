import { describe, expect, it } from 'vitest';
import { type RecentRole, recentRoleFor, recentRolesOf, withRecentRole } from './role-history.ts';

const IVY = 'AIDAIVYIVYIVYIVYIVYIV';
const PAT = 'AIDAPATPATPATPATPATPA';
const role = (n: number, extra: Partial<RecentRole> = {}): RecentRole => ({
  account: '111122223333',
  roleName: `Role${n}`,
  displayName: `Role ${n}`,
  colour: 'green',
  ...extra,
});

describe('the recently used roles cookie', () => {
  it('keeps the last five roles of each user, newest first, a role used again moving to the front', () => {
    let cookie: string | undefined;
    for (let n = 1; n <= 7; n++) cookie = withRecentRole(cookie, IVY, role(n));
    cookie = withRecentRole(cookie, PAT, role(9, { account: 'partner-labs' }));
    cookie = withRecentRole(cookie, IVY, role(4, { roleName: 'ROLE4', displayName: 'Four again' }));
    expect(recentRolesOf(cookie, IVY).map((r) => r.displayName)).toEqual([
      'Four again',
      'Role 7',
      'Role 6',
      'Role 5',
      'Role 3',
    ]);
    expect(recentRolesOf(cookie, PAT)).toEqual([role(9, { account: 'partner-labs' })]);
    expect(recentRolesOf(cookie, 'AIDASOMEONEELSEENTIRELY')).toEqual([]);
  });

  it('reads a changed or foreign cookie strictly: what does not parse is dropped, never trusted', () => {
    expect(recentRolesOf('not base64 json', IVY)).toEqual([]);
    const forged = Buffer.from(
      JSON.stringify([
        [IVY, '111122223333', 'Good', 'Fine', 'blue'],
        [IVY, '111122223333', 'Bad name!', 'x', 'blue'],
        [IVY, 'NOT AN ACCOUNT', 'Role', 'x', 'blue'],
        [IVY, '111122223333', 'Role', 'x', 'purple'],
        [IVY, '111122223333', 'Role', 'x'.repeat(65), 'blue'],
        { userId: IVY },
      ]),
    ).toString('base64url');
    expect(recentRolesOf(forged, IVY)).toEqual([
      { account: '111122223333', roleName: 'Good', displayName: 'Fine', colour: 'blue' },
    ]);
  });

  it('stays small enough for a browser to keep, dropping the oldest entries', () => {
    let cookie: string | undefined;
    const users = ['AIDAAAAAAAAAAAAAAAAAA', 'AIDABBBBBBBBBBBBBBBBB', 'AIDACCCCCCCCCCCCCCCCC'];
    for (const user of users)
      for (let n = 1; n <= 5; n++)
        cookie = withRecentRole(
          cookie,
          user,
          role(n, { roleName: `${'path/'.repeat(60)}Role${n}`, displayName: 'd'.repeat(64) }),
        );
    expect(cookie!.length).toBeLessThanOrEqual(3600);
    expect(recentRolesOf(cookie, users[2]!)).toHaveLength(5);
  });

  it('finds the entry of the role a console acts as, by account ID or alias and by name with or without its path', () => {
    const cookie = withRecentRole(undefined, IVY, role(1, { account: 'roles-labs', roleName: 'ops/Role1' }));
    const acting = { accountId: '444455556666', accountAlias: 'roles-labs', roleName: 'Role1', path: '/ops/' };
    expect(recentRoleFor(cookie, IVY, acting)?.displayName).toBe('Role 1');
    expect(recentRoleFor(cookie, IVY, { ...acting, accountAlias: null })).toBeUndefined();
  });
});
