/** The AWS error codes a refused request is answered with, and their HTTP statuses. */
export const ERROR_STATUS: Record<string, number> = {
  AccessDenied: 403,
  SignatureDoesNotMatch: 403,
  InvalidAccessKeyId: 403,
  InvalidClientTokenId: 403,
  InvalidToken: 400,
  ExpiredToken: 400,
  RequestTimeTooSkewed: 403,
  IncompleteSignature: 400,
  MissingSecurityHeader: 400,
  AuthorizationHeaderMalformed: 400,
  ServiceUnavailable: 503,
};

export interface ErrorBody {
  code: string;
  message: string;
  requestId: string;
  resource?: string;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** S3's shape: `<Error><Code/><Message/><Resource/><RequestId/></Error>`. */
export function errorXml({ code, message, requestId, resource }: ErrorBody): string {
  const resourceXml = resource === undefined ? '' : `<Resource>${escapeXml(resource)}</Resource>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${resourceXml}<RequestId>${escapeXml(requestId)}</RequestId></Error>`;
}

/** The JSON protocols' shape (`__type` and `message`, as AWS JSON services answer). */
export function errorJson({ code, message, requestId }: ErrorBody): string {
  return JSON.stringify({ __type: code, message, requestId });
}
