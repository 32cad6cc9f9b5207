/**
 * Renderers of a Report: text for a terminal, Markdown, JSON (the report object itself,
 * schema `cdk8s-resilience.report/v1`) and JUnit XML (one test case per check). Every
 * renderer says prominently when the report comes from the simulated cluster.
 */
import { Check, CheckStatus, Report, Section, Table } from './model';

/** The output formats. */
export type ReportFormat = 'text' | 'markdown' | 'json' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json', 'junit'];

/** The banner every simulated report carries. */
export const SIMULATION_NOTICE = 'SIMULATION: this report comes from the simulated cluster (cdk8s-resilience sim), not from a real cluster.';

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** ANSI colours in text output. @default false */
  readonly color?: boolean;
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report);
    default:
      return renderText(report, options.color ?? false);
  }
}

const LABEL: Record<CheckStatus, string> = { passed: 'PASS', failed: 'FAIL', undecided: 'UNDECIDED', skipped: 'SKIP' };
const COLOR: Record<CheckStatus, string> = { passed: '32', failed: '31', undecided: '33', skipped: '90' };

function paint(text: string, code: string, color: boolean): string {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function cellText(v: string | number): string {
  return typeof v === 'number' ? String(v) : v;
}

function textTable(t: Table, indent: string): string[] {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => cellText(r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string | number>): string =>
    `${indent}${cells.map((c, i) => cellText(c ?? '').padEnd(widths[i])).join('  ')}`.trimEnd();
  return [`${indent}${t.title}`, line(t.columns.map((c) => c.toUpperCase())), ...(t.rows.length ? t.rows.map(line) : [`${indent}(none)`])];
}

function targetLine(r: Report): string {
  const parts = [
    r.target.context ? `context ${r.target.context}` : undefined,
    r.target.server ? `server ${r.target.server}` : undefined,
    r.target.prometheus ? `prometheus ${r.target.prometheus}` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no target';
}

function counts(r: Report): string {
  const all = r.sections.flatMap((s) => s.checks);
  const by = (s: CheckStatus): number => all.filter((c) => c.status === s).length;
  return `${all.length} checks: ${by('passed')} passed, ${by('failed')} failed, ${by('undecided')} undecided, ${by('skipped')} skipped`;
}

function renderText(r: Report, color: boolean): string {
  const out: string[] = [];
  if (r.simulated) out.push(paint(`*** ${SIMULATION_NOTICE} ***`, '35', color), '');
  out.push(`${r.title}`, `${r.command} at ${r.generatedAt} (${targetLine(r)})`, '');
  for (const s of r.sections) {
    out.push(`== ${s.title}${s.durationSeconds !== undefined ? ` (${s.durationSeconds.toFixed(1)}s)` : ''}`);
    for (const t of s.tables ?? []) out.push(...textTable(t, '  '), '');
    for (const c of s.checks) {
      out.push(`  ${paint(`[${LABEL[c.status]}]`, COLOR[c.status], color)} ${c.title}`);
      for (const e of c.evidence) out.push(`      ${e}`);
      if (c.fix && c.status !== 'passed') out.push(`      fix: ${c.fix}`);
    }
    for (const n of s.notes ?? []) out.push(`  note: ${n}`);
    out.push('');
  }
  for (const rec of r.recommendations ?? []) out.push(`recommendation: ${rec}`);
  out.push(`verdict: ${paint(r.verdict.toUpperCase(), COLOR[r.verdict], color)} (${counts(r)})${r.simulated ? ' [simulated]' : ''}`);
  return `${out.join('\n')}\n`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdTable(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string[] {
  return [
    `| ${columns.map(mdEscape).join(' | ')} |`,
    `|${columns.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => mdEscape(cellText(c))).join(' | ')} |`),
  ];
}

const MD_STATUS: Record<CheckStatus, string> = { passed: '✅ passed', failed: '❌ failed', undecided: '⚠️ undecided', skipped: '⏭️ skipped' };

function renderMarkdown(r: Report): string {
  const out: string[] = [`# ${r.title}`, ''];
  if (r.simulated) out.push(`> **${SIMULATION_NOTICE}**`, '');
  out.push(
    `- command: \`${r.command}\``,
    `- generated: ${r.generatedAt}`,
    `- target: ${targetLine(r)}`,
    `- verdict: **${r.verdict}** (${counts(r)})`,
    '',
  );
  for (const s of r.sections) {
    out.push(`## ${s.title}`, '');
    for (const t of s.tables ?? []) out.push(`**${t.title}**`, '', ...mdTable(t.columns, t.rows), '');
    if (s.checks.length) {
      out.push(
        ...mdTable(
          ['check', 'status', 'evidence', 'fix'],
          s.checks.map((c) => [c.title, MD_STATUS[c.status], c.evidence.join('; '), c.status === 'passed' ? '' : (c.fix ?? '')]),
        ),
        '',
      );
    }
    for (const n of s.notes ?? []) out.push(`> ${n}`, '');
  }
  if (r.recommendations?.length) out.push('## Recommendations', '', ...r.recommendations.map((x) => `- ${x}`), '');
  return `${out.join('\n')}`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function junitCase(s: Section, c: Check): string {
  const body = c.evidence.join('\n') + (c.fix ? `\nfix: ${c.fix}` : '');
  const time = (c.durationSeconds ?? 0).toFixed(3);
  const head = `    <testcase classname="${xml(s.title)}" name="${xml(c.id)}" time="${time}">`;
  const out = [head];
  if (c.status === 'failed') out.push(`      <failure message="${xml(c.title)}" type="failed">${xml(body)}</failure>`);
  if (c.status === 'undecided') out.push(`      <error message="${xml(c.title)}" type="undecided">${xml(body)}</error>`);
  if (c.status === 'skipped') out.push(`      <skipped message="${xml(c.title)}"/>`);
  out.push(`      <system-out>${xml(`${c.title}\n${body}`)}</system-out>`, '    </testcase>');
  return out.join('\n');
}

function renderJunit(r: Report): string {
  const all = r.sections.flatMap((s) => s.checks);
  const n = (st: CheckStatus, list: readonly Check[]): number => list.filter((c) => c.status === st).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(r.command)}" tests="${all.length}" failures="${n('failed', all)}" errors="${n('undecided', all)}" skipped="${n('skipped', all)}" timestamp="${xml(r.generatedAt)}">`,
  ];
  for (const s of r.sections) {
    out.push(
      `  <testsuite name="${xml(s.title)}" tests="${s.checks.length}" failures="${n('failed', s.checks)}" errors="${n('undecided', s.checks)}" skipped="${n('skipped', s.checks)}" timestamp="${xml(r.generatedAt)}">`,
    );
    out.push(
      '    <properties>',
      `      <property name="simulated" value="${r.simulated}"/>`,
      `      <property name="target" value="${xml(targetLine(r))}"/>`,
      '    </properties>',
    );
    for (const c of s.checks) out.push(junitCase(s, c));
    if (r.simulated) out.push(`    <system-out>${xml(SIMULATION_NOTICE)}</system-out>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
