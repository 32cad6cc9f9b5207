/**
 * cdk8s-resilience/runtime: the operations behind the `cdk8s-resilience` CLI, for programs that
 * want the reports as data (a deploy pipeline written in TypeScript, a custom scheduler).
 *
 * Every function here is what a CLI command calls: it returns a report object (the SLO
 * functions with the exit code the CLI would give; for the others, `exitCodeOf(report.verdict)`:
 * 0 passed, 1 failed, 2 undecided). This entry point never loads cdk8s.
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
  InstantSample,
  Labels,
  PromAlert,
  PromBuildInfo,
  PromRuleGroupStatus,
  PromRuleStatus,
  PrometheusApi,
  PrometheusClientOptions,
  PrometheusErrorKind,
  RangeSeries,
  Sample,
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

// Disaster recovery: drill, restore test, readiness
export { runDrDrill } from './dr/drill';
export type { DrDrillOptions } from './dr/drill';
export { runDrRestoreTest } from './dr/restore-test';
export type { DrRestoreTestOptions } from './dr/restore-test';
export { ACKNOWLEDGED_ANNOTATION, runDrCheck } from './dr/check';
export type { DrCheckOptions } from './dr/check';
export { DR_PROTECTED_NAMESPACES, DR_RUN_LABEL, parseRtoTarget, protectedNamespaces } from './dr/common';
export { HISTORY_CONFIGMAP, HISTORY_SCHEMA, readHistory } from './dr/history';
export type { DrHistoryRecord } from './dr/history';
export { DEFAULT_JOURNAL, JOURNAL_SCHEMA, readJournal } from './dr/journal';
export type { DrillJournal, DrillState, JournalStep } from './dr/journal';
export type { InventoryItem, NamespaceCounts, NamespaceInventory } from './dr/inventory';
export { OperationError } from './backup/operations';
export { systemClock } from './sim/clock';
export type { Clock } from './sim/clock';

// The CLI itself
export { main } from './cli';
export type { CliIo } from './cli';
