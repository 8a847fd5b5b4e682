export * from './cluster';
export * from './enums';
export * from './instance-group';
export * from './instance-type';
export * from './lifecycle-scripts';
export * from './scale-down';
