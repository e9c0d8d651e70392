import { MemoryBudgetLedger } from '../../lambdas/adapters/memory-budget';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { ModelThrottledError } from '../../lambdas/core/errors';
import { makeDefaultHandler } from '../../lambdas/handlers/default';
import { makeInvokeHandler } from '../../lambdas/handlers/invoke';
import { makeRouteHandler } from '../../lambdas/handlers/route';
import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { wireAnswer, wireRouter } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { MemoryCalendar, MemoryCapacityState } from '../support/capacity-fakes';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { ManualClock, MemoryOrders, MemoryRoutingConfig, RecordingMessenger, ScriptedModel, silentLog, textScript } from '../support/fakes';

const catalog = MODEL_CATALOGS.current;

const wsEvent = (routeKey: string, body: string | undefined) => ({
  requestContext: { routeKey, connectionId: 'conn-1', domainName: 'abc.execute-api.ap-northeast-1.amazonaws.com', stage: 'prod', requestId: 'apigw-req-1', requestTimeEpoch: 1_000 },
  body,
  isBase64Encoded: false,
});

/** Capacity state with every tier on-demand and no mitigation, unless the test changes it. */
const capacity = (state = new MemoryCapacityState()) => ({ capacityState: state, capacityConfig: DEFAULT_CAPACITY_CONFIG });

/** An in-process budget ledger with the default budget: nothing here comes near it. */
const budget = () => ({ ledger: new MemoryBudgetLedger(), calendar: new MemoryCalendar(), budgetConfig: DEFAULT_BUDGET_CONFIG });

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

  it('refuses a binary frame (base64-encoded) without reading it, naming binary frames', async () => {
    const { deps, messenger } = frameDeps();
    const binaryInvoke = Buffer.from('{"action":"invoke","message":"hi","requestId":"b-1"}').toString('base64');

    const result = await makeDefaultHandler(deps)({ ...wsEvent('$default', binaryInvoke), isBase64Encoded: true });

    expect(result.statusCode).toBe(200);
    expect(messenger.frames).toEqual([{ type: 'error', requestId: null, code: 'invalid_frame', message: 'binary frames are not accepted; send each frame as JSON text' }]);
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
    const handler = makeRouteHandler({ ...deps, route: wireRouter({ ...capacity(), routingConfig: routing, catalog, clock, log: silentLog, metrics }) });

    await handler(wsEvent('route', '{"action":"route","message":"where is my order 12345","requestId":"r-7"}'));

    expect(messenger.frames).toEqual([
      expect.objectContaining({ type: 'route', requestId: 'r-7', intent: 'order_status', tier: 'template', model: null }),
    ]);
  });

  it('uses the API Gateway request id when the client sent none', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const handler = makeRouteHandler({ ...deps, route: wireRouter({ ...capacity(), routingConfig: new MemoryRoutingConfig(), catalog, clock, log: silentLog, metrics }) });

    await handler(wsEvent('route', '{"action":"route","message":"hello"}'));

    expect(messenger.frames[0]).toMatchObject({ type: 'route', requestId: 'apigw-req-1' });
  });

  it('applies an operator override from the routing table', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    // Recommendation is locked: the row says it lowers the lock on purpose, and why.
    const routing = new MemoryRoutingConfig([{ intent: 'recommendation', tier: 'haiku', unlock: true, reason: 'INC-7: Sonnet throttled' }]);
    const handler = makeRouteHandler({ ...deps, route: wireRouter({ ...capacity(), routingConfig: routing, catalog, clock, log: silentLog, metrics }) });

    await handler(wsEvent('route', '{"action":"route","message":"recommend me manga like Berserk but less dark"}'));

    expect(messenger.frames[0]).toMatchObject({ intent: 'recommendation', tier: 'haiku', model: catalog.haiku.modelId });
  });

  it('keeps routing on the defaults when the routing table cannot be read', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const handler = makeRouteHandler({
      ...deps,
      route: wireRouter({ ...capacity(), routingConfig: new MemoryRoutingConfig([], true), catalog, clock, log: silentLog, metrics }),
    });

    await handler(wsEvent('route', '{"action":"route","message":"recommend me manga like Berserk but less dark"}'));

    expect(messenger.frames[0]).toMatchObject({ type: 'route', tier: 'sonnet' });
  });
});

