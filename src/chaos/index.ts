// The chaos pillar's public surface.
export * from './mode';
export * from './selector';
export * from './units';
export * from './actions';
export * from './schedule';
export * from './guardrails';
export * from './litmus';
export * from './types';
export * from './experiment';
export * from './workflow';
export * from './status-check';
export * from './machines';
