import { coreServices, createServiceFactory, type BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

const MOCK_SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * The mock auth service (use it with the real httpAuth service), except that a plugin's on-behalf-of-user token authenticates as the user
 * with the plugin as actor, as the real auth service does: the permission backend refuses
 * conditional queries of users without an actor.
 */
export const onBehalfOfAuthServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const authenticate = auth.authenticate.bind(auth);
    auth.authenticate = async (token: string, options?: { allowLimitedAccess?: boolean }): Promise<BackstageCredentials> => {
      const credentials = await authenticate(token, options);
      if (!auth.isPrincipal(credentials, 'user') || !token.startsWith(MOCK_SERVICE_TOKEN_PREFIX)) return credentials;
      return mockCredentials.user(credentials.principal.userEntityRef, { actor: { subject: 'plugin:on-behalf-of' } });
    };
    return auth;
  },
});
