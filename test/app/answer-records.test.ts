import { MemoryAnswerRecordStore } from '../../lambdas/adapters/memory-answer-records';
import { answerMessage, type AnswerDeps } from '../../lambdas/app/answer-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ModelUnavailableError } from '../../lambdas/core/errors';
import type { ServerFrame } from '../../lambdas/core/protocol';
import type { Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import type { AnswerRecord, Messenger } from '../../lambdas/ports';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { ManualClock, ScriptedModel, textScript, type ScriptStep } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const SONNET = catalog.sonnet.modelId;
const HAIKU = catalog.haiku.modelId;

const classifier: IntentClassifier = {
  classify: (text) => {
    const intent: Intent = /recommend/i.test(text) ? 'recommendation' : /hello/i.test(text) ? 'greeting' : 'unknown';
    return { intent, confidence: 0.9, complexity: 4, signals: [] };
  },
};

/** Answers with a messenger that looks up the answer's record at the moment each `done` frame is sent. */
const setup = (scripts: Record<string, readonly ScriptStep[]>) => {
  const clock = new ManualClock();
  const answerRecords = new MemoryAnswerRecordStore();
  const seenAtDone: (AnswerRecord | undefined)[] = [];
  const messenger: Messenger = {
    send: async (_connectionId: string, frame: ServerFrame) => {
      if (frame.type === 'done') seenAtDone.push(await answerRecords.findAnswer('sess-1', frame.requestId));
    },
  };
  const deps: AnswerDeps = {
    ...wireAnswer(inMemoryAnswerWiring({
      classifier,
      clock,
      metrics: new RecordingMetrics(),
      model: new ScriptedModel(scripts),
      answerRecords,
    })),
    messenger,
  };
  const ask = (requestId: string, message: string) =>
    answerMessage(deps, {
      connectionId: 'c-1',
      principal: { kind: 'customer', customerId: 'alice', scopes: [] },
      requestId,
      message,
      receivedAt: clock.now(),
      session: { id: 'sess-1', expiresAt: 1_900_000_000 },
    });
  return { ask, answerRecords, seenAtDone };
};

describe('answers recorded for feedback', () => {
  it('records a model answer with the tier that answered and its owner before the done frame is sent', async () => {
    const { ask, seenAtDone } = setup({ [SONNET]: textScript('Try Vinland Saga.') });

    await ask('r-1', 'Can you recommend manga like Berserk?');

    expect(seenAtDone).toEqual([{ requestId: 'r-1', intent: 'recommendation', tier: 'sonnet', owner: 'customer:alice', answeredAt: expect.any(Number) }]);
  });

  it('records a template answer too', async () => {
    const { ask, answerRecords } = setup({});

    await ask('r-t', 'hello');

    expect(await answerRecords.findAnswer('sess-1', 'r-t')).toMatchObject({ intent: 'greeting', tier: 'template' });
  });

  it('records nothing for a failed answer: it cannot be rated', async () => {
    const { ask, answerRecords } = setup({
      [SONNET]: [{ type: 'fail', error: new ModelUnavailableError('down') }],
      [HAIKU]: [{ type: 'fail', error: new ModelUnavailableError('down') }],
    });

    const outcome = await ask('r-f', 'Can you recommend manga like Berserk?');

    expect(outcome.kind).toBe('failed');
    expect(await answerRecords.findAnswer('sess-1', 'r-f')).toBeUndefined();
  });
});
