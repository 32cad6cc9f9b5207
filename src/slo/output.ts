/**
 * Where generated SLO rules go, and how each destination renders itself: a Prometheus
 * Operator PrometheusRule, a Sloth PrometheusServiceLevel, a rules file in a ConfigMap, or
 * a plain rules file. SloSpec, SloThresholdRules and the `slo generate` CLI all render through
 * it; a new format is one factory here.
 *
 * Plain data: no cdk8s is loaded (the CLI uses it); the constructs wrap the rendered body
 * in an ApiObject.
 */
import * as YAML from 'yaml';
import { formatPromDuration } from '../common/duration';
import type { Problem } from '../common/errors';
import { configMapKeyProblems } from '../common/promql';
import type { PromRuleGroup } from './model';
import { groupsToJson, rulesFileYaml } from './render';

/** The metadata of a generated object. */
export interface SloOutputMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What an output renders: the object's metadata, and the content, produced when rendered. */
export interface SloOutputSource {
  /** The metadata of the generated object. */
  readonly metadata: SloOutputMetadata;
  /** The generated rule groups. */
  ruleGroups(): readonly PromRuleGroup[];
  /**
   * The SLOs as the JSON spec of a Sloth PrometheusServiceLevel, for the output that hands
   * them to the Sloth operator.
   * @default not expressible as Sloth SLOs (threshold rules)
   */
  slothServiceLevelSpec?(): Record<string, unknown>;
}

/** What the source asks of the output, checked by {@link SloOutput.problems}. */
export interface SloOutputNeeds {
  /** The SLO period, in ms. @default 30 days */
  readonly periodMs?: number;
  /** Generation options a PrometheusServiceLevel cannot carry. @default none */
  readonly generationOptions?: {
    readonly disableAlerts?: boolean;
    readonly disableRecordings?: boolean;
    readonly extraLabels?: Readonly<Record<string, string>>;
  };
  /** The rules are SLOs Sloth can express. @default true */
  readonly slothExpressible?: boolean;
  /** The generated object's `metadata.name` (a ConfigMap's default key derives from it). @default - not checked */
  readonly objectName?: string;
}

/**
 * The largest object an SLO output writes, in bytes of JSON: 1 MiB. etcd refuses requests
 * over 1.5 MiB by default, and Kubernetes refuses a ConfigMap whose data exceeds 1 MiB.
 */
export const MAX_SLO_OBJECT_BYTES = 1024 * 1024;

interface OutputRendering {
  readonly kind: 'prometheus-rule' | 'sloth' | 'configmap' | 'rules-file';
  /** The object type; none for a plain rules file. */
  readonly objectType?: { readonly apiVersion: string; readonly kind: string };
  /** The one body field of the object besides metadata. */
  readonly bodyField?: 'spec' | 'data';
  body(source: SloOutputSource): unknown;
  problems(needs: SloOutputNeeds): Problem[];
}

const THIRTY_DAYS = 30 * 86400000;

/** Where the generated rules go. */
export class SloOutput {
  /** A Prometheus Operator `PrometheusRule` (kube-prometheus-stack). */
  public static prometheusRule(): SloOutput {
    return new SloOutput({
      kind: 'prometheus-rule',
      objectType: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' },
      bodyField: 'spec',
      body: (source) => ({ groups: groupsToJson(source.ruleGroups()) }),
      problems: () => [],
    });
  }

  /**
   * A Sloth `PrometheusServiceLevel`, for clusters that run the Sloth operator (which then
   * generates the rules itself). Only the 30d default period applies there.
   */
  public static slothServiceLevel(): SloOutput {
    return new SloOutput({
      kind: 'sloth',
      objectType: { apiVersion: 'sloth.slok.dev/v1', kind: 'PrometheusServiceLevel' },
      bodyField: 'spec',
      body: (source) => {
        if (!source.slothServiceLevelSpec) throw new Error('these rules are not SLOs Sloth can express');
        return source.slothServiceLevelSpec();
      },
      problems: (needs) => {
        if (needs.slothExpressible === false)
          return [
            {
              field: 'output',
              problem: 'these rules are not SLOs Sloth can express',
              fix: 'use SloOutput.rulesConfigMap() or SloOutput.prometheusRule()',
            },
          ];
        const out: Problem[] = [];
        const periodMs = needs.periodMs ?? THIRTY_DAYS;
        if (periodMs !== THIRTY_DAYS) {
          out.push({
            field: 'period',
            problem: `a Sloth PrometheusServiceLevel has no period field: the operator uses its own default (30d), not ${formatPromDuration(periodMs)}`,
            fix: 'use SloOutput.prometheusRule(), or run the Sloth operator with --default-slo-period',
          });
        }
        const o = needs.generationOptions ?? {};
        if (o.disableAlerts || o.disableRecordings || o.extraLabels) {
          out.push({
            field: 'output',
            problem: 'disableAlerts, disableRecordings and extraLabels cannot be expressed in a PrometheusServiceLevel',
            fix: 'use SloOutput.prometheusRule(), or configure the Sloth operator',
          });
        }
        return out;
      },
    });
  }

