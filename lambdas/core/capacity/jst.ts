/**
 * Japan Standard Time arithmetic. JST is UTC+9 all year (no daylight saving), so a fixed offset is exact and the
 * core needs no time-zone database.
 */
export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:MM` clock time; undefined when it is not one. */
export const parseClockTime = (text: string): number | undefined => {
  const match = CLOCK_TIME.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
};

export const formatClockTime = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Minutes since JST midnight of an instant. */
export const jstMinuteOfDay = (epochMs: number): number => Math.floor((((epochMs + JST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / MINUTE_MS);

/** The instant of the JST midnight that starts the JST day containing `epochMs`. */
export const jstMidnight = (epochMs: number): number => epochMs - ((((epochMs + JST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS);

/** Day of the week in JST, 0 = Sunday. */
export const jstWeekday = (epochMs: number): number => new Date(epochMs + JST_OFFSET_MS).getUTCDay();

/** `2026-12-07T00:00:00+09:00`: instants are shown in the store's time zone, with the offset, so they parse back. */
export const formatJst = (epochMs: number): string => `${new Date(epochMs + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;

/**
 * Parses an ISO 8601 instant that names its offset (`Z` or `+09:00`); a date without a time or offset is read as
 * JST midnight, since operators think in the store's time. Undefined for anything else.
 */
export const parseInstant = (text: string): number | undefined => {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dateOnly) {
    const ms = Date.parse(`${text}T00:00:00+09:00`);
    return Number.isNaN(ms) || new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10) !== text ? undefined : ms;
  }
  const full = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!full) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: refuse dates that do not exist.
  const offset = full[8] === 'Z' ? 0 : (full[8]!.startsWith('-') ? -1 : 1) * (Number(full[8]!.slice(1, 3)) * 60 + Number(full[8]!.slice(4, 6))) * MINUTE_MS;
  const local = new Date(ms + offset).toISOString();
  return local.slice(0, 16) === `${full[1]}-${full[2]}-${full[3]}T${full[4]}:${full[5]}` ? ms : undefined;
};

/** Durations as operators type them: `30m`, `2h`, `90s`, `1d`. */
export const parseDuration = (text: string): number | undefined => {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS }[match[2] as 's' | 'm' | 'h' | 'd'];
  const value = Number(match[1]) * unit;
  return value > 0 ? value : undefined;
};
