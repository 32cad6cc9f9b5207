/**
 * The `cdk8s-resilience` command line, on commander. One explicit list of command groups
 * (slo, backup, dr, chaos, sim); each cluster command carries the shared global flags. The CLI never
 * imports cdk8s.
 */
import { Command, CommanderError } from 'commander';
import { LIBRARY_VERSION } from '../common/version';
import { backupCommand } from './commands/backup';
import { chaosCommand } from './commands/chaos';
import { drCommand } from './commands/dr';
import { CliIo, CommandState } from './commands/common';
import { simCommand } from './commands/sim';
import { sloCommand } from './commands/slo';

export type { CliIo } from './commands/common';

const stdio: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  // Progress only on a terminal, never in CI.
  interactive: process.stderr.isTTY === true && !process.env.CI,
};

/** Resolves when the process is asked to stop (SIGINT/SIGTERM): how `sim` runs in the foreground. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The command tree: every command group, listed here and nowhere else. */
export function buildProgram(io: CliIo, state: CommandState, waitForStop: () => Promise<void> = untilSignal): Command {
  const program = new Command('cdk8s-resilience')
    .description('Resilience automation for Kubernetes: SLOs, backups and disaster recovery, chaos.')
    .version(LIBRARY_VERSION, '--version', 'print the version')
    .helpOption('-h, --help', 'show help (also after a command: cdk8s-resilience <command> --help)')
    .enablePositionalOptions()
    .configureHelp({ subcommandTerm: (c) => c.name() });
  const groups = [sloCommand(io, state), backupCommand(io, state), drCommand(io, state), chaosCommand(io, state), simCommand(io, state, waitForStop)];
  for (const g of groups) program.addCommand(g);
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t), outputError: () => undefined });
    c.configureHelp({ subcommandTerm: (s) => s.name(), showGlobalOptions: false });
    c.commands.forEach(configure);
  };
  configure(program);
  return program;
}

function commandPath(c: Command | undefined): string {
  const names: string[] = [];
  for (let cur = c; cur; cur = cur.parent ?? undefined) names.unshift(cur.name());
  return names.join(' ');
}

/** Runs the CLI with `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = stdio): Promise<number> {
  const state: CommandState = { code: 0 };
  const program = buildProgram(io, state);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return 2;
  }
  let failing: Command | undefined;
  const track = (c: Command): void => {
    c.hook('preAction', (_t, actionCommand) => {
      failing = actionCommand;
    });
  };
  track(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return e.exitCode === 0 ? 0 : 2;
      const where = commandPath(findCommand(program, argv) ?? failing ?? program);
      const msg = e.message.replace(/^error: /, '');
      if (e.code === 'commander.unknownCommand') {
        io.err(`${where}: ${msg.replace(/\.$/, '')}; run ${where} --help for the list\n`);
      } else {
        io.err(`${where}: ${msg.split('\n')[0].replace(/\.$/, '')} (see ${where} --help)\n`);
      }
      return 2;
    }
    io.err(`cdk8s-resilience: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
    return 2;
  }
}

/** The deepest command named by the leading words of argv (for error messages). */
function findCommand(program: Command, argv: readonly string[]): Command | undefined {
  let cur: Command = program;
  for (const word of argv) {
    const next = cur.commands.find((c) => c.name() === word);
    if (!next) break;
    cur = next;
  }
  return cur;
}
