/**
 * The bridge from spec files to constructs: each loaded document becomes a `SloSpec` in a
 * cdk8s app. The only SLO-file module that loads cdk8s, and only when called, so that the
 * rest stays usable by the CLI.
 */
import * as path from 'path';
import type { Construct } from 'constructs';
import type { SloSpec, SloSpecProps } from './slo-spec';
import { LoadedSpec, loadSpecFile } from './spec-documents';
import { discoverSpecFiles, ioReason, SpecDiscoveryOptions, SpecLoadError, SpecProblem } from './spec-files';

/** Options of {@link sloSpecsFromFile} and {@link sloSpecsFromDirectory}. */
export interface SloSpecsFromFileProps extends Omit<SloSpecProps, 'service' | 'slos' | 'labels'> {
  /** Which files of a directory to load. @default - every .yaml/.yml file */
  readonly discovery?: SpecDiscoveryOptions;
}

function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'spec';
}

function specsToConstructs(scope: Construct, idPrefix: string, loaded: LoadedSpec[], props: SloSpecsFromFileProps): SloSpec[] {
  // Loaded lazily so that this module stays free of cdk8s for the CLI.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SloSpec: Spec } = require('./slo-spec') as typeof import('./slo-spec');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Duration } = require('cdk8s') as typeof import('cdk8s');
  const { discovery: _discovery, ...rest } = props;
  const problems = loaded.flatMap((l) =>
    l.exhaustedAlerts.flatMap((c, i) =>
      c.length
        ? [
            {
              file: l.file,
              document: l.document,
              line: l.line,
              slo: l.spec.slos[i]?.name,
              field: 'plugins',
              problem: 'the error-budget-exhausted alert plugin is declared, but SloSpec does not generate it',
              fix: 'remove the plugin declaration and add the alert with addJsonPatch, or generate with `cdk8s-resilience slo generate`',
            },
          ]
        : [],
    ),
  );
  if (problems.length) throw new SpecLoadError(problems);
  return loaded.map((l, i) => {
    const id = loaded.length === 1 ? idPrefix : `${idPrefix}-${i + 1}`;
    const k8s = l.kubernetes;
    return Spec.fromSloth(scope, id, l.spec, {
      ...(l.periodMs !== undefined ? { period: Duration.millis(l.periodMs) } : {}),
      ...(k8s ? { name: k8s.name, ...(k8s.namespace ? { namespace: k8s.namespace } : {}) } : {}),
      generationInfo: { spec: l.format, ...(rest.generationInfo ?? {}) },
      ...rest,
    });
  });
}

/**
 * Loads a Sloth (`prometheus/v1`, `PrometheusServiceLevel`) or OpenSLO spec file into the
 * app as one `SloSpec` per YAML document (ids `idPrefix`, or `idPrefix-1`, `idPrefix-2`, …
 * when the file holds several). A `PrometheusServiceLevel`'s name and namespace become the
 * PrometheusRule's; an OpenSLO time window becomes the period. Throws a
 * {@link SpecLoadError} naming file, line and field when the file cannot be read.
 */
export function sloSpecsFromFile(scope: Construct, idPrefix: string, file: string, props: SloSpecsFromFileProps = {}): SloSpec[] {
  return specsToConstructs(scope, idPrefix, loadSpecFile(file), props);
}

/**
 * Loads every spec file of a directory (recursively; `.yaml`/`.yml`) as `SloSpec`s, with
 * ids `idPrefix-<relative path>[-<document>]`.
 */
export function sloSpecsFromDirectory(scope: Construct, idPrefix: string, dir: string, props: SloSpecsFromFileProps = {}): SloSpec[] {
  let files: string[];
  try {
    files = discoverSpecFiles(dir, props.discovery);
  } catch (e) {
    if (e instanceof SpecLoadError) throw e;
    throw new SpecLoadError([{ file: dir, field: '', problem: `cannot read the directory (${ioReason(e)})`, fix: 'check the path' }]);
  }
  const problems: SpecProblem[] = [];
  const loaded: Array<[string, LoadedSpec[]]> = [];
  for (const f of files) {
    try {
      loaded.push([f, loadSpecFile(f)]);
    } catch (e) {
      if (e instanceof SpecLoadError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SpecLoadError(problems);
  return loaded.flatMap(([f, specs]) =>
    specsToConstructs(scope, `${idPrefix}-${idPart(path.relative(dir, f).replace(/\.ya?ml$/i, ''))}`, specs, props),
  );
}
