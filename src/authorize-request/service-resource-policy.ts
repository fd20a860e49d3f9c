import { type PolicyDocument, parsePolicyDocument } from '../policy-engine/document.ts';
import { GatehouseError } from '../shared/errors.ts';

/**
 * Resource policies services pass with a request (a bucket policy, a queue policy), read once
 * per distinct text: `evaluateTrust` compiles a document once per object, so a service that
 * passes the same policy on every request costs no parsing after the first.
 */
const KEPT = 1_000;
const documents = new Map<string, PolicyDocument>();

function malformed(message: string): GatehouseError {
  return new GatehouseError('MalformedPolicyDocument', `resourcePolicy: ${message}`, { field: 'resourcePolicy' });
}

/**
 * The document, when every statement names who it is about (Principal or NotPrincipal) and what
 * (Action or NotAction); MalformedPolicyDocument otherwise. A statement without Resource speaks
 * of the resource the service names.
 */
export function readResourcePolicy(json: string): PolicyDocument {
  const kept = documents.get(json);
  if (kept) {
    documents.delete(json);
    documents.set(json, kept);
    return kept;
  }
  const document = parsePolicyDocument(json);
  for (const [index, statement] of document.statements.entries()) {
    if (statement.principal === null && statement.notPrincipal === null)
      throw malformed(`statement ${index + 1} has neither Principal nor NotPrincipal.`);
    if (statement.action === null && statement.notAction === null)
      throw malformed(`statement ${index + 1} has neither Action nor NotAction.`);
  }
  if (documents.size >= KEPT) documents.delete(documents.keys().next().value!);
  documents.set(json, document);
  return document;
}
