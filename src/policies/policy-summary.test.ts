import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../shared/errors.ts';
import { ACTION_CATALOG } from './action-catalog.ts';
import { AWS_MANAGED_POLICIES } from './aws-managed.ts';
import { summarizePolicy } from './policy-summary.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const awsPolicy = (name: string) => AWS_MANAGED_POLICIES.find((p) => p.name === name)!.document;

describe('the policy summary', () => {
  it('reads AdministratorAccess as every action of every service on every resource', () => {
    expect(summarizePolicy(awsPolicy('AdministratorAccess'))).toEqual([
      {
        service: '*',
        catalogued: null,
        rules: [
          {
            effect: 'Allow',
            statement: { index: 0, sid: null },
            scope: 'all',
            patterns: ['*'],
            actions: null,
            unrecognized: [],
            resources: { kind: 'all' },
            conditions: [],
          },
        ],
      },
    ]);
  });

  it('expands IAM wildcards through the action catalogue, each action once, in the catalogue order', () => {
    const [iam] = summarizePolicy(awsPolicy('IAMReadOnlyAccess'));
    expect(iam!.service).toBe('iam');
    expect(iam!.catalogued).toBe(ACTION_CATALOG.get('iam')!.length);
    const rule = iam!.rules[0]!;
    expect(rule.scope).toBe('some');
    expect(rule.patterns).toContain('iam:Get*');
    expect(rule.actions).toContain('iam:GetUser');
    expect(rule.actions).toContain('iam:ListUsers');
    expect(rule.actions).toContain('iam:SimulatePrincipalPolicy');
    expect(rule.actions).not.toContain('iam:CreateUser');
    expect(new Set(rule.actions).size).toBe(rule.actions!.length);
    const order = [...ACTION_CATALOG.get('iam')!].map((a) => `iam:${a}`);
    expect(rule.actions).toEqual(order.filter((a) => rule.actions!.includes(a)));
  });

  it('groups one statement by service: all of IAM, and another service’s actions as written', () => {
    const summary = summarizePolicy(awsPolicy('IAMFullAccess'));
    expect(summary.map((s) => s.service)).toEqual(['iam', 'organizations']);
    expect(summary[0]!.rules[0]).toMatchObject({ scope: 'all', patterns: ['iam:*'], actions: null });
    expect(summary[1]).toMatchObject({ catalogued: null });
    expect(summary[1]!.rules[0]).toMatchObject({ scope: 'some', actions: null, unrecognized: [] });
    expect(summary[1]!.rules[0]!.patterns).toHaveLength(10);
  });

  it('keeps Deny, resources, NotResource and conditions of each statement, with its place and Sid', () => {
    const text = doc(
      {
        Sid: 'OwnKeys',
        Effect: 'Allow',
        Action: ['IAM:CreateAccessKey', 'iam:DeleteAccessKey'],
        Resource: ['arn:aws:iam::*:user/${aws:username}'],
        Condition: {
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] },
        },
      },
      { Effect: 'Deny', Action: 'iam:Delete*', NotResource: ['arn:aws:iam::*:user/temp-*'] },
    );
    const [iam] = summarizePolicy(text);
    expect(iam!.rules).toEqual([
      {
        effect: 'Allow',
        statement: { index: 0, sid: 'OwnKeys' },
        scope: 'some',
        patterns: ['IAM:CreateAccessKey', 'iam:DeleteAccessKey'],
        actions: ['iam:CreateAccessKey', 'iam:DeleteAccessKey'],
        unrecognized: [],
        resources: { kind: 'listed', arns: ['arn:aws:iam::*:user/${aws:username}'] },
        conditions: [
          { operator: 'Bool', key: 'aws:MultiFactorAuthPresent', values: ['true'] },
          { operator: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'] },
        ],
      },
      expect.objectContaining({
        effect: 'Deny',
        statement: { index: 1, sid: null },
        resources: { kind: 'allExcept', arns: ['arn:aws:iam::*:user/temp-*'] },
      }),
    ]);
    expect(iam!.rules[1]!.actions).toContain('iam:DeleteUser');
  });

  it('names a pattern that matches no catalogued action, and treats * among resources as all of them', () => {
    const [sts] = summarizePolicy(
      doc({ Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'sts:GetCallerIdentiy'], Resource: ['x:y', '*'] }),
    );
    expect(sts).toMatchObject({
      service: 'sts',
      rules: [
        { actions: ['sts:GetCallerIdentity'], unrecognized: ['sts:GetCallerIdentiy'], resources: { kind: 'all' } },
      ],
    });
  });

  it('reads NotAction as every action of every service but those named', () => {
    const summary = summarizePolicy(doc({ Effect: 'Allow', NotAction: ['iam:*', 's3:*'], Resource: '*' }));
    expect(summary).toHaveLength(1);
    expect(summary[0]!.service).toBe('*');
    expect(summary[0]!.rules[0]).toMatchObject({ scope: 'allExcept', patterns: ['iam:*', 's3:*'] });
    expect(summary[0]!.rules[0]!.actions).toHaveLength(ACTION_CATALOG.get('iam')!.length);
  });

  it('puts every service first, then services by prefix, each with its statements in order', () => {
    const text = doc(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Effect: 'Allow', Action: ['sts:GetSessionToken', 'ec2:Describe*'], Resource: '*' },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
    );
    const summary = summarizePolicy(text);
    expect(summary.map((s) => s.service)).toEqual(['*', 'ec2', 's3', 'sts']);
    expect(summary[2]!.rules.map((r) => r.statement.index)).toEqual([0, 3]);
  });

  it('reads a lone statement and a document without Version, as the engine does', () => {
    const text = JSON.stringify({ Statement: { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' } });
    expect(summarizePolicy(text)[0]!.rules[0]!.actions).toEqual(['sts:GetCallerIdentity']);
  });

  it('refuses text that is no policy at all', () => {
    expect(() => summarizePolicy('not json')).toThrow(GatehouseError);
  });
});
