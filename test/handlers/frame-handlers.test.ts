import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ModelThrottledError } from '../../lambdas/core/errors';
import { makeDefaultHandler } from '../../lambdas/handlers/default';
import { makeInvokeHandler } from '../../lambdas/handlers/invoke';
import { makeRouteHandler } from '../../lambdas/handlers/route';
import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { wireAnswer, wireRouter } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { ManualClock, MemoryOrders, MemoryRoutingConfig, RecordingMessenger, ScriptedModel, silentLog } from '../support/fakes';

const catalog = MODEL_CATALOGS.current;

const wsEvent = (routeKey: string, body: string | undefined) => ({
  requestContext: { routeKey, connectionId: 'conn-1', domainName: 'abc.execute-api.ap-northeast-1.amazonaws.com', stage: 'prod', requestId: 'apigw-req-1', requestTimeEpoch: 1_000 },
  body,
  isBase64Encoded: false,
});

const frameDeps = () => {
  const messenger = new RecordingMessenger();
  const clock = new ManualClock(1_000);
  const metrics = new RecordingMetrics();
  return { messenger, clock, metrics, deps: { messengerFor: () => messenger, clock, log: silentLog, metrics } };
};

describe('$default handler', () => {
  it.each([
    ['not JSON', 'hello', 'invalid_json'],
    ['no action', '{"message":"hi"}', 'invalid_frame'],
    ['an unknown action', '{"action":"dance","message":"hi","requestId":"q-9"}', 'unknown_action'],
    ['an oversized frame', JSON.stringify({ action: 'invoke', message: 'x'.repeat(140 * 1024) }), 'frame_too_large'],
  ])('replies to %s with an error frame and a 200, keeping the connection', async (_name, body, code) => {
    const { deps, messenger, metrics } = frameDeps();

    const result = await makeDefaultHandler(deps)(wsEvent('$default', body));

    expect(result.statusCode).toBe(200);
    expect(messenger.frames).toEqual([expect.objectContaining({ type: 'error', code })]);
    expect(metrics.sum('ErrorReplies', { Code: code })).toBe(1);
  });

  it('echoes the client request id on the error frame when it can read one', async () => {
    const { deps, messenger } = frameDeps();

    await makeDefaultHandler(deps)(wsEvent('$default', '{"action":"dance","requestId":"q-9"}'));

    expect(messenger.frames[0]).toMatchObject({ requestId: 'q-9' });
  });

  it('rejects an event that is not an API Gateway WebSocket event', async () => {
    const { deps } = frameDeps();

    await expect(makeDefaultHandler(deps)({ hello: 'world' })).rejects.toThrow(/not an API Gateway WebSocket event/);
  });
});

describe('route handler', () => {
  it('replies with the routing decision and calls no model', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const routing = new MemoryRoutingConfig();
    const handler = makeRouteHandler({ ...deps, route: wireRouter({ routingConfig: routing, catalog, clock, log: silentLog, metrics }) });

    await handler(wsEvent('route', '{"action":"route","message":"where is my order 12345","requestId":"r-7"}'));

    expect(messenger.frames).toEqual([
      expect.objectContaining({ type: 'route', requestId: 'r-7', intent: 'order_status', tier: 'template', model: null }),
    ]);
  });

  it('uses the API Gateway request id when the client sent none', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const handler = makeRouteHandler({ ...deps, route: wireRouter({ routingConfig: new MemoryRoutingConfig(), catalog, clock, log: silentLog, metrics }) });

    await handler(wsEvent('route', '{"action":"route","message":"hello"}'));

    expect(messenger.frames[0]).toMatchObject({ type: 'route', requestId: 'apigw-req-1' });
  });

  it('applies an operator override from the routing table', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const routing = new MemoryRoutingConfig([{ intent: 'recommendation', tier: 'haiku' }]);
    const handler = makeRouteHandler({ ...deps, route: wireRouter({ routingConfig: routing, catalog, clock, log: silentLog, metrics }) });

    await handler(wsEvent('route', '{"action":"route","message":"recommend me manga like Berserk but less dark"}'));

    expect(messenger.frames[0]).toMatchObject({ intent: 'recommendation', tier: 'haiku', model: catalog.haiku.modelId });
  });

  it('keeps routing on the defaults when the routing table cannot be read', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const handler = makeRouteHandler({
      ...deps,
      route: wireRouter({ routingConfig: new MemoryRoutingConfig([], true), catalog, clock, log: silentLog, metrics }),
    });

    await handler(wsEvent('route', '{"action":"route","message":"recommend me manga like Berserk but less dark"}'));

    expect(messenger.frames[0]).toMatchObject({ type: 'route', tier: 'sonnet' });
  });
});

describe('invoke handler', () => {
  it('turns a model failure into an error frame with a stable code', async () => {
    const { deps, clock, metrics, messenger } = frameDeps();
    const throttled = [{ type: 'fail' as const, error: new ModelThrottledError('slow down') }];
    const handler = makeInvokeHandler({
      ...deps,
      answer: wireAnswer({
        routingConfig: new MemoryRoutingConfig(),
        catalog,
        clock,
        log: silentLog,
        metrics,
        orders: new MemoryOrders([]),
        model: new ScriptedModel({ [catalog.sonnet.modelId]: throttled, [catalog.haiku.modelId]: throttled }),
        store: new MemoryStore(clock),
      }),
    });

    const result = await handler(wsEvent('invoke', '{"action":"invoke","message":"recommend me manga like Berserk but less dark","requestId":"r-1"}'));

    expect(result.statusCode).toBe(200);
    expect(messenger.frames).toEqual([expect.objectContaining({ type: 'error', requestId: 'r-1', code: 'model_throttled' })]);
  });

  it('refuses a message over the size limit before routing it', async () => {
    const { deps, clock, metrics, messenger } = frameDeps();
    const model = new ScriptedModel({});
    const handler = makeInvokeHandler({
      ...deps,
      answer: wireAnswer({ routingConfig: new MemoryRoutingConfig(), catalog, clock, log: silentLog, metrics, orders: new MemoryOrders([]), model, store: new MemoryStore(clock) }),
    });

    await handler(wsEvent('invoke', JSON.stringify({ action: 'invoke', message: 'x'.repeat(5000) })));

    expect(messenger.frames).toEqual([expect.objectContaining({ type: 'error', code: 'message_too_long' })]);
    expect(model.requests).toHaveLength(0);
  });
});
