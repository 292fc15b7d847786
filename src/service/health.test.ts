import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { createRouter, type RouterOptions } from './router';

/** /health in a bare express app with Backstage's error middleware: it proves the database answers. */
async function appWith(checkDatabase: () => Promise<unknown>) {
  const logger = mockServices.logger.mock();
  const router = await createRouter({
    logger,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
    catalog: { getEntityByRef: async () => undefined },
    scheduler: { triggerTask: async () => {}, getScheduledTasks: async () => [] },
    queryStore: {} as RouterOptions['queryStore'],
    syncStore: {} as RouterOptions['syncStore'],
    syncs: [],
    instances: [],
    webhooks: { handle: async () => 'ignored' as const },
    engine: { retryDeadLetter: async () => ({ outcome: 'not-found' as const }) },
    webhookBodyLimitBytes: 1024,
    checkDatabase,
  });
  const app = express().use(router).use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger }).error());
  return { app, logger };
}

describe('GET /health', () => {
  it('is ok when the database answers', async () => {
    const check = jest.fn(async () => undefined);
    const { app } = await appWith(check);
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('is 503 when it does not, without the driver error in the response', async () => {
    const { app, logger } = await appWith(async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
    });
    const res = await request(app).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ name: 'ServiceUnavailableError', message: 'the database does not take writes' });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(logger.error).toHaveBeenCalled();
  });
});
