import { describe, expect, it } from 'vitest';
import { ACTION_CATALOG } from '../../policies/action-catalog.ts';
import { ACTIONS } from './index.ts';

describe('the permissions the Query API Actions are decided on', () => {
  it('are real IAM and STS actions, as the action catalogue lists them', () => {
    const unknown = Object.values(ACTIONS)
      .map((action) => action.permission)
      .filter((permission) => {
        const [service, name] = permission.split(':');
        return !ACTION_CATALOG.get(service!)?.includes(name!);
      });
    expect(unknown).toEqual([]);
  });
});
