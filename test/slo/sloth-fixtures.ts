/**
 * Sloth golden cases from test/fixtures/sloth (see its README): reading them, and normalising both
 * sides as the fixtures' README says (not compared: the "Code generated" comment, the
 * values of sloth_version and sloth_mode on sloth_slo_info, and the value of the
 * app.kubernetes.io/managed-by label on Kubernetes objects).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

export const SLOTH_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'sloth', 'v0.16.0');

export interface SlothCase {
  readonly name: string;
  readonly input: string;
  readonly expected: string;
  readonly args: string[];
  readonly inputPath: string;
}

export function slothFixtureCases(): SlothCase[] {
  return fs
    .readdirSync(SLOTH_FIXTURES)
    .filter((d) => fs.existsSync(path.join(SLOTH_FIXTURES, d, 'expected.yaml')))
    .sort()
    .map((name) => {
      const dir = path.join(SLOTH_FIXTURES, name);
      const argsFile = path.join(dir, 'args');
      return {
        name,
        inputPath: path.join(dir, 'input.yaml'),
        input: fs.readFileSync(path.join(dir, 'input.yaml'), 'utf8'),
        expected: fs.readFileSync(path.join(dir, 'expected.yaml'), 'utf8'),
        args: fs.existsSync(argsFile) ? fs.readFileSync(argsFile, 'utf8').trim().split(/\s+/).filter(Boolean) : [],
      };
    });
}

/** The flags of a case, parsed. */
export function caseFlags(args: string[]): {
  period: string;
  disableAlerts: boolean;
  disableRecordings: boolean;
  extraLabels: Record<string, string>;
} {
  const out = { period: '30d', disableAlerts: false, disableRecordings: false, extraLabels: {} as Record<string, string> };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--default-slo-period') out.period = args[++i];
    else if (a === '--disable-alerts') out.disableAlerts = true;
    else if (a === '--disable-recordings') out.disableRecordings = true;
    else if (a === '--extra-labels') {
      const [k, ...v] = args[++i].split('=');
      out.extraLabels[k] = v.join('=');
    } else throw new Error(`fixture flag not understood: ${a}`);
  }
  return out;
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function normaliseRules(groups: Json[]): void {
  for (const g of groups ?? []) {
    for (const r of g.rules ?? []) {
      if (r.record === 'sloth_slo_info' && r.labels) {
        for (const l of ['sloth_version', 'sloth_mode']) if (l in r.labels) r.labels[l] = '<ignored>';
      }
    }
  }
}

/** Parses a multi-document YAML output and normalises it for comparison. */
export function normaliseOutput(text: string): Json[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJSON())
    .filter((d) => d !== null && d !== undefined)
    .map((doc: Json) => {
      if (doc.kind === 'PrometheusRule') {
        if (doc.metadata?.labels && 'app.kubernetes.io/managed-by' in doc.metadata.labels)
          doc.metadata.labels['app.kubernetes.io/managed-by'] = '<ignored>';
        normaliseRules(doc.spec?.groups);
      } else {
        normaliseRules(doc.groups);
      }
      return doc;
    });
}

import { Chart, Duration, Testing } from 'cdk8s';
import { normaliseSlothSpec, SloOutput, SloSpec } from '../../src/slo';
import { promDurationMs } from '../../src/common/duration';

/**
 * Runs a case through SloSpec: each input document is loaded into the typed model
 * (`SloSpec.fromSloth`) and synthesized; prometheus/v1 input is compared as a rules file,
 * PrometheusServiceLevel input as the synthesized PrometheusRule.
 */
export function runSlothCase(c: SlothCase): { actual: Json[]; expected: Json[] } {
  const chart = new Chart(Testing.app(), 'test');
  const outputs = caseSloSpecs(chart, c.input, c.args).map(({ slo, k8s }) =>
    k8s ? YAML.stringify(Testing.synth(chart).find((o: Json) => o.metadata.name === slo.name)) : slo.toRulesFile(),
  );
  return { actual: normaliseOutput(outputs.join('\n---\n')), expected: normaliseOutput(c.expected) };
}

/** One SloSpec per input document of a case (loaded into the typed model), with the case's flags. */
export function caseSloSpecs(chart: Chart, input: string, args: string[]): Array<{ slo: SloSpec; k8s: boolean }> {
  const flags = caseFlags(args);
  return YAML.parseAllDocuments(input)
    .map((d) => d.toJSON())
    .filter(Boolean)
    .map((doc: Json, i: number) => {
      const k8s = doc.apiVersion === 'sloth.slok.dev/v1';
      const spec = k8s
        ? normaliseSlothSpec(doc.spec.service, doc.spec.labels, doc.spec.slos, false)
        : normaliseSlothSpec(doc.service, doc.labels, doc.slos, true);
      const slo = SloSpec.fromSloth(chart, `spec${i}`, spec, {
        period: Duration.millis(promDurationMs(flags.period)!),
        disableAlerts: flags.disableAlerts,
        disableRecordings: flags.disableRecordings,
        extraLabels: flags.extraLabels,
        generationInfo: { spec: k8s ? 'sloth.slok.dev/v1' : 'prometheus/v1' },
        output: SloOutput.prometheusRule(),
        ...(k8s ? { name: doc.metadata.name, namespace: doc.metadata.namespace, ruleSelectorLabels: {} } : {}),
      });
      return { slo, k8s };
    });
}
