/**
 * A generated platform fleet: one chart per service, each with the SLOs, backups and chaos
 * experiments a platform team gives every service. The fleet benchmark (`npm run bench`)
 * and the large-app synth tests build it; it is never written to dist/.
 */
import { App, Chart, Duration } from 'cdk8s';
import {
  BackupSchedule,
  ChaosAction,
  ChaosExperiment,
  ChaosMode,
  ChaosTarget,
  ChaosWorkflow,
  Sli,
  SloSpec,
  VeleroBackupPlan,
  WorkflowStep,
} from '../src';

/** The name of the `index`th service of a fleet: `svc-0001`, `svc-0002`, ... */
export function fleetServiceName(index: number): string {
  return `svc-${String(index + 1).padStart(4, '0')}`;
}

/**
 * Adds `services` charts to `app`. Per service: a `SloSpec` of two SLOs (availability and
 * p95 latency, both alerting), a `VeleroBackupPlan` with a daily and an hourly schedule,
 * a pod-kill and a network-delay `ChaosExperiment`; a `ChaosWorkflow` every ten services.
 * The schedules' minutes and hours vary by service, as in a real fleet that spreads its
 * backups: 60 distinct daily and 60 distinct hourly expressions from 60 services on.
 */
export function buildFleet(app: App, services: number): Chart[] {
  const charts: Chart[] = [];
  for (let i = 0; i < services; i++) {
    const svc = fleetServiceName(i);
    const chart = new Chart(app, svc, { namespace: svc });
    charts.push(chart);
    const selector = { job: svc };
    new SloSpec(chart, 'slos', {
      service: svc,
      slos: [
        {
          name: 'requests-availability',
          objective: 99.9,
          sli: Sli.availability({ selector }),
          alerting: { name: 'HighErrorRate', pageAlert: { labels: { severity: 'critical' } }, ticketAlert: { labels: { severity: 'warning' } } },
        },
        {
          name: 'requests-latency-p95',
          objective: 95,
          sli: Sli.latency({ selector, thresholdBucket: '0.3' }),
          alerting: { name: 'HighLatency' },
        },
      ],
    });
    new VeleroBackupPlan(chart, 'backups', {
      namespaceRpo: { [svc]: Duration.hours(1) },
      schedules: [
        {
          name: `${svc}-daily`,
          schedule: BackupSchedule.daily({ hour: i % 12, minute: (i % 5) * 10 }),
          retention: Duration.days(7),
          includedNamespaces: [svc],
        },
        { name: `${svc}-hourly`, schedule: BackupSchedule.hourly({ minute: i % 60 }), retention: Duration.days(2), includedNamespaces: [svc] },
      ],
    });
    const target = ChaosTarget.labels(svc, { app: svc });
    new ChaosExperiment(chart, 'pod-kill', { action: ChaosAction.podKill(), target, mode: ChaosMode.one() });
    new ChaosExperiment(chart, 'network-delay', {
      action: ChaosAction.networkDelay({ latency: Duration.millis(100), jitter: Duration.millis(10) }),
      target,
      mode: ChaosMode.one(),
      duration: Duration.minutes(5),
    });
    if (i % 10 === 0) {
      new ChaosWorkflow(chart, 'resilience-test', {
        entry: WorkflowStep.serial('resilience-test', [
          WorkflowStep.experiment('pod-failure', { action: ChaosAction.podFailure(), target, duration: Duration.seconds(30) }),
          WorkflowStep.statusCheck('recovery-check', { url: `http://${svc}.${svc}.svc:8080/health` }),
        ]),
      });
    }
  }
  return charts;
}
