import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { GatehouseError } from '../shared/errors.ts';
import { ACTIONS } from './actions/index.ts';
import { decodePairs } from '../sigv4/sigv4.ts';
import { collectParameters } from './form-body.ts';
import { readParams } from './params.ts';

function outcome(work: () => unknown): string {
  try {
    work();
    return 'ok';
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    expect(error.status).toBeLessThan(500);
    return error.code;
  }
}

describe('Query parameter parser', () => {
  it('reads scalars, member lists, struct lists and empty lists', () => {
    const params = collectParameters(
      Buffer.from(
        'Action=TagUser&Version=2010-05-08&UserName=al%2Bice&Tags.member.2.Key=b&Tags.member.2.Value=&Tags.member.1.Key=a&Tags.member.1.Value=x+y',
      ),
      [],
    );
    expect(readParams('TagUser', ACTIONS.get('TagUser')!.params, params)).toEqual({
      UserName: 'al+ice',
      Tags: [
        { Key: 'a', Value: 'x y' },
        { Key: 'b', Value: '' },
      ],
    });
    const create = collectParameters(Buffer.from('Action=CreateUser&Version=2010-05-08&UserName=a&Tags='), []);
    expect(readParams('CreateUser', ACTIONS.get('CreateUser')!.params, create)).toEqual({ UserName: 'a', Tags: [] });
  });

  it('reads a list inside a struct list (ContextEntries.member.N.ContextKeyValues.member.M)', () => {
    const body =
      'Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=%7B%7D&ActionNames.member.1=iam%3AGetUser' +
      '&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp&ContextEntries.member.1.ContextKeyType=ipList' +
      '&ContextEntries.member.1.ContextKeyValues.member.2=10.0.0.2&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1' +
      '&ContextEntries.member.2.ContextKeyName=aws%3AUserAgent';
    const read = readParams(
      'SimulateCustomPolicy',
      ACTIONS.get('SimulateCustomPolicy')!.params,
      collectParameters(Buffer.from(body), []),
    );
    expect(read.ContextEntries).toEqual([
      { ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ipList', ContextKeyValues: ['10.0.0.1', '10.0.0.2'] },
      { ContextKeyName: 'aws:UserAgent', ContextKeyValues: [] },
    ]);
    const base =
      'Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=%7B%7D&ActionNames.member.1=iam%3AGetUser&ContextEntries.member.1.ContextKeyName=aws%3Ax1';
    const read2 = (extra: string) => () =>
      readParams(
        'SimulateCustomPolicy',
        ACTIONS.get('SimulateCustomPolicy')!.params,
        collectParameters(Buffer.from(base + extra), []),
      );
    expect(read2('&ContextEntries.member.1.ContextKeyValues.member.2=a')).toThrowError(/numbered from 1 without gaps/);
    expect(read2('&ContextEntries.member.1.ContextKeyValues=a')).toThrowError(
      /is not a parameter of SimulateCustomPolicy/,
    );
    expect(read2('&ContextEntries.member.1.ContextKeyName.member.1=a')).toThrowError(
      /is not a parameter of SimulateCustomPolicy/,
    );
    expect(read2('&ContextEntries.member.1.ContextKeyType=numbers')).toThrowError(
      /Member must satisfy regular expression pattern: string\|stringList/,
    );
    expect(read2('&ContextEntries.member.1.constructor=a')).toThrowError(/is not a parameter of SimulateCustomPolicy/);
  });

  it('reports every constraint violation in one AWS-style message', () => {
    const params = collectParameters(Buffer.from('Action=ListUsers&Version=2010-05-08&MaxItems=0&PathPrefix=nope'), []);
    expect(() => readParams('ListUsers', ACTIONS.get('ListUsers')!.params, params)).toThrowError(
      "2 validation errors detected: Value at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*; Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    const missing = collectParameters(Buffer.from('Action=DeleteUser&Version=2010-05-08'), []);
    expect(() => readParams('DeleteUser', ACTIONS.get('DeleteUser')!.params, missing)).toThrowError(
      "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
    );
    expect(() => collectParameters(Buffer.from('A=%E0%A4%A'), [])).toThrowError(/percent escape/);
    expect(() => collectParameters(Buffer.from([0x41, 0x3d, 0xff]), [])).toThrowError(/UTF-8/);
  });

  it('names the value in each message when asked (STS), except a sensitive one such as a web identity token', () => {
    const params = collectParameters(
      Buffer.from(
        'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=a%2Fb&DurationSeconds=60&WebIdentityToken=eyJ',
      ),
      [],
    );
    const spec = ACTIONS.get('AssumeRoleWithWebIdentity')!.params;
    expect(() => readParams('AssumeRoleWithWebIdentity', spec, params, { showValues: true })).toThrowError(
      "3 validation errors detected: Value 'a/b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900; Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
    );
  });

  it('never throws anything but a client error, whatever the body and Action (fuzzed)', () => {
    const names = [...ACTIONS.keys()];
    const name = fc.oneof(
      fc.constantFrom(
        'UserName',
        'Tags',
        'TagKeys',
        'MaxItems',
        'Marker',
        'Status',
        'Password',
        'DurationSeconds',
        'HardExpiry',
        'Path',
        'RoleName',
        'MaxSessionDuration',
        'AssumeRolePolicyDocument',
      ),
      fc.constantFrom(
        'Tags.member.1.Key',
        'Tags.member.1.Value',
        'Tags.member.2.Key',
        'TagKeys.member.1',
        'TagKeys.member.0',
        'Tags.member.9999.Key',
        'Tags.member.x.Key',
      ),
      fc.constantFrom(
        'ContextEntries.member.1.ContextKeyName',
        'ContextEntries.member.1.ContextKeyValues.member.1',
        'ContextEntries.member.1.ContextKeyValues.member.3',
        'ContextEntries.member.1.ContextKeyValues.member.0',
        'ContextEntries.member.2.ContextKeyType',
        'ContextEntries.member.1.ContextKeyValues',
        'ContextEntries.member.1.ContextKeyName.member.1',
      ),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', 'true', 'false', '0', '-1', '1000', '99999999999', 'Active', '/a/', '%', '%zz', '+'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(fc.tuple(name, value), { maxLength: 12 }), (action, pairs) => {
        const body = [`Action=${action}`, ...pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`)].join('&');
        const result = outcome(() => {
          const params = collectParameters(Buffer.from(body), []);
          readParams(action, ACTIONS.get(action)!.params, params);
        });
        expect(['ok', 'ValidationError']).toContain(result);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(['ok', 'ValidationError']).toContain(outcome(() => decodePairs(text)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe.each(DIALECTS)('Query API endpoint under fuzzed requests on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  it('never answers 500 and always answers AWS XML (fuzzed bodies and Authorization headers)', async () => {
    const header = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 200 }),
      fc
        .tuple(fc.string({ maxLength: 24 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 70 }))
        .map(([c, h, s]) => `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=${h}, Signature=${s}`),
      fc.constant(
        'AWS4-HMAC-SHA256 Credential=AKIAAAAAAAAAAAAAAAAA/20261129/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=' +
          'a'.repeat(64),
      ),
    );
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .constantFrom(...[...ACTIONS.keys()])
        .chain((a) => fc.string({ maxLength: 100 }).map((rest) => `Action=${a}&Version=2010-05-08&${rest}`)),
    );
    const headerValue = fc.string({ maxLength: 30 }).filter((v) => !/[\r\n\0]/.test(v) && v === v.trim());
    await fc.assert(
      fc.asyncProperty(body, header, fc.option(headerValue), async (payload, authorization, amzDate) => {
        const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
        if (
          authorization !== undefined &&
          !/[\r\n\0]/.test(authorization) &&
          authorization === authorization.trim() &&
          /^[\x20-\x7e]*$/.test(authorization)
        ) {
          headers.authorization = authorization;
        }
        if (amzDate && /^[\x20-\x7e]*$/.test(amzDate)) headers['x-amz-date'] = amzDate;
        const response = await t.app.inject({ method: 'POST', url: '/', payload, headers });
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(response.body).toMatch(
          /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/(iam|sts)\.amazonaws\.com\/doc\/\d{4}-\d{2}-\d{2}\/"><Error><Type>Sender<\/Type><Code>\w+<\/Code>/,
        );
      }),
      { numRuns: 400 },
    );
  });
});
