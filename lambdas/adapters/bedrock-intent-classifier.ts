import { ConverseCommand, type BedrockRuntimeClient, type ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import {
  CLASSIFIER_INPUT_SCHEMA,
  CLASSIFIER_MAX_TOKENS,
  CLASSIFIER_SYSTEM_PROMPT,
  CLASSIFIER_TOOL_DESCRIPTION,
  CLASSIFY_TOOL_NAME,
  classifierUserText,
} from '../core/llm-classifier';
import type { IntentOracle, IntentOracleAnswer } from '../ports';

export interface BedrockIntentClassifierOptions {
  /** The cheap tier's model id (the catalog's haiku). */
  readonly modelId: string;
  /** A hard limit on the call (ms), on top of the caller's signal: the fallback must not break the 3 s target. */
  readonly timeoutMs: number;
}

/**
 * The LLM classifier over Bedrock Converse (not streaming): one tool with a strict JSON schema whose `intent` is an
 * enum of the vocabulary, forced through `toolChoice`, temperature 0, a small `maxTokens`, and a timeout through
 * `AbortSignal.timeout`. Returns the tool input unvalidated; throws on any failure (the caller keeps the fast path).
 */
export class BedrockIntentClassifier implements IntentOracle {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly options: BedrockIntentClassifierOptions,
  ) {}

  async classify(request: { readonly text: string; readonly signal: AbortSignal }): Promise<IntentOracleAnswer> {
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    const response = await this.client.send(
      new ConverseCommand({
        modelId: this.options.modelId,
        system: [{ text: CLASSIFIER_SYSTEM_PROMPT }],
        messages: [{ role: 'user', content: [{ text: classifierUserText(request.text) }] }],
        inferenceConfig: { maxTokens: CLASSIFIER_MAX_TOKENS, temperature: 0 },
        toolConfig: {
          tools: [
            {
              toolSpec: {
                name: CLASSIFY_TOOL_NAME,
                description: CLASSIFIER_TOOL_DESCRIPTION,
                inputSchema: { json: CLASSIFIER_INPUT_SCHEMA as unknown as Record<string, never> },
                strict: true,
              },
            },
          ],
          toolChoice: { tool: { name: CLASSIFY_TOOL_NAME } },
        },
      }),
      { abortSignal: signal },
    );
    const blocks: readonly ContentBlock[] = response.output?.message?.content ?? [];
    const toolUse = blocks.find((block) => block.toolUse?.name === CLASSIFY_TOOL_NAME)?.toolUse;
    const text = blocks.map((block) => block.text ?? '').join('');
    return {
      input: toolUse ? toolUse.input : text,
      inputTokens: response.usage?.inputTokens ?? 0,
      outputTokens: response.usage?.outputTokens ?? 0,
    };
  }
}
