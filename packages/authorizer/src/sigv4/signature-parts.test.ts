import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SigV4Error } from './sigv4-error.ts';
import { parseAuthorizationHeader, parsePresignedQuery } from './signature-parts.ts';

const VALID =
  'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';

/** Runs `parse` and returns the error code when it throws; any throw other than a SigV4Error fails the property. */
function outcome(parse: () => unknown): string {
  try {
    parse();
    return 'ok';
  } catch (error) {
    if (!(error instanceof SigV4Error)) throw error;
    expect(error.code).toBe('IncompleteSignature');
    return error.code;
  }
}

describe('SigV4 Authorization header parser', () => {
  it('reads the parts of a well-formed header', () => {
    expect(parseAuthorizationHeader(VALID)).toEqual({
      form: 'header',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      scope: { date: '20150830', region: 'us-east-1', service: 'iam', terminator: 'aws4_request' },
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      signature: '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    });
    // botocore writes no space after the commas.
    expect(parseAuthorizationHeader(VALID.replaceAll(', ', ',')).accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
  });

  it.each([
    ['Basic dXNlcjpwYXNz', /AWS4-HMAC-SHA256/],
    [
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/iam/aws4_request',
      /requires 'Signature' parameter.*requires 'SignedHeaders'/,
    ],
    [VALID.replace('aws4_request', 'aws5_request'), /valid terminator: 'aws4_request'/],
    [VALID.replace('Signature=5d', 'Signature=5D'), /64 lower-case hexadecimal/],
    [`${VALID}, Signature=00`, /more than once/],
    [VALID.replace('SignedHeaders=content-type;host', 'SignedHeaders=Content-Type;host'), /lower-case header names/],
    [VALID.replace(', SignedHeaders', ', junk, SignedHeaders'), /not a valid key=value pair/],
  ])('refuses %j with IncompleteSignature', (header, message) => {
    expect(() => parseAuthorizationHeader(header)).toThrowError(message);
    expect(outcome(() => parseAuthorizationHeader(header))).toBe('IncompleteSignature');
  });

  it('never throws anything but IncompleteSignature, whatever the header (fuzzed)', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        'AWS4-HMAC-SHA256 ',
        'Credential=',
        'SignedHeaders=',
        'Signature=',
        ', ',
        ',',
        '/',
        ';',
        '=',
        'aws4_request',
        'AKIAIOSFODNN7EXAMPLE',
        '20150830',
        'host',
        'a'.repeat(64),
      ),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const header = pieces.join('');
        expect(['ok', 'IncompleteSignature']).toContain(outcome(() => parseAuthorizationHeader(header)));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 5000 }), (header) => {
        expect(['ok', 'IncompleteSignature']).toContain(outcome(() => parseAuthorizationHeader(header)));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: VALID.length - 1 }), fc.string({ maxLength: 3 }), (at, insert) => {
        const header = VALID.slice(0, at) + insert + VALID.slice(at + 1);
        expect(['ok', 'IncompleteSignature']).toContain(outcome(() => parseAuthorizationHeader(header)));
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws anything but IncompleteSignature on presigned query parameters (fuzzed)', () => {
    const names = fc.constantFrom(
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
      'X-Amz-Expires',
      'X-Amz-Security-Token',
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(names, fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('AWS4-HMAC-SHA256', '60', 'host'))),
          { maxLength: 10 },
        ),
        (pairs) => {
          expect(['ok', 'IncompleteSignature']).toContain(outcome(() => parsePresignedQuery(new Map(pairs))));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
