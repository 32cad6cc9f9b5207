import { App, Chart, Duration } from 'cdk8s';
import { Sli, SloDashboard, SloThresholdRules, SloSpec } from '../../src/slo';

/**
 * The chapter's SLO manifests:
 * - sloth-auth-service-slo: the auth service's 99.95% availability SLO and its
 *   95th-percentile latency SLO;
 * - sloth-slo-spec: the extended spec (availability, latency, throughput) with error-budget
 *   alerting, as the `prometheus-slo-rules` PrometheusRule;
 * - slo-definitions: the named recordings and threshold alerts the chapter queries;
 * - slo-dashboard: the Grafana dashboard for every SLO, as a sidecar ConfigMap and as
 *   dist/slo-dashboard.json for import through Grafana's API or UI.
 */
export function addSloCharts(app: App): SloSpec[] {
  const auth = new Chart(app, 'sloth-auth-service-slo');
  const authSlos = new SloSpec(auth, 'auth-service', {
    service: 'auth-service',
    labels: { owner: 'platform-team', tier: '1' },
    slos: [
      {
        name: 'requests-availability',
        objective: 99.95,
        description: '99.95% of auth requests succeed (non-5xx).',
        sli: Sli.availability({ selector: { job: 'auth-service' }, statusLabel: 'status' }),
        alerting: {
          name: 'AuthServiceHighErrorRate',
          labels: { category: 'availability' },
          annotations: { runbook_url: 'https://runbooks.example.com/auth-service/availability' },
          pageAlert: { labels: { severity: 'critical' } },
          ticketAlert: { labels: { severity: 'warning' } },
        },
      },
      {
        name: 'requests-latency-p95',
        objective: 95,
        description: '95% of auth requests complete within 300ms.',
        sli: Sli.latency({ selector: { job: 'auth-service' }, thresholdBucket: '0.3' }),
        alerting: {
          name: 'AuthServiceHighLatency',
          labels: { category: 'latency' },
          pageAlert: { labels: { severity: 'critical' } },
          ticketAlert: { labels: { severity: 'warning' } },
        },
      },
    ],
  });

  const spec = new Chart(app, 'sloth-slo-spec');
  const apiSlos = new SloSpec(spec, 'api', {
    service: 'demo-app',
    name: 'prometheus-slo-rules',
    namespace: 'default',
    labels: { team: 'team-alpha' },
    slos: [
      {
        name: 'availability',
        objective: 99.9,
        description: 'Share of requests answered without a server error.',
        sli: Sli.availability({ selector: { job: 'demo-app' }, statusLabel: 'status' }),
        alerting: {
          name: 'DemoAppAvailabilityBudgetBurn',
          labels: { category: 'availability' },
          pageAlert: { labels: { severity: 'critical' } },
          ticketAlert: { labels: { severity: 'warning' } },
        },
      },
      {
        name: 'latency',
        objective: 99,
        description: 'Share of requests served within 500ms.',
        sli: Sli.latency({ selector: { job: 'demo-app' }, thresholdBucket: '0.5' }),
        alerting: {
          name: 'DemoAppLatencyBudgetBurn',
          labels: { category: 'latency' },
          pageAlert: { labels: { severity: 'critical' } },
          ticketAlert: { labels: { severity: 'warning' } },
        },
      },
      {
        name: 'throughput',
        objective: 99,
        description: 'The service sustains at least 10 requests per second.',
        sli: Sli.throughput({ selector: { job: 'demo-app' }, minPerSecond: 10 }),
        alerting: {
          name: 'DemoAppThroughputBudgetBurn',
          labels: { category: 'throughput' },
          pageAlert: { disable: true },
          ticketAlert: { labels: { severity: 'warning' } },
        },
      },
    ],
  });

  const defs = new Chart(app, 'slo-definitions');
  new SloThresholdRules(defs, 'api', {
    prefix: 'api',
    availability: Sli.availability({ selector: { job: 'demo-app' }, statusLabel: 'status' }),
    objective: 99.9,
    period: Duration.days(28),
    histogramSelector: { job: 'demo-app' },
    quantile: 0.99,
    latencyThreshold: Duration.millis(500),
    budgetBurnPercentPerDay: 10,
    budgetRemainingPercentBelow: 20,
  });

  new SloDashboard(new Chart(app, 'slo-dashboard'), 'dashboard', { title: 'SLO Dashboard' });

  return [authSlos, apiSlos];
}
