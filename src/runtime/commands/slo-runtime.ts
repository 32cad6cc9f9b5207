/**
 * `cdk8s-resilience slo gate` and `slo report`: the SLOs' state read from Prometheus, for a
 * CI step before a deploy (gate: exit 0 go, 1 stop, 2 cannot tell) and for people (report:
 * text, Markdown, JSON, JUnit, or an HTML page with a budget burn-down chart). Also the SLO
 * flags `chaos run` shares (`--slo`, `--slo-from`, `--service`, `--slo-name`).
 */
import * as fs from 'fs';
import { Command, Option } from 'commander';
import { SpecLoadError } from '../../slo/spec-files';
import { PrometheusClient, PrometheusError, DEFAULT_PROMETHEUS_URL } from '../prometheus';
import { Report } from '../report/model';
import { renderReport, ReportFormat } from '../report/render';
import { startChaosDemo } from '../sim/chaos-demo';
import { parseBudgetRatio, parseMissingDataPolicy, runSloGate, SloSourceOptions, SloUsageError } from '../slo/gate';
import { renderSloReportHtml } from '../slo/html';
import { runSloReport } from '../slo/report';
import { SloSelectionError, SloTarget } from '../slo/targets';
import { CliIo, CommandState, once, refuseOutputOverInput, UsageError } from './common';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The SLO selection flags, as commander gives them. */
export interface SloFlags {
  readonly slo?: string[];
  readonly sloFrom?: string;
  readonly service?: string[];
  readonly sloName?: string[];
}

/** Adds `--slo`, `--slo-from`, `--service`, `--slo-name`. */
export function withSloFlags(cmd: Command): Command {
  return cmd
    .option(
      '--slo <file|name>',
      'a Sloth/OpenSLO spec, rules file, PrometheusRule or rules ConfigMap; a value that is not a file selects an SLO by name (repeatable)',
      collect,
    )
    .option('--slo-from <dir>', 'every SLO of a synthesized directory, e.g. dist/', once('--slo-from'))
    .option('--service <name>', "only this service's SLOs (repeatable)", collect)
    .option('--slo-name <name>', 'only the SLO with this name or sloth_id (repeatable)', collect);
}

/** True when a `--slo` value is meant as a file (exists, or looks like a path). */
function looksLikeFile(v: string): boolean {
  return fs.existsSync(v) || /[/\\]/.test(v) || /\.(ya?ml|json)$/i.test(v);
}

/** The SLO source options from the flags; `demoTargets` when none is given and the demo runs. Throws UsageError. */
export function sloSource(f: SloFlags, demoTargets?: readonly SloTarget[]): SloSourceOptions {
  const values = f.slo ?? [];
  const files = values.filter(looksLikeFile);
  const names = [...values.filter((v) => !looksLikeFile(v)), ...(f.sloName ?? [])];
  if (files.length > 1) throw new UsageError(`give one --slo FILE (got ${files.join(', ')}); put several specs in a directory and use --slo-from`);
  for (const file of files) if (!fs.existsSync(file)) throw new UsageError(`--slo ${file}: no such file`);
  return {
    ...(files.length ? { sloFile: files[0] } : {}),
    ...(f.sloFrom !== undefined ? { sloFrom: f.sloFrom } : {}),
    ...(!files.length && f.sloFrom === undefined && demoTargets ? { targets: demoTargets } : {}),
    ...(f.service?.length ? { services: f.service } : {}),
    ...(names.length ? { sloNames: names } : {}),
  };
}

/** True for the errors that are usage mistakes (one line, exit 2). */
export function isUsageLike(e: unknown): e is Error {
  return (
    e instanceof UsageError ||
    e instanceof SloUsageError ||
    e instanceof SloSelectionError ||
    e instanceof SpecLoadError ||
    (e instanceof PrometheusError && e.kind === 'usage')
  );
}

interface SloRuntimeOptions extends SloFlags {
  prometheusUrl: string;
  minBudget: string;
  onMissingData?: string;
  format: string;
  output?: string;
  demo?: boolean;
  demoScenario: string;
  quiet?: boolean;
}

