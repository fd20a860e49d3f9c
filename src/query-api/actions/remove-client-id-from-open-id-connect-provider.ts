import { clientIdAction } from './openid-provider-shared.ts';

/** RemoveClientIDFromOpenIDConnectProvider(OpenIDConnectProviderArn, ClientID) → nothing; a client ID it lacks is no error. */
export const RemoveClientIDFromOpenIDConnectProvider = clientIdAction(
  'RemoveClientIDFromOpenIDConnectProvider',
  'remove',
);
