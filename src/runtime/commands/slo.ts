/**
 * `cdk8s-resilience slo generate|validate`: the Sloth-compatible commands. Their flags are
 * parsed by the slo module itself (Sloth's spellings, messages and exit code 1), so the
 * command tree passes their arguments through untouched.
 */
import { Command } from 'commander';
import { runSlo, SLO_GENERATE_HELP, SLO_HELP, SLO_VALIDATE_HELP } from '../slo';
import { CliIo, CommandState } from './common';
import { sloRuntimeCommands } from './slo-runtime';

/** The part of `slo --help` about the commands that read Prometheus. */
export const SLO_RUNTIME_HELP = `
Against Prometheus (exit codes 0 passed, 1 failed, 2 could not decide):
  cdk8s-resilience slo gate   --slo FILE|--slo-from DIR [--min-budget 20%] [--service S] [--slo NAME]
                              [--on-missing-data pass|fail] [--prometheus-url URL] [--format text|markdown|json|junit]
  cdk8s-resilience slo report --slo FILE|--slo-from DIR [--format text|markdown|json|junit|html] [--output FILE]
  Both take --demo (a simulated demo app scraped by a real Prometheus; slo gate --demo --demo-scenario outage
  injects an outage first). See cdk8s-resilience slo gate --help.
`;

function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

function passThrough(name: string, description: string, help: string, io: CliIo, state: CommandState): Command {
  return new Command(name)
    .description(description)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => {
      if (wantsHelp(args)) {
        io.out(help);
        state.code = 0;
        return;
      }
      state.code = await runSlo(name, args, io);
    });
}

export function sloCommand(io: CliIo, state: CommandState): Command {
  const slo = new Command('slo')
    .description(
      'generate Prometheus SLO rules from Sloth or OpenSLO specs (drop-in for sloth generate|validate); gate deploys on error budgets and report SLOs from Prometheus',
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[subcommand]')
    .argument('[args...]')
    .action(async (sub: string | undefined, args: string[]) => {
      if (sub === '--help' || sub === '-h' || sub === 'help' || (sub === undefined && wantsHelp(args))) {
        io.out(SLO_HELP + SLO_RUNTIME_HELP);
        state.code = 0;
        return;
      }
      state.code = await runSlo(sub, args, io);
    });
  slo.addCommand(passThrough('generate', 'Prometheus rules from spec files (sloth generate)', SLO_GENERATE_HELP, io, state));
  slo.addCommand(passThrough('validate', 'check spec files (sloth validate)', SLO_VALIDATE_HELP, io, state));
  for (const c of sloRuntimeCommands(io, state)) slo.addCommand(c);
  return slo;
}
