import { createRedisClient, RedisStore } from '../../lambdas/adapters/redis-store';
import { startTestRedis } from '../support/redis-server';

// Its own file (so its own worker): a client left reconnecting to a dead port must not hold up other suites.
describe('Redis client configuration', () => {
  it('fails within about a second when Redis is down instead of hanging', async () => {
    const stopped = await startTestRedis();
    await stopped.stop();
    const client = createRedisClient(stopped.url);
    const started = Date.now();

    await expect(new RedisStore(client).get('anything')).rejects.toThrow();

    expect(Date.now() - started).toBeLessThan(3000);
    // Disconnect between reconnect attempts: one in flight would outlive the test.
    while (client.status !== 'reconnecting') await new Promise((resolve) => setTimeout(resolve, 10));
    client.disconnect();
    // ioredis leaves its connect-timeout timer (connectTimeout: 1 s) running after a refused connection.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
});
