import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Bandwidth,
  ChaosAction,
  ChaosExperiment,
  ChaosMode,
  ChaosPlatform,
  ChaosSchedule,
  ChaosTarget,
  ChaosWorkflow,
  LitmusProbe,
  MemorySize,
  NetworkDirection,
  setChaosDefaults,
  StatusCheckMode,
  Weekday,
  WorkflowStep,
} from '../../src';

/** Where the chapter's chaos objects live. */
const CHAOS_NAMESPACE = 'chaos-testing';
/** The chapter's demo application: Deployment demo-app in team-alpha, 3 replicas, HTTP on 8080. */
const DEMO_APP_HEALTH = 'http://demo-app.team-alpha.svc.cluster.local:8080/health';

/**
 * The demo-app Deployment as its team declares it with cdk8s-plus. It is the chaos target
 * (its namespace and pod selector are derived from it); the Deployment itself is
 * synthesized by its own chart (backup-config-annotation.yaml), so this model lives in an
 * app of its own that is never synthesized.
 */
function demoAppWorkload(): kplus.Deployment {
  const chart = new Chart(new App(), 'demo-app-model', { namespace: 'team-alpha' });
  const deployment = new kplus.Deployment(chart, 'demo-app', {
    metadata: { name: 'demo-app' },
    replicas: 3,
    select: false,
    podMetadata: { labels: { app: 'demo-app' } },
    containers: [{ name: 'demo-app', image: 'demo-app', portNumber: 8080 }],
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: 'demo-app' } }));
  return deployment;
}

function chaosChart(app: App, id: string): Chart {
  const chart = new Chart(app, id, { namespace: CHAOS_NAMESPACE, disableResourceNameHashes: true });
  setChaosDefaults(chart, { namespace: CHAOS_NAMESPACE });
  return chart;
}

