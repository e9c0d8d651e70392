/**
 * Text normalization shared by the classifier and the order-id extractor: NFKC folds full-width digits and Latin
 * letters to ASCII (`１２３４５` -> `12345`, `ＯＲＤＥＲ` -> `ORDER`) and half-width katakana to full-width;
 * then lowercase, curly apostrophes to `'`, and runs of whitespace to one space.
 */
export const normalizeText = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
