import { judgeUserText } from '../../lambdas/core/judge';
import { parseConverseRequest } from '../../local/bedrock/converse-request';
import { judgeToolReply, standInScore, STAND_IN_REASON_PREFIX } from '../../local/bedrock/judge-tool';

const judgeRequest = (answer: string, toolChoice: unknown = { tool: { name: 'score_answer' } }) =>
  parseConverseRequest(
    'jp.anthropic.claude-sonnet-4-5-20250929-v1:0',
    JSON.stringify({
      system: [{ text: 'rubric' }],
      messages: [{ role: 'user', content: [{ text: judgeUserText('manga_qa', 'who is Guts?', answer) }] }],
      toolConfig: { tools: [{ toolSpec: { name: 'score_answer', inputSchema: { json: { type: 'object' } } } }], toolChoice },
    }),
    'converse',
  );

describe('the local endpoint\'s judge stand-in', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 10}`).join(' ');

  it('answers the forced score_answer tool with a valid verdict that says it is a stand-in', () => {
    const reply = judgeToolReply(judgeRequest(words(50)));
    expect(reply?.name).toBe('score_answer');
    expect(reply?.input).toEqual({ score: expect.any(Number), reason: expect.stringContaining(STAND_IN_REASON_PREFIX) });
    const { score } = reply?.input as { score: number };
    expect(Number.isInteger(score) && score >= 1 && score <= 10).toBe(true);
    expect(reply?.inputTokens).toBeGreaterThan(0);
  });

  it('does not answer other tools, nor a call that does not force one', () => {
    expect(judgeToolReply(judgeRequest('x', null))).toBeUndefined();
    expect(judgeToolReply(judgeRequest('x', { any: {} }))).toBeDefined();
  });

  it('is stable per input and scores longer answers higher on average; an empty answer scores 1', () => {
    const text = judgeUserText('manga_qa', 'q', words(120));
    expect(standInScore(text)).toBe(standInScore(text));
    expect(standInScore(judgeUserText('manga_qa', 'q', '   '))).toBe(1);
    const mean = (tokens: number) => {
      let sum = 0;
      for (let i = 0; i < 200; i += 1) sum += standInScore(judgeUserText('manga_qa', `question ${i}`, words(tokens)));
      return sum / 200;
    };
    expect(mean(220)).toBeGreaterThan(mean(110));
    expect(mean(110)).toBeGreaterThan(8);
    expect(mean(220)).toBeLessThanOrEqual(9.5);
  });
});
