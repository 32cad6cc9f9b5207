/**
 * Rendering of generated rule groups: a Prometheus rules file (YAML), and the
 * `spec.groups` of a Prometheus Operator `PrometheusRule`.
 */
import * as YAML from 'yaml';
import { PromRule, PromRuleGroup } from './model';

/** A rule in the field order Prometheus' rulefmt uses (record/alert, expr, for, labels, annotations). */
export function ruleToJson(r: PromRule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.record !== undefined) out.record = r.record;
  if (r.alert !== undefined) out.alert = r.alert;
  out.expr = r.expr;
  if (r.for !== undefined) out.for = r.for;
  if (r.labels && Object.keys(r.labels).length) out.labels = { ...r.labels };
  if (r.annotations && Object.keys(r.annotations).length) out.annotations = { ...r.annotations };
  return out;
}

/** Rule groups as plain JSON (`{name, interval?, rules}`), for a rules file or a PrometheusRule. */
export function groupsToJson(groups: readonly PromRuleGroup[]): Array<Record<string, unknown>> {
  return groups.map((g) => ({ name: g.name, ...(g.interval ? { interval: g.interval } : {}), rules: g.rules.map(ruleToJson) }));
}

/** A Prometheus rules file (`groups:`) as YAML. */
export function rulesFileYaml(groups: readonly PromRuleGroup[], header?: string): string {
  const body = YAML.stringify({ groups: groupsToJson(groups) }, { lineWidth: 0 });
  return header ? `${header.replace(/\n?$/, '\n')}\n${body}` : body;
}
