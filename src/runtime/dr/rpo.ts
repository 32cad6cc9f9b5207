/**
 * RPO per namespace from Velero Schedules, with the code the constructs use: each Schedule
 * (from the cluster, or from the YAML files a `cdk8s synth` wrote) becomes the input
 * `VeleroBackupPlan` gives `computeRpo` (name, cron, retention from `template.ttl`, included
 * and excluded namespaces, label-selected or not), and `computeRpo` (src/backup/rpo.ts)
 * computes each namespace's worst-case gap between two backups.
 */
import * as fs from 'fs';
import * as path from 'path';
import { computeRpo, RpoReport, RpoScheduleInput, RpoTargets } from '../../backup/rpo';
import { parseVeleroCron } from '../../backup/cron';
import { OperationError } from '../backup/operations';
import { goDurationMs } from '../../common/duration';
import {
  FileProblem,
  fsErrorText,
  InputFileError,
  parseYamlDocuments,
  readInputFile,
  walkInputDirectory,
  YamlDocumentData,
} from '../../common/input-files';
import { VELERO_SCHEDULES } from '../cluster/resources';
import { Cluster, KubeObject } from '../cluster/types';

/** Velero's retention when a template names none (`ttl` 720h, the constructs' DEFAULT_RETENTION). */
const VELERO_DEFAULT_TTL_SECONDS = 720 * 3600;

/** A Schedule as the RPO check reads it. */
export interface ScheduleSource {
  readonly name: string;
  readonly cron: string;
  readonly paused: boolean;
  /** `Enabled`, `FailedValidation`, ... (from the cluster); absent for a file. */
  readonly phase?: string;
  readonly includedNamespaces: readonly string[];
  readonly excludedNamespaces: readonly string[];
  readonly retentionSeconds: number;
  readonly labelSelected: boolean;
  /** Where it was read: `cluster`, or `file:line`. */
  readonly source: string;
}

function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** Reads a Schedule object. */
export function scheduleSource(o: KubeObject, source: string): ScheduleSource {
  const spec = (o.spec ?? {}) as { schedule?: string; paused?: boolean; template?: Record<string, unknown> };
  const tpl = spec.template ?? {};
  const ttl = typeof tpl.ttl === 'string' ? goDurationMs(tpl.ttl) : undefined;
  const or = Array.isArray(tpl.orLabelSelectors) ? tpl.orLabelSelectors : [];
  return {
    name: o.metadata.name,
    cron: String(spec.schedule ?? ''),
    paused: spec.paused === true,
    phase: (o.status as { phase?: string } | undefined)?.phase,
    includedNamespaces: strs(tpl.includedNamespaces),
    excludedNamespaces: strs(tpl.excludedNamespaces),
    retentionSeconds: ttl !== undefined ? ttl / 1000 : VELERO_DEFAULT_TTL_SECONDS,
    labelSelected: tpl.labelSelector !== undefined || or.length > 0,
    source,
  };
}

/** The input `computeRpo` takes, as `VeleroBackupPlan`'s rpoInput builds it. */
export function rpoScheduleInput(s: ScheduleSource): RpoScheduleInput {
  return {
    name: s.name,
    cron: s.cron,
    retentionSeconds: s.retentionSeconds,
    includedNamespaces: s.includedNamespaces,
    excludedNamespaces: s.excludedNamespaces,
    labelSelected: s.labelSelected,
  };
}

/** Why a schedule takes no backups (so serves no RPO); undefined when it runs. */
export function inactiveReason(s: ScheduleSource): string | undefined {
  if (s.paused) return 'paused';
  if (s.phase === 'FailedValidation') return 'FailedValidation';
  const p = parseVeleroCron(s.cron);
  if (!p.ok) return `invalid schedule "${s.cron}": ${p.problem}`;
  return undefined;
}

/** Every Schedule in Velero's namespace. */
export async function clusterSchedules(cluster: Cluster, veleroNamespace: string): Promise<ScheduleSource[]> {
  const list = await cluster.list(VELERO_SCHEDULES, { namespace: veleroNamespace });
  return list.items.map((o) => scheduleSource(o, 'cluster')).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Every Velero Schedule in a synthesized directory (`dist/`: its `.yaml`/`.yml` files) or
 * one file. A file that is not YAML is an OperationError naming `file:line`.
 */
export function planSchedules(planPath: string): ScheduleSource[] {
  const line = (p: FileProblem) =>
    `${p.file}${p.line ? `:${p.line}` : ''}: ${p.problem.replace(/^YAML syntax error: /, 'not valid YAML: ')}; ${p.fix}`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(planPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new OperationError(`--plan ${planPath} does not exist; pass the directory cdk8s synth wrote (dist/) or a YAML file`);
    const t = fsErrorText(e);
    throw new OperationError(`--plan ${planPath}: ${t.problem}; ${t.fix}`);
  }
  let files: string[] = [planPath];
  if (stat.isDirectory()) {
    const walked = walkInputDirectory(planPath, { flag: '--plan', accept: (f) => /\.ya?ml$/.test(f) });
    if (walked.problems.length) throw new OperationError(`--plan ${line(walked.problems[0])}`);
    files = walked.files;
  }
  const out: ScheduleSource[] = [];
  for (const file of files) {
    let docs: YamlDocumentData[];
    try {
      docs = parseYamlDocuments(readInputFile(file, { flag: '--plan', expected: 'a YAML file or the directory cdk8s synth wrote (dist/)' }), {
        file,
      });
    } catch (e) {
      if (!(e instanceof InputFileError)) throw e;
      throw new OperationError(e.problem.line === undefined ? `--plan ${line(e.problem)}` : line(e.problem));
    }
    for (const { data, line: at } of docs) {
      const o = data as KubeObject | null;
      if (!o || typeof o !== 'object' || o.kind !== 'Schedule' || o.apiVersion !== 'velero.io/v1') continue;
      if (!o.metadata?.name) throw new OperationError(`${file}:${at}: a velero.io/v1 Schedule without metadata.name`);
      out.push(scheduleSource(o, `${path.relative(process.cwd(), file) || file}:${at}`));
    }
  }
  if (!out.length)
    throw new OperationError(
      `--plan ${planPath}: no velero.io/v1 Schedule in ${files.length} YAML file${files.length === 1 ? '' : 's'}; synthesize the app with a VeleroBackupPlan first (cdk8s synth)`,
    );
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** RPO figures of the schedules that run, against the targets (by `computeRpo`, the constructs' code). */
export function rpoOf(schedules: readonly ScheduleSource[], targets: RpoTargets): RpoReport {
  return computeRpo(schedules.filter((s) => inactiveReason(s) === undefined).map(rpoScheduleInput), targets);
}
