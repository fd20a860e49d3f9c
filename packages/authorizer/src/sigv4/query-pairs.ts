import { SigV4Error } from './sigv4-error.ts';

/** Bounds on what a signed request's query (or form body) may carry, so parsing work stays small. */
const MAX_PARAMETERS = 500;
const MAX_NAME_LENGTH = 256;

function invalid(message: string): SigV4Error {
  return new SigV4Error('ValidationError', message);
}

/** Decoded `name=value` pairs of a form-encoded string, in order (`+` is a space). */
export function decodePairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (text === '') return pairs;
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    if (pairs.length >= MAX_PARAMETERS) throw invalid(`The request has more than ${MAX_PARAMETERS} parameters.`);
    const eq = piece.indexOf('=');
    const rawName = eq === -1 ? piece : piece.slice(0, eq);
    const rawValue = eq === -1 ? '' : piece.slice(eq + 1);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replaceAll('+', ' '));
      value = decodeURIComponent(rawValue.replaceAll('+', ' '));
    } catch {
      throw invalid('The request is not valid form encoding (a percent escape is malformed).');
    }
    if (name.length === 0 || name.length > MAX_NAME_LENGTH)
      throw invalid('The request has a parameter with an empty or overlong name.');
    pairs.push([name, value]);
  }
  return pairs;
}
