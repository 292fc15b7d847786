import type { Knex } from 'knex';
import { connect, type StoreOptions } from './database';
import { T } from './rows';

/**
 * Rotated OAuth refresh tokens, persisted before use because Jira invalidates the previous one.
 * It is the jira client's `OAuthTokenStore` (matched by shape: store/ knows no Jira).
 */
export class KnexOAuthTokenStore {
  static async create(options: StoreOptions & { now?: () => number }): Promise<KnexOAuthTokenStore> {
    return new KnexOAuthTokenStore(await connect(options.database), options.now ?? Date.now);
  }

  private constructor(private readonly knex: Knex, private readonly now: () => number) {}

  async load(instance: string): Promise<string | undefined> {
    const row = await this.knex(T.oauthTokens).where({ instance }).first();
    return row?.refresh_token ?? undefined;
  }

  async save(instance: string, refreshToken: string): Promise<void> {
    await this.knex(T.oauthTokens)
      .insert({ instance, refresh_token: refreshToken, updated_ms: this.now() })
      .onConflict('instance')
      .merge(['refresh_token', 'updated_ms']);
  }
}
