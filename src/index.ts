/**
 * cdk8s-resilience: SLOs, backups and chaos experiments as typed cdk8s constructs.
 */
export * from './common';
export * from './slo';
export * from './backup';
export * from './chaos';
