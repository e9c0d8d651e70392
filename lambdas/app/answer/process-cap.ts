import { GatewayBusyError } from '../../core/errors';
import type { Messenger } from '../../ports';
import type { AnswerDeps } from './types';

export type ProcessSlot =
  | { readonly kind: 'admitted'; release(): void }
  /** The process serves as many answers as it takes: nothing was routed, called or charged. */
  | { readonly kind: 'refused'; readonly error: GatewayBusyError };

const NO_CAP: ProcessSlot = { kind: 'admitted', release: () => undefined };

/**
 * The admit step's first check (before the limits per principal, so a refused message does not count against the
 * customer's rate): the process's cap of answers in flight (lambdas/core/answers-in-flight.ts). Refused, the
 * message ends at once in `gateway_busy` with a retry hint, instead of queueing for sockets until it times out.
 */
export const enterProcessCap = (deps: Pick<AnswerDeps, 'answersInFlight' | 'metrics' | 'log'>): ProcessSlot => {
  const cap = deps.answersInFlight;
  if (cap === undefined) return NO_CAP;
  const leave = cap.tryEnter();
  if (leave !== undefined) return { kind: 'admitted', release: leave };
  deps.metrics.record('GatewayBusy', 1, 'Count', { Reason: 'answers_in_flight' });
  deps.log.warn('message refused: the process has its maximum of answers in flight', { maxAnswers: cap.config.maxAnswers });
  return { kind: 'refused', error: new GatewayBusyError('answers_in_flight', cap.config.retryAfterMs) };
};

/** Frees the slot just before `done`, so a client that waits for `done` to send its next message finds it free. */
export const freeingBeforeDone = (messenger: Messenger, slot: Extract<ProcessSlot, { kind: 'admitted' }>): Messenger => ({
  send: async (connectionId, frame) => {
    if (frame.type === 'done') slot.release();
    await messenger.send(connectionId, frame);
  },
});
