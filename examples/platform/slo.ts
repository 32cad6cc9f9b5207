import { App } from 'cdk8s';

/** Adds the chapter's slo manifests to the platform app. */
export function addSloCharts(app: App): void {
  void app;
}