function write(io: CliIo, text: string, output: string | undefined): void {
  if (!output) {
    io.out(text);
    return;
  }
  try {
    fs.writeFileSync(output, text);
  } catch (e) {
    throw new UsageError(`cannot write --output ${output}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function sloRuntimeCommand(kind: 'gate' | 'report', io: CliIo, state: CommandState): Command {
  const formats = kind === 'report' ? ['text', 'markdown', 'json', 'junit', 'html'] : ['text', 'markdown', 'json', 'junit'];
  const cmd = new Command(kind)
    .description(
      kind === 'gate'
        ? 'exit 0 when every selected SLO has at least --min-budget of its error budget left, 1 when one has not, 2 when it cannot tell'
        : 'per SLO: SLI, objective, budget left, burn rate per window, alerts firing',
    )
    .option('--prometheus-url <url>', 'the Prometheus HTTP API', DEFAULT_PROMETHEUS_URL);
  withSloFlags(cmd)
    .option(
      '--min-budget <percent>',
      kind === 'gate' ? 'the share of the error budget each SLO must have left (20%, 0.2)' : 'the minimum budget line on the HTML chart',
      '20%',
    )
    .addOption(new Option('--format <format>', 'report format').choices(formats).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--demo', 'run against the demo: a simulated demo app scraped by a real Prometheus (needs prometheus on the PATH)')
    .addOption(
      new Option('--demo-scenario <scenario>', 'with --demo: healthy, or outage (every replica fails for 5s first)')
        .choices(['healthy', 'outage'])
        .default('healthy'),
    );
  if (kind === 'gate') cmd.option('--on-missing-data <pass|fail>', 'decide an SLO without data instead of exit 2 (default: cannot decide)');
  cmd.action(async (o: SloRuntimeOptions) => {
    state.code = await runSloRuntime(kind, o, io);
  });
  return cmd;
}

async function runSloRuntime(kind: 'gate' | 'report', o: SloRuntimeOptions, io: CliIo): Promise<number> {
  const name = `slo ${kind}`;
  let stop: (() => Promise<void>) | undefined;
  const log = (line: string) => {
    if (io.interactive && !o.quiet) io.err(`${line}\n`);
  };
  try {
    refuseOutputOverInput(o);
    const minBudget = parseBudgetRatio('--min-budget', o.minBudget);
    const onMissingData = o.onMissingData !== undefined ? parseMissingDataPolicy(o.onMissingData) : undefined;
    let url = o.prometheusUrl;
    let demoTargets: readonly SloTarget[] | undefined;
    if (o.demo) {
      if (o.prometheusUrl !== DEFAULT_PROMETHEUS_URL) throw new UsageError('--demo starts its own Prometheus; leave out --prometheus-url');
      const demo = await startChaosDemo({ log });
      stop = () => demo.stop();
      if (!demo.prometheus) throw new UsageError(`--demo needs a real Prometheus: ${demo.noPrometheusReason}`);
      url = demo.prometheus.url;
      demoTargets = demo.targets;
      if (o.demoScenario === 'outage') {
        log('demo: every replica fails for 5s');
        await demo.outage(5000);
      }
    } else if (o.demoScenario !== 'healthy') throw new UsageError('--demo-scenario needs --demo');
    const source = sloSource(o, demoTargets);
    const prometheus = new PrometheusClient(url);
    const deps = { prometheus, simulated: o.demo === true };
    let report: Report;
    let text: string;
    let code: number;
    if (kind === 'gate') {
      const r = await runSloGate({ ...source, minBudget, ...(onMissingData ? { onMissingData } : {}) }, deps);
      report = r.report;
      code = r.exitCode;
      text = renderReport(report, o.format as ReportFormat);
    } else {
      const r = await runSloReport({ ...source, minBudget }, deps);
      report = r.report;
      code = r.exitCode;
      text = o.format === 'html' ? renderSloReportHtml(report, r.burnDown, r.minBudget) : renderReport(report, o.format as ReportFormat);
    }
    write(io, text, o.output);
    return code;
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e);
    io.err(
      `cdk8s-resilience ${name}: ${isUsageLike(e) || e instanceof PrometheusError ? msg.split('\n')[0] : `unexpected error: ${msg.split('\n')[0]}`}\n`,
    );
    return 2;
  } finally {
    if (stop) await stop();
  }
}

/** `slo gate` and `slo report`. */
export function sloRuntimeCommands(io: CliIo, state: CommandState): Command[] {
  return [sloRuntimeCommand('gate', io, state), sloRuntimeCommand('report', io, state)];
}
