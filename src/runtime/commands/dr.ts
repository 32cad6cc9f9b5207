/**
 * `cdk8s-resilience dr drill|restore-test|check`: disaster recovery through Velero's API
 * objects, the runtime counterparts of the chapter's velero-dr-commands.sh (a drill with a
 * measured RTO), restore-validation.sh (a non-destructive restore test) and
 * disaster-recovery-plan.py (readiness with RPO and RTO verdicts).
 */
import * as path from 'path';
import { Command } from 'commander';
import { connect } from '../cluster/kube';
import { runDrCheck } from '../dr/check';
import { parseRtoTarget } from '../dr/common';
import { journalTargetContext, runDrDrill } from '../dr/drill';
import { DEFAULT_JOURNAL } from '../dr/journal';
import { runDrRestoreTest } from '../dr/restore-test';
import { SIM_DR_CONTEXT } from '../sim/cluster';
import { startDemo, startSimulatedPair } from '../sim/scenarios';
import { CliIo, CommandState, DemoHandle, durationFlag, GlobalOptions, once, runClusterCommand, UsageError, withGlobalFlags } from './common';

function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs `body` with an AbortSignal that SIGINT/SIGTERM fire; later signals are reported on stderr. */
async function withInterrupts<T>(io: CliIo, name: string, afterFirst: string, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const on = (sig: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      controller.abort(sig);
      io.err(`cdk8s-resilience ${name}: ${sig} received: ${afterFirst}\n`);
    } else io.err(`cdk8s-resilience ${name}: ${sig} received again: still finishing (see above)\n`);
  };
  const onInt = (): void => on('SIGINT');
  const onTerm = (): void => on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

interface DrillFlags extends GlobalOptions {
  namespaces?: string[];
  rtoTarget: string;
  yes?: boolean;
  keepArtifacts?: boolean;
  protect?: string[];
  chaosNamespace: string;
  journal?: string;
  resume?: boolean;
  targetContext?: string;
  history: boolean;
}

interface RestoreTestFlags extends GlobalOptions {
  backupName?: string;
  namespaces?: string[];
  rtoTarget: string;
  dryRun?: boolean;
  protect?: string[];
  chaosNamespace: string;
  history: boolean;
}

interface CheckFlags extends GlobalOptions {
  maxAge: string;
  rpoTarget: string;
  namespaceRpo?: string[];
  require?: string[];
  rtoTarget: string;
  maxMeasurementAge: string;
  plan?: string;
}

/** The DR demo: the seeded cluster, plus (for --target-context) a second one sharing its object store. */
async function drDemo(withSecondCluster: boolean): Promise<DemoHandle> {
  if (withSecondCluster) return startSimulatedPair();
  const sim = await startDemo();
  return { kubeconfig: sim.kubeconfig, stop: () => sim.stop() };
}

