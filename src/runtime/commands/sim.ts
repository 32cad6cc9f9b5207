/**
 * `cdk8s-resilience sim`: a simulated cluster in the foreground, with its kubeconfig path
 * printed, so every command (and kubectl) can be tried without a cluster.
 */
import { Command, Option } from 'commander';
import { SimulatedCluster } from '../sim/cluster';
import { applyFault, FAULTS, seedBackupScenario } from '../sim/scenarios';
import { CliIo, CommandState, UsageError } from './common';

export function simCommand(io: CliIo, state: CommandState, waitForStop: () => Promise<void>): Command {
  return new Command('sim')
    .description('run a simulated cluster (Kubernetes API on 127.0.0.1, simulated Velero and workloads) and print its kubeconfig')
    .option('--demo', 'seed the demo scenario (schedules and backups: fresh, stale, partially failed)')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--dir <dir>', 'directory for the kubeconfig (default: a new temporary directory, removed on exit)')
    .option('--velero-namespace <name>', "Velero's namespace", 'velero')
    .addOption(new Option('--fault <name>', `inject a fault (repeatable): ${Object.keys(FAULTS).join(', ')}`).argParser((v: string, prev: string[] = []) => [...prev, v]))
    .addHelpText('after', `\nFaults:\n${Object.entries(FAULTS).map(([k, v]) => `  ${k.padEnd(26)}${v}`).join('\n')}\n\nEverything it reports is simulated; nothing here was measured on a real cluster.\n`)
    .action(async (opts: { demo?: boolean; port?: string; dir?: string; veleroNamespace: string; fault?: string[] }) => {
      try {
        const port = opts.port === undefined ? 0 : Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${opts.port}" is not a port number (0-65535)`);
        const sim = new SimulatedCluster({ port, dir: opts.dir, veleroNamespace: opts.veleroNamespace });
        for (const f of opts.fault ?? []) {
          try {
            applyFault(sim.faults, f);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
        }
        const kubeconfig = await sim.start();
        if (opts.demo) await seedBackupScenario(sim);
        io.out(
          [
            `simulated cluster (not a real one) listening on ${sim.url}`,
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
        await sim.stop();
        state.code = 0;
      } catch (e) {
        const msg = e instanceof UsageError ? e.message : `cannot start the simulated cluster: ${(e as Error).message}`;
        io.err(`cdk8s-resilience sim: ${msg.split('\n')[0]}\n`);
        state.code = 2;
      }
    });
}
