import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BackupHooks,
  BackupSchedule,
  BackupTier,
  ExecHook,
  HookOnError,
  MinioCredentials,
  MinioStorage,
  SelfServiceBackup,
  VeleroBackupPlan,
  VeleroHelmValues,
  VeleroInstallation,
  VeleroMonitoring,
  VolumeBackupMethod,
  watchedSchedules,
} from '../../src';

/** The demo application's database quiesce, run before Velero backs a pod up. */
export const DEMO_APP_PRE_BACKUP: ExecHook = {
  container: 'demo-app',
  command: ['/bin/sh', '-c', 'echo "pre-backup: quiescing database writes" && sync'],
  onError: HookOnError.fail(),
  timeout: Duration.minutes(2),
};

/** The demo application's resume, run after the pod is backed up. */
export const DEMO_APP_POST_BACKUP: ExecHook = {
  container: 'demo-app',
  command: ['/bin/sh', '-c', 'echo "post-backup: resuming database writes"'],
  onError: HookOnError.continue(),
  timeout: Duration.minutes(1),
};

/**
 * The chapter's backup plan: every namespace daily at 02:00 UTC kept 7 days, production
 * hourly kept 3 days; RPO 24h everywhere and 1h for production.
 */
export function chapterBackupPlan(chart: Chart): VeleroBackupPlan {
  return new VeleroBackupPlan(chart, 'plan', {
    volumes: VolumeBackupMethod.fileSystem(),
    rpo: Duration.hours(24),
    namespaceRpo: { production: Duration.hours(1) },
    schedules: [
      {
        name: 'daily-backup',
        schedule: BackupSchedule.daily({ hour: 2 }),
        retention: Duration.days(7),
        includedNamespaces: ['*'],
        excludedNamespaces: ['kube-system', 'velero'],
        hooks: [
          {
            name: 'demo-app-database',
            includedNamespaces: ['team-alpha'],
            labelSelector: { matchLabels: { app: 'demo-app' } },
            pre: [DEMO_APP_PRE_BACKUP],
            post: [DEMO_APP_POST_BACKUP],
          },
        ],
      },
      {
        name: 'hourly-backup',
        schedule: BackupSchedule.hourly(),
        retention: Duration.days(3),
        includedNamespaces: ['production'],
      },
    ],
  });
}

/** Adds the chapter's backup manifests to the platform app. */
export function addBackupCharts(app: App): void {
  // velero-storage-location.yaml: MinIO inside the cluster, as in the chapter's Kind setup.
  const storageChart = new Chart(app, 'velero-storage-location');
  const storage = new MinioStorage(storageChart, 'minio', {
    credentials: MinioCredentials.insecureDemo(),
    bucket: 'velero-backups',
    region: 'us-east-1',
  });

  // velero-schedule.yaml
  const scheduleChart = new Chart(app, 'velero-schedule');
  const plan = chapterBackupPlan(scheduleChart);

  // velero-monitoring.yaml: alerts and scraping for the `velero install` of the chapter.
  const monitoringChart = new Chart(app, 'velero-monitoring');
  new VeleroMonitoring(monitoringChart, 'monitoring', {
    installation: VeleroInstallation.cli(),
    schedules: watchedSchedules(plan.rpoReport),
  });

  // backup-config-annotation.yaml: demo-app with its database quiesce/resume hooks.
  const annotationChart = new Chart(app, 'backup-config-annotation', { namespace: 'team-alpha' });
  const demoApp = new kplus.Deployment(annotationChart, 'demo-app', {
    metadata: { name: 'demo-app', namespace: 'team-alpha', labels: { app: 'demo-app' } },
    replicas: 3,
    select: false,
    podMetadata: { labels: { app: 'demo-app' } },
    containers: [
      {
        name: 'demo-app',
        image: 'nginxinc/nginx-unprivileged:1.27-alpine',
        portNumber: 8080,
        securityContext: { user: 101, group: 101, readOnlyRootFilesystem: true },
        resources: {
          cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
        },
        volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(annotationChart, 'tmp', 'tmp') }],
      },
    ],
  });
  demoApp.select(kplus.LabelSelector.of({ labels: { app: 'demo-app' } }));
  new BackupHooks(annotationChart, 'hooks', { workload: demoApp, preBackup: DEMO_APP_PRE_BACKUP, postBackup: DEMO_APP_POST_BACKUP });

  // backup-self-service.yaml: teams opt in with the tier label.
  const selfServiceChart = new Chart(app, 'backup-self-service');
  new SelfServiceBackup(selfServiceChart, 'self-service', {
    tiers: [BackupTier.gold(), BackupTier.silver(), BackupTier.bronze()],
    namespaces: { 'team-alpha': 'silver' },
  });

  // platform-backup-config/values.yaml: the same plan and storage for a Helm install.
  // The plan's Schedules are applied from velero-schedule.yaml: the chart must not create them again.
  new VeleroHelmValues(scheduleChart, 'helm-values', { plan, storage, includeSchedules: false, path: 'platform-backup-config/values.yaml' });
}
