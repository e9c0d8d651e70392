export * from './connect-policy';
