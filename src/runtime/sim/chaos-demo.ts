/**
 * The chaos and SLO demo (`chaos run --demo`, `slo gate --demo`, `slo report --demo`): a
 * simulated cluster with the chapter's demo app (Deployment `demo-app`, 3 replicas, in
 * `team-alpha`; the `chaos-testing` namespace for experiments), the simulated Chaos Mesh
 * controller, the demo app's metrics exporter bound to the pods, and, when `prometheus` is
 * on the PATH, a real Prometheus scraping it every second and evaluating the demo app's SLO
 * rules (a six-hour period with 10s/30s page windows, so alerts can fire within a demo).
 *
 * How the pods drive the exporter: a replica whose pod is missing or not Ready serves 503s
 * (pod-kill until the replacement is Ready, pod-failure until recovery); a container restart
 * counts in the restart counter; network delay or stress on any demo pod adds its delay to
 * every response (a simplification: the exporter has one latency knob), and loss, partition
 * and HTTP abort make that share of the pods' requests fail.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEPLOYMENTS, NAMESPACES, PODS, SERVICES } from '../cluster/resources';
import { rulesFileYaml } from '../../slo/render';
import { AlertWindowsModel, SloModel } from '../../slo/model';
import { sloRuleGroups } from '../../slo/rules';
import { PrometheusClient } from '../prometheus';
import { readSloStatus } from '../slo/status';
import { SloTarget, targetsFromModels } from '../slo/targets';
import { podServing } from './chaos';
import { SimulatedCluster } from './cluster';
import { DemoApp } from './demo-app';
import { findPrometheusBinary, LocalPrometheus, PROMETHEUS_INSTALL_HINT, startLocalPrometheus } from './local-prometheus';

/** The demo app's namespace and name. */
export const DEMO_NAMESPACE = 'team-alpha';
export const DEMO_APP = 'demo-app';
export const DEMO_CHAOS_NAMESPACE = 'chaos-testing';

const S = 1000;
const M = 60 * S;

/**
 * The demo's alert windows: a 6h period with page windows 10s/30s (2% of the budget: burn
 * factor 14.4) and 30s/2m (5%: 9), ticket windows 1m/5m and 2m/10m (10%: 7.2 and 3.6), so
 * an outage pages within seconds while losing one pod for a second does not.
 */
export const DEMO_ALERT_WINDOWS: AlertWindowsModel = {
  sloPeriodMs: 6 * 60 * M,
  pageQuick: { errorBudgetPercent: 2, shortWindowMs: 10 * S, longWindowMs: 30 * S },
  pageSlow: { errorBudgetPercent: 5, shortWindowMs: 30 * S, longWindowMs: 2 * M },
  ticketQuick: { errorBudgetPercent: 10, shortWindowMs: 1 * M, longWindowMs: 5 * M },
  ticketSlow: { errorBudgetPercent: 10, shortWindowMs: 2 * M, longWindowMs: 10 * M },
};

function alert(name: string, page: boolean): SloModel['pageAlert'] {
  return { disable: false, name, labels: page ? { severity: 'critical' } : {}, annotations: {} };
}

/** The demo app's SLOs: availability 99% and latency (95% under 300 ms) over six hours, as `SloSpec` declares them. */
export function demoSloModels(job = DEMO_APP): SloModel[] {
  const sel = `job="${job}"`;
  return [
    {
      id: 'demo-app-availability',
      name: 'availability',
      service: 'demo-app',
      description: '',
      objective: 99,
      periodMs: 6 * 60 * M,
      labels: {},
      sli: {
        events: {
          errorQuery: `sum(rate(http_requests_total{${sel},status=~"5.."}[{{.window}}]))`,
          totalQuery: `sum(rate(http_requests_total{${sel}}[{{.window}}]))`,
        },
      },
      pageAlert: alert('DemoAppAvailability', true),
      ticketAlert: alert('DemoAppAvailability', false),
    },
    {
      id: 'demo-app-latency',
      name: 'latency',
      service: 'demo-app',
      description: '',
      objective: 95,
      periodMs: 6 * 60 * M,
      labels: {},
      sli: {
        events: {
          errorQuery: `(sum(rate(http_request_duration_seconds_count{${sel}}[{{.window}}])) - sum(rate(http_request_duration_seconds_bucket{${sel},le="0.3"}[{{.window}}])))`,
          totalQuery: `sum(rate(http_request_duration_seconds_count{${sel}}[{{.window}}]))`,
        },
      },
      pageAlert: alert('DemoAppLatency', true),
      ticketAlert: alert('DemoAppLatency', false),
    },
  ];
}

