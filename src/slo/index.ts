// The SLO pillar's public surface.
export * from './model';
export * from './format';
export * from './windows';
export * from './rules';
export * from './render';
export * from './template';
export * from './promql';
export * from './validate';
export * from './sli';
export * from './sloth-spec';
export * from './output';
export * from './slo-spec';
export * from './threshold-rules';
export * from './dashboard';
export * from './loader';
export * from './openslo';
