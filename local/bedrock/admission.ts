import type { ConverseRequest } from './converse-request';
import { BedrockError } from './errors';
import { foundationModelIdOf } from './model-arns';
import type { ProvisionedStore } from './provisioned-state';
import { meterReply, type Reservation, type ReplyUsage, type ThroughputMeter } from './quotas';
import type { ReplySource } from './reply';
import { estimateInputTokens } from './simulator';
import { estimateTokens } from './text';

/**
 * Admission of a runtime model call: which throughput it draws on (an on-demand modelId and its quota, or a
 * provisioned model ARN, which must serve, with `modelUnits * unitTokensPerMinute` of its own), the reservation
 * of input + maxTokens against it, and the settlement to the tokens the reply actually used.
 */
export interface CallTarget {
  /** The quota window: the modelId as the caller sent it. */
  readonly key: string;
  /** The request the reply source sees: a provisioned ARN is replaced by its foundation model id. */
  readonly request: ConverseRequest;
  readonly limit: number | undefined;
}

export interface AdmittedCall {
  /** The reply source to use for this call: it records what the reply produced. */
  readonly openReply: ReplySource;
  /** Settles the reservation to the tokens used so far (input + output once the reply ended); idempotent. */
  settle(): void;
}

export interface AdmissionOptions {
  readonly meter: ThroughputMeter;
  readonly store: ProvisionedStore;
  readonly unitTokensPerMinute: number;
  readonly defaultMaxTokens: number;
}

/** Loose on purpose: any provisioned-model ARN goes to the store, which answers ResourceNotFound for unknown ones. */
const PROVISIONED_MODEL_ID = /^arn:aws[^:]*:bedrock:[^:]*:[^:]*:provisioned-model\//;

export class ModelAdmission {
  constructor(private readonly options: AdmissionOptions) {}

  /** Throws ResourceNotFoundException / ValidationException for a provisioned ARN that does not serve. */
  target(request: ConverseRequest): CallTarget {
    const { meter, store, unitTokensPerMinute } = this.options;
    if (!PROVISIONED_MODEL_ID.test(request.modelId)) {
      return { key: request.modelId, request, limit: meter.onDemandLimit(request.modelId) };
    }
    const provisioned = store.servingTarget(request.modelId);
    const modelId = foundationModelIdOf(provisioned.foundationModelArn);
    return { key: request.modelId, request: { ...request, modelId }, limit: provisioned.modelUnits * unitTokensPerMinute };
  }

  /** Reserves input + maxTokens, as Bedrock does at request start; a reservation that does not fit is a throttle. */
  admit({ key, request, limit }: CallTarget, openReply: ReplySource): AdmittedCall {
    const tokens = estimateInputTokens(request) + (request.maxTokens ?? this.options.defaultMaxTokens);
    const result = this.options.meter.reserve(key, tokens, limit);
    if (!result.admitted) {
      throw new BedrockError(
        'ThrottlingException',
        `Too many tokens, please wait before trying again. (local quota: ${result.limit} tokens per minute for ${key}, ` +
          `${result.windowTokens} in use in the last minute, this call reserves ${tokens} = input + maxTokens)`,
      );
    }
    const reservation: Reservation = result.reservation;
    const usage: ReplyUsage = { opened: false, text: '', outcome: undefined };
    return {
      openReply: async (replyRequest, openOptions) => {
        const reply = await openReply(replyRequest, openOptions);
        usage.opened = true;
        return meterReply(reply, usage);
      },
      settle: () => {
        // A reply that never started used nothing; one cut short used its input and what it had sent.
        const used =
          usage.outcome !== undefined
            ? usage.outcome.inputTokens + usage.outcome.outputTokens
            : usage.opened
              ? estimateInputTokens(request) + estimateTokens(usage.text)
              : 0;
        reservation.settle(used);
      },
    };
  }
}