/** The package version (from src/ or from the build in lib/src/), as `SloSpec` records it. */
function libraryVersion(): string {
  for (const p of [path.join(__dirname, '..', '..', '..', 'package.json'), path.join(__dirname, '..', '..', '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk8s-resilience' && pkg.version) return pkg.version;
    } catch {
      // not here
    }
  }
  return 'dev';
}

/** The demo SLOs' Prometheus rules file (the same generator `SloSpec` uses). */
export function demoRulesFile(): string {
  const info = { version: libraryVersion(), mode: 'cdk8s-resilience', spec: 'prometheus/v1' };
  return rulesFileYaml(demoSloModels().flatMap((m) => sloRuleGroups(m, DEMO_ALERT_WINDOWS, info)));
}

/** The demo SLOs as the runtime reads them. */
export function demoSloTargets(): SloTarget[] {
  return targetsFromModels(demoSloModels(), 'demo-app-slos.rules.yaml:1', { alertWindows: [DEMO_ALERT_WINDOWS] });
}

/** Options of {@link startChaosDemo}. */
export interface ChaosDemoOptions {
  /** Start a real Prometheus: `auto` when one is on the PATH, `never` for recorded series only. @default 'auto' */
  readonly prometheus?: 'auto' | 'never';
  /** Replicas of the demo app. @default 3 */
  readonly replicas?: number;
  /** Requests per second per replica. @default 20 */
  readonly requestsPerSecondPerReplica?: number;
  /** Delay until a new pod is Ready, in ms. @default 1000 */
  readonly podReadyMs?: number;
  /** Progress lines (stderr on a terminal). @default - none */
  readonly log?: (line: string) => void;
}

/** A running demo. */
export interface ChaosDemo {
  readonly sim: SimulatedCluster;
  readonly kubeconfig: string;
  readonly app: DemoApp;
  /** The real Prometheus, when one was started. @default - none: use recorded series */
  readonly prometheus?: LocalPrometheus;
  /** Why there is no Prometheus. @default - there is one */
  readonly noPrometheusReason?: string;
  readonly targets: readonly SloTarget[];
  /** Makes every replica fail for `ms` (an outage outside any experiment), then waits until Prometheus has evaluated it. */
  outage(ms: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the demo: simulation, demo app, exporter and (when available) Prometheus with the SLO rules. */
export async function startChaosDemo(o: ChaosDemoOptions = {}): Promise<ChaosDemo> {
  const replicas = o.replicas ?? 3;
  const sim = new SimulatedCluster({ timing: { phaseMs: 60, podReadyMs: o.podReadyMs ?? 1000 } });
  const kubeconfig = await sim.start();
  const stops: Array<() => Promise<void> | void> = [() => sim.stop()];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    for (const ns of [DEMO_NAMESPACE, DEMO_CHAOS_NAMESPACE]) sim.apply(NAMESPACES, { metadata: { name: ns }, status: { phase: 'Active' } });
    sim.apply(DEPLOYMENTS, {
      metadata: { name: DEMO_APP, namespace: DEMO_NAMESPACE, labels: { app: DEMO_APP } },
      spec: {
        replicas,
        selector: { matchLabels: { app: DEMO_APP } },
        template: {
          metadata: { labels: { app: DEMO_APP } },
          spec: { containers: [{ name: DEMO_APP, image: 'registry.example.com/demo-app:1.0.0' }] },
        },
      },
    });
    sim.apply(SERVICES, {
      metadata: { name: DEMO_APP, namespace: DEMO_NAMESPACE, labels: { app: DEMO_APP } },
      spec: { selector: { app: DEMO_APP }, ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }] },
    });
    o.log?.('demo: waiting for the demo-app pods to be Ready');
    const pods = () => sim.store.list(PODS, DEMO_NAMESPACE, `app=${DEMO_APP}`);
    await sim.settle(() => pods().filter(podServing).length === replicas, 15000);

