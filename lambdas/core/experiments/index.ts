export * from './assignment';
export * from './config';
export * from './evaluate';
export * from './gates';
export * from './model';
export * from './rollback';
export * from './route';
export * from './stats';
