/**
 * What every cluster command shares: the global flags, connecting (or starting the
 * `--demo` simulation), progress on a terminal, rendering the report, `--output`, and
 * turning errors into one line on stderr with exit code 2.
 */
import * as fs from 'fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createSpinner } from 'nanospinner';
import { NAMESPACES } from '../cluster/resources';
import { Cluster, ClusterError } from '../cluster/types';
import { connect, KubeconfigError } from '../cluster/kube';
import { OperationError } from '../backup/operations';
import { Report, REPORT_SCHEMA, Section, exitCodeOf, verdictOf } from '../report/model';
import { renderReport, REPORT_FORMATS, ReportFormat } from '../report/render';
import { Clock, systemClock } from '../sim/clock';
import { SIMULATED_ANNOTATION } from '../sim/cluster';
import { startDemo } from '../sim/scenarios';
import { promDurationMs } from '../../common/duration';
import { sameFile } from '../../common/input-files';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress is shown only then). @default false */
  readonly interactive?: boolean;
}

/** A command-line mistake: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** The global flags of every cluster command. */
export interface GlobalOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly veleroNamespace: string;
  readonly output?: string;
  readonly format: ReportFormat;
  readonly quiet?: boolean;
  readonly color: boolean;
  readonly demo?: boolean;
  readonly timeout: string;
}

/** Adds the global flags to a command (each cluster command lists them in its own --help). */
export function withGlobalFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .option('-n, --namespace <name>', 'only what concerns this application namespace')
    .option('--velero-namespace <name>', "Velero's namespace", 'velero')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('text'))
    .option('--quiet', 'no progress on stderr')
    .option('--no-color', 'no colours in text output')
    .option('--timeout <duration>', 'how long to wait for the cluster (e.g. 90s, 10m)', '10m')
    .option('--demo', 'run against a seeded in-process simulated cluster (no cluster needed)');
}

/**
 * An option parser that refuses a second value (commander would keep the last silently):
 * `--plan a --plan b` names both and asks for one.
 */
export function once(flag: string): (value: string, previous: string | undefined) => string {
  return (value, previous) => {
    if (previous !== undefined) throw new InvalidArgumentError(`${flag} is given twice ("${previous}", then "${value}"); give it once`);
    return value;
  };
}

/** The file flags a command may carry, by option key (commander's camelCase) and flag. */
const INPUT_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['file', '-f'],
  ['plan', '--plan'],
  ['journal', '--journal'],
  ['slo', '--slo'],
  ['sloFrom', '--slo-from'],
];

/**
 * Refuses an `--output` that names one of the command's input files (`chaos run -f x.yaml
 * --output x.yaml` would replace the experiment with its report), before anything runs.
 */
export function refuseOutputOverInput(opts: { readonly output?: string }): void {
  if (!opts.output) return;
  const all = opts as unknown as Record<string, unknown>;
  for (const [key, flag] of INPUT_FLAGS) {
    const v = all[key];
    for (const input of Array.isArray(v) ? v : [v]) {
      if (typeof input === 'string' && input !== '' && fs.existsSync(input) && sameFile(opts.output, input))
        throw new UsageError(
          `--output ${opts.output} is the same file as ${flag} ${input} (the report would replace it); write the report to another file`,
        );
    }
  }
}

/** Parses a duration flag (`24h`, `30d`, `90m`, `1h30m`); a usage error names the flag. */
export function durationFlag(flag: string, value: string): number {
  const v = promDurationMs(value);
  if (v === undefined || v <= 0) throw new UsageError(`${flag} "${value}" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m`);
  return v;
}

/** Progress on stderr, only on a terminal and without --quiet. */
export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

export function progress(io: CliIo, opts: GlobalOptions): Progress {
  if (!io.interactive || opts.quiet) return { update: () => undefined, done: () => undefined };
  const spinner = createSpinner('', { stream: process.stderr }).start();
  return {
    update: (text) => spinner.update({ text }),
    done: (text) => (text ? spinner.success({ text }) : spinner.clear()),
  };
}

