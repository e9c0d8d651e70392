import { ConverseCommand, type BedrockRuntimeClient, type ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { JUDGE_INPUT_SCHEMA, JUDGE_MAX_TOKENS, JUDGE_SYSTEM_PROMPT, JUDGE_TOOL_DESCRIPTION, JUDGE_TOOL_NAME, judgeUserText } from '../core/judge';
import type { AnswerJudge } from '../ports/judge';

/**
 * The judge over Bedrock Converse (not streaming), shaped like the LLM classifier (bedrock-intent-classifier.ts): one
 * tool whose JSON schema is the verdict, forced through `toolChoice`, temperature 0. Returns the tool input
 * unvalidated (or the text, when a model answered without the tool); throws on any failure.
 */
export class BedrockAnswerJudge implements AnswerJudge {
  constructor(
    private readonly client: BedrockRuntimeClient,
    /** The strong tier's model id (the catalog's sonnet): a judge weaker than the answers it scores is no judge. */
    private readonly modelId: string,
  ) {}

  async score(request: Parameters<AnswerJudge['score']>[0]): ReturnType<AnswerJudge['score']> {
    const response = await this.client.send(
      new ConverseCommand({
        modelId: this.modelId,
        system: [{ text: JUDGE_SYSTEM_PROMPT }],
        messages: [{ role: 'user', content: [{ text: judgeUserText(request.intent, request.question, request.answer) }] }],
        inferenceConfig: { maxTokens: JUDGE_MAX_TOKENS, temperature: 0 },
        toolConfig: {
          tools: [
            {
              toolSpec: {
                name: JUDGE_TOOL_NAME,
                description: JUDGE_TOOL_DESCRIPTION,
                // The SDK types the schema as a DocumentType; the constant is plain JSON.
                inputSchema: { json: JUDGE_INPUT_SCHEMA as unknown as Record<string, never> },
              },
            },
          ],
          toolChoice: { tool: { name: JUDGE_TOOL_NAME } },
        },
      }),
      { abortSignal: request.signal },
    );
    const blocks: readonly ContentBlock[] = response.output?.message?.content ?? [];
    const toolUse = blocks.find((block) => block.toolUse?.name === JUDGE_TOOL_NAME)?.toolUse;
    const text = blocks.map((block) => block.text ?? '').join('');
    return {
      input: toolUse ? toolUse.input : text,
      inputTokens: response.usage?.inputTokens ?? 0,
      outputTokens: response.usage?.outputTokens ?? 0,
    };
  }
}
