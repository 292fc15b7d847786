import { ConfigReader } from '@backstage/config';
import { readJiraSyncConfig } from './readJiraSyncConfig';

const instance = (overrides: object = {}) => ({
  name: 'acme',
  baseUrl: 'https://acme.atlassian.net/',
  auth: { type: 'basic', email: 'bot@acme.com', apiToken: 'tok-SECRET-123' },
  ...overrides,
});
const read = (jiraSync: object) => readJiraSyncConfig(new ConfigReader({ jiraSync }));

describe('readJiraSyncConfig', () => {
  it('reads instances with defaults, the spec location and the default schedule', () => {
    const config = read({ instances: [instance()], spec: { path: 'jira-sync.yaml' } });
    expect(config.instances[0]).toEqual({
      name: 'acme',
      baseUrl: 'https://acme.atlassian.net',
      deployment: undefined,
      auth: { type: 'basic', email: 'bot@acme.com', apiToken: 'tok-SECRET-123', apiTokenFile: undefined },
      webhookSecret: undefined,
      rateLimit: { requestsPerSecond: 20, concurrency: 4, maxAttempts: 6, requestTimeoutMs: 30_000 },
    });
    expect(config.spec).toEqual({ path: 'jira-sync.yaml' });
    expect(config.schedule.frequency).toEqual({ minutes: 30 });
    expect(config.deletionGuard.maxDeleteShare).toBe(0.2);
    expect(config.webhooks).toEqual({ maxBodyBytes: 1024 * 1024, maxConcurrent: 4, maxQueued: 200 });
  });

  it('reads every auth kind, token files, rate limits and a schedule', () => {
    const config = read({
      instances: [
        instance({ name: 'dc', deployment: 'datacenter', auth: { type: 'bearer', tokenFile: '/run/pat' }, rateLimit: { requestsPerSecond: 5, requestTimeout: { seconds: 7 } } }),
        instance({ name: 'oauth', auth: { type: 'oauth2', clientId: 'id', clientSecret: 's', refreshToken: 'r' } }),
      ],
      spec: { inline: { syncs: [] } },
      schedule: { frequency: { minutes: 5 }, timeout: { minutes: 9 } },
      deletionGuard: { maxDeleteShare: 0.5 },
    });
    expect(config.instances[0].auth).toEqual({ type: 'bearer', token: undefined, tokenFile: '/run/pat' });
    expect(config.instances[0].rateLimit).toMatchObject({ requestsPerSecond: 5, requestTimeoutMs: 7000 });
    expect(config.instances[1].auth).toMatchObject({ type: 'oauth2', tokenUrl: 'https://auth.atlassian.com/oauth/token' });
    expect(config.spec).toEqual({ inline: { syncs: [] } });
    expect(config.schedule.frequency).toEqual({ minutes: 5 });
    expect(config.deletionGuard.maxDeleteShare).toBe(0.5);
  });

  it.each([
    [{ instances: [instance(), instance()], spec: { path: 'x' } }, "two instances are named 'acme'"],
    [{ instances: [instance({ baseUrl: 'not a url' })], spec: { path: 'x' } }, 'baseUrl is not a URL'],
    [{ instances: [instance({ auth: { type: 'basic', email: 'e' } })], spec: { path: 'x' } }, 'jiraSync.instances[0].auth needs apiToken or apiTokenFile'],
    [{ instances: [instance({ auth: { type: 'magic' } })], spec: { path: 'x' } }, "auth.type must be one of basic, bearer, oauth2; got 'magic'"],
    [{ instances: [instance()], spec: {} }, 'jiraSync.spec needs exactly one of path or inline'],
    [{ instances: [instance()], spec: { path: 'x' }, deletionGuard: { maxDeleteShare: 2 } }, 'maxDeleteShare must be in (0, 1]'],
    [{ instances: [instance()], spec: { path: 'x' }, webhooks: { maxConcurrent: 0 } }, 'jiraSync.webhooks.maxConcurrent must be a positive integer; got 0'],
  ])('refuses a wrong config with a clear message (%#)', (jiraSync, message) => {
    expect(() => read(jiraSync)).toThrow(message);
  });

  it('refuses credentials in baseUrl, naming the key and never showing them', () => {
    for (const baseUrl of ['http://user:hunter2-secret@jira.example.com', 'https://hunter2-secret@jira.example.com/']) {
      let message = '';
      try {
        read({ instances: [instance(), instance({ name: 'other', baseUrl })], spec: { path: 'x' } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe(
        'jiraSync config: jiraSync.instances[1].baseUrl must not contain credentials (user:password@); put them in jiraSync.instances[1].auth',
      );
    }
    expect(() => read({ instances: [instance({ baseUrl: 'https://jira.example.com?token=hunter2-secret' })], spec: { path: 'x' } })).toThrow(
      "jiraSync.instances[0].baseUrl must not have a query or fragment: 'https://jira.example.com/?...'",
    );
  });

  it('never puts a secret in an error message', () => {
    let message = '';
    try {
      read({ instances: [instance({ deployment: 'cloudy' })], spec: { path: 'x' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/deployment must be cloud or datacenter/);
    expect(message).not.toContain('tok-SECRET-123');
  });
});
