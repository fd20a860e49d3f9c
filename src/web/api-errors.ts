import type { FastifyError } from 'fastify';
import { GatehouseError } from '../shared/errors.ts';

export interface ApiError {
  status: number;
  type: 'Sender' | 'Receiver';
  code: string;
  message: string;
}

/**
 * What the Query API answers for an error: GatehouseError codes are AWS codes already;
 * Fastify's own refusals get AWS-like codes; anything else is an opaque ServiceFailure
 * (500, Receiver) whose details go only to the log.
 */
export function toApiError(error: unknown): ApiError | null {
  if (error instanceof GatehouseError && error.safe) {
    if (error.code === 'Overloaded')
      return { status: 503, type: 'Receiver', code: 'ServiceUnavailable', message: error.message };
    return {
      status: error.status,
      type: error.status >= 500 ? 'Receiver' : 'Sender',
      code: error.code,
      message: error.message,
    };
  }
  const code = (error as FastifyError | null)?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      type: 'Sender',
      code: 'RequestEntityTooLarge',
      message: 'The request body is larger than 64 KiB.',
    };
  }
  const status = (error as FastifyError | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status: 400,
      type: 'Sender',
      code: 'MalformedQueryString',
      message: 'The request could not be read as an AWS Query request.',
    };
  }
  return null;
}

export const SERVICE_FAILURE: ApiError = {
  status: 500,
  type: 'Receiver',
  code: 'ServiceFailure',
  message: 'The request processing has failed because of an unknown error, exception or failure.',
};
