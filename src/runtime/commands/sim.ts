/**
 * `cdk8s-resilience sim`: a simulated cluster in the foreground, with its kubeconfig path
 * printed, so every command (and kubectl) can be tried without a cluster.
 */
import { Command, Option } from 'commander';
import { SIM_DR_CONTEXT, SimulatedCluster } from '../sim/cluster';
import { DEFAULT_TIMING } from '../sim/controller';
import { noFaults } from '../sim/faults';
import { applyFault, FAULTS, seedBackupScenario, startSimulatedPair } from '../sim/scenarios';
import { CliIo, CommandState, UsageError } from './common';

export function simCommand(io: CliIo, state: CommandState, waitForStop: () => Promise<void>): Command {
  return new Command('sim')
    .description('run a simulated cluster (Kubernetes API on 127.0.0.1, simulated Velero and workloads) and print its kubeconfig')
    .option('--demo', 'seed the demo scenario (schedules and backups: fresh, stale, partially failed)')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--dir <dir>', 'directory for the kubeconfig (default: a new temporary directory, removed on exit)')
    .option('--velero-namespace <name>', "Velero's namespace", 'velero')
    .option(
      '--dr-cluster',
      `also start a second cluster (context ${SIM_DR_CONTEXT}) whose Velero shares the object store: for dr drill --target-context`,
    )
    .addOption(
      new Option('--fault <name>', `inject a fault (repeatable): ${Object.keys(FAULTS).join(', ')}`).argParser((v: string, prev: string[] = []) => [
        ...prev,
        v,
      ]),
    )
    .addHelpText(
      'after',
      `\nFaults:\n${Object.entries(FAULTS)
        .map(([k, v]) => `  ${k.padEnd(26)}${v}`)
        .join('\n')}\n\nEverything it reports is simulated; nothing here was measured on a real cluster.\n`,
    )
    .action(async (opts: { demo?: boolean; port?: string; dir?: string; veleroNamespace: string; fault?: string[]; drCluster?: boolean }) => {
      try {
        const port = opts.port === undefined ? 0 : Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${opts.port}" is not a port number (0-65535)`);
        for (const f of opts.fault ?? []) {
          try {
            applyFault(noFaults(), f);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
        }
        let sim: SimulatedCluster;
        let kubeconfig: string;
        let stop: () => Promise<void>;
        if (opts.drCluster) {
          const pair = await startSimulatedPair({
            port,
            dir: opts.dir,
            veleroNamespace: opts.veleroNamespace,
            timing: DEFAULT_TIMING,
            seed: opts.demo === true,
          });
          sim = pair.primary;
          kubeconfig = pair.kubeconfig;
          stop = () => pair.stop();
        } else {
          sim = new SimulatedCluster({ port, dir: opts.dir, veleroNamespace: opts.veleroNamespace });
          kubeconfig = await sim.start();
          if (opts.demo) await seedBackupScenario(sim);
          stop = () => sim.stop();
        }
        for (const f of opts.fault ?? []) applyFault(sim.faults, f);
        io.out(
          [
            `simulated cluster (not a real one) listening on ${sim.url}`,
            ...(opts.drCluster ? [`second simulated cluster (context ${SIM_DR_CONTEXT}, sharing the object store) in the same kubeconfig`] : []),
            `kubeconfig: ${kubeconfig}`,
            '',
            'try:',
            `  kubectl --kubeconfig ${kubeconfig} get backups.velero.io -A`,
            `  cdk8s-resilience backup report --kubeconfig ${kubeconfig}`,
            '',
            'stop with Ctrl-C',
            '',
          ].join('\n'),
        );
        await waitForStop();
        await stop();
        state.code = 0;
      } catch (e) {
        const msg = e instanceof UsageError ? e.message : `cannot start the simulated cluster: ${(e as Error).message}`;
        io.err(`cdk8s-resilience sim: ${msg.split('\n')[0]}\n`);
        state.code = 2;
      }
    });
}
