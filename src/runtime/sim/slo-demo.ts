/**
 * The SLO side of `--demo`: the demo app scraped by a local, real Prometheus that evaluates
 * the demo app's SLO rules, with windows short enough for the budget and the page alert to
 * move within a demo (a one-hour period; the page alert watches 10s/30s and 30s/2m).
 *
 * The SLOs are built from the pure SLO modules (no cdk8s): the same rules `SloSpec`
 * generates for the same declaration (a test checks they are equal).
 */
import { rulesFileYaml } from '../../slo/render';
import { sloRuleGroups } from '../../slo/rules';
import { Sli } from '../../slo/sli';
import { AlertWindowsModel, AlertMetaModel, SloModel } from '../../slo/model';
import { PrometheusClient } from '../prometheus';
import { readSloStatus } from '../slo/status';
import { SloTarget, targetsFromModels } from '../slo/targets';
import { DemoApp, DemoAppOptions } from './demo-app';
import { LocalPrometheus, startLocalPrometheus } from './local-prometheus';

const S = 1000;
const M = 60 * S;

/** The demo's alert windows: a 1h period, page 2% in 30s (10s short) or 5% in 2m (30s), ticket 10% in 5m (1m) and 10m (2m). */
export const DEMO_ALERT_WINDOWS: AlertWindowsModel = {
  sloPeriodMs: 60 * M,
  pageQuick: { errorBudgetPercent: 2, shortWindowMs: 10 * S, longWindowMs: 30 * S },
  pageSlow: { errorBudgetPercent: 5, shortWindowMs: 30 * S, longWindowMs: 2 * M },
  ticketQuick: { errorBudgetPercent: 10, shortWindowMs: 1 * M, longWindowMs: 5 * M },
  ticketSlow: { errorBudgetPercent: 10, shortWindowMs: 2 * M, longWindowMs: 10 * M },
};

function alert(name: string, labels: Record<string, string>): AlertMetaModel {
  return { disable: false, name, labels, annotations: {} };
}

/** The demo app's SLOs: availability 99% (5xx are errors) and latency 95% under 300 ms, over one hour. */
export function demoSloModels(job = 'demo-app', service = 'demo-app'): SloModel[] {
  const base = { service, description: '', periodMs: DEMO_ALERT_WINDOWS.sloPeriodMs, labels: {} };
  return [
    {
      ...base,
      id: `${service}-availability`,
      name: 'availability',
      objective: 99,
      sli: Sli.availability({ selector: { job }, statusLabel: 'status' }).model,
      pageAlert: alert('DemoAppAvailability', { severity: 'critical' }),
      ticketAlert: alert('DemoAppAvailability', {}),
    },
    {
      ...base,
      id: `${service}-latency`,
      name: 'latency',
      objective: 95,
      sli: Sli.latency({ selector: { job }, thresholdBucket: '0.3' }).model,
      pageAlert: alert('DemoAppLatency', { severity: 'critical' }),
      ticketAlert: alert('DemoAppLatency', {}),
    },
  ];
}

/** The demo SLOs' Prometheus rules file. */
export function demoSloRules(version = 'demo'): string {
  return rulesFileYaml(
    demoSloModels().flatMap((m) => sloRuleGroups(m, DEMO_ALERT_WINDOWS, { version, mode: 'cdk8s-resilience', spec: 'prometheus/v1' })),
  );
}

/** The demo SLOs as the runtime reads them. */
export function demoSloTargets(): SloTarget[] {
  return targetsFromModels(demoSloModels(), 'demo SLOs (built in)', { alertWindows: [DEMO_ALERT_WINDOWS] });
}

/** A running SLO demo. */
export interface SloDemo {
  readonly app: DemoApp;
  readonly prometheus: LocalPrometheus;
  readonly api: PrometheusClient;
  readonly targets: readonly SloTarget[];
  /** Stops Prometheus and the demo app. */
  stop(): Promise<void>;
}

/** Options of {@link startSloDemo}. */
export interface SloDemoOptions {
  /** The demo app. @default 4 replicas × 25 requests per second */
  readonly app?: DemoAppOptions;
  /** How long to wait for every SLO to have data, in ms. @default 30000 */
  readonly dataTimeoutMs?: number;
}

/**
 * Starts the demo app and a local Prometheus scraping it with the demo SLO rules, and waits
 * until every SLO has a remaining budget (about 7 seconds). Throws when the `prometheus`
 * binary is missing (the message says how to install it): `--demo` then says so and uses
 * recorded series.
 */
export async function startSloDemo(o: SloDemoOptions = {}): Promise<SloDemo> {
  const app = new DemoApp({ replicas: 4, requestsPerSecondPerReplica: 25, ...(o.app ?? {}) });
  await app.start();
  let prometheus: LocalPrometheus | undefined;
  try {
    prometheus = await startLocalPrometheus({
      scrape: [{ job: 'demo-app', targets: [app.target] }],
      ruleFiles: { 'demo-slos.rules.yaml': demoSloRules() },
    });
    const api = new PrometheusClient(prometheus.url, { timeoutMs: 5000 });
    const targets = demoSloTargets();
    const deadline = Date.now() + (o.dataTimeoutMs ?? 30000);
    for (;;) {
      const st = await readSloStatus(api, targets);
      if (st.every((s) => s.budgetRemaining !== undefined && !Number.isNaN(s.budgetRemaining))) break;
      if (Date.now() > deadline) throw new Error(`the demo SLOs had no data in Prometheus after ${(o.dataTimeoutMs ?? 30000) / 1000}s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const p = prometheus;
    return {
      app,
      prometheus: p,
      api,
      targets,
      stop: async () => {
        await p.stop();
        await app.stop();
      },
    };
  } catch (e) {
    await prometheus?.stop();
    await app.stop();
    throw e;
  }
}