/** What a command body gets. */
export interface CommandContext {
  readonly cluster: Cluster;
  readonly clock: Clock;
  readonly options: GlobalOptions;
  readonly progress: Progress;
  readonly timeoutMs: number;
  /** The kubeconfig file in use (the demo's own with --demo); absent for the default lookup. */
  readonly kubeconfig?: string;
}

/** Builds a report from sections. */
export function makeReport(
  command: string,
  title: string,
  cluster: Cluster,
  simulated: boolean,
  clock: Clock,
  sections: readonly Section[],
  recommendations?: readonly string[],
): Report {
  return {
    schema: REPORT_SCHEMA,
    command,
    title,
    generatedAt: new Date(clock.now()).toISOString(),
    target: { context: cluster.target.context, server: cluster.target.server },
    simulated,
    sections,
    verdict: verdictOf(sections.flatMap((s) => s.checks)),
    ...(recommendations?.length ? { recommendations } : {}),
  };
}

/** True when the cluster is the simulation (it marks kube-system). */
export async function isSimulated(cluster: Cluster): Promise<boolean> {
  try {
    const ns = await cluster.get(NAMESPACES, 'kube-system');
    return ns?.metadata.annotations?.[SIMULATED_ANNOTATION] === 'true';
  } catch {
    return false;
  }
}

/**
 * Runs a cluster command: connect (or start the demo simulation), build the report with
 * `body`, render it, exit with 0/1/2. Every error is one line on stderr and exit code 2.
 */
export async function runClusterCommand(
  io: CliIo,
  name: string,
  opts: GlobalOptions,
  body: (ctx: CommandContext) => Promise<Report>,
  demo: () => Promise<DemoHandle> = startDemo,
): Promise<number> {
  let stopDemo: (() => Promise<void>) | undefined;
  const prog = progress(io, opts);
  try {
    refuseOutputOverInput(opts);
    const timeoutMs = durationFlag('--timeout', opts.timeout);
    let kubeconfig = opts.kubeconfig;
    if (opts.demo) {
      if (opts.kubeconfig || opts.context)
        throw new UsageError('--demo runs against its own simulated cluster; leave out --kubeconfig and --context');
      const started = await demo();
      stopDemo = () => started.stop();
      kubeconfig = started.kubeconfig;
    }
    const cluster = await connect({ kubeconfig, context: opts.demo ? undefined : opts.context, requestTimeoutMs: Math.min(timeoutMs, 30000) });
    prog.update(`${name}: reading ${cluster.target.server}`);
    const report = await body({ cluster, clock: systemClock, options: opts, progress: prog, timeoutMs, kubeconfig });
    prog.done();
    const text = renderReport(report, opts.format, { color: opts.color && !opts.output && opts.format === 'text' && io.interactive === true });
    if (opts.output) {
      try {
        fs.writeFileSync(opts.output, text);
      } catch (e) {
        throw new UsageError(`cannot write --output ${opts.output}: ${(e as Error).message.split('\n')[0]}`);
      }
    } else io.out(text);
    return exitCodeOf(report.verdict);
  } catch (e) {
    prog.done();
    if (e instanceof UsageError || e instanceof KubeconfigError || e instanceof OperationError || e instanceof ClusterError) {
      io.err(`cdk8s-resilience ${name}: ${e.message.split('\n')[0]}\n`);
      return 2;
    }
    io.err(`cdk8s-resilience ${name}: unexpected error: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
    return 2;
  } finally {
    if (stopDemo) await stopDemo();
  }
}

/** A running `--demo` simulation: its kubeconfig, and how to stop it. */
export interface DemoHandle {
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

/** Where a command's action leaves its exit code (commander actions return nothing). */
export interface CommandState {
  code: number;
}
