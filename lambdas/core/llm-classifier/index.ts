export * from './prompt';
export * from './validate';
