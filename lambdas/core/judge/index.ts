/**
 * The offline route evaluation (issue 12 item 5), pure: the judge's rubric and tool schema, the validation of its
 * verdict, the selection of sample questions, and the figures (quality per tier, gap, cost, savings, gate).
 */
export * from './rubric';
export * from './validate';
export * from './samples';
export * from './aggregate';
export * from './traffic';