    const app = new DemoApp({
      name: DEMO_APP,
      namespace: DEMO_NAMESPACE,
      replicas,
      requestsPerSecondPerReplica: o.requestsPerSecondPerReplica ?? 20,
    });
    await app.start();
    stops.push(() => app.stop());
    let outageOn = false;
    const restarts = new Map<string, number>();
    const sync = () => {
      const all = pods().sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      all.forEach((p, i) => {
        const n = ((p.status as { containerStatuses?: Array<{ restartCount?: number }> } | undefined)?.containerStatuses ?? []).reduce(
          (a, c) => a + (c.restartCount ?? 0),
          0,
        );
        const before = restarts.get(p.metadata.name) ?? 0;
        for (let k = before; k < n; k++) app.restart(i % replicas);
        restarts.set(p.metadata.name, Math.max(before, n));
      });
      const serving = all.filter(podServing);
      const effects = sim.chaos.effects();
      const per = serving.map((p) => effects.get(`${DEMO_NAMESPACE}/${p.metadata.name}`) ?? { delaySeconds: 0, errorRatio: 0 });
      app.setFaults({
        lostReplicas: outageOn ? replicas : Math.max(0, Math.min(replicas, replicas - serving.length)),
        addedLatencySeconds: Math.max(0, ...per.map((e) => e.delaySeconds)),
        errorRatio: per.length ? per.reduce((a, e) => a + e.errorRatio, 0) / per.length : 0,
      });
    };
    const unsub = sim.store.subscribe((e) => {
      if (e.type.plural === 'pods') setImmediate(sync);
    });
    const unsubChaos = sim.chaos.onChange(() => setImmediate(sync));
    stops.push(() => {
      unsub();
      unsubChaos();
    });
    sync();

    const targets = demoSloTargets();
    let prometheus: LocalPrometheus | undefined;
    let noPrometheusReason: string | undefined;
    const bin = o.prometheus === 'never' ? undefined : findPrometheusBinary();
    if (!bin) {
      noPrometheusReason =
        o.prometheus === 'never' ? 'a real Prometheus was not asked for' : `prometheus is not on the PATH: ${PROMETHEUS_INSTALL_HINT}`;
    } else {
      o.log?.('demo: starting prometheus (1s scrape and rule evaluation)');
      prometheus = await startLocalPrometheus({
        binary: bin,
        scrape: [{ job: DEMO_APP, targets: [app.target] }],
        ruleFiles: { 'demo-app-slos.rules.yaml': demoRulesFile() },
      });
      stops.push(() => prometheus!.stop());
      const api = new PrometheusClient(prometheus.url, { timeoutMs: 5000 });
      o.log?.('demo: waiting for the first SLO recordings');
      const deadline = Date.now() + 30000;
      for (;;) {
        const st = await readSloStatus(api, targets).catch(() => []);
        if (
          st.length === targets.length &&
          st.every((s) => s.budgetRemaining !== undefined && !Number.isNaN(s.budgetRemaining) && s.burnRates.length > 0)
        )
          break;
        if (Date.now() > deadline) throw new Error(`the demo's Prometheus (${prometheus.version}) had no SLO recordings after 30s`);
        await sleep(250);
      }
    }
    return {
      sim,
      kubeconfig,
      app,
      targets,
      ...(prometheus ? { prometheus } : {}),
      ...(noPrometheusReason ? { noPrometheusReason } : {}),
      outage: async (ms: number) => {
        outageOn = true;
        sync();
        await sleep(ms);
        outageOn = false;
        sync();
        // Two evaluation rounds so the SLO recordings include it.
        await sleep(2500);
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
