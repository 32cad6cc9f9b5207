/**
 * cdk8s-resilience/runtime: the operations behind the `cdk8s-resilience` CLI, for programs that
 * want the reports as data (a deploy pipeline written in TypeScript, a custom scheduler).
 *
 * Every function here is what a CLI command calls: it returns a report object and the exit
 * code the CLI would give (0 passed, 1 failed, 2 undecided). This entry point never loads cdk8s.
 * Its surface is covered by the API report api/cdk8s-resilience-runtime.api.md.
 *
 * @packageDocumentation
 */

// Reports
export { REPORT_SCHEMA, exitCodeOf, verdictOf } from './report/model';
export type { Check, CheckStatus, Measurement, Report, Section, Table } from './report/model';
export { REPORT_FORMATS, SIMULATION_NOTICE, renderReport } from './report/render';
export type { RenderOptions, ReportFormat } from './report/render';

// Prometheus
export { DEFAULT_PROMETHEUS_URL, PrometheusClient, PrometheusError } from './prometheus';
export type {
  InstantSample, Labels, PromAlert, PromBuildInfo, PromRuleGroupStatus, PromRuleStatus, PrometheusApi,
  PrometheusClientOptions, PrometheusErrorKind, RangeSeries, Sample,
} from './prometheus';

// SLO gate and report
export { SloUsageError, evaluateSloGate, runSloGate } from './slo/gate';
export type { CommandResult, MissingDataPolicy, SloDeps, SloGateOptions, SloSourceOptions } from './slo/gate';
export { runSloReport } from './slo/report';
export type { BurnDownSeries, SloReportOptions, SloReportResult } from './slo/report';
export { renderSloReportHtml } from './slo/html';
export { SpecLoadError } from '../slo/spec-files';
export { SloSelectionError, loadSloTargetsFromDirectory, loadSloTargetsFromFile } from './slo/targets';
export type { LoadSloTargetsOptions, SloTarget } from './slo/targets';

// Cluster access
export { KubeconfigError, connect } from './cluster/kube';
export type { ConnectOptions } from './cluster/kube';
export { ClusterError } from './cluster/types';
export type { Cluster, KubeObject, ListOptions, ObjectList, ObjectMeta, ResourceType, WatchEvent, WatchHandle } from './cluster/types';

// The CLI itself
export { main } from './cli';
export type { CliIo } from './cli';
