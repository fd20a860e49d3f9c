import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile.ts';
import { parsePolicyDocument } from './document.ts';

const compiled = (statements: unknown[], version = '2012-10-17') =>
  compilePolicy(parsePolicyDocument(JSON.stringify({ Version: version, Statement: statements })));

/**
 * A compiled policy names every context key a decision under it may read, so a caller can tell
 * a decision that is the same for every request of a principal from one that is not.
 */
describe('the context keys a compiled policy reads', () => {
  it('are none for actions and resources without variables', () => {
    const policy = compiled([
      { Effect: 'Allow', Action: ['iam:List*', 'iam:GetUser'], Resource: '*' },
      { Effect: 'Deny', NotAction: 'iam:Delete*', NotResource: 'arn:aws:iam::111122223333:user/admin' },
    ]);
    expect([...policy.contextKeys]).toEqual([]);
  });

  it('are the variables of resources and condition values, and the condition keys, lower-cased', () => {
    const policy = compiled([
      {
        Effect: 'Allow',
        Action: 'iam:ChangePassword',
        Resource: 'arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}',
      },
      {
        Effect: 'Allow',
        Action: 'iam:ListUsers',
        Resource: '*',
        Condition: {
          IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
          StringEquals: { 'aws:PrincipalTag/team': "${aws:PrincipalTag/Lead, 'none'}" },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      },
    ]);
    expect([...policy.contextKeys].sort()).toEqual([
      'aws:multifactorauthpresent',
      'aws:principalaccount',
      'aws:principaltag/lead',
      'aws:principaltag/team',
      'aws:sourceip',
      'aws:username',
    ]);
  });

  it('are only the condition keys in a 2008 document, where ${…} is plain text', () => {
    const policy = compiled(
      [
        {
          Effect: 'Allow',
          Action: 'iam:GetUser',
          Resource: 'arn:aws:iam::111122223333:user/${aws:username}',
          Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
        },
      ],
      '2008-10-17',
    );
    expect([...policy.contextKeys]).toEqual(['aws:currenttime']);
  });
});
