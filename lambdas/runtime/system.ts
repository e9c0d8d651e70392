import type { Clock, Timers } from '../ports';

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  schedule: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};