/** Adds the chapter's chaos manifests to the platform app. */
export function addChaosCharts(app: App): void {
  const demoApp = demoAppWorkload();
  const apiService = ChaosTarget.labels('production', { app: 'api-service' });

  // Listing 13.3: 100 ms latency with 10 ms jitter on api-service, Mondays 09:00, for 5 minutes.
  const delay = chaosChart(app, 'chaos-network-delay');
  new ChaosExperiment(delay, 'network-delay', {
    action: ChaosAction.networkDelay({ latency: Duration.millis(100), jitter: Duration.millis(10), correlation: 25 }),
    target: apiService,
    mode: ChaosMode.one(),
    duration: Duration.minutes(5),
    schedule: ChaosSchedule.weekly(Weekday.monday(), { hour: 9 }),
  });

  // Pod failures against demo-app, from one pod to every replica.
  const pods = chaosChart(app, 'chaos-mesh-pod-failure');
  new ChaosExperiment(pods, 'pod-kill-single', {
    action: ChaosAction.podKill(),
    target: demoApp,
    mode: ChaosMode.one(),
    duration: Duration.seconds(30),
  });
  new ChaosExperiment(pods, 'pod-failure-demo', {
    action: ChaosAction.podFailure(),
    target: demoApp,
    mode: ChaosMode.fixedPercent(25),
    duration: Duration.minutes(1),
  });
  new ChaosExperiment(pods, 'pod-failure-all-replicas', {
    action: ChaosAction.podFailure(),
    target: demoApp,
    mode: ChaosMode.all(),
    duration: Duration.seconds(30),
    allowFullBlastRadius: true,
  });
  new ChaosExperiment(pods, 'container-kill', {
    action: ChaosAction.containerKill({ containerNames: ['demo-app'] }),
    target: demoApp,
    mode: ChaosMode.one(),
    duration: Duration.seconds(30),
  });
  new ChaosExperiment(pods, 'pod-failure-scheduled', {
    action: ChaosAction.podFailure(),
    target: demoApp,
    mode: ChaosMode.one(),
    duration: Duration.minutes(1),
    schedule: ChaosSchedule.cron('0 10 * * 1-5', { historyLimit: 5, startingDeadline: Duration.minutes(5) }),
  });

  // Pod kill for both Chaos Mesh and LitmusChaos, and advanced variants.
  const kill = chaosChart(app, 'chaos-experiment-pod-kill');
  new ChaosExperiment(kill, 'pod-kill-demo-app', {
    action: ChaosAction.podKill(),
    target: demoApp,
    mode: ChaosMode.fixedPercent(33),
    duration: Duration.seconds(60),
    platform: ChaosPlatform.chaosMeshWithLitmusStandby(), // Chaos Mesh runs it; the Litmus engine is rendered stopped
    litmus: {
      probes: [
        LitmusProbe.http({
          name: 'demo-app-health',
          url: DEMO_APP_HEALTH,
          expectStatus: 200,
          timeout: Duration.seconds(5),
          interval: Duration.seconds(2),
          retry: 2,
        }),
      ],
      env: { CHAOS_INTERVAL: '10' },
    },
  });
  new ChaosExperiment(kill, 'pod-kill-graceful', {
    action: ChaosAction.podKill({ gracePeriod: Duration.seconds(30) }),
    target: demoApp,
    mode: ChaosMode.fixed(2),
    duration: Duration.minutes(2),
  });
  new ChaosExperiment(kill, 'pod-kill-api-service-canary', {
    action: ChaosAction.podKill(),
    target: ChaosTarget.selector({
      namespaces: ['production'],
      labels: { app: 'api-service' },
      expressions: [{ key: 'track', operator: 'In', values: ['canary'] }],
      podPhases: ['Running'],
    }),
    mode: ChaosMode.randomMaxPercent(50),
    duration: Duration.seconds(30),
    schedule: ChaosSchedule.every(Duration.hours(2), { historyLimit: 3 }),
  });
  new ChaosExperiment(kill, 'container-kill-litmus', {
    action: ChaosAction.containerKill({ containerNames: ['demo-app'] }),
    target: demoApp,
    mode: ChaosMode.one(),
    duration: Duration.seconds(30),
    platform: ChaosPlatform.litmus(),
  });

  // Network faults against demo-app, with targeted variants.
  const net = chaosChart(app, 'chaos-experiment-network');
  new ChaosExperiment(net, 'network-latency', {
    action: ChaosAction.networkDelay({ latency: Duration.millis(200), jitter: Duration.millis(50), correlation: 25 }),
    target: demoApp,
    duration: Duration.minutes(5),
  });
  new ChaosExperiment(net, 'network-packet-loss', {
    action: ChaosAction.networkLoss({ percent: 10, correlation: 25 }),
    target: demoApp,
    duration: Duration.minutes(5),
  });
  new ChaosExperiment(net, 'network-bandwidth-limit', {
    action: ChaosAction.networkBandwidth({ rate: Bandwidth.megabytesPerSecond(1), limit: 20971520, buffer: 10000 }),
    target: demoApp,
    duration: Duration.minutes(5),
  });
  new ChaosExperiment(net, 'network-corruption', {
    action: ChaosAction.networkCorrupt({ percent: 5, correlation: 25 }),
    target: demoApp,
    duration: Duration.minutes(3),
  });
  new ChaosExperiment(net, 'network-duplication', {
    action: ChaosAction.networkDuplicate({ percent: 10, correlation: 25 }),
    target: demoApp,
    duration: Duration.minutes(3),
  });
  new ChaosExperiment(net, 'network-latency-to-api-service', {
    action: ChaosAction.networkDelay({ latency: Duration.millis(150), direction: NetworkDirection.to(), peers: apiService }),
    target: demoApp,
    duration: Duration.minutes(5),
  });
  new ChaosExperiment(net, 'network-loss-external', {
    action: ChaosAction.networkLoss({ percent: 20, direction: NetworkDirection.to(), externalTargets: ['api.example.com', '203.0.113.0/24'] }),
    target: demoApp,
    duration: Duration.minutes(2),
  });
  new ChaosExperiment(net, 'network-partition-api-service', {
    action: ChaosAction.networkPartition({ direction: NetworkDirection.both(), peers: apiService }),
    target: demoApp,
    duration: Duration.minutes(1),
  });
  new ChaosExperiment(net, 'http-latency-port-8080', {
    action: ChaosAction.httpDelay({ port: 8080, path: '/api/*', method: 'GET', delay: Duration.millis(500) }),
    target: demoApp,
    duration: Duration.minutes(2),
  });

  // Workflows.
  const wf = chaosChart(app, 'chaos-workflow');
  new ChaosWorkflow(wf, 'resilience-test', {
    name: 'resilience-test-workflow',
    entry: WorkflowStep.serial('resilience-test', [
      WorkflowStep.experiment('pod-failure', {
        action: ChaosAction.podFailure(),
        target: demoApp,
        mode: ChaosMode.one(),
        duration: Duration.seconds(30),
      }),
      WorkflowStep.experiment('network-delay', {
        action: ChaosAction.networkDelay({ latency: Duration.millis(100), jitter: Duration.millis(10) }),
        target: demoApp,
        duration: Duration.minutes(1),
      }),
      WorkflowStep.suspend('recovery-wait', Duration.seconds(30)),
      WorkflowStep.statusCheck('recovery-check', { url: DEMO_APP_HEALTH, failureThreshold: 3, successThreshold: 1, deadline: Duration.minutes(1) }),
    ]),
  });
  new ChaosWorkflow(wf, 'cascading-failure', {
    name: 'cascading-failure-workflow',
    entry: WorkflowStep.serial('cascading-failure', [
      WorkflowStep.experiment('kill-api-service-pod', { action: ChaosAction.podKill(), target: apiService, duration: Duration.seconds(30) }),
      WorkflowStep.parallel('downstream-degradation', [
        WorkflowStep.experiment('demo-app-loss-to-api', {
          action: ChaosAction.networkLoss({ percent: 20, peers: apiService }),
          target: demoApp,
          duration: Duration.minutes(2),
        }),
        WorkflowStep.experiment('api-service-cpu', {
          action: ChaosAction.stressCpu({ workers: 2, load: 80 }),
          target: apiService,
          duration: Duration.minutes(2),
        }),
        WorkflowStep.statusCheck('demo-app-health-during', {
          url: DEMO_APP_HEALTH,
          mode: StatusCheckMode.continuous(),
          failureThreshold: 5,
          deadline: Duration.minutes(2),
        }),
      ]),
      WorkflowStep.suspend('cascade-recovery-wait', Duration.minutes(1)),
      WorkflowStep.statusCheck('cascade-recovery-check', { url: DEMO_APP_HEALTH }),
    ]),
  });
  new ChaosWorkflow(wf, 'comprehensive-resilience', {
    name: 'comprehensive-resilience-workflow',
    schedule: ChaosSchedule.weekly(Weekday.wednesday(), { hour: 10 }),
    entry: WorkflowStep.serial('comprehensive-resilience', [
      WorkflowStep.statusCheck('baseline-check', { url: DEMO_APP_HEALTH }),
      WorkflowStep.parallel('pod-and-network', [
        WorkflowStep.experiment('pod-failure-quarter', {
          action: ChaosAction.podFailure(),
          target: demoApp,
          mode: ChaosMode.fixedPercent(25),
          duration: Duration.minutes(1),
        }),
        WorkflowStep.experiment('latency-to-api', {
          action: ChaosAction.networkDelay({ latency: Duration.millis(100), jitter: Duration.millis(10), peers: apiService }),
          target: demoApp,
          duration: Duration.minutes(1),
        }),
      ]),
      WorkflowStep.suspend('recovery-1', Duration.seconds(30)),
      WorkflowStep.experiment('memory-pressure', {
        action: ChaosAction.stressMemory({ workers: 1, size: MemorySize.megabytes(256) }),
        target: demoApp,
        duration: Duration.minutes(1),
      }),
      WorkflowStep.experiment('http-slow-responses', {
        action: ChaosAction.httpDelay({ port: 8080, delay: Duration.millis(300) }),
        target: demoApp,
        duration: Duration.minutes(1),
      }),
      WorkflowStep.experiment('dns-failure', {
        action: ChaosAction.dnsError({ patterns: ['api-service.production.svc.cluster.local'] }),
        target: demoApp,
        duration: Duration.seconds(30),
      }),
      WorkflowStep.suspend('recovery-2', Duration.seconds(30)),
      WorkflowStep.statusCheck('final-check', { url: DEMO_APP_HEALTH, failureThreshold: 3 }),
    ]),
  });
}
