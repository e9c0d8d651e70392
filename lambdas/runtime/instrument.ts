import type { Context } from 'aws-lambda';
import { logger } from '../adapters/powertools';

/** The Lambda-facing wrapper: request context on every log line; the bare adapter stays testable without it. */
export const instrument =
  <R>(adapter: (event: unknown) => Promise<R>) =>
  async (event: unknown, context: Context): Promise<R> => {
    logger.addContext(context);
    return adapter(event);
  };
