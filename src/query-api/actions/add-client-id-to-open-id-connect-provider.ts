import { clientIdAction } from './openid-provider-shared.ts';

/** AddClientIDToOpenIDConnectProvider(OpenIDConnectProviderArn, ClientID) → nothing; a client ID it has already is no error; 100 at most. */
export const AddClientIDToOpenIDConnectProvider = clientIdAction('AddClientIDToOpenIDConnectProvider', 'add');
