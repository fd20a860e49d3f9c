import { proveMfaForSessionToken } from '../../mfa/mfa-sts.service.ts';
import { issueSessionToken, SESSION_DURATION } from '../../sts/session-token.service.ts';
import { defineAction } from '../action.ts';
import { int, str } from '../params.ts';
import { awsTime } from '../xml.ts';

/**
 * STS GetSessionToken(DurationSeconds? 900–129600, default 43200; the root user's
 * sessions last at most 3600) → Credentials{AccessKeyId ASIA…, SecretAccessKey,
 * SessionToken, Expiration}. Only long-term keys may call it. With SerialNumber (a virtual
 * MFA device the caller holds) and TokenCode the credentials are MFA-authenticated; a wrong
 * code or serial is AccessDenied with AWS's message.
 */
export const GetSessionToken = defineAction({
  name: 'GetSessionToken',
  service: 'sts',
  permission: 'sts:GetSessionToken',
  params: {
    DurationSeconds: int({ min: SESSION_DURATION.min, max: SESSION_DURATION.max }),
    SerialNumber: str({ min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/, patternText: '[\\w+=/:,.@-]*' }),
    TokenCode: str({ min: 6, max: 6, pattern: /^\d+$/, patternText: '[\\d]*' }),
  },
  resource: () => '*',
  async run(ctx, p) {
    const mfa =
      p.SerialNumber !== undefined || p.TokenCode !== undefined
        ? await proveMfaForSessionToken(ctx.deps, ctx.caller.principal, p.SerialNumber, p.TokenCode, ctx.meta)
        : null;
    const credentials = await issueSessionToken(
      ctx.deps,
      ctx.caller.principal,
      ctx.caller.sourceKeyId,
      p.DurationSeconds,
      ctx.meta,
      mfa,
    );
    return {
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: awsTime(credentials.expiration),
      },
    };
  },
});
