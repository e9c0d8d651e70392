import { KeywordClassifier } from '../../lambdas/core/classifier';
import { CLASSIFY_TOOL_NAME } from '../../lambdas/core/llm-classifier';
import { lastUserText, type ConverseRequest } from './converse-request';
import { hashSeed } from './prng';
import { estimateInputTokens } from './simulator';
import { estimateTokens } from './text';

/**
 * A deterministic STAND-IN for the LLM classifier (lambdas/adapters/bedrock-intent-classifier.ts): a Converse call
 * that forces the `classify_intent` tool is answered with a tool use whose input is the keyword rules' reading of
 * the message (`{"intent", "confidence"}`), not by a language model. It exercises the gateway's fallback path
 * offline (timeouts and faults included: the call draws faults like any other); it says nothing about how well a
 * real model classifies. The offline judge's tool has its own stand-in (judge-tool.ts); other tools are not simulated (the call gets a text reply, as before). With forwarding
 * (LOCAL_BEDROCK_FORWARD_URL) the call goes to the OpenAI-compatible server as a function call instead (forward.ts).
 */

/** Answers a forced tool call; `undefined` when the request forces no tool this source answers. */
export type ToolReplySource = (request: ConverseRequest, signal: AbortSignal) => Promise<ToolUseReply | undefined>;
export interface ToolUseReply {
  readonly toolUseId: string;
  readonly name: string;
  /** The tool input: the stand-in's `{intent, confidence}`, or what a forwarded model produced (unvalidated). */
  readonly input: unknown;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

const rules = new KeywordClassifier();

/** The message inside the classifier's `<message>` delimiters, else the whole user turn. */
const messageOf = (request: ConverseRequest): string => {
  const text = lastUserText(request);
  const match = /<message>\n?([\s\S]*?)\n?<\/message>/.exec(text);
  return match?.[1] ?? text;
};

export const toolUseId = (request: ConverseRequest): string => `tooluse_${hashSeed(0, request.modelId, lastUserText(request)).toString(36)}`;

export const classificationToolReply = (request: ConverseRequest): ToolUseReply | undefined => {
  if (request.requiredTool !== CLASSIFY_TOOL_NAME) return undefined;
  const message = messageOf(request);
  const { intent, confidence } = rules.classify(message);
  const input = { intent, confidence };
  return {
    toolUseId: toolUseId(request),
    name: CLASSIFY_TOOL_NAME,
    input,
    inputTokens: estimateInputTokens(request),
    outputTokens: estimateTokens(JSON.stringify(input)) + 10,
  };
};
