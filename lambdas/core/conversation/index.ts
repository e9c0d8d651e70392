export * from './follow-up';
export * from './history';
