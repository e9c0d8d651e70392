export * from './calendar';
export * from './config';
export * from './health';
export * from './jst';
export * from './mitigation';
export * from './planner';
export * from './reconcile';
