import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockModelClient, isConnectionAcquireTimeout, toModelError } from '../../lambdas/adapters/bedrock-model-client';
import { GatewayBusyError, ModelTimeoutError } from '../../lambdas/core/errors';
import type { ModelStreamEvent } from '../../lambdas/ports';
import { createBedrockRuntimeClient } from '../../lambdas/runtime/clients/bedrock';

const drain = async (stream: AsyncIterable<ModelStreamEvent>): Promise<void> => {
  for await (const event of stream) void event;
};

/**
 * The socket-pool wait through the real SDK HTTP handler: a pool of one socket, held by a call the server never
 * answers, so the next call waits for a socket until the connect timeout fires. That is the gateway's saturation.
 */
describe('BedrockModelClient: waiting for a connection is gateway_busy, not model_timeout', () => {
  let server: http.Server;
  const held: http.ServerResponse[] = [];

  beforeAll(async () => {
    server = http.createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const response of held) response.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('classifies a call that never got a socket in the pool as GatewayBusyError (connection_wait)', async () => {
    const { port } = server.address() as AddressInfo;
    const client = createBedrockRuntimeClient({
      region: 'ap-northeast-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestTimeoutMs: 30_000,
      maxSockets: 1,
      connectionTimeoutMs: 200,
    });
    const model = new BedrockModelClient(client, { streamIdleTimeoutMs: 30_000, busyRetryAfterMs: 500 });
    const holder = new AbortController();
    const request = (signal: AbortSignal) => ({ modelId: 'm', system: 's', messages: [{ role: 'user' as const, text: 'hi' }], maxTokens: 10, signal });
    try {
      const first = drain(model.stream(request(holder.signal))).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));

      const second = drain(model.stream(request(new AbortController().signal)));

      await expect(second).rejects.toBeInstanceOf(GatewayBusyError);
      await expect(second).rejects.toMatchObject({ code: 'gateway_busy', reason: 'connection_wait', retryAfterMs: 500 });
      holder.abort();
      await first;
    } finally {
      client.destroy();
    }
  }, 20_000);

  it('keeps a stalled socket after the connection was made a model timeout', () => {
    const inactivity = Object.assign(new Error('@smithy/node-http-handler - the request socket timed out after 100 ms of inactivity'), { name: 'TimeoutError' });
    expect(isConnectionAcquireTimeout(inactivity)).toBe(false);
    expect(toModelError(inactivity, false)).toBeInstanceOf(ModelTimeoutError);
    const noConnection = Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 200 ms.'), { name: 'TimeoutError' });
    expect(isConnectionAcquireTimeout(noConnection)).toBe(true);
  });
});
