/**
 * `cdk8s-resilience chaos run|list|status|report|delete`: Chaos Mesh experiments through
 * their API objects, measured through Prometheus; the runtime counterpart of the chapter's
 * chaos-runner.py (--experiment, --list-experiments, --get-status, --generate-report,
 * --delete).
 */
import { Command } from 'commander';
import { ExperimentError, RUNTIME_MAX_DURATION_MS, RUNTIME_PROTECTED_NAMESPACES } from '../chaos/experiment';
import { deleteExperiment, experimentStatus, keptReport, listExperiments } from '../chaos/inventory';
import { ChaosMetricOptions } from '../chaos/metrics';
import { ChaosRunDeps, RecordedRun, runChaosExperiment } from '../chaos/run';
import { ChaosExperimentInfo } from '../chaos/verdict';
import { DEFAULT_PROMETHEUS_URL, PrometheusClient, PrometheusError } from '../prometheus';
import { Report } from '../report/model';
import { ChaosDemo, DEMO_APP, startChaosDemo } from '../sim/chaos-demo';
import { parseBudgetRatio, resolveSloTargets } from '../slo/gate';
import { SloTarget } from '../slo/targets';
import networkDelay from '../sim/recorded/network-delay-latency.json';
import outage from '../sim/recorded/pod-failure-outage-aborted.json';
import podKill from '../sim/recorded/pod-kill-within-budget.json';
import {
  CliIo,
  CommandState,
  durationFlag,
  GlobalOptions,
  isSimulated,
  makeReport,
  once,
  runClusterCommand,
  UsageError,
  withGlobalFlags,
} from './common';
import { isUsageLike, sloSource, SloFlags, withSloFlags } from './slo-runtime';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The recorded series the demo uses without Prometheus, by the experiment's action. */
export function recordedFor(exp: ChaosExperimentInfo): RecordedRun {
  const pick = exp.action === 'delay' || exp.kind === 'NetworkChaos' ? networkDelay : exp.action === 'pod-failure' ? outage : podKill;
  return pick as unknown as RecordedRun;
}

interface RunFlags extends GlobalOptions, SloFlags {
  file: string;
  name?: string;
  steadyState?: string;
  recovery?: string;
  keep?: boolean;
  prometheusUrl: string;
  maxBudgetBurn: string;
  abortErrorRate?: string;
  allowFullBlastRadius?: boolean;
  allowUnbounded?: boolean;
  maxDuration: string;
  protectedNamespace?: string[];
  metricsSelector?: string[];
  rateWindow?: string;
  queryErrorRate?: string;
  queryRequestRate?: string;
  queryRestarts?: string;
  queryLatency?: string[];
  pollInterval: string;
}

/** Converts the errors of operations into usage-like errors (one line, exit 2). */
async function oneLine<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ExperimentError || e instanceof PrometheusError || isUsageLike(e)) throw new UsageError((e as Error).message.split('\n')[0]);
    throw e;
  }
}

function metricFlags(o: RunFlags, demo: boolean): ChaosMetricOptions {
  const selector: Record<string, string> = {};
  for (const kv of o.metricsSelector ?? []) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) throw new UsageError(`--metrics-selector "${kv}" must be label=value, e.g. job=demo-app`);
    selector[m[1]] = m[2];
  }
  const latency: Record<string, string> = {};
  for (const kv of o.queryLatency ?? []) {
    const m = /^(0?\.\d+)=(.+)$/.exec(kv);
    if (!m) throw new UsageError(`--query-latency "${kv}" must be QUANTILE=PROMQL, e.g. 0.99='histogram_quantile(0.99, ...)'`);
    latency[String(Number(m[1]))] = m[2];
  }
  const overrides = {
    ...(o.queryErrorRate ? { errorRate: o.queryErrorRate } : {}),
    ...(o.queryRequestRate ? { requestRate: o.queryRequestRate } : {}),
    ...(o.queryRestarts ? { restarts: o.queryRestarts } : {}),
    ...(Object.keys(latency).length ? { latency } : {}),
  };
  return {
    ...(Object.keys(selector).length ? { selector } : demo ? { selector: { job: DEMO_APP } } : {}),
    ...(o.rateWindow ? { rateWindow: o.rateWindow } : demo ? { rateWindow: '5s' } : {}),
    ...(Object.keys(overrides).length ? { overrides } : {}),
    extraQuantiles: [0.95],
  };
}

