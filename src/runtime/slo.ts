/**
 * `cdk8s-resilience slo generate|validate`: Sloth v0.16's `generate` and `validate` for
 * Sloth and OpenSLO spec files, without the Sloth binary. Uses the pure SLO modules only
 * (never cdk8s): spec loaders, then rule generation, then rendering.
 */
import * as fs from 'fs';
import * as path from 'path';
import { alertWindowsCatalog, loadAlertWindowsDirectory } from '../slo/alert-window-files';
import { ErrorBudgetExhaustedAlertConfig, sloPluginFromDeclaration } from '../slo/error-budget-alert';
import { LoadedSpec, loadSpecFile, specProblems, specRuleGroups } from '../slo/spec-documents';
import { specWarnings } from '../slo/spec-warnings';
import { discoverSpecFiles, formatSpecProblem, SpecLoadError, SpecPathFilter, SpecProblem, specProblemOf } from '../slo/spec-files';
import { fsErrorText, InputFileError, OutputFile, PatternError, re2Pattern, realPathOf, sameFile, writeFilesAtomically } from '../common/input-files';
import { SloOutput } from '../slo/output';
import { AlertWindowsCatalog } from '../slo/windows';
import { MANAGED_BY, MANAGED_BY_LABEL, SLO_RULES_LABELS } from '../common/conventions';
import { LIBRARY_VERSION } from '../common/version';
import { CliIo } from './commands/common';
import { formatPromDuration, promDurationMs } from '../common/duration';

/** A command-line mistake: reported as one line, exit code 1 (as Sloth does). */
export class CliUsageError extends Error {}

type FlagKind = 'bool' | 'string' | 'multi';
interface FlagSpec {
  readonly kind: FlagKind;
  readonly short?: string;
}

/** Parsed flags: booleans, last-wins strings, and repeated values. */
export interface ParsedFlags {
  readonly bools: Set<string>;
  readonly strings: Map<string, string>;
  readonly multi: Map<string, string[]>;
}

/** Parses `--flag value`, `--flag=value` and `-x value`; unknown flags and stray words are errors. */
export function parseFlags(args: readonly string[], spec: Readonly<Record<string, FlagSpec>>, command: string): ParsedFlags {
  const out: ParsedFlags = { bools: new Set(), strings: new Map(), multi: new Map() };
  const byShort = new Map(
    Object.entries(spec)
      .filter(([, s]) => s.short)
      .map(([n, s]) => [s.short!, n]),
  );
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq > 0 ? a.slice(eq + 1) : undefined;
    } else if (/^-[A-Za-z]$/.test(a)) {
      name = byShort.get(a.slice(1));
      if (!name) throw new CliUsageError(`unknown flag "${a}" for "${command}"; run cdk8s-resilience slo --help for the flags`);
    } else {
      throw new CliUsageError(`unexpected argument "${a}" for "${command}"; give files with --input`);
    }
    const s = spec[name];
    if (!s) throw new CliUsageError(`unknown flag "--${name}" for "${command}"; run cdk8s-resilience slo --help for the flags`);
    if (s.kind === 'bool') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false')
        throw new CliUsageError(`--${name} takes no value (or =true/=false), got "${inline}"`);
      if (inline === 'false') out.bools.delete(name);
      else out.bools.add(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length || (args[i + 1].startsWith('-') && args[i + 1] !== '-')) throw new CliUsageError(`--${name} needs a value`);
      value = args[++i];
    }
    if (s.kind === 'string') {
      // As Sloth (its flag parser refuses a single-valued flag given twice): never drop a value silently.
      const first = out.strings.get(name);
      if (first !== undefined) throw new CliUsageError(`--${name} is given twice ("${first}", then "${value}"); it takes one value: give it once`);
      out.strings.set(name, value);
    } else out.multi.set(name, [...(out.multi.get(name) ?? []), value]);
  }
  return out;
}

