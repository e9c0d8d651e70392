import { completeExchanges, historyWithinBudget, previousExchange, type ConversationTurn } from '../../../lambdas/core/conversation';
import { estimateTokens } from '../../../lambdas/core/language';

const turn = (role: 'user' | 'assistant', text: string, at: number, extra: Partial<ConversationTurn> = {}): ConversationTurn => ({
  role,
  text,
  intent: 'recommendation',
  tier: 'sonnet',
  at,
  requestId: `r${at}`,
  ...extra,
});

/** Most recent first, as the store reads them. */
const conversation: ConversationTurn[] = [
  turn('assistant', 'third answer', 6),
  turn('user', 'third question', 5),
  turn('assistant', 'second answer', 4),
  turn('user', 'second question', 3),
  turn('assistant', 'first answer', 2),
  turn('user', 'first question', 1),
];
const words = (text: string) => text.split(' ').length;

describe('historyWithinBudget', () => {
  it('returns whole exchanges oldest first, starting with a user turn and alternating', () => {
    const history = historyWithinBudget(conversation, 100, words);

    expect(history).toEqual([
      { role: 'user', text: 'first question' },
      { role: 'assistant', text: 'first answer' },
      { role: 'user', text: 'second question' },
      { role: 'assistant', text: 'second answer' },
      { role: 'user', text: 'third question' },
      { role: 'assistant', text: 'third answer' },
    ]);
  });

  it('keeps the most recent exchanges that fit and drops the older ones', () => {
    expect(historyWithinBudget(conversation, 8, words).map((m) => m.text)).toEqual(['second question', 'second answer', 'third question', 'third answer']);
    expect(historyWithinBudget(conversation, 5, words).map((m) => m.text)).toEqual(['third question', 'third answer']);
    expect(historyWithinBudget(conversation, 3, words)).toEqual([]);
  });

  it('stops at the first exchange that does not fit: no hole in the conversation', () => {
    const long = [turn('assistant', 'short', 6), turn('user', 'q', 5), turn('assistant', 'a very long answer indeed that is big', 4), turn('user', 'q', 3), turn('assistant', 'a', 2), turn('user', 'q', 1)];

    expect(historyWithinBudget(long, 6, words).map((m) => m.text)).toEqual(['q', 'short']);
  });

  it('skips orphans: a user turn without its answer, a pair cut by the read limit', () => {
    const ragged = [turn('user', 'unanswered', 9), turn('assistant', 'answer', 8), turn('user', 'question', 7), turn('assistant', 'cut off answer', 6)];

    expect(completeExchanges(ragged)).toHaveLength(1);
    expect(historyWithinBudget(ragged, 100, words)).toEqual([
      { role: 'user', text: 'question' },
      { role: 'assistant', text: 'answer' },
    ]);
  });

  it('counts Japanese by the gateway token estimate', () => {
    const ja = [turn('assistant', 'ベルセルクに似た作品です', 2), turn('user', 'おすすめは？', 1)];

    expect(historyWithinBudget(ja, estimateTokens('ベルセルクに似た作品です') + estimateTokens('おすすめは？'), estimateTokens)).toHaveLength(2);
    expect(historyWithinBudget(ja, 10, estimateTokens)).toEqual([]);
  });
});

describe('previousExchange', () => {
  it("is the latest complete exchange's intent and needed tier", () => {
    const turns = [turn('assistant', 'a', 4, { tier: 'haiku' }), turn('user', 'q', 3, { intent: 'manga_qa', tier: 'sonnet' }), ...conversation];

    expect(previousExchange(turns)).toEqual({ intent: 'manga_qa', tier: 'sonnet' });
    expect(previousExchange([])).toBeUndefined();
    expect(previousExchange([turn('user', 'unanswered', 1)])).toBeUndefined();
  });
});
