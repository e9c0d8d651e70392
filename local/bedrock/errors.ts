/**
 * Bedrock's error vocabulary, in its two wire forms: before a stream starts an error is an HTTP status with an
 * `x-amzn-errortype` header; after HTTP 200 it is an event-stream message whose `:exception-type` names the
 * union member of `ConverseStreamOutput` (camelCase). The SDK maps both to the same exception classes.
 */
export const STREAM_EXCEPTION_TYPES = [
  'modelStreamErrorException',
  'throttlingException',
  'internalServerException',
  'serviceUnavailableException',
  'validationException',
] as const;
export type StreamExceptionType = (typeof STREAM_EXCEPTION_TYPES)[number];

/**
 * The runtime errors, plus those of the control plane (`@aws-sdk/client-bedrock`) and the two both APIs share
 * for provisioned models (ResourceNotFoundException, AccessDeniedException).
 */
export type BedrockErrorType =
  | 'ValidationException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'ServiceUnavailableException'
  | 'ModelStreamErrorException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'ServiceQuotaExceededException'
  | 'ConflictException';

/**
 * HTTP status of each error, as modelled in the Bedrock Runtime and Bedrock APIs (ModelStreamErrorException is
 * 424; ServiceQuotaExceededException and ConflictException are plain 400s told apart by `x-amzn-errortype`).
 */
const HTTP_STATUS: Readonly<Record<BedrockErrorType, number>> = {
  ValidationException: 400,
  ThrottlingException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
  ModelStreamErrorException: 424,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 400,
  ConflictException: 400,
};

const ERROR_TYPE_OF_STREAM_EXCEPTION: Readonly<Record<StreamExceptionType, BedrockErrorType>> = {
  modelStreamErrorException: 'ModelStreamErrorException',
  throttlingException: 'ThrottlingException',
  internalServerException: 'InternalServerException',
  serviceUnavailableException: 'ServiceUnavailableException',
  validationException: 'ValidationException',
};

/** `ConverseStreamOutput` has no member for the other errors: inside a stream they travel as internal errors. */
const STREAM_EXCEPTION_OF_ERROR_TYPE: Readonly<Partial<Record<BedrockErrorType, StreamExceptionType>>> = {
  ModelStreamErrorException: 'modelStreamErrorException',
  ThrottlingException: 'throttlingException',
  InternalServerException: 'internalServerException',
  ServiceUnavailableException: 'serviceUnavailableException',
  ValidationException: 'validationException',
};

/** An error the endpoint reports the way Bedrock would; anything else thrown becomes an InternalServerException. */
export class BedrockError extends Error {
  override readonly name = 'BedrockError';
  constructor(
    readonly errorType: BedrockErrorType,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return HTTP_STATUS[this.errorType];
  }

  /** The name of this error when it has to be sent inside a stream that already answered 200. */
  get streamExceptionType(): StreamExceptionType {
    return STREAM_EXCEPTION_OF_ERROR_TYPE[this.errorType] ?? 'internalServerException';
  }

  static fromStreamExceptionType(type: StreamExceptionType, message: string): BedrockError {
    return new BedrockError(ERROR_TYPE_OF_STREAM_EXCEPTION[type], message);
  }
}

export const validationError = (message: string): BedrockError => new BedrockError('ValidationException', message);

/** Any failure as a BedrockError: unknown errors are internal, never leaked as a crash of the server. */
export const asBedrockError = (error: unknown): BedrockError =>
  error instanceof BedrockError
    ? error
    : new BedrockError('InternalServerException', error instanceof Error ? error.message : String(error));

/** The message of each injected fault says so, so that nobody hunts a real bug in a log. */
export const injected = (what: string): string => `${what} (injected by the local Bedrock endpoint)`;

export const notFound = (message: string): BedrockError => new BedrockError('ResourceNotFoundException', message);