export function drCommand(io: CliIo, state: CommandState): Command {
  const dr = new Command('dr').description(
    'disaster recovery: drill, restore-test, check (velero-dr-commands.sh, restore-validation.sh, disaster-recovery-plan.py)',
  );

  withGlobalFlags(
    dr
      .command('drill')
      .description('backup → delete the namespaces → restore → verify, with the RTO measured from watch events (destructive: needs --yes)')
      .option('--namespaces <list>', 'namespaces to back up, delete and restore, comma-separated (repeatable; required)', collect)
      .option('--rto-target <target>', 'RTO target: seconds (600) or a duration (10m)', '600')
      .option('--yes', 'confirm that the drill deletes the namespaces (required)')
      .option('--keep-artifacts', "keep the drill's Backup and Restore objects (removed after a drill that passed otherwise)")
      .option('--protect <list>', 'more namespaces the drill must refuse (repeatable)', collect)
      .option('--chaos-namespace <name>', "Chaos Mesh's namespace (protected)", 'chaos-mesh')
      .option('--journal <file>', `the drill's journal (default: ${DEFAULT_JOURNAL}; with --demo, in the demo's directory)`, once('--journal'))
      .option('--resume', 'finish the drill recorded in the journal (a killed drill rolls forward to its restore)')
      .option(
        '--target-context <name>',
        'restore into the cluster of this kubeconfig context, which shares the backup storage location (a failover drill)',
      )
      .option('--no-history', 'do not keep the report in the history ConfigMap'),
  ).action(async (opts: DrillFlags) => {
    state.code = await runClusterCommand(
      io,
      'dr drill',
      opts,
      async (ctx) => {
        const rtoTargetSeconds = parseRtoTarget('--rto-target', opts.rtoTarget);
        const journal =
          opts.journal ?? (opts.demo && ctx.kubeconfig ? path.join(path.dirname(ctx.kubeconfig), 'dr-drill-journal.json') : DEFAULT_JOURNAL);
        const targetContext = opts.targetContext ?? (opts.resume ? journalTargetContext(journal) : undefined);
        if (opts.demo && targetContext && targetContext !== SIM_DR_CONTEXT)
          throw new UsageError(`--target-context: with --demo the second cluster's context is ${SIM_DR_CONTEXT}`);
        if (targetContext && targetContext === ctx.cluster.target.context)
          throw new UsageError(`--target-context ${targetContext} is the cluster the drill backs up; name another context of the kubeconfig`);
        const target = targetContext
          ? await connect({ kubeconfig: ctx.kubeconfig, context: targetContext, requestTimeoutMs: Math.min(ctx.timeoutMs, 30000) })
          : undefined;
        return withInterrupts(
          io,
          'dr drill',
          'before the deletion the drill stops; after it, the drill rolls forward to the restore and finishes (a killed drill leaves its journal for --resume)',
          (signal) =>
            runDrDrill(ctx.cluster, ctx.clock, {
              namespaces: splitList(opts.namespaces),
              rtoTargetSeconds,
              yes: opts.yes === true,
              keepArtifacts: opts.keepArtifacts === true,
              protect: splitList(opts.protect),
              veleroNamespace: opts.veleroNamespace,
              chaosNamespace: opts.chaosNamespace,
              journal,
              resume: opts.resume === true,
              timeoutMs: ctx.timeoutMs,
              target,
              signal,
              onProgress: (t) => ctx.progress.update(`dr drill: ${t}`),
              history: opts.history,
            }),
        );
      },
      () => drDemo(opts.targetContext !== undefined),
    );
  });

  withGlobalFlags(
    dr
      .command('restore-test')
      .description('restore a backup into temporary restore-test-<random> namespaces, check it works, measure it, remove it (non-destructive)')
      .option('--backup-name <name>', 'the backup to restore (default: the newest Completed backup)')
      .option('--namespaces <list>', "only these of the backup's namespaces (repeatable)", collect)
      .option('--rto-target <target>', 'RTO target: seconds (300) or a duration (5m)', '600')
      .option('--dry-run', 'print the plan (backup, namespace mapping, what is checked and deleted); change nothing')
      .option('--protect <list>', 'more namespaces never to restore (repeatable)', collect)
      .option('--chaos-namespace <name>', "Chaos Mesh's namespace (never restored)", 'chaos-mesh')
      .option('--no-history', 'do not keep the report in the history ConfigMap'),
  ).action(async (opts: RestoreTestFlags) => {
    state.code = await runClusterCommand(
      io,
      'dr restore-test',
      opts,
      async (ctx) => {
        const rtoTargetSeconds = parseRtoTarget('--rto-target', opts.rtoTarget);
        return withInterrupts(io, 'dr restore-test', 'stopping and removing the temporary namespaces and the Restore', (signal) =>
          runDrRestoreTest(ctx.cluster, ctx.clock, {
            backupName: opts.backupName,
            namespaces: splitList(opts.namespaces),
            rtoTargetSeconds,
            dryRun: opts.dryRun === true,
            veleroNamespace: opts.veleroNamespace,
            chaosNamespace: opts.chaosNamespace,
            protect: splitList(opts.protect),
            timeoutMs: ctx.timeoutMs,
            signal,
            onProgress: (t) => ctx.progress.update(`dr restore-test: ${t}`),
            history: opts.history && opts.dryRun !== true,
          }),
        );
      },
      () => drDemo(false),
    );
  });

  withGlobalFlags(
    dr
      .command('check')
      .description(
        'DR readiness: newest backup fresh and Completed, RPO per namespace, coverage, storage Available, RTO achievable, no unnoticed PartiallyFailed backup',
      )
      .option('--max-age <duration>', 'the newest backup must be younger than this', '24h')
      .option('--rpo-target <duration>', 'RPO of every namespace without its own', '1h')
      .option('--namespace-rpo <ns=duration>', 'an RPO for one namespace, e.g. production=15m (repeatable)', collect)
      .option('--require <list>', 'namespaces that must be covered by a schedule (repeatable)', collect)
      .option('--rto-target <target>', 'RTO target: seconds or a duration', '30m')
      .option('--max-measurement-age <duration>', 'the last measured drill or restore test must be younger than this', '30d')
      .option('--plan <dir>', 'read the Schedules from a synthesized directory (dist/) or YAML file instead of the cluster', once('--plan')),
  ).action(async (opts: CheckFlags) => {
    state.code = await runClusterCommand(
      io,
      'dr check',
      opts,
      async (ctx) => {
        const namespaceRpo: Record<string, number> = {};
        for (const kv of opts.namespaceRpo ?? []) {
          const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(.+)$/.exec(kv);
          if (!m) throw new UsageError(`--namespace-rpo "${kv}" must be NAMESPACE=DURATION, e.g. production=15m`);
          namespaceRpo[m[1]] = durationFlag(`--namespace-rpo ${m[1]}`, m[3]) / 1000;
        }
        return runDrCheck(ctx.cluster, ctx.clock, {
          veleroNamespace: opts.veleroNamespace,
          maxBackupAgeMs: durationFlag('--max-age', opts.maxAge),
          rpoTargetSeconds: durationFlag('--rpo-target', opts.rpoTarget) / 1000,
          namespaceRpo,
          require: splitList(opts.require),
          rtoTargetSeconds: parseRtoTarget('--rto-target', opts.rtoTarget),
          maxMeasurementAgeMs: durationFlag('--max-measurement-age', opts.maxMeasurementAge),
          plan: opts.plan,
        });
      },
      () => drDemo(false),
    );
  });

  return dr;
}
