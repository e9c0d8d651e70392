export { KeywordClassifier, type KeywordClassifierOptions } from './keyword-classifier';
export { BORROWED_WORD_CUES, DEFAULT_KEYWORD_RULES, type KeywordRule, type KeywordRuleTable } from './rules';
export { estimateComplexity } from './complexity';
export { extractOrderId } from './order-id';
export { normalizeText } from './normalize';
export { isCatalogueQuery } from './catalogue-query';
