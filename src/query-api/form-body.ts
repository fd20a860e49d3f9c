import { GatehouseError } from '../shared/errors.ts';
import { decodePairs } from '../sigv4/sigv4.ts';

function invalid(message: string): GatehouseError {
  return new GatehouseError('ValidationError', message);
}

/**
 * The request's parameters: the form body and the URL query together (AWS accepts
 * either), each name at most once. The X-Amz-* signing parameters of a presigned
 * request are not parameters of the Action and are left out.
 */
export function collectParameters(body: Buffer, queryPairs: Array<[string, string]>): Map<string, string> {
  const text = body.toString('utf8');
  if (text.includes('\uFFFD')) throw invalid('The request body is not valid UTF-8 text.');
  const params = new Map<string, string>();
  for (const [name, value] of [...queryPairs.filter(([n]) => !n.startsWith('X-Amz-')), ...decodePairs(text)]) {
    if (params.has(name)) throw invalid(`The parameter ${name.slice(0, 64)} was sent more than once.`);
    params.set(name, value);
  }
  return params;
}
