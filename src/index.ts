export * from './cluster';
export * from './enums';
export * from './eks-cluster-reference';
export * from './instance-group';
export * from './instance-type';
export * from './lifecycle-scripts';
export * from './preflight';
export * from './scale-down';
