import { validationError } from './errors';

/**
 * Guardrails on the local endpoint: the `guardrailConfig` of Converse / ConverseStream validated as Bedrock
 * validates it, and a deterministic stand-in for the guardrail's verdict (no classifier runs here):
 * - an INPUT intervention when the last user turn contains one of `deniedWords` (case-insensitive, NFKC): no model
 *   generation; the stream carries the blocked message, stop reason `guardrail_intervened`, and usage with the
 *   input tokens and no output (as Bedrock reports a blocked prompt);
 * - an OUTPUT intervention when it contains `outputTrigger`: the model answers, and after a few deltas the stream
 *   ends with the blocked message and `guardrail_intervened` (text already sent stays sent, as in Bedrock's sync
 *   mode once a later chunk fails the check); the tokens generated so far are billed.
 * Without a `guardrailConfig` in the request nothing is ever blocked: the words only matter to callers that ask
 * for a guardrail, as in AWS.
 */
export interface GuardrailRequest {
  readonly identifier: string;
  readonly version: string;
  readonly trace: 'enabled' | 'disabled' | 'enabled_full';
  readonly streamProcessingMode?: 'sync' | 'async';
}

export interface GuardrailSimulationOptions {
  /** Blocked as a denied topic when found in the customer's message. Default DEFAULT_DENIED_WORDS. */
  readonly deniedWords?: readonly string[];
  /** Lets the model answer, then blocks the answer mid-stream. Default DEFAULT_OUTPUT_TRIGGER. */
  readonly outputTrigger?: string;
  /** The text the guardrail puts in place of the blocked content. */
  readonly blockedMessage?: string;
}

/** A test phrase, and words of the piracy topic the deployed guardrail denies (lib/constructs/guardrail.ts). */
export const DEFAULT_DENIED_WORDS: readonly string[] = ['guardrail-test-block', 'torrent', 'scanlation', '海賊版', '漫画村'];
export const DEFAULT_OUTPUT_TRIGGER = 'guardrail-test-block-output';
export const DEFAULT_BLOCKED_MESSAGE = "Sorry, I can't help with that request.";
/** Deltas an output intervention lets through before it blocks the rest. */
export const OUTPUT_DELTAS_BEFORE_BLOCK = 2;

export type GuardrailVerdict = 'pass' | 'block_input' | 'block_output';

/** Bedrock's shapes (GuardrailConfiguration / GuardrailStreamConfiguration in the Converse API reference). */
const IDENTIFIER = /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/;
const VERSION = /^(([1-9][0-9]{0,7})|(DRAFT))$/;
const TRACES = ['enabled', 'disabled', 'enabled_full'] as const;
const MODES = ['sync', 'async'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The request's `guardrailConfig`, or undefined without one; a malformed one is a ValidationException. */
export const parseGuardrailConfig = (value: unknown, operation: 'converse' | 'converse-stream'): GuardrailRequest | undefined => {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw validationError('guardrailConfig must be an object');
  const { guardrailIdentifier, guardrailVersion, trace, streamProcessingMode } = value;
  if (typeof guardrailIdentifier !== 'string' || guardrailIdentifier.length > 2048 || !IDENTIFIER.test(guardrailIdentifier)) {
    throw validationError(`1 validation error detected: Value at 'guardrailConfig.guardrailIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ${IDENTIFIER.source}`);
  }
  if (typeof guardrailVersion !== 'string' || !VERSION.test(guardrailVersion)) {
    throw validationError(`1 validation error detected: Value at 'guardrailConfig.guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: ${VERSION.source}`);
  }
  if (trace !== undefined && !(TRACES as readonly unknown[]).includes(trace)) {
    throw validationError(`guardrailConfig.trace must be one of ${TRACES.join(', ')}`);
  }
  if (streamProcessingMode !== undefined) {
    if (operation === 'converse') throw validationError('guardrailConfig.streamProcessingMode is only accepted by ConverseStream');
    if (!(MODES as readonly unknown[]).includes(streamProcessingMode)) throw validationError(`guardrailConfig.streamProcessingMode must be one of ${MODES.join(', ')}`);
  }
  return {
    identifier: guardrailIdentifier,
    version: guardrailVersion,
    trace: (trace as GuardrailRequest['trace'] | undefined) ?? 'disabled',
    ...(streamProcessingMode !== undefined && { streamProcessingMode: streamProcessingMode as 'sync' | 'async' }),
  };
};

const normalize = (text: string): string => text.normalize('NFKC').toLowerCase();

export interface GuardrailSimulation {
  readonly deniedWords: readonly string[];
  readonly outputTrigger: string;
  readonly blockedMessage: string;
  /** What the guardrail does with a request whose last user turn is `userText`. */
  verdict(guardrail: GuardrailRequest | undefined, userText: string): GuardrailVerdict;
}

export const guardrailSimulation = (options: GuardrailSimulationOptions = {}): GuardrailSimulation => {
  const deniedWords = (options.deniedWords ?? DEFAULT_DENIED_WORDS).map(normalize).filter((word) => word.length > 0);
  const outputTrigger = normalize(options.outputTrigger ?? DEFAULT_OUTPUT_TRIGGER);
  const blockedMessage = options.blockedMessage ?? DEFAULT_BLOCKED_MESSAGE;
  return {
    deniedWords,
    outputTrigger,
    blockedMessage,
    verdict: (guardrail, userText) => {
      if (guardrail === undefined) return 'pass';
      const text = normalize(userText);
      // The output trigger first: it contains the test word of the input list.
      if (outputTrigger.length > 0 && text.includes(outputTrigger)) return 'block_output';
      return deniedWords.some((word) => text.includes(word)) ? 'block_input' : 'pass';
    },
  };
};

/**
 * The `trace.guardrail` Bedrock adds to the metadata event when tracing is on (GuardrailTraceAssessment): the
 * assessment under the guardrail's id, naming the policy that intervened.
 */
export const guardrailTrace = (verdict: Exclude<GuardrailVerdict, 'pass'>, guardrail: GuardrailRequest) => {
  const assessment = { topicPolicy: { topics: [{ name: 'Simulated denied topic', type: 'DENY', action: 'BLOCKED', detected: true }] } };
  return verdict === 'block_input'
    ? { inputAssessment: { [guardrail.identifier]: assessment } }
    : { outputAssessments: { [guardrail.identifier]: [assessment] } };
};