/** Resolves on the first SIGINT while a run is in progress (then the run cleans up). */
function interruptSignal(): { promise: Promise<void>; dispose(): void } {
  let handler: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    handler = () => resolve();
    process.once('SIGINT', handler);
  });
  return { promise, dispose: () => process.off('SIGINT', handler) };
}

function runCommand(io: CliIo, state: CommandState): Command {
  const cmd = withGlobalFlags(
    new Command('run')
      .description('measure the steady state, apply an experiment, follow it by watch, measure during and after, give a verdict')
      .requiredOption('-f, --file <file>', 'a YAML of Chaos Mesh objects, e.g. dist/chaos-mesh-pod-failure.yaml', once('-f'))
      .option('--name <name>', 'which experiment of the file (default: the only one, or the first)')
      .option('--steady-state <duration>', 'how long to measure before the fault (default 2m; 15s with --demo)')
      .option('--recovery <duration>', 'how long to measure after the fault; the target must be back within it (default 2m; 20s with --demo)')
      .option('--keep', 'leave the experiment in the cluster (paused when aborted)')
      .option('--prometheus-url <url>', 'the Prometheus HTTP API', DEFAULT_PROMETHEUS_URL),
  );
  withSloFlags(cmd)
    .option('--max-budget-burn <percent>', 'the share of each SLO period budget the experiment may consume', '5%')
    .option('--abort-error-rate <percent>', 'also abort when the error rate goes above this (e.g. 10%)')
    .option('--allow-full-blast-radius', 'allow mode all / 100% and partitions from everything')
    .option('--allow-unbounded', 'allow an experiment without duration (the run pauses it after --max-duration)')
    .option('--max-duration <duration>', 'the longest experiment duration allowed', '30m')
    .option('--protected-namespace <ns>', `a namespace never to target (repeatable; default ${RUNTIME_PROTECTED_NAMESPACES.join(', ')})`, collect)
    .option(
      '--metrics-selector <label=value>',
      "labels of the target's HTTP series (repeatable; default: namespace=<the experiment's target namespace>)",
      collect,
    )
    .option('--rate-window <duration>', 'the rate window of the metric queries (default 1m)')
    .option('--query-error-rate <promql>', 'replace the error rate query (one series, 0..1)')
    .option('--query-request-rate <promql>', 'replace the request rate query')
    .option('--query-restarts <promql>', 'replace the restart counter query')
    .option('--query-latency <q=promql>', 'replace a latency quantile query, e.g. 0.99=... (repeatable)', collect)
    .option('--poll-interval <duration>', 'how often the abort condition is checked', '1s')
    .addHelpText(
      'after',
      '\nExit codes: 0 PASSED, 1 FAILED (or aborted), 2 could not run or decide (bad file, guardrail, Prometheus or cluster unreachable, interrupted).\n',
    );
  cmd.action(async (o: RunFlags) => {
    let demo: ChaosDemo | undefined;
    const log = (line: string) => {
      if (io.interactive && !o.quiet) io.err(`${line}\n`);
    };
    state.code = await runClusterCommand(
      io,
      'chaos run',
      o,
      async (ctx) =>
        oneLine(async () => {
          const steadyStateMs = durationFlag('--steady-state', o.steadyState ?? (o.demo ? '15s' : '2m'));
          const recoveryMs = durationFlag('--recovery', o.recovery ?? (o.demo ? '20s' : '2m'));
          const maxDurationMs = o.maxDuration ? durationFlag('--max-duration', o.maxDuration) : RUNTIME_MAX_DURATION_MS;
          const pollMs = durationFlag('--poll-interval', o.pollInterval);
          const maxBudgetBurn = parseBudgetRatio('--max-budget-burn', o.maxBudgetBurn);
          const abortErrorRate = o.abortErrorRate !== undefined ? parseBudgetRatio('--abort-error-rate', o.abortErrorRate) : undefined;
          let prometheus: PrometheusClient | undefined;
          if (o.demo) {
            if (o.prometheusUrl !== DEFAULT_PROMETHEUS_URL) throw new UsageError('--demo starts its own Prometheus; leave out --prometheus-url');
            if (demo!.prometheus) prometheus = new PrometheusClient(demo!.prometheus.url);
            else
              io.err(
                `chaos run --demo: no real Prometheus (${demo!.noPrometheusReason}); the report uses series recorded from Prometheus 2.42 instead\n`,
              );
          } else prometheus = new PrometheusClient(o.prometheusUrl);
          const source = sloSource(o, o.demo ? demo!.targets : undefined);
          const hasSlo = source.sloFile !== undefined || source.sloFrom !== undefined || source.targets !== undefined;
          const targets: SloTarget[] = hasSlo ? resolveSloTargets(source) : [];
          const signal = interruptSignal();
          try {
            const deps: ChaosRunDeps = {
              cluster: ctx.cluster,
              ...(prometheus ? { prometheus } : { recorded: recordedFor }),
              simulated: o.demo === true || (await isSimulated(ctx.cluster)),
              log: (l) => {
                ctx.progress.update(l);
                log(`chaos run: ${l}`);
              },
              interrupt: signal.promise,
            };
            const r = await runChaosExperiment(
              {
                file: o.file,
                ...(o.name ? { name: o.name } : {}),
                steadyStateMs,
                recoveryMs,
                keep: o.keep === true,
                targets,
                maxBudgetBurn,
                ...(abortErrorRate !== undefined ? { abortErrorRate } : {}),
                guardrails: {
                  allowFullBlastRadius: o.allowFullBlastRadius === true,
                  allowUnbounded: o.allowUnbounded === true,
                  maxDurationMs,
                  ...(o.protectedNamespace?.length ? { protectedNamespaces: o.protectedNamespace } : {}),
                },
                metrics: metricFlags(o, o.demo === true),
                pollMs,
              },
              deps,
            );
            return r.report;
          } finally {
            signal.dispose();
          }
        }),
      async () => {
        demo = await startChaosDemo({ log });
        return demo;
      },
    );
  });
  return cmd;
}

