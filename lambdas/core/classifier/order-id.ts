import { normalizeText } from './normalize';

/**
 * A run of 4-20 digits that is not part of a longer number, a decimal or a grouped amount (`1,200`).
 * Hyphens and other separators end a run: `123-4567` is two runs, neither taken as a whole.
 */
const DIGIT_RUN = /(?<![\d.,])\d{4,20}(?![\d]|[.,]\d)/g;

/** An order cue right before the number: `order 12345`, `order no. 12345`, `#98765`, `注文番号12345`. */
const ORDER_CUE =
  /(?:#|\b(?:order|purchase|parcel|package|shipment|tracking)\s*(?:number|no\.?|num|id|#)?\s*(?:is|:)?\s*#?|注文(?:番号)?\s*(?:は|:)?\s*|番号\s*(?:は|:)?\s*)$/u;

/** What makes a number something else: an amount (`$1500`, `1500円`), a year or a date (`2024年`), a time. */
const CURRENCY_BEFORE = /[$¥€£]\s*$/u;
const NOT_AN_ID_AFTER = /^\s*(?:円|yen|dollars?|usd|jpy|eur|%|percent|年|月|日|時|分|秒|巻|ページ|pages?|km|kg|mb|gb)/u;

/**
 * The order id a message names, if any: digits 4-20 long after NFKC (so `注文番号１２３４５` gives `12345`).
 * A number right after an order cue (`order`, `purchase`, `#`, `注文番号`) wins; otherwise the first plausible
 * standalone run. Amounts, years and dates are not ids. Pure.
 */
export const extractOrderId = (text: string): string | undefined => {
  const normalized = normalizeText(text);
  let fallback: string | undefined;
  for (const match of normalized.matchAll(DIGIT_RUN)) {
    const start = match.index;
    const before = normalized.slice(Math.max(0, start - 40), start);
    const after = normalized.slice(start + match[0].length, start + match[0].length + 12);
    if (CURRENCY_BEFORE.test(before) || NOT_AN_ID_AFTER.test(after)) continue;
    if (ORDER_CUE.test(before)) return match[0];
    fallback ??= match[0];
  }
  return fallback;
};