  /** A ConfigMap holding a plain Prometheus rules file, for Prometheus without the operator. */
  public static rulesConfigMap(o: { readonly fileName?: string } = {}): SloOutput {
    return new SloOutput(
      {
        kind: 'configmap',
        objectType: { apiVersion: 'v1', kind: 'ConfigMap' },
        bodyField: 'data',
        body: (source) => ({ [o.fileName ?? `${source.metadata.name}.rules.yaml`]: rulesFileYaml(source.ruleGroups()) }),
        problems: (needs) => {
          if (o.fileName !== undefined) return configMapKeyProblems('output.fileName', o.fileName);
          if (needs.objectName !== undefined && `${needs.objectName}.rules.yaml`.length > 253)
            return [
              {
                field: 'name',
                problem: `the ConfigMap key "${needs.objectName}.rules.yaml" is longer than the 253 characters Kubernetes allows`,
                fix: 'use a shorter name, or give SloOutput.rulesConfigMap({ fileName })',
              },
            ];
          return [];
        },
      },
      o.fileName,
    );
  }

  /**
   * A plain Prometheus rules file, not a Kubernetes object: what `cdk8s-resilience slo
   * generate` writes for Sloth and OpenSLO specs. The constructs, which emit objects, refuse it.
   */
  public static rulesFile(): SloOutput {
    return new SloOutput({
      kind: 'rules-file',
      body: (source) => ({ groups: groupsToJson(source.ruleGroups()) }),
      problems: () => [
        {
          field: 'output',
          problem: 'a plain rules file is not a Kubernetes object',
          fix: 'use SloOutput.rulesConfigMap() for a rules file in the cluster, or SloOutput.prometheusRule()',
        },
      ],
    });
  }

  /** The output kind. */
  public readonly kind: 'prometheus-rule' | 'sloth' | 'configmap' | 'rules-file';

  private constructor(
    private readonly rendering: OutputRendering,
    /** For a ConfigMap: the rules file's key. @default "<name>.rules.yaml" */
    public readonly fileName?: string,
  ) {
    this.kind = rendering.kind;
  }

  /** The apiVersion and kind of the generated object; undefined for a plain rules file. */
  public get objectType(): { readonly apiVersion: string; readonly kind: string } | undefined {
    return this.rendering.objectType;
  }

  /** The object's one field besides its metadata (`spec` or `data`); undefined for a plain rules file. */
  public get bodyField(): 'spec' | 'data' | undefined {
    return this.rendering.bodyField;
  }

  /** The content of that field (for a plain rules file, the file's `{ groups }`). */
  public body(source: SloOutputSource): unknown {
    return this.rendering.body(source);
  }

  /** What this output cannot express of what the source needs (empty when it can). */
  public problems(needs: SloOutputNeeds = {}): Problem[] {
    return this.rendering.problems(needs);
  }

  /**
   * The problem with the size of the object this output makes from `source`, when it is
   * larger than 1 MiB of JSON (`MAX_SLO_OBJECT_BYTES`); `count` is how many SLOs it holds, for the fix.
   */
  public sizeProblems(source: SloOutputSource, count: number): Problem[] {
    if (!this.rendering.objectType) return [];
    const bytes = Buffer.byteLength(JSON.stringify(this.document(source)));
    if (bytes <= MAX_SLO_OBJECT_BYTES) return [];
    const mib = (n: number) => `${(n / 1048576).toFixed(2)} MiB`;
    const each = Math.max(1, Math.floor((count * MAX_SLO_OBJECT_BYTES * 0.9) / bytes));
    const kind = this.rendering.objectType.kind;
    return [
      {
        field: 'slos',
        problem: `the generated ${kind} is ${mib(bytes)} for ${count} SLO${count === 1 ? '' : 's'}, more than the ${mib(MAX_SLO_OBJECT_BYTES)} one object may hold (etcd refuses requests over 1.5 MiB by default${kind === 'ConfigMap' ? ', and a ConfigMap holds at most 1 MiB of data' : ''})`,
        fix: `split the SLOs over several SloSpecs (each writes its own ${kind}), about ${each} SLO${each === 1 ? '' : 's'} each`,
      },
    ];
  }

  /** The whole manifest: `apiVersion`, `kind`, `metadata` and the body (for a plain rules file, the file). */
  public document(source: SloOutputSource): Record<string, unknown> {
    const type = this.rendering.objectType;
    if (!type) return this.body(source) as Record<string, unknown>;
    return {
      apiVersion: type.apiVersion,
      kind: type.kind,
      metadata: JSON.parse(JSON.stringify(source.metadata)) as unknown,
      [this.rendering.bodyField!]: this.body(source),
    };
  }

  /** The document as YAML, as a file holds it. */
  public text(source: SloOutputSource): string {
    if (this.rendering.kind === 'rules-file') return rulesFileYaml(source.ruleGroups());
    return YAML.stringify(this.document(source), { lineWidth: 0 });
  }
}
