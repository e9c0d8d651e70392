export * from './config';
export * from './guardian';
