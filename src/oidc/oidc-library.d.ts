// oidc-provider ships no types: what Gatehouse uses of it, declared here.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcClient {
    clientId: string;
    clientName?: string;
    [metadata: string]: unknown;
  }

  export interface OidcContext {
    oidc: {
      route?: string;
      client?: OidcClient;
      body?: Record<string, unknown>;
      params?: Record<string, unknown>;
      acr?: string;
      result?: { login?: unknown; consent?: { grantId?: string } };
      entities: Record<string, { accountId?: string; clientId?: string } | undefined>;
      provider: Provider;
      [key: string]: unknown;
    };
    req: IncomingMessage;
    cookies: {
      get(name: string, options?: { signed?: boolean }): string | undefined;
      set(name: string, value: string | null, options?: Record<string, unknown>): void;
    };
    method: string;
    path: string;
    status: number;
    body: unknown;
    type: string;
    host: string;
  }

  export type Middleware = (ctx: OidcContext, next: () => Promise<void>) => Promise<void>;

  export interface InteractionDetails {
    uid: string;
    iat: number;
    exp: number;
    returnTo: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown> & { client_id: string; scope?: string };
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  }

  export class Check {
    constructor(reason: string, description: string, check: (ctx: OidcContext) => boolean | Promise<boolean>);
    constructor(
      reason: string,
      description: string,
      error: string,
      check: (ctx: OidcContext) => boolean | Promise<boolean>,
    );
    static REQUEST_PROMPT: true;
    static NO_NEED_TO_PROMPT: false;
  }

  export interface PromptList
    extends Array<{ name: string; checks: Check[] & { add(check: Check, index?: number): void } }> {
    get(name: string): { name: string; checks: Check[] & { add(check: Check, index?: number): void } } | undefined;
  }

  export const interactionPolicy: { base(): PromptList; Check: typeof Check };

  /** The protocol's errors: thrown from a hook, each answers with its OAuth `error` code. */
  export const errors: { InvalidGrant: new (description: string) => Error };

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: Middleware): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    /** A code as the authorization endpoint leaves it; `save()` stores it and returns its value. */
    AuthorizationCode: new (
      properties: Record<string, unknown>,
    ) => { save(): Promise<string> };
  }
}
