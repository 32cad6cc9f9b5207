import { App } from 'cdk8s';
import { addBackupCharts } from './backup';
import { addChaosCharts } from './chaos';
import { addSloCharts } from './slo';

/**
 * Adds every chart of the chapter platform to `app`. Each pillar lives in its own module
 * beside this one; a chart's id is the chapter's file name, so `dist/<id>.yaml` matches it.
 */
export function buildPlatform(app: App): void {
  addSloCharts(app);
  addBackupCharts(app);
  addChaosCharts(app);
}
