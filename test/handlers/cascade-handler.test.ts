import { MemoryBudgetLedger } from '../../lambdas/adapters/memory-budget';
import { cascadeFor } from '../../lambdas/core/cascade';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { makeInvokeHandler } from '../../lambdas/handlers/invoke';
import { DEFAULT_ANSWER_OPTIONS } from '../../lambdas/app/answer-message';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { ManualClock, RecordingMessenger, ScriptedModel, silentLog, textScript } from '../support/fakes';

const catalog = MODEL_CATALOGS.current;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;

const wsEvent = (body: string) => ({
  requestContext: { routeKey: 'invoke', connectionId: 'conn-1', domainName: 'abc.execute-api.ap-northeast-1.amazonaws.com', stage: 'prod', requestId: 'apigw-req-1', requestTimeEpoch: 1_000 },
  body,
  isBase64Encoded: false,
});

/** The invoke handler over the real classifier and routing, with the cascade enabled for its recommended intents. */
const invoke = (scripts: Record<string, ReturnType<typeof textScript>>) => {
  const messenger = new RecordingMessenger();
  const clock = new ManualClock(1_000);
  const metrics = new RecordingMetrics();
  const model = new ScriptedModel(scripts);
  const handler = makeInvokeHandler({
    messengerFor: () => messenger,
    clock,
    log: silentLog,
    metrics,
    answer: wireAnswer(inMemoryAnswerWiring({
      catalog,
      clock,
      log: silentLog,
      metrics,
      model,
      ledger: new MemoryBudgetLedger(),
      options: { ...DEFAULT_ANSWER_OPTIONS, cascade: cascadeFor() },
    })),
  });
  return { handler, messenger, model, metrics };
};

describe('invoke handler with the confidence cascade', () => {
  it('escalates a hedging cheap answer to a comparison: one done frame, escalated, and only the strong answer\'s chunks', async () => {
    const strong = 'The kanzenban is larger, collects about two volumes per book and restores the colour pages.';
    const { handler, messenger, model } = invoke({
      [HAIKU]: textScript("I'm not sure how the editions differ; it might be the page size."),
      [SONNET]: textScript(strong),
    });

    await handler(wsEvent(JSON.stringify({ action: 'invoke', message: 'Compare the Berserk deluxe edition with the original volumes', requestId: 'r-1' })));

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU, SONNET]);
    const chunks = messenger.frames.filter((f) => f.type === 'chunk');
    expect(chunks.map((f) => (f.type === 'chunk' ? f.text : '')).join('')).toBe(strong);
    const endings = messenger.frames.filter((f) => f.type === 'done' || f.type === 'error');
    expect(endings).toEqual([expect.objectContaining({ type: 'done', intent: 'comparison', tier: 'sonnet', escalated: true })]);
  });

  it('never tries the cheap tier first for a recommendation (locked)', async () => {
    const { handler, model, messenger } = invoke({ [HAIKU]: textScript('Try Vagabond, it is great.'), [SONNET]: textScript('Vinland Saga and Vagabond.') });

    await handler(wsEvent(JSON.stringify({ action: 'invoke', message: 'recommend me manga like Berserk but less dark', requestId: 'r-2' })));

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET]);
    expect(messenger.frames.at(-1)).toMatchObject({ type: 'done', intent: 'recommendation', tier: 'sonnet', escalated: false });
  });
});
