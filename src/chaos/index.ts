// The chaos pillar's public surface.
export * from './mode';
export * from './selector';
export * from './units';
export * from './actions';
export * from './schedule';
export * from './guardrails';
export * from './litmus';
export * from './kinds';
export * from './types';
export * from './experiment';
export * from './platform';
export * from './steps';
export * from './workflow';
export * from './http-check';
export * from './status-check';
export * from './machines';
