export * from './config';
export * from './confidence';
export * from './decide';
