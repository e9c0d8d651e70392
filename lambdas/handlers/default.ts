import { makeFrameHandler, type FrameHandlerDeps } from './frame-handler';

/**
 * `$default`: frames no route matched: not JSON, no action, an unknown action, or too large. Every one gets an
 * `error` frame with the most specific code.
 */
export const makeDefaultHandler = (deps: FrameHandlerDeps) => makeFrameHandler(deps, undefined, async () => undefined);
