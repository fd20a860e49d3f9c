import * as iamClient from '@aws-sdk/client-iam';
import * as stsClient from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { ACTION_CATALOG, expandActionPattern } from './action-catalog.ts';

const operations = (client: object) =>
  Object.keys(client)
    .filter((name) => name.endsWith('Command') && name !== 'Command' && name !== '$Command')
    .map((name) => name.slice(0, -'Command'.length));

describe('the action catalogue', () => {
  it('lists every operation of the IAM and STS service models, and the permission-only actions', () => {
    const iam = ACTION_CATALOG.get('iam')!;
    const sts = ACTION_CATALOG.get('sts')!;
    expect(operations(iamClient).filter((op) => !iam.includes(op))).toEqual([]);
    expect(operations(stsClient).filter((op) => !sts.includes(op))).toEqual([]);
    expect(iam).toContain('PassRole');
    expect(sts).toEqual(
      expect.arrayContaining(['TagSession', 'SetSourceIdentity', 'SetContext', 'GetServiceBearerToken']),
    );
    expect(new Set(iam).size).toBe(iam.length);
    expect([...ACTION_CATALOG.keys()]).toEqual(['iam', 'sts', 'gatehouse']);
    expect(expandActionPattern('gatehouse:SignIn*')).toEqual(['gatehouse:SignInToClient']);
  });

  it('expands a wildcard into the catalogued actions it names, ignoring case as policies do', () => {
    expect(expandActionPattern('iam:*LoginProfile')).toEqual([
      'iam:CreateLoginProfile',
      'iam:DeleteLoginProfile',
      'iam:GetLoginProfile',
      'iam:UpdateLoginProfile',
    ]);
    expect(expandActionPattern('IAM:list*')).toContain('iam:ListUsers');
    expect(expandActionPattern('iam:List*')).not.toContain('iam:GetUser');
    expect(expandActionPattern('sts:Get?essionToken')).toEqual(['sts:GetSessionToken']);
    expect(expandActionPattern('iam:*')).toHaveLength(ACTION_CATALOG.get('iam')!.length);
    expect(expandActionPattern('iam:Nothing*')).toEqual([]);
  });

  it('cannot expand what it does not list: other services, and names without a service', () => {
    expect(expandActionPattern('s3:Get*')).toBeNull();
    expect(expandActionPattern('*')).toBeNull();
  });
});
