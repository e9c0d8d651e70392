import type { ModelCatalog, ModelSpec } from '../lambdas/core/catalog';
import { MODEL_TIERS } from './parameters';

/** Converse and ConverseStream are authorized through these two actions; nothing else is needed to answer. */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;

export interface ArnContext {
  readonly partition: string;
  /** The region the function calls Bedrock from: the stack region. */
  readonly region: string;
  readonly account: string;
}

/**
 * The resources the invoke function may call, derived from the catalog and nothing else. A (geo) inference
 * profile needs the profile ARN in the calling region and the foundation model in every destination region the
 * profile may route to; a bare foundation model needs only itself in the calling region.
 */
const modelResources = (spec: ModelSpec, at: ArnContext): string[] =>
  spec.profileRegions.length > 0
    ? [
        `arn:${at.partition}:bedrock:${at.region}:${at.account}:inference-profile/${spec.modelId}`,
        ...spec.profileRegions.map((region) => `arn:${at.partition}:bedrock:${region}::foundation-model/${spec.foundationModelId}`),
      ]
    : [`arn:${at.partition}:bedrock:${at.region}::foundation-model/${spec.foundationModelId}`];

export const bedrockInvokeResources = (catalog: ModelCatalog, at: ArnContext): string[] => [
  ...new Set(MODEL_TIERS.flatMap((tier) => modelResources(catalog[tier], at))),
];

/**
 * The LLM classifier fallback (lambdas/adapters/bedrock-intent-classifier.ts) is one non-streaming Converse call
 * on the cheap tier's catalog model: InvokeModel alone, never the streaming action.
 */
export const BEDROCK_CLASSIFY_ACTIONS = ['bedrock:InvokeModel'] as const;

/** What a function that only classifies may call: the cheap tier's model (profile and destinations), nothing else. */
export const bedrockClassifierResources = (catalog: ModelCatalog, at: ArnContext): string[] => [...new Set(modelResources(catalog.haiku, at))];

/** Converse / ConverseStream with a `guardrailConfig` is authorized by this action on the guardrail (and its profile). */
export const APPLY_GUARDRAIL_ACTION = 'bedrock:ApplyGuardrail';

/**
 * The resources ApplyGuardrail needs besides the guardrail itself when the guardrail runs on a system guardrail profile
 * (cross-Region inference, the Standard tier): that profile in every destination Region it may route to (Bedrock User
 * Guide, "Permissions for using cross-Region inference with Amazon Bedrock Guardrails"). The Regions are AWS's to
 * extend, so the Region is a wildcard; the account and the profile id are not.
 */
export const guardrailProfileArnPattern = (profileId: string, at: Pick<ArnContext, 'partition' | 'account'>): string =>
  `arn:${at.partition}:bedrock:*:${at.account}:guardrail-profile/${profileId}`;

/**
 * The provisioned-throughput control-plane actions, split by what they may be scoped to. List supports no
 * resource-level permission (Resource "*"). Get and Delete act on a `provisioned-model`. Create is authorized
 * against the model it provisions: the Bedrock User Guide (identity-based policy examples for Provisioned
 * Throughput) says it "can only be used on custom model and foundation model resources"; it is also allowed on
 * `provisioned-model/*` in case the authorization also names the resource being created (an ARN IAM never
 * matches costs nothing; a missing one is seed 003 scenario 4). Update is deliberately absent: it cannot change
 * units (DESIGN section 7), so nothing here calls it.
 */
export const THROUGHPUT_LIST_ACTION = 'bedrock:ListProvisionedModelThroughputs';
export const THROUGHPUT_GET_ACTION = 'bedrock:GetProvisionedModelThroughput';
export const THROUGHPUT_CREATE_ACTION = 'bedrock:CreateProvisionedModelThroughput';
export const THROUGHPUT_DELETE_ACTION = 'bedrock:DeleteProvisionedModelThroughput';

/**
 * Every provisioned model of the account in the stack region. Its ARN ends in an id Bedrock assigns at creation
 * (not the name), so no narrower pattern can name the ones this deployment creates.
 */
export const provisionedModelArnPattern = (at: ArnContext): string => `arn:${at.partition}:bedrock:${at.region}:${at.account}:provisioned-model/*`;

/**
 * The foundation models the reconciler may buy throughput for: each tier's `foundationModelId` in the stack
 * region (provisioned throughput is regional; the reconciler passes the foundation model id as `modelId`).
 */
export const provisionableModelArns = (catalog: ModelCatalog, at: ArnContext): string[] => [
  ...new Set(MODEL_TIERS.map((tier) => `arn:${at.partition}:bedrock:${at.region}::foundation-model/${catalog[tier].foundationModelId}`)),
];
