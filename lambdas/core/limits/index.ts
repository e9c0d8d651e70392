export * from './config';
export * from './policy';