function simpleCommand(
  name: string,
  description: string,
  io: CliIo,
  state: CommandState,
  withName: boolean,
  body: (
    o: GlobalOptions & { timeout: string },
    target: string | undefined,
    ctx: Parameters<Parameters<typeof runClusterCommand>[3]>[0],
  ) => Promise<Report>,
): Command {
  const cmd = withGlobalFlags(new Command(name).description(description));
  if (withName) cmd.argument('<name>', 'the experiment');
  cmd.action(async (...args: unknown[]) => {
    const target = withName ? (args[0] as string) : undefined;
    const o = (withName ? args[1] : args[0]) as GlobalOptions;
    state.code = await runClusterCommand(
      io,
      `chaos ${name}`,
      o,
      (ctx) => oneLine(() => body(o, target, ctx)),
      async () => {
        const demo = await startChaosDemo({ prometheus: 'never' });
        return demo;
      },
    );
  });
  return cmd;
}

/** The `chaos` command group. */
export function chaosCommand(io: CliIo, state: CommandState): Command {
  const chaos = new Command('chaos').description(
    'run Chaos Mesh experiments measured through Prometheus, with a verdict from SLOs; list, inspect, report, delete',
  );
  chaos.addCommand(runCommand(io, state));
  chaos.addCommand(
    simpleCommand(
      'list',
      'Chaos Mesh experiments, Schedules and Workflows: kind, namespace, name, phase, age',
      io,
      state,
      false,
      async (o, _t, ctx) => {
        const section = await listExperiments(ctx.cluster, o.namespace, ctx.clock.now());
        return makeReport('chaos list', 'Chaos Mesh objects', ctx.cluster, await isSimulated(ctx.cluster), ctx.clock, [section]);
      },
    ),
  );
  chaos.addCommand(
    simpleCommand('status', 'one experiment: conditions, records per pod, events, target pods', io, state, true, async (o, name, ctx) => {
      const s = await experimentStatus(ctx.cluster, name!, o.namespace);
      return makeReport('chaos status', s.title, ctx.cluster, await isSimulated(ctx.cluster), ctx.clock, s.sections);
    }),
  );
  chaos.addCommand(
    simpleCommand('report', 'the kept report of a past chaos run', io, state, true, async (o, name, ctx) =>
      keptReport(ctx.cluster, name!, o.namespace),
    ),
  );
  chaos.addCommand(
    simpleCommand('delete', 'delete an experiment and wait until its faults are recovered', io, state, true, async (o, name, ctx) => {
      const section = await deleteExperiment(ctx.cluster, name!, o.namespace, ctx.timeoutMs);
      return makeReport('chaos delete', `Delete ${name}`, ctx.cluster, await isSimulated(ctx.cluster), ctx.clock, [section]);
    }),
  );
  return chaos;
}
