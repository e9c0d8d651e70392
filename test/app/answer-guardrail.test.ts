import { answerMessage, DEFAULT_ANSWER_OPTIONS, type AnswerDeps } from '../../lambdas/app/answer-message';
import { jstDay } from '../../lambdas/core/budget/guardian';
import { cascadeFor } from '../../lambdas/core/cascade';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { costUsd, MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ContentBlockedError } from '../../lambdas/core/errors';
import type { Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import { errorReply } from '../../lambdas/handlers/reply';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { FlakyLedger, ManualClock, RecordingMessenger, ScriptedModel, silentLog, textScript, type ScriptStep } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;
const NOON_JST = parseInstant('2026-11-22T12:00:00+09:00') ?? Number.NaN;
const BLOCKED_TEXT = "Sorry, I can't help with that request.";
const BLOCKED_USAGE = { inputTokens: 150, outputTokens: 0 };

/** A stream the guardrail ended: its message in place of the answer, then the stop reason and the usage to bill. */
const interventionScript = (before = '', usage = BLOCKED_USAGE): ScriptStep[] => [
  ...(before ? [{ type: 'text', text: before } as const] : []),
  { type: 'text', text: BLOCKED_TEXT },
  { type: 'stop', reason: 'guardrail_intervened' },
  { type: 'usage', ...usage },
];

const fixedClassifier = (intent: Intent): IntentClassifier => ({ classify: () => ({ intent, confidence: 0.9, complexity: 5, signals: [] }) });

const setup = (intent: Intent, scripts: Record<string, readonly ScriptStep[]>, cascade = false) => {
  const clock = new ManualClock(NOON_JST);
  const ledger = new FlakyLedger();
  const metrics = new RecordingMetrics();
  const messenger = new RecordingMessenger();
  const model = new ScriptedModel(scripts);
  let ids = 0;
  const deps: AnswerDeps = {
    ...wireAnswer(inMemoryAnswerWiring({
      classifier: fixedClassifier(intent),
      clock,
      log: silentLog,
      metrics,
      model,
      ledger,
      newId: () => `n${++ids}`,
      options: { ...DEFAULT_ANSWER_OPTIONS, ...(cascade && { cascade: cascadeFor() }) },
    })),
    messenger,
  };
  let requests = 0;
  const request = (message: string) => ({ connectionId: 'c-1', requestId: `r-${++requests}`, message, receivedAt: clock.now() });
  const daySpend = () => ledger.inner.daySpend(jstDay(clock.now()), clock.now());
  const count = (name: string) => metrics.records.filter((record) => record.name === name);
  return { deps, request, model, messenger, daySpend, count };
};

describe('guardrail interventions (stop reason guardrail_intervened)', () => {
  it('ends the answer as content_blocked, with no done frame, and does not ask another tier', async () => {
    // Prepare
    const { deps, request, model, messenger } = setup('comparison', { [SONNET]: interventionScript(), [HAIKU]: textScript('a cheaper answer') });

    // Act
    const outcome = await answerMessage(deps, request('where can I download pirated manga'));

    // Assess
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.error).toBeInstanceOf(ContentBlockedError);
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('content_blocked');
    expect(model.requests.map((call) => call.modelId)).toEqual([SONNET]);
    expect(messenger.ofType('done')).toEqual([]);
  });

  it('charges the call for the tokens Bedrock reports (the input of a blocked prompt is billed)', async () => {
    // Prepare
    const { deps, request, daySpend } = setup('comparison', { [SONNET]: interventionScript() });

    // Act
    await answerMessage(deps, request('where can I download pirated manga'));
    const spend = await daySpend();

    // Assess
    expect(spend.spentUsd).toBeCloseTo(costUsd(catalog.sonnet, BLOCKED_USAGE), 9);
    expect(spend.spentUsd).toBeGreaterThan(0);
    expect(spend.reservedUsd).toBe(0);
  });

  it('counts GuardrailInterventions per intent, and not as a fallback reply', async () => {
    // Prepare
    const { deps, request, count } = setup('shipping_info', { [HAIKU]: interventionScript() });

    // Act
    await answerMessage(deps, request('how do I get a torrent of this volume'));

    // Assess
    expect(count('GuardrailInterventions')).toEqual([expect.objectContaining({ value: 1, unit: 'Count', dimensions: { Intent: 'shipping_info' } })]);
    expect(count('FallbackReplies')).toEqual([]);
  });

  it('never caches a blocked answer: the same question asks the model again', async () => {
    // Prepare
    const { deps, request, model, count } = setup('shipping_info', { [HAIKU]: interventionScript() });

    // Act
    await answerMessage(deps, request('how much is shipping to Osaka'));
    const second = await answerMessage(deps, request('how much is shipping to Osaka'));

    // Assess
    expect(second.kind).toBe('failed');
    expect(model.requests).toHaveLength(2);
    expect(count('CacheHits')).toEqual([]);
  });

  it('does not flush the rest of a stream the guardrail stopped after some text', async () => {
    // Prepare
    const { deps, request, messenger } = setup('shipping_info', { [HAIKU]: interventionScript('Shipping to Osaka costs ') });

    // Act
    const outcome = await answerMessage(deps, request('shipping to Osaka and my card number'));

    // Assess
    expect(outcome.kind).toBe('failed');
    expect(messenger.ofType('chunk').map((chunk) => chunk.text).join('')).not.toContain(BLOCKED_TEXT);
  });

  it('does not escalate a cascade whose cheap call was blocked, and never releases its buffered text', async () => {
    // Prepare
    const { deps, request, model, messenger, count } = setup(
      'comparison',
      { [HAIKU]: interventionScript('Here is how to find '), [SONNET]: textScript('a strong answer') },
      true,
    );

    // Act
    const outcome = await answerMessage(deps, request('compare the pirate scan sites for Berserk'));

    // Assess
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('content_blocked');
    expect(model.requests.map((call) => call.modelId)).toEqual([HAIKU]);
    expect(messenger.ofType('chunk')).toEqual([]);
    expect(count('CascadeCheapFailures')).toEqual([]);
  });

  it('keeps the cheap answer when the cascade escalates and the strong answer is blocked before any of it was sent', async () => {
    // Prepare
    const hedging = "I'm not sure, but it might be that the kanzenban has larger pages.";
    const blockedWithoutText = interventionScript().filter((step) => step.type !== 'text');
    const { deps, request, model, messenger, count } = setup('comparison', { [HAIKU]: textScript(hedging), [SONNET]: blockedWithoutText }, true);

    // Act
    const outcome = await answerMessage(deps, request('how do the kanzenban and the original Berserk editions differ'));

    // Assess
    expect(model.requests.map((call) => call.modelId)).toEqual([HAIKU, SONNET]);
    expect(outcome.kind === 'answered' && outcome.done).toMatchObject({ tier: 'haiku', escalated: false });
    expect(outcome.kind === 'answered' && outcome.done.reasons.at(-1)).toMatch(/^cascade:kept:.*:strong_failed$/);
    expect(messenger.ofType('chunk').map((chunk) => chunk.text).join('')).toBe(hedging);
    expect(count('GuardrailInterventions')).toEqual([expect.objectContaining({ dimensions: { Intent: 'comparison' } })]);
  });

  it("ends in content_blocked when the escalated strong call's guardrail message already reached the client (the first text leaves at once)", async () => {
    // Prepare
    const hedging = "I'm not sure, but it might be that the kanzenban has larger pages.";
    const { deps, request, messenger } = setup('comparison', { [HAIKU]: textScript(hedging), [SONNET]: interventionScript() }, true);

    // Act
    const outcome = await answerMessage(deps, request('how do the kanzenban and the original Berserk editions differ'));

    // Assess: the client saw the guardrail's own message, never the cheap answer after it
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('content_blocked');
    expect(messenger.ofType('chunk').map((chunk) => chunk.text).join('')).toBe(BLOCKED_TEXT);
  });

  it('answers normally when the stream ends with end_turn (no intervention)', async () => {
    // Prepare
    const { deps, request, count } = setup('shipping_info', { [HAIKU]: textScript('Shipping to Osaka is 500 yen.') });

    // Act
    const outcome = await answerMessage(deps, request('how much is shipping to Osaka'));

    // Assess
    expect(outcome.kind).toBe('answered');
    expect(count('GuardrailInterventions')).toEqual([]);
  });

  it('maps to a stable error frame whose message does not say which policy intervened', () => {
    // Act
    const frame = errorReply(new ContentBlockedError('the guardrail intervened: topic Piracy'), 'r-9');

    // Assess
    expect(frame).toEqual({ type: 'error', requestId: 'r-9', code: 'content_blocked', message: expect.stringContaining("can't help with that request") });
    expect(frame.message).not.toMatch(/piracy|topic|guardrail/i);
  });
});
