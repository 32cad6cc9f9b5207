// The backup pillar's public surface.
export * from './cron';
export * from './rpo';
export * from './schedule';
export * from './hooks';
export * from './plan';
export * from './minio';
export * from './self-service';
export * from './monitoring';
export * from './helm-values';
export * from './template';
export * from './backup';
export * from './restore';
export * from './storage-location';
