import { answerMessage, type AnswerDeps } from '../../lambdas/app/answer-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { KeywordClassifier } from '../../lambdas/core/classifier';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { ManualClock, MemoryOrders, RecordingMessenger, ScriptedModel, textScript } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;

const setup = () => {
  const clock = new ManualClock();
  const model = new ScriptedModel({
    [catalog.sonnet.modelId]: textScript('Order 12345 has shipped. You might enjoy Vinland Saga.'),
    [catalog.haiku.modelId]: textScript('Order 12345 has shipped. We accept cards and konbini payment.'),
  });
  const messenger = new RecordingMessenger();
  const deps: AnswerDeps = {
    ...wireAnswer(inMemoryAnswerWiring({
      classifier: new KeywordClassifier(),
      clock,
      metrics: new RecordingMetrics(),
      orders: new MemoryOrders([{ orderId: '12345', customerId: 'cust-1', status: 'shipped', items: ['Berserk 1'] }]),
      model,
    })),
    messenger,
  };
  const request = (message: string) => ({ connectionId: 'c-1', requestId: 'r-1', message, receivedAt: clock.now(), principal: { kind: 'customer' as const, customerId: 'cust-1', scopes: [] } });
  return { deps, model, messenger, request };
};

describe('answerMessage with a multi-intent message (real keyword classifier and routing)', () => {
  it.each(['Where is order 12345 and can you recommend something like Berserk?', '注文12345はどこ？それとベルセルクみたいな漫画をおすすめして'])(
    'answers %j on the strong tier the recommendation needs, not with the order template',
    async (text) => {
      const { deps, model, messenger, request } = setup();

      await answerMessage(deps, request(text));

      expect(model.requests.map((call) => call.modelId)).toEqual([catalog.sonnet.modelId]);
      const done = messenger.ofType('done')[0];
      expect(done).toMatchObject({ tier: 'sonnet', intent: 'recommendation' });
      expect(done?.reasons).toContain('multi_intent:recommendation+order_status');
    },
  );

  it('answers an order question with a payment question on the cheap model: one template reply cannot answer both', async () => {
    const { deps, model, messenger, request } = setup();

    await answerMessage(deps, request('where is my order 12345 and what payment methods do you accept?'));

    expect(model.requests).toHaveLength(1);
    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku' });
    expect(messenger.ofType('done')[0]?.reasons.some((reason) => reason.startsWith('multi_intent:'))).toBe(true);
  });

  it('still answers a plain order question from the template at zero cost', async () => {
    const { deps, model, messenger, request } = setup();

    await answerMessage(deps, request('注文番号１２３４５はどこ？'));

    expect(model.requests).toHaveLength(0);
    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'template', costUsd: 0 });
  });
});
