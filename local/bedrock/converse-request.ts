import { validationError } from './errors';
import { parseGuardrailConfig, type GuardrailRequest } from './guardrail';

/**
 * The part of a Converse / ConverseStream request body the emulator understands, validated the way Bedrock
 * rejects bad input: a ValidationException (HTTP 400) with a readable message. Non-text content blocks
 * (images, tool use, ...) are accepted and ignored.
 */
export type Role = 'user' | 'assistant';

export interface ChatTurn {
  readonly role: Role;
  /** The text blocks of the message, joined with newlines. */
  readonly text: string;
}

export interface ConverseRequest {
  readonly modelId: string;
  readonly system: string;
  readonly messages: readonly ChatTurn[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly stopSequences?: readonly string[];
  /**
   * The tool the model must call: `toolConfig.toolChoice.tool.name`, or the only tool of `toolConfig.tools` when
   * `toolChoice` is `any`. Absent when no tool use is required.
   */
  readonly requiredTool?: string;
  /** The declared tools with a spec (name, description, JSON input schema), for forwarding tool calls. */
  readonly tools?: readonly ToolDeclaration[];
  /** The request's `guardrailConfig`, validated (local/bedrock/guardrail.ts); absent when it asked for none. */
  readonly guardrail?: GuardrailRequest;
}

export interface ToolDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Joins the `text` members of content blocks; blocks of other kinds carry no text for the simulation. */
const textOfBlocks = (blocks: readonly unknown[], where: string): string =>
  blocks
    .map((block, index) => {
      if (!isRecord(block)) throw validationError(`${where}.${index} must be a content block object`);
      if (block.text === undefined) return undefined;
      if (typeof block.text !== 'string') throw validationError(`${where}.${index}.text must be a string`);
      return block.text;
    })
    .filter((text): text is string => text !== undefined)
    .join('\n');

const parseTurn = (value: unknown, index: number): ChatTurn => {
  const where = `messages.${index}`;
  if (!isRecord(value)) throw validationError(`${where} must be an object`);
  if (value.role !== 'user' && value.role !== 'assistant') {
    throw validationError(`${where}.role must be 'user' or 'assistant'`);
  }
  if (!Array.isArray(value.content) || value.content.length === 0) {
    throw validationError(`${where}.content must be a non-empty array of content blocks`);
  }
  return { role: value.role, text: textOfBlocks(value.content, `${where}.content`) };
};

const optionalNumber = (config: Record<string, unknown>, key: string, min: number, max: number): number | undefined => {
  const value = config[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw validationError(`inferenceConfig.${key} must be a number in [${min}, ${max}]`);
  }
  return value;
};

const parseInferenceConfig = (value: unknown): Pick<ConverseRequest, 'maxTokens' | 'temperature' | 'topP' | 'stopSequences'> => {
  if (value === undefined) return {};
  if (!isRecord(value)) throw validationError('inferenceConfig must be an object');
  const maxTokens = optionalNumber(value, 'maxTokens', 1, Number.MAX_SAFE_INTEGER);
  if (maxTokens !== undefined && !Number.isInteger(maxTokens)) throw validationError('inferenceConfig.maxTokens must be an integer');
  const stopSequences = value.stopSequences;
  if (stopSequences !== undefined && (!Array.isArray(stopSequences) || !stopSequences.every((s) => typeof s === 'string'))) {
    throw validationError('inferenceConfig.stopSequences must be an array of strings');
  }
  return {
    maxTokens,
    temperature: optionalNumber(value, 'temperature', 0, 1),
    topP: optionalNumber(value, 'topP', 0, 1),
    stopSequences: stopSequences as string[] | undefined,
  };
};

/** The declared tool specs of a (validated) `toolConfig`. */
const toolDeclarations = (value: unknown): ToolDeclaration[] => {
  if (!isRecord(value) || !Array.isArray(value.tools)) return [];
  return value.tools.flatMap((tool): ToolDeclaration[] => {
    const spec = isRecord(tool) ? tool.toolSpec : undefined;
    if (!isRecord(spec) || typeof spec.name !== 'string') return [];
    const schema = isRecord(spec.inputSchema) ? spec.inputSchema.json : undefined;
    return [{ name: spec.name, ...(typeof spec.description === 'string' && { description: spec.description }), ...(schema !== undefined && { inputSchema: schema }) }];
  });
};

/** The tool a request forces (see ConverseRequest.requiredTool); a malformed `toolConfig` is a ValidationException. */
const parseRequiredTool = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (!isRecord(value) || !Array.isArray(value.tools) || value.tools.length === 0) {
    throw validationError('toolConfig.tools must be a non-empty array');
  }
  const names = value.tools.map((tool, index) => {
    const spec = isRecord(tool) ? tool.toolSpec : undefined;
    if (spec === undefined && isRecord(tool)) return undefined; // a cache point or a system tool
    if (!isRecord(spec) || typeof spec.name !== 'string' || spec.name === '') throw validationError(`toolConfig.tools.${index}.toolSpec.name must be a string`);
    return spec.name;
  });
  const choice = value.toolChoice;
  if (!isRecord(choice)) return undefined;
  if (isRecord(choice.tool)) {
    const name = choice.tool.name;
    if (typeof name !== 'string' || !names.includes(name)) throw validationError('toolConfig.toolChoice.tool.name must name one of toolConfig.tools');
    return name;
  }
  const specs = names.filter((name): name is string => name !== undefined);
  return choice.any !== undefined && specs.length === 1 ? specs[0] : undefined;
};

/** Parses the raw body of a Converse(Stream) call; `modelId` comes from the (already decoded) path. */
export const parseConverseRequest = (modelId: string, body: string, operation: 'converse' | 'converse-stream' = 'converse-stream'): ConverseRequest => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw validationError('Malformed input request: the body is not valid JSON');
  }
  if (!isRecord(json)) throw validationError('Malformed input request: the body must be a JSON object');
  if (!Array.isArray(json.messages) || json.messages.length === 0) {
    throw validationError('messages must be a non-empty array');
  }
  const messages = json.messages.map(parseTurn);
  if (messages[0]?.role !== 'user') throw validationError('A conversation must start with a user message');
  if (json.system !== undefined && !Array.isArray(json.system)) throw validationError('system must be an array of content blocks');
  const system = json.system === undefined ? '' : textOfBlocks(json.system, 'system');
  const requiredTool = parseRequiredTool(json.toolConfig);
  const tools = toolDeclarations(json.toolConfig);
  const guardrail = parseGuardrailConfig(json.guardrailConfig, operation);
  return {
    modelId,
    system,
    messages,
    ...parseInferenceConfig(json.inferenceConfig),
    ...(requiredTool !== undefined && { requiredTool }),
    ...(tools.length > 0 && { tools }),
    ...(guardrail !== undefined && { guardrail }),
  };
};

/** The last user message: what the simulated answer responds to. */
export const lastUserText = (request: ConverseRequest): string =>
  [...request.messages].reverse().find((turn) => turn.role === 'user')?.text ?? '';