describe('route and invoke under capacity state', () => {
  const PROVISIONED_ARN = 'arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/p1';

  it('shows mitigation demoting a demotable strong-tier intent in the route frame', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const state = new MemoryCapacityState();
    state.mitigation = { until: clock.now() + 60_000, reason: 'operator', setBy: 'operator:oncall', startedAt: clock.now() };
    const routing = new MemoryRoutingConfig([{ intent: 'shipping_info', tier: 'sonnet' }]);
    const handler = makeRouteHandler({ ...deps, route: wireRouter({ ...capacity(state), routingConfig: routing, catalog, clock, log: silentLog, metrics }) });

    await handler(wsEvent('route', '{"action":"route","message":"how much is shipping to Osaka?"}'));

    expect(messenger.frames[0]).toMatchObject({ type: 'route', intent: 'shipping_info', tier: 'haiku', model: catalog.haiku.modelId });
    expect(messenger.frames[0]?.type === 'route' && messenger.frames[0].reasons).toContain('mitigation:demoted_to_haiku');
  });

  it('answers through the tier\'s provisioned throughput and says so in the done frame', async () => {
    const { deps, messenger, clock, metrics } = frameDeps();
    const state = new MemoryCapacityState();
    await state.switchTarget('sonnet', 0, [{ arn: PROVISIONED_ARN, units: 2 }], clock.now());
    const model = new ScriptedModel({ [PROVISIONED_ARN]: textScript('Try Vinland Saga.') });
    const handler = makeInvokeHandler({
      ...deps,
      answer: wireAnswer({ ...capacity(state), routingConfig: new MemoryRoutingConfig(), catalog, clock, log: silentLog, metrics, orders: new MemoryOrders([]), model, store: new MemoryStore(clock), ...budget() }),
    });

    await handler(wsEvent('invoke', '{"action":"invoke","message":"recommend me manga like Berserk but less dark","requestId":"r-2"}'));

    expect(model.requests.map((r) => r.modelId)).toEqual([PROVISIONED_ARN]);
    expect(messenger.frames.filter((f) => f.type === 'done' || f.type === 'error')).toEqual([
      expect.objectContaining({ type: 'done', requestId: 'r-2', tier: 'sonnet', model: catalog.sonnet.modelId, target: 'provisioned' }),
    ]);
  });
});

describe('invoke handler', () => {
  it('turns a model failure into an error frame with a stable code', async () => {
    const { deps, clock, metrics, messenger } = frameDeps();
    const throttled = [{ type: 'fail' as const, error: new ModelThrottledError('slow down') }];
    const handler = makeInvokeHandler({
      ...deps,
      answer: wireAnswer(inMemoryAnswerWiring({
        ...capacity(),
        catalog,
        clock,
        log: silentLog,
        metrics,
        model: new ScriptedModel({ [catalog.sonnet.modelId]: throttled, [catalog.haiku.modelId]: throttled }),
        ...budget(),
      })),
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
      answer: wireAnswer({ ...capacity(), routingConfig: new MemoryRoutingConfig(), catalog, clock, log: silentLog, metrics, orders: new MemoryOrders([]), model, store: new MemoryStore(clock), ...budget() }),
    });

    await handler(wsEvent('invoke', JSON.stringify({ action: 'invoke', message: 'x'.repeat(5000) })));

    expect(messenger.frames).toEqual([expect.objectContaining({ type: 'error', code: 'message_too_long' })]);
    expect(model.requests).toHaveLength(0);
  });
});

describe('route handler: reasons by principal', () => {
  const decision = {
    intent: 'recommendation' as const,
    tier: 'sonnet' as const,
    model: 'm',
    complexity: 5,
    confidence: 0.9,
    reasons: ['intent:recommendation', 'map:sonnet:locked', 'kw:recommendation:like_but', 'model:recommendation:0.932'],
  };
  const routeEvent = (authorizer?: Record<string, string>) => {
    const event = wsEvent('route', JSON.stringify({ action: 'route', message: 'recommend something like Berserk', requestId: 'q-1' }));
    return authorizer ? { ...event, requestContext: { ...event.requestContext, authorizer } } : event;
  };

  it.each([
    ['a guest', undefined],
    ['a customer', { principalKind: 'customer', customerId: 'cust-1', scopes: 'openid profile' }],
  ])('gives %s the steps, not the matched keywords', async (_who, authorizer) => {
    const { deps, messenger } = frameDeps();
    await makeRouteHandler({ ...deps, route: async () => decision })(routeEvent(authorizer));
    expect(messenger.frames).toEqual([{ type: 'route', requestId: 'q-1', ...decision, reasons: ['intent:recommendation', 'map:sonnet:locked', 'classifier:rules', 'classifier:model'] }]);
  });

  it('gives an operator (mangaassist/operator scope) the full reasons', async () => {
    const { deps, messenger } = frameDeps();
    await makeRouteHandler({ ...deps, route: async () => decision })(routeEvent({ principalKind: 'customer', customerId: 'ops-1', scopes: 'openid mangaassist/operator' }));
    expect(messenger.frames).toEqual([{ type: 'route', requestId: 'q-1', ...decision }]);
  });

  it('lets only an operator preview ask the LLM classifier: the others are outside the limits and uncharged', async () => {
    const { deps } = frameDeps();
    const asked: unknown[] = [];
    const handler = makeRouteHandler({ ...deps, route: async (_text, options) => (asked.push(options), decision) });
    await handler(routeEvent());
    await handler(routeEvent({ principalKind: 'customer', customerId: 'cust-1', scopes: '' }));
    await handler(routeEvent({ principalKind: 'customer', customerId: 'ops-1', scopes: 'mangaassist/operator' }));
    // The subject keeps a running experiment's arm sticky: the customer by id, a guest by its connection.
    expect(asked).toEqual([
      { skipLlm: true, subject: expect.stringMatching(/^guest:/) },
      { skipLlm: true, subject: 'customer:cust-1' },
      { skipLlm: false, subject: 'customer:ops-1' },
    ]);
  });
});
