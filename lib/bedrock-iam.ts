import type { ModelCatalog } from '../lambdas/core/catalog';
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
export const bedrockInvokeResources = (catalog: ModelCatalog, at: ArnContext): string[] => {
  const arns = new Set<string>();
  for (const tier of MODEL_TIERS) {
    const spec = catalog[tier];
    if (spec.profileRegions.length > 0) {
      arns.add(`arn:${at.partition}:bedrock:${at.region}:${at.account}:inference-profile/${spec.modelId}`);
      for (const region of spec.profileRegions) {
        arns.add(`arn:${at.partition}:bedrock:${region}::foundation-model/${spec.foundationModelId}`);
      }
    } else {
      arns.add(`arn:${at.partition}:bedrock:${at.region}::foundation-model/${spec.foundationModelId}`);
    }
  }
  return [...arns];
};
