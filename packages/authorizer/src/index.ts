export { Authorizer, type AuthorizerOptions, type Intent, type ReceivedRequest, type Verdict } from './authorizer.ts';
export { type ChunkSigner, chunkSigner } from './chunk-signer.ts';
export { ERROR_STATUS, errorJson, errorXml } from './error-responses.ts';
export { type GatehouseFastifyOptions, gatehouseAuthorization } from './fastify.ts';
export type { Credentials } from './gatehouse-client.ts';
export {
  type AuthorizeAnswer,
  type AuthorizeBatch,
  type AuthorizeBatchAnswer,
  type AuthorizeQuestion,
  type ForwardedRequest,
  MAX_QUESTIONS,
  type Principal,
  type QuestionRefused,
  type SigningKeyGrant,
} from './wire.ts';
export { guardNodeHandler, receivedRequest, sendRefusal } from './node-http.ts';
