import { ADMITTED, decideMessage, decideStrongAnswer, HOUR_MS, MINUTE_MS, toMicroUsd, type LimitVerdict } from '../core/limits';
import type { InFlightSlot, LimitStore, MessageAdmissionRequest, SpendCharge, StrongAnswerRequest } from '../ports/limits';

/**
 * The limit counters in one process: the offline stack without Redis, unit tests, and nothing else (one Lambda
 * container's memory is not a limit across containers). It applies the core policy directly; each method is
 * synchronous between awaits, so it is as atomic as the Redis scripts are.
 */
export class MemoryLimitStore implements LimitStore {
  private readonly messages = new Map<string, Map<string, number>>();
  private readonly inFlight = new Map<string, Map<string, number>>();
  private readonly strong = new Map<string, Map<string, number>>();
  private readonly spent = new Map<string, number>();

  private admits = 0;

  async admitMessage(request: MessageAdmissionRequest): Promise<LimitVerdict> {
    const { now } = request;
    this.admits += 1;
    if (this.admits % SWEEP_EVERY_ADMITS === 0) this.sweep(now, request.day);
    const messages = prune(entries(this.messages, request.principalKey), (time) => time > now - MINUTE_MS);
    const slotKey = inFlightKey(request);
    const slots = prune(entries(this.inFlight, slotKey), (expiry) => expiry > now);
    const verdict = decideMessage(
      { messageTimes: [...messages.values()], inFlightExpiries: [...slots.values()], spentMicroUsd: this.spent.get(spentKey(request.principalKey, request.day)) ?? 0 },
      request.limits,
      request.config,
      now,
    );
    if (!verdict.admitted) return verdict;
    messages.set(request.id, now);
    slots.set(request.id, now + request.config.inFlightTtlMs);
    return ADMITTED;
  }

  async releaseInFlight(slot: InFlightSlot): Promise<void> {
    this.inFlight.get(inFlightKey(slot))?.delete(slot.id);
  }

  async takeStrongAnswer(request: StrongAnswerRequest): Promise<LimitVerdict> {
    const { now } = request;
    const taken = prune(entries(this.strong, request.principalKey), (time) => time > now - HOUR_MS);
    const verdict = decideStrongAnswer([...taken.values()], request.limits, now);
    if (verdict.admitted) taken.set(request.id, now);
    return verdict;
  }

  async chargeSpend(charge: SpendCharge): Promise<void> {
    const key = spentKey(charge.principalKey, charge.day);
    this.spent.set(key, (this.spent.get(key) ?? 0) + toMicroUsd(charge.usd));
  }

  async spentUsd(principalKey: string, day: string): Promise<number> {
    return (this.spent.get(spentKey(principalKey, day)) ?? 0) / 1e6;
  }

  /** Principals and connections tracked now (each map's keys): what the sweep keeps bounded. */
  get trackedKeys(): number {
    return this.messages.size + this.inFlight.size + this.strong.size + this.spent.size;
  }

  /**
   * Forgets principals and connections with nothing left that counts (every guest connection is a principal of its
   * own, so a long-running process would otherwise keep one entry per connection it ever saw), and spend of days
   * before `today`'s previous day.
   */
  private sweep(now: number, today: string): void {
    const sweepMap = (maps: Map<string, Map<string, number>>, keep: (value: number) => boolean) => {
      for (const [key, map] of maps) if (prune(map, keep).size === 0) maps.delete(key);
    };
    sweepMap(this.messages, (time) => time > now - MINUTE_MS);
    sweepMap(this.inFlight, (expiry) => expiry > now);
    sweepMap(this.strong, (time) => time > now - HOUR_MS);
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    for (const key of this.spent.keys()) if ((key.split('\u0000')[1] ?? '') < yesterday) this.spent.delete(key);
  }
}

/** How often (in admitted or refused messages) the store forgets what no longer counts. */
const SWEEP_EVERY_ADMITS = 1000;

const inFlightKey = (slot: Pick<InFlightSlot, 'principalKey' | 'connectionId'>): string => `${slot.principalKey}\u0000${slot.connectionId}`;
const spentKey = (principalKey: string, day: string): string => `${principalKey}\u0000${day}`;

const entries = (maps: Map<string, Map<string, number>>, key: string): Map<string, number> => {
  let map = maps.get(key);
  if (map === undefined) {
    map = new Map();
    maps.set(key, map);
  }
  return map;
};

/** Drops the entries that no longer count, so a long-running process does not keep every message it ever saw. */
const prune = (map: Map<string, number>, keep: (value: number) => boolean): Map<string, number> => {
  for (const [id, value] of map) if (!keep(value)) map.delete(id);
  return map;
};
