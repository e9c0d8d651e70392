import {
  cascadeConfigProblems,
  cascadeFor,
  decideCascade,
  DEFAULT_CASCADE_CONFIG,
  estimateConfidence,
  isCascadeEligible,
  RECOMMENDED_CASCADE_INTENTS,
  thresholdFor,
} from '../../lambdas/core/cascade';
import { DEFAULT_ROUTING_MAP, type Intent } from '../../lambdas/core/vocabulary';

const judge = (text: string, stopReason = 'end_turn', intent: Intent = 'manga_qa') => estimateConfidence({ text, stopReason, intent });

describe('cascade configuration', () => {
  it('is off by default, with a 0.80 threshold and 8 s left to escalate', () => {
    expect(DEFAULT_CASCADE_CONFIG.intents).toEqual([]);
    expect(thresholdFor(DEFAULT_CASCADE_CONFIG, 'comparison')).toBe(0.8);
    expect(DEFAULT_CASCADE_CONFIG.minTimeLeftMs).toBe(8000);
  });

  it('recommends only strong-tier intents that are not locked', () => {
    for (const intent of RECOMMENDED_CASCADE_INTENTS) expect(DEFAULT_ROUTING_MAP[intent].locked).toBe(false);
    expect(RECOMMENDED_CASCADE_INTENTS).not.toContain('recommendation');
    expect(cascadeConfigProblems(cascadeFor())).toEqual([]);
  });

  it('reports a locked intent and thresholds out of range', () => {
    const problems = cascadeConfigProblems({ ...cascadeFor(['recommendation', 'comparison']), defaultThreshold: 1.2, thresholds: { comparison: -1 } });
    expect(problems).toEqual([
      'intents: recommendation is locked and can never cascade',
      'defaultThreshold must be within [0, 1]',
      'thresholds.comparison must be within [0, 1]',
    ]);
  });

  it('takes a per-intent threshold over the default', () => {
    expect(thresholdFor({ ...cascadeFor(), thresholds: { translation: 0.9 } }, 'translation')).toBe(0.9);
  });
});

describe('cascade eligibility', () => {
  const config = cascadeFor();
  const map = DEFAULT_ROUTING_MAP;

  it('takes a listed intent routed to the strong tier', () => {
    expect(isCascadeEligible(config, { intent: 'comparison', tier: 'sonnet' }, map, false)).toBe(true);
  });

  it.each([
    ['an unlisted intent', { intent: 'complaint' as Intent, tier: 'sonnet' }, false],
    ['the cheap tier', { intent: 'comparison' as Intent, tier: 'haiku' }, false],
    ['the template tier', { intent: 'comparison' as Intent, tier: 'template' }, false],
    ['conversation history', { intent: 'comparison' as Intent, tier: 'sonnet' }, true],
    ['a locked intent among the message\'s intents', { intent: 'comparison' as Intent, intents: ['comparison', 'recommendation'] as Intent[], tier: 'sonnet' }, false],
  ])('refuses %s', (_name, decision, history) => {
    expect(isCascadeEligible(config, decision, map, history)).toBe(false);
  });

  it('never cascades a locked intent, even one the configuration lists', () => {
    expect(isCascadeEligible(cascadeFor(['recommendation']), { intent: 'recommendation', tier: 'sonnet' }, map, false)).toBe(false);
  });

  it('never cascades an intent the routing table locked', () => {
    const locked = { ...map, comparison: { tier: 'sonnet' as const, locked: true } };
    expect(isCascadeEligible(config, { intent: 'comparison', tier: 'sonnet' }, locked, false)).toBe(false);
  });
});

describe('confidence estimate', () => {
  it('trusts a complete, plain answer', () => {
    expect(judge('The kanzenban collects three volumes per book in a larger trim size.')).toEqual({ score: 1, signals: [] });
  });

  it.each([
    ["I'm not sure, but the second volume came out in 2003."],
    ['I don’t know when the next volume is out; the publisher has not said.'],
    ['It might be the 2019 edition that has the colour pages.'],
  ])('takes an English hedge below the threshold: %s', (text) => {
    const { score, signals } = judge(text);
    expect(score).toBeLessThan(0.8);
    expect(signals.some((s) => s.startsWith('hedge:'))).toBe(true);
  });

  it.each([['その巻の発売日はわかりません。'], ['第2版かもしれません。表紙の色が違います。'], ['現時点では在庫を確認できません。']])(
    'takes a Japanese hedge below the threshold: %s',
    (text) => {
      expect(judge(text).score).toBeLessThan(0.8);
    },
  );

  it('counts each hedge', () => {
    expect(judge("I'm not sure. It might be volume 3, but I don't know.").score).toBe(0.25);
  });

  it('does not count a hedge inside another word', () => {
    expect(judge('Submit it; maybe-not is not a phrase here, and sit might be fine.').signals).not.toContain("hedge:it might be");
  });

  it('lets one mild hedge pass', () => {
    expect(judge('Probably the best entry point is the first kanzenban volume.').score).toBeGreaterThanOrEqual(0.8);
  });

  it('distrusts a truncated answer and one stopped by a filter', () => {
    expect(judge('The first arc follows Guts as a mercenary and then', 'max_tokens')).toMatchObject({ score: 0.65, signals: ['stop:max_tokens'] });
    expect(judge('The first arc follows Guts.', 'content_filtered').score).toBeLessThan(0.8);
  });

  it('scores an empty answer 0 and distrusts a too short one', () => {
    expect(judge('  ')).toEqual({ score: 0, signals: ['empty'] });
    expect(judge('Yes.').signals).toContain('too_short');
    expect(judge('Yes.').score).toBeLessThan(0.8);
    expect(judge('ガッツです。主人公です。').signals).not.toContain('too_short');
  });

  it('distrusts a refusal', () => {
    expect(judge("I can't help with questions about that series, sorry.").signals).toContain('refusal');
    expect(judge('申し訳ありませんが、その質問にはお答えできません。').score).toBeLessThan(0.8);
  });

  it('distrusts sending the customer to support, except when they asked for a human', () => {
    const text = 'For details on the two editions, please contact our customer support team.';
    expect(judge(text, 'end_turn', 'comparison').signals).toContain('support_referral');
    expect(judge(text, 'end_turn', 'comparison').score).toBeLessThan(0.8);
    expect(judge(text, 'end_turn', 'escalation').signals).not.toContain('support_referral');
    expect(judge('詳しくはカスタマーサポートにお問い合わせください。', 'end_turn', 'translation').signals).toContain('support_referral');
  });

  it('reads full-width text as half-width', () => {
    expect(judge("Ｉ'ｍ ｎｏｔ ｓｕｒｅ which edition has it, to be honest.").score).toBeLessThan(0.8);
  });
});

describe('cascade decision', () => {
  const config = cascadeFor();

  it('accepts at or above the threshold', () => {
    expect(decideCascade(config, 'comparison', { score: 0.8, signals: [] }, 20_000)).toEqual({ kind: 'accept', reason: 'cascade:accepted:0.80' });
  });

  it('escalates below it when the time allows, and keeps the cheap answer when not', () => {
    expect(decideCascade(config, 'comparison', { score: 0.75, signals: [] }, 8_000)).toEqual({ kind: 'escalate', reason: 'cascade:escalated:0.75' });
    expect(decideCascade(config, 'comparison', { score: 0.75, signals: [] }, 7_999)).toEqual({ kind: 'keep', reason: 'cascade:kept:0.75:deadline' });
  });
});
