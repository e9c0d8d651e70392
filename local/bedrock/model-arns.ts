import { validationError } from './errors';

/**
 * The model identifiers the control plane accepts, as Bedrock spells them: a foundation model id
 * (`anthropic.claude-3-haiku-20240307-v1:0`), its ARN (`arn:aws:bedrock:<region>::foundation-model/<id>`, no
 * account), or a custom model ARN (`arn:aws:bedrock:<region>:<account>:custom-model/<base model id>/<id>`).
 * Provisioned Throughput is bought for a model, never for an inference profile: `jp.`/`us.`/`global.` ids
 * and inference-profile ARNs are refused, as Bedrock refuses them.
 */
export const PROVISIONED_MODEL_ARN = /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:provisioned-model\/[a-z0-9]{12}$/;

const FOUNDATION_MODEL_ID = /^[a-z0-9-]{1,63}[.][a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2}$/;
const FOUNDATION_MODEL_ARN = /^arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model\/(.+)$/;
const CUSTOM_MODEL_ARN = /^arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:custom-model\/(.+)\/[a-z0-9]{12}$/;
const INFERENCE_PROFILE_ID = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\./;
const INFERENCE_PROFILE_ARN = /^arn:aws(?:-[^:]+)?:bedrock:[^:]*:[^:]*:(?:application-)?inference-profile\//;

export interface ResolvedModel {
  /** The ARN of the model the throughput serves (a foundation or a custom model). */
  readonly modelArn: string;
  /** The foundation model underneath: it decides the simulated profile and the unit quota. */
  readonly foundationModelArn: string;
}

export const isProvisionedModelArn = (id: string): boolean => PROVISIONED_MODEL_ARN.test(id);

export const foundationModelArnOf = (region: string, foundationModelId: string): string =>
  `arn:aws:bedrock:${region}::foundation-model/${foundationModelId}`;

/** The model id inside a foundation model ARN (what the simulator picks a profile from). */
export const foundationModelIdOf = (foundationModelArn: string): string =>
  FOUNDATION_MODEL_ARN.exec(foundationModelArn)?.[1] ?? foundationModelArn;

const checkFoundationModelId = (id: string, field: string): string => {
  if (INFERENCE_PROFILE_ID.test(id)) {
    const bare = id.slice(id.indexOf('.') + 1);
    throw validationError(
      `Provisioned Throughput cannot be purchased for the inference profile '${id}' (${field}); use the foundation model id, e.g. '${bare}'`,
    );
  }
  if (!FOUNDATION_MODEL_ID.test(id)) {
    throw validationError(
      `1 validation error detected: Value '${id}' at '${field}' failed to satisfy constraint: Member must be a foundation model id ` +
        `(provider.model[:version]) or the ARN of a foundation or custom model`,
    );
  }
  return id;
};

/** Resolves a `modelId` field (id or ARN) in `region`; a ValidationException names `field` when it is not a model. */
export const resolveModel = (modelId: string, region: string, field = 'modelId'): ResolvedModel => {
  if (INFERENCE_PROFILE_ARN.test(modelId)) {
    throw validationError(`Provisioned Throughput cannot be purchased for an inference profile (${field} '${modelId}'); use a foundation model`);
  }
  const foundationArn = FOUNDATION_MODEL_ARN.exec(modelId);
  if (foundationArn) {
    checkFoundationModelId(foundationArn[1] ?? '', field);
    return { modelArn: modelId, foundationModelArn: modelId };
  }
  const customArn = CUSTOM_MODEL_ARN.exec(modelId);
  if (customArn) {
    const base = checkFoundationModelId(customArn[1] ?? '', field);
    return { modelArn: modelId, foundationModelArn: foundationModelArnOf(region, base) };
  }
  if (modelId.startsWith('arn:')) {
    throw validationError(`${field} '${modelId}' is not the ARN of a foundation model or a custom model`);
  }
  const id = checkFoundationModelId(modelId, field);
  const arn = foundationModelArnOf(region, id);
  return { modelArn: arn, foundationModelArn: arn };
};
