import { ANSWER_TAG, JUDGE_TOOL_NAME, MAX_SCORE, MIN_SCORE } from '../../lambdas/core/judge';
import { toolUseId, type ToolUseReply } from './classification-tool';
import { lastUserText, type ConverseRequest } from './converse-request';
import { hashSeed, mulberry32 } from './prng';
import { estimateInputTokens } from './simulator';
import { estimateTokens, splitIntoTokens } from './text';

/**
 * A deterministic STAND-IN for the offline evaluation's LLM judge (lambdas/adapters/bedrock-answer-judge.ts): a
 * Converse call that forces the `score_answer` tool is answered with a score computed from the answer's length,
 * not by a language model. It reads nothing of the answer's meaning (the simulated answers have none); it only
 * makes `cli eval route` run end to end offline with figures shaped like seed 000 scenario 5's (the strong tier's
 * longer answers score about 9.0, the cheap tier's about 8.5, over 100 samples). With forwarding
 * (LOCAL_BEDROCK_FORWARD_URL) the call goes to the OpenAI-compatible server as a function call instead (forward.ts),
 * and a real model judges.
 *
 * The score: 7.95 + 0.005 per token of the answer (up to 300 tokens), plus a uniform jitter in [-0.5, 0.5) drawn
 * from a hash of the question and the answer, rounded and kept within 1-10. Rounding x + U(-0.5, 0.5) keeps the mean
 * at x, so a tier's mean score is its mean answer length read through the line: the simulated Haiku answers ~110
 * tokens (8.5), the simulated Sonnet ~220 (9.0) (local/bedrock/profiles.ts). An empty answer scores 1.
 */
/** Every stand-in verdict's reason starts with this: `cli eval route` reads it to say who judged. */
export const STAND_IN_REASON_PREFIX = 'offline stand-in judge';

export const STAND_IN_BASE = 7.95;
export const STAND_IN_PER_TOKEN = 0.005;
export const STAND_IN_MAX_TOKENS = 300;

/** The answer inside the judge's `<answer>` delimiters, else the whole user turn. */
const answerOf = (text: string): string => new RegExp(`<${ANSWER_TAG}>\\n?([\\s\\S]*?)\\n?</${ANSWER_TAG}>`).exec(text)?.[1] ?? text;

/** The stand-in's score for an answer: pure, stable per (user turn, answer). */
export const standInScore = (userTurn: string): number => {
  const answer = answerOf(userTurn);
  const tokens = splitIntoTokens(answer.trim()).length;
  if (tokens === 0) return MIN_SCORE;
  const jitter = mulberry32(hashSeed('judge', userTurn)).next() - 0.5;
  const raw = STAND_IN_BASE + STAND_IN_PER_TOKEN * Math.min(tokens, STAND_IN_MAX_TOKENS) + jitter;
  return Math.min(MAX_SCORE, Math.max(MIN_SCORE, Math.round(raw)));
};

export const judgeToolReply = (request: ConverseRequest): ToolUseReply | undefined => {
  if (request.requiredTool !== JUDGE_TOOL_NAME) return undefined;
  const userTurn = lastUserText(request);
  const score = standInScore(userTurn);
  const input = { score, reason: `${STAND_IN_REASON_PREFIX}: score from the answer's length (${splitIntoTokens(answerOf(userTurn).trim()).length} tokens), not a model` };
  return {
    toolUseId: toolUseId(request),
    name: JUDGE_TOOL_NAME,
    input,
    inputTokens: estimateInputTokens(request),
    outputTokens: estimateTokens(JSON.stringify(input)) + 10,
  };
};
