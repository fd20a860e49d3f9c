import { describe, expect, it } from 'vitest';
import { ACTION_CATALOG } from '../../policies/action-catalog.ts';
import { ACTIONS } from './index.ts';

describe('the permissions the Query API Actions are decided on', () => {
  it('are real IAM and STS actions, as the action catalogue lists them', () => {
    // ACTIONS is a Map: read its values, not its (absent) own properties.
    const permissions = [...ACTIONS.values()].map((action) => action.permission);
    expect(permissions.length).toBe(ACTIONS.size);
    expect(permissions).toContain('iam:CreateRole');
    const unknown = permissions.filter((permission) => {
      const [service, name] = permission.split(':');
      return !ACTION_CATALOG.get(service!)?.includes(name!);
    });
    expect(unknown).toEqual([]);
  });

  it('are each the IAM or STS action of the same name', () => {
    const mismatched = [...ACTIONS.values()]
      .filter((action) => action.permission !== `${action.service}:${action.name}`)
      .map((action) => `${action.name} → ${action.permission}`);
    expect(mismatched).toEqual([]);
  });

  it('include every role management Action', () => {
    expect([...ACTIONS.keys()]).toEqual(
      expect.arrayContaining([
        'AttachRolePolicy',
        'CreateRole',
        'DeleteRole',
        'DeleteRolePermissionsBoundary',
        'DeleteRolePolicy',
        'DetachRolePolicy',
        'GetRole',
        'GetRolePolicy',
        'ListAttachedRolePolicies',
        'ListRolePolicies',
        'ListRoleTags',
        'ListRoles',
        'PutRolePermissionsBoundary',
        'PutRolePolicy',
        'TagRole',
        'UntagRole',
        'UpdateAssumeRolePolicy',
        'UpdateRole',
        'UpdateRoleDescription',
      ]),
    );
  });
});
