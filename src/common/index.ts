export * from './errors';
export * from './duration';
export * from './names';
export * from './checks';
export * from './files';
export { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';
export { synthLargeApp, synthLargeAppYaml } from './synth';
