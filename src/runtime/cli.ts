/**
 * The `cdk8s-resilience` command line. Each command is a module under src/runtime that
 * registers itself here; the CLI never imports cdk8s.
 */
import { LIBRARY_VERSION } from '../common/version';

/** A CLI command: a name, a one-line summary, help text, and a handler returning an exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Where a command writes; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

const commands: Command[] = [];

/** Adds a command to the CLI. */
export function registerCommand(c: Command): void {
  commands.push(c);
}

function usage(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  return [
    'Usage: cdk8s-resilience <command> [options]',
    '',
    'Resilience automation for Kubernetes: SLOs, backups and disaster recovery, chaos.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help     show help (also after a command: cdk8s-resilience <command> --help)',
    '  --version  print the version',
    '',
  ].join('\n');
}

/** Runs the CLI with `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = stdio): Promise<number> {
  loadCommands();
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === 'version') {
    io.out(`${LIBRARY_VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === first);
  if (!cmd) {
    io.err(`cdk8s-resilience: unknown command "${first}"; run cdk8s-resilience --help for the list\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.help.endsWith('\n') ? cmd.help : `${cmd.help}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    io.err(`cdk8s-resilience ${cmd.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

let loaded = false;
function loadCommands(): void {
  if (loaded) return;
  loaded = true;
  // Command modules register themselves when imported; add new ones to ./commands.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./commands');
}