function parseExtraLabels(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`--extra-labels expects key=value, got "${v}"`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function parseRegex(flag: string, v: string | undefined): SpecPathFilter | undefined {
  if (v === undefined || v === '') return undefined;
  try {
    return re2Pattern(v);
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    throw new CliUsageError(
      `--${flag} "${v}" is not a valid RE2 regular expression (${e.reason}); use RE2 syntax, as Go and Sloth do (no lookaround or backreferences)`,
    );
  }
}

interface CommonSetup {
  readonly periodMs: number;
  readonly catalog: AlertWindowsCatalog;
  readonly extraLabels: Record<string, string>;
  readonly exhausted: ErrorBudgetExhaustedAlertConfig[];
}

/** Period, windows, extra labels and app-level plugins, shared by generate and validate. */
function commonSetup(f: ParsedFlags): CommonSetup {
  const periodText = f.strings.get('default-slo-period') ?? '30d';
  const periodMs = promDurationMs(periodText);
  if (periodMs === undefined || periodMs === 0)
    throw new CliUsageError(`--default-slo-period "${periodText}" is not a Prometheus duration (e.g. 30d, 28d, 4w)`);
  const windowsPath = f.strings.get('slo-period-windows-path');
  const catalog = alertWindowsCatalog(windowsPath !== undefined ? loadAlertWindowsDirectory(windowsPath) : undefined);
  if (!catalog.get(periodMs)) {
    const available = catalog.periods().map((p) => formatPromDuration(promDurationMs(p) ?? 0, { largestUnit: 'd' }));
    throw new CliUsageError(
      `no alert windows for the default SLO period ${formatPromDuration(periodMs, { largestUnit: 'd' })} (available: ${available.join(', ')}); ` +
        (windowsPath ? `add an AlertWindows file for it to ${windowsPath}` : 'use --slo-period-windows-path with an AlertWindows file for it'),
    );
  }
  const exhausted: ErrorBudgetExhaustedAlertConfig[] = [];
  for (const raw of f.multi.get('slo-plugins') ?? []) {
    let decl: unknown;
    try {
      decl = JSON.parse(raw) as unknown;
    } catch {
      throw new CliUsageError(
        `--slo-plugins expects JSON like '{"id": "sloth.dev/contrib/error_budget_exhausted_alert/v1", "config": {}}', got ${raw}`,
      );
    }
    const r = sloPluginFromDeclaration(decl);
    if (r.problem) throw new CliUsageError(`--slo-plugins: ${r.problem.problem}; ${r.problem.fix}`);
    exhausted.push(r.config!);
  }
  if (f.bools.has('error-budget-exhausted-alert')) exhausted.push({});
  return { periodMs, catalog, extraLabels: parseExtraLabels(f.multi.get('extra-labels') ?? []), exhausted };
}

function statInput(input: string | undefined): fs.Stats {
  if (input === undefined || input === '') throw new CliUsageError('--input is required (a spec file or a directory of them)');
  try {
    return fs.statSync(input);
  } catch (e) {
    const t = fsErrorText(e);
    throw new CliUsageError(`cannot read --input ${input}: ${t.problem}; ${t.fix}`);
  }
}

/** `dev:ino` of an existing file, for telling hard links apart; undefined when it does not exist. */
function inodeOf(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `inode:${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function disclaimer(version: string): string {
  return `\n---\n# Code generated by cdk8s-resilience (${version}) slo generate: drop-in for Sloth v0.16.\n# DO NOT EDIT.\n\n`;
}

/** The output of one loaded spec: a rules file, or a PrometheusRule for a PrometheusServiceLevel. */
function renderSpec(spec: LoadedSpec, setup: CommonSetup, f: ParsedFlags, version: string): { text?: string; problem?: SpecProblem } {
  const groups = specRuleGroups(spec, setup.catalog, {
    version,
    defaultPeriodMs: setup.periodMs,
    extraLabels: setup.extraLabels,
    disableAlerts: f.bools.has('disable-alerts'),
    disableRecordings: f.bools.has('disable-recordings'),
    exhaustedAlerts: setup.exhausted,
  });
  if (groups.length === 0 && !spec.kubernetes) {
    return {
      problem: {
        file: spec.file,
        document: spec.document,
        line: spec.line,
        field: '',
        problem: '0 rules generated',
        fix: 'drop --disable-alerts or --disable-recordings',
      },
    };
  }
  // As Sloth does: a PrometheusServiceLevel becomes a PrometheusRule, any other spec a rules file.
  const k = spec.kubernetes;
  const output = k ? SloOutput.prometheusRule() : SloOutput.rulesFile();
  const metadata = {
    name: k?.name ?? '',
    ...(k?.namespace ? { namespace: k.namespace } : {}),
    // The PrometheusServiceLevel's labels, then the component and the manager, as Sloth writes them.
    labels: { ...(k?.labels ?? {}), ...SLO_RULES_LABELS, [MANAGED_BY_LABEL]: MANAGED_BY },
    ...(k?.annotations && Object.keys(k.annotations).length ? { annotations: k.annotations } : {}),
  };
  return { text: disclaimer(version) + output.text({ metadata, ruleGroups: () => groups }) };
}

const GENERATE_FLAGS: Record<string, FlagSpec> = {
  input: { kind: 'string', short: 'i' },
  out: { kind: 'string', short: 'o' },
  'fs-exclude': { kind: 'string', short: 'e' },
  'fs-include': { kind: 'string', short: 'n' },
  'extra-labels': { kind: 'multi', short: 'l' },
  'disable-recordings': { kind: 'bool' },
  'disable-alerts': { kind: 'bool' },
  'slo-period-windows-path': { kind: 'string' },
  'default-slo-period': { kind: 'string' },
  'slo-plugins': { kind: 'multi', short: 's' },
  'error-budget-exhausted-alert': { kind: 'bool' },
};

const VALIDATE_FLAGS: Record<string, FlagSpec> = {
  input: { kind: 'string', short: 'i' },
  'fs-exclude': { kind: 'string', short: 'e' },
  'fs-include': { kind: 'string', short: 'n' },
  'extra-labels': { kind: 'multi', short: 'l' },
  'slo-period-windows-path': { kind: 'string' },
  'default-slo-period': { kind: 'string' },
  'slo-plugins': { kind: 'multi', short: 's' },
  'error-budget-exhausted-alert': { kind: 'bool' },
  'ignore-slo-duplicates': { kind: 'bool' },
};

/** Loads and checks files; returns the loaded specs per file and every problem. */
function loadAndCheck(
  files: readonly string[],
  setup: CommonSetup,
  warn: (text: string) => void,
): { loaded: Array<[string, LoadedSpec[]]>; problems: SpecProblem[]; invalid: Set<LoadedSpec> } {
  const loaded: Array<[string, LoadedSpec[]]> = [];
  const problems: SpecProblem[] = [];
  const invalid = new Set<LoadedSpec>();
  for (const file of files) {
    try {
      const specs = loadSpecFile(file, { flag: '--input' });
      for (const s of specs) {
        const found = specProblems(s, setup.catalog, { defaultPeriodMs: setup.periodMs, extraLabels: setup.extraLabels });
        if (found.length) invalid.add(s);
        for (const w of specWarnings(s, { defaultPeriodMs: setup.periodMs })) warn(`warning: ${formatSpecProblem(w)}\n`);
        problems.push(...found);
      }
      loaded.push([file, specs]);
    } catch (e) {
      if (!(e instanceof SpecLoadError)) throw e;
      problems.push(...e.problems);
    }
  }
  return { loaded, problems, invalid };
}

/** `slo generate`. */
export async function sloGenerate(args: readonly string[], io: CliIo): Promise<number> {
  const f = parseFlags(args, GENERATE_FLAGS, 'slo generate');
  const input = f.strings.get('input');
  const st = statInput(input);
  const out = f.strings.get('out') ?? '-';
  const setup = commonSetup(f);
  const version = LIBRARY_VERSION;
  let files: string[];
  let outFor: (file: string) => string;
  const directory = st.isDirectory();
  if (directory) {
    let ost: fs.Stats | undefined;
    try {
      ost = out === '-' ? undefined : fs.statSync(out);
    } catch {
      ost = undefined;
    }
    if (!ost?.isDirectory())
      throw new CliUsageError(`--out must be an existing directory when --input is a directory (got ${out === '-' ? 'stdout' : out})`);
    if (realPathOf(out) === realPathOf(input!)) throw new CliUsageError(`--input and --out cannot be the same directory: ${path.resolve(out)}`);
    files = discoverSpecFiles(input!, {
      include: parseRegex('fs-include', f.strings.get('fs-include')),
      exclude: parseRegex('fs-exclude', f.strings.get('fs-exclude')),
      flag: '--input',
    });
    if (files.length === 0) throw new CliUsageError(`no SLO spec files (.yaml/.yml) found under ${input}`);
    outFor = (file) => path.join(out, path.relative(input!, file));
  } else {
    files = [input!];
    outFor = () => out;
    if (out !== '-' && sameFile(out, input!))
      throw new CliUsageError(`--out ${out} is the same file as --input ${input} (writing would replace the spec); write the rules to another file`);
  }
  const { loaded, problems } = loadAndCheck(files, setup, (t) => io.err(t));
  const outputs = new Map<string, string>();
  if (problems.length === 0) {
    for (const [file, specs] of loaded) {
      const target = outFor(file);
      for (const s of specs) {
        const r = renderSpec(s, setup, f, version);
        if (r.problem) problems.push(r.problem);
        else outputs.set(target, (outputs.get(target) ?? '') + r.text);
      }
    }
  }
  if (directory && problems.length === 0) {
    // No output may replace a spec this run reads (an --out inside --input, or links).
    // Indexed by real path and by inode, so that the check is linear in the number of files.
    const inputs = new Map<string, string>();
    for (const file of files) {
      inputs.set(realPathOf(file), file);
      const id = inodeOf(file);
      if (id) inputs.set(id, file);
    }
    for (const target of outputs.keys()) {
      const id = inodeOf(target);
      const hit = inputs.get(realPathOf(target)) ?? (id ? inputs.get(id) : undefined);
      if (hit !== undefined)
        problems.push({
          file: target,
          field: '--out',
          problem: `the output file is the input spec ${hit} (writing would replace it); nothing was written`,
          fix: 'give an --out directory outside --input',
        });
    }
  }
  if (problems.length) {
    // One line per problem; nothing is written.
    for (const p of problems) io.err(`${formatSpecProblem(p)}\n`);
    return 1;
  }
  const toWrite: OutputFile[] = [];
  for (const [target, text] of outputs) {
    if (target === '-') io.out(text);
    else toWrite.push({ path: target, content: text });
  }
  if (toWrite.length) {
    try {
      // All or nothing: temporary files beside the targets, then renames.
      writeFilesAtomically(toWrite, { flag: '--out', allowSpecial: !directory });
    } catch (e) {
      if (e instanceof InputFileError) throw new SpecLoadError([specProblemOf(e.problem)]);
      throw e;
    }
  }
  return 0;
}

/** `slo validate`. */
export async function sloValidate(args: readonly string[], io: CliIo): Promise<number> {
  const f = parseFlags(args, VALIDATE_FLAGS, 'slo validate');
  const input = f.strings.get('input');
  statInput(input);
  const setup = commonSetup(f);
  const files = discoverSpecFiles(input!, {
    include: parseRegex('fs-include', f.strings.get('fs-include')),
    exclude: parseRegex('fs-exclude', f.strings.get('fs-exclude')),
    flag: '--input',
  });
  if (files.length === 0) throw new CliUsageError(`no SLO spec files (.yaml/.yml) found at ${input}`);
  const { loaded, problems, invalid } = loadAndCheck(files, setup, (t) => io.err(t));
  let documents = 0;
  let slos = 0;
  const ids = new Map<string, string>();
  for (const [file, specs] of loaded) {
    for (const s of specs) {
      documents++;
      slos += s.spec.slos.length;
      // As Sloth: only specs that are valid take part in the duplicate check.
      if (f.bools.has('ignore-slo-duplicates') || invalid.has(s)) continue;
      s.spec.slos.forEach((slo, i) => {
        const id = `${s.spec.service}-${slo.name}`;
        const first = ids.get(id);
        if (first === undefined) ids.set(id, `${file}:${s.locate(i, 'name').line}`);
        else {
          const where = s.locate(i, 'name');
          problems.push({
            file,
            document: s.document,
            line: where.line,
            slo: slo.name,
            field: where.field,
            problem: `SLO service "${s.spec.service}", name "${slo.name}" (id ${id}) is already defined at ${first}`,
            fix: 'rename one of them, or pass --ignore-slo-duplicates',
          });
        }
      });
    }
  }
  if (problems.length) {
    for (const p of problems) io.err(`${formatSpecProblem(p)}\n`);
    const badFiles = new Set(problems.map((p) => p.file)).size;
    io.err(
      `slo validate: validation failed: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${badFiles} of ${files.length} file${files.length === 1 ? '' : 's'}\n`,
    );
    return 1;
  }
  io.out(
    `slo validate: ${files.length} file${files.length === 1 ? '' : 's'}, ${documents} spec${documents === 1 ? '' : 's'}, ${slos} SLO${slos === 1 ? '' : 's'}: valid\n`,
  );
  return 0;
}

/** Help of \`slo\` (both subcommands). */
export const SLO_HELP = `Usage:
  cdk8s-resilience slo generate --input FILE|DIR [--out FILE|DIR] [flags]
  cdk8s-resilience slo validate --input FILE|DIR [flags]

Sloth v0.16's generate and validate, without the Sloth binary. Reads Sloth
"prometheus/v1" specs, Kubernetes "sloth.slok.dev/v1" PrometheusServiceLevel objects and
OpenSLO "openslo/v1alpha" SLO documents (ratio metrics; target is a fraction, 0.999), one
or more YAML documents per file. Writes a Prometheus rules file for prometheus/v1 and
OpenSLO input, and a PrometheusRule (monitoring.coreos.com/v1) for PrometheusServiceLevel
input. Output is the same as \`sloth generate\` for the same input and flags.

generate flags:
  -i, --input FILE|DIR             spec file, or directory searched recursively for .yaml/.yml
  -o, --out FILE|DIR               output file, or directory when --input is one (default: - for stdout)
  -n, --fs-include REGEX           with a directory: only load matching paths
  -e, --fs-exclude REGEX           with a directory: skip matching paths (wins over --fs-include)
  -l, --extra-labels KEY=VALUE     label added to every rule (repeatable)
      --disable-alerts             leave out alert rules
      --disable-recordings         leave out recording rules
      --default-slo-period PERIOD  SLO period for specs without one (default: 30d; built in: 30d, 28d)
      --slo-period-windows-path DIR
                                   directory of Sloth AlertWindows files (replaces the built-in windows)
      --error-budget-exhausted-alert
                                   also alert when an SLO's period error budget is used up
  -s, --slo-plugins JSON           Sloth SLO plugin declaration (repeatable); supported:
                                   {"id":"sloth.dev/contrib/error_budget_exhausted_alert/v1","config":{...}}

validate flags:
  -i, --input FILE|DIR             spec file or directory (searched recursively for .yaml/.yml)
  -n, --fs-include REGEX, -e, --fs-exclude REGEX, -l, --extra-labels KEY=VALUE,
      --default-slo-period PERIOD, --slo-period-windows-path DIR, -s, --slo-plugins JSON,
      --error-budget-exhausted-alert
                                   as for generate
      --ignore-slo-duplicates      do not report the same service and SLO name in two specs

Exit codes: 0 success; 1 invalid input, invalid specs or failed validation (nothing is
written then). Each problem is one line on stderr: file:line: document, SLO, field, what
is wrong and how to fix it.

Examples:
  # replaces: sloth generate -i slos/auth-service.yaml -o rules/auth-service.rules.yaml
  cdk8s-resilience slo generate -i slos/auth-service.yaml -o rules/auth-service.rules.yaml
  cdk8s-resilience slo generate -i slos/ -o rules/ --extra-labels team=platform
  cdk8s-resilience slo generate -i slos/ -o rules/ --default-slo-period 7d --slo-period-windows-path windows/
  cdk8s-resilience slo validate -i slos/ --fs-exclude '_test'
`;

/** Help of `slo generate` alone. */
export const SLO_GENERATE_HELP = `Usage:
  cdk8s-resilience slo generate --input FILE|DIR [--out FILE|DIR] [flags]

Sloth v0.16's generate, without the Sloth binary: Prometheus rules (or a PrometheusRule
for PrometheusServiceLevel input) from Sloth or OpenSLO spec files, the same output as
\`sloth generate\` for the same input and flags.

Flags:
  -i, --input FILE|DIR             spec file, or directory searched recursively for .yaml/.yml
  -o, --out FILE|DIR               output file, or directory when --input is one (default: - for stdout)
  -n, --fs-include REGEX           with a directory: only load matching paths
  -e, --fs-exclude REGEX           with a directory: skip matching paths (wins over --fs-include)
  -l, --extra-labels KEY=VALUE     label added to every rule (repeatable)
      --disable-alerts             leave out alert rules
      --disable-recordings         leave out recording rules
      --default-slo-period PERIOD  SLO period for specs without one (default: 30d; built in: 30d, 28d)
      --slo-period-windows-path DIR
                                   directory of Sloth AlertWindows files (replaces the built-in windows)
      --error-budget-exhausted-alert
                                   also alert when an SLO's period error budget is used up
  -s, --slo-plugins JSON           Sloth SLO plugin declaration (repeatable); supported:
                                   {"id":"sloth.dev/contrib/error_budget_exhausted_alert/v1","config":{...}}

Exit codes: 0 success; 1 invalid input or invalid specs (nothing is written then).

Examples:
  cdk8s-resilience slo generate -i slos/auth-service.yaml -o rules/auth-service.rules.yaml
  cdk8s-resilience slo generate -i slos/ -o rules/ --extra-labels team=platform
`;

/** Help of `slo validate` alone. */
export const SLO_VALIDATE_HELP = `Usage:
  cdk8s-resilience slo validate --input FILE|DIR [flags]

Sloth v0.16's validate: loads every spec and checks it as generate would, plus duplicate
SLOs across files.

Flags:
  -i, --input FILE|DIR             spec file or directory (searched recursively for .yaml/.yml)
  -n, --fs-include REGEX           only load matching paths
  -e, --fs-exclude REGEX           skip matching paths (wins over --fs-include)
  -l, --extra-labels KEY=VALUE     label added to every rule (repeatable)
      --default-slo-period PERIOD  SLO period for specs without one (default: 30d)
      --slo-period-windows-path DIR
                                   directory of Sloth AlertWindows files
  -s, --slo-plugins JSON           Sloth SLO plugin declaration (repeatable)
      --error-budget-exhausted-alert
                                   validate with the exhausted-budget alert on
      --ignore-slo-duplicates      do not report the same service and SLO name in two specs

Exit codes: 0 valid; 1 invalid input or failed validation. Each problem is one line on
stderr: file:line: document, SLO, field, what is wrong and how to fix it.

Examples:
  cdk8s-resilience slo validate -i slos/ --fs-exclude '_test'
`;

/** Runs `slo <sub> args` with Sloth's exit codes (1 for any usage or spec problem). */
export async function runSlo(sub: string | undefined, rest: readonly string[], io: CliIo): Promise<number> {
  try {
    if (sub === 'generate') return await sloGenerate(rest, io);
    if (sub === 'validate') return await sloValidate(rest, io);
    if (sub === undefined) throw new CliUsageError('a subcommand is required: generate or validate (see cdk8s-resilience slo --help)');
    throw new CliUsageError(`unknown subcommand "${sub}": use generate, validate, gate or report (see cdk8s-resilience slo --help)`);
  } catch (e) {
    if (e instanceof CliUsageError) {
      io.err(`cdk8s-resilience slo${sub === 'generate' || sub === 'validate' ? ` ${sub}` : ''}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof SpecLoadError) {
      for (const p of e.problems) io.err(`${formatSpecProblem(p)}\n`);
      return 1;
    }
    throw e;
  }
}
