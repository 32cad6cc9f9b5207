/**
 * `cdk8s-resilience slo generate|validate`: the Sloth-compatible commands. Their flags are
 * parsed by the slo module itself (Sloth's spellings, messages and exit code 1), so the
 * command tree passes their arguments through untouched.
 */
import { Command } from 'commander';
import { runSlo, SLO_GENERATE_HELP, SLO_HELP, SLO_VALIDATE_HELP } from '../slo';
import { CliIo, CommandState } from './common';

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
    .description('generate Prometheus SLO rules from Sloth or OpenSLO specs (drop-in for sloth generate|validate)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[subcommand]')
    .argument('[args...]')
    .action(async (sub: string | undefined, args: string[]) => {
      if (sub === '--help' || sub === '-h' || sub === 'help' || (sub === undefined && wantsHelp(args))) {
        io.out(SLO_HELP);
        state.code = 0;
        return;
      }
      state.code = await runSlo(sub, args, io);
    });
  slo.addCommand(passThrough('generate', 'Prometheus rules from spec files (sloth generate)', SLO_GENERATE_HELP, io, state));
  slo.addCommand(passThrough('validate', 'check spec files (sloth validate)', SLO_VALIDATE_HELP, io, state));
  return slo;
}
