import { MemoryBudgetLedger } from '../../lambdas/adapters/memory-budget';
import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { jstDay } from '../../lambdas/core/budget/guardian';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { BudgetExhaustedError } from '../../lambdas/core/errors';
import { errorReply } from '../../lambdas/handlers/reply';
import { makeInvokeHandler } from '../../lambdas/handlers/invoke';
import { makeRouteHandler } from '../../lambdas/handlers/route';
import { wireAnswer, wireRouter } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { MemoryCapacityState } from '../support/capacity-fakes';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { ManualClock, MemoryRoutingConfig, RecordingMessenger, ScriptedModel, silentLog, textScript } from '../support/fakes';

const catalog = MODEL_CATALOGS.current;
const NOON_JST = parseInstant('2026-11-22T12:00:00+09:00') ?? Number.NaN;
const RECOMMEND = '{"action":"invoke","message":"recommend me manga like Berserk but less dark","requestId":"r-1"}';

const wsEvent = (routeKey: string, body: string) => ({
  requestContext: { routeKey, connectionId: 'conn-1', domainName: 'abc.execute-api.ap-northeast-1.amazonaws.com', stage: 'prod', requestId: 'apigw-req-1', requestTimeEpoch: NOON_JST },
  body,
  isBase64Encoded: false,
});

const frameDeps = () => {
  const messenger = new RecordingMessenger();
  const clock = new ManualClock(NOON_JST);
  const metrics = new RecordingMetrics();
  const state = new MemoryCapacityState();
  const wiring = { routingConfig: new MemoryRoutingConfig(), capacityState: state, capacityConfig: DEFAULT_CAPACITY_CONFIG, catalog, clock, log: silentLog, metrics };
  return { messenger, clock, metrics, state, wiring, deps: { messengerFor: () => messenger, clock, log: silentLog, metrics } };
};

const invokeHandler = (setup: ReturnType<typeof frameDeps>, dailyUsd: number, model: ScriptedModel) =>
  makeInvokeHandler({
    ...setup.deps,
    answer: wireAnswer(inMemoryAnswerWiring({
      ...setup.wiring,
      model,
      store: new MemoryStore(setup.clock),
      ledger: new MemoryBudgetLedger(),
      budgetConfig: { ...DEFAULT_BUDGET_CONFIG, dailyUsd },
    })),
  });

describe('budget in the frames', () => {
  it('ends an invoke the budget cannot admit at any tier in one error frame with the stable code budget_exhausted', async () => {
    const setup = frameDeps();
    const model = new ScriptedModel({});

    const result = await invokeHandler(setup, 0.000001, model)(wsEvent('invoke', RECOMMEND));

    expect(result.statusCode).toBe(200);
    expect(setup.messenger.frames).toEqual([
      { type: 'error', requestId: 'r-1', code: 'budget_exhausted', message: expect.stringMatching(/limit for today.*try again later/) },
    ]);
    expect(model.requests).toHaveLength(0);
    expect(setup.metrics.sum('ErrorReplies', { Code: 'budget_exhausted' })).toBe(1);
  });

  it('gives the done frame the decision\'s reasons', async () => {
    const setup = frameDeps();
    const model = new ScriptedModel({ [catalog.sonnet.modelId]: textScript('Try Vinland Saga.') });

    await invokeHandler(setup, 2500, model)(wsEvent('invoke', RECOMMEND));

    const done = setup.messenger.ofType('done')[0];
    expect(done?.reasons).toEqual(expect.arrayContaining(['intent:recommendation', 'map:sonnet:locked']));
  });

  it('shows the budget status the invoke path published in the route frame', async () => {
    const setup = frameDeps();
    setup.state.budget = { day: jstDay(NOON_JST), mode: 'emergency', demoted: ['comparison', 'recommendation'], partial: [], updatedAt: NOON_JST - 1000 };
    const handler = makeRouteHandler({ ...setup.deps, route: wireRouter(setup.wiring) });

    await handler(wsEvent('route', '{"action":"route","message":"recommend me manga like Berserk but less dark","requestId":"q-1"}'));

    expect(setup.messenger.frames).toEqual([expect.objectContaining({ type: 'route', requestId: 'q-1', intent: 'recommendation', tier: 'haiku', model: catalog.haiku.modelId })]);
    expect(setup.messenger.ofType('route')[0]?.reasons.at(-1)).toBe('budget:emergency:demoted_to_haiku');
  });

  it('maps a BudgetExhaustedError to a friendly message that does not leak the day or amounts', () => {
    const reply = errorReply(new BudgetExhaustedError('2026-11-22'), 'r-9');

    expect(reply).toMatchObject({ type: 'error', requestId: 'r-9', code: 'budget_exhausted' });
    expect(reply.message).not.toContain('2026');
  });
});
