/**
 * The HTML page of `slo report`: one self-contained file (inline CSS and SVG, no scripts,
 * no network assets) with each SLO's figures and a burn-down chart of its error budget over
 * the period.
 */
import { Check, Report, Table } from '../report/model';
import { BurnDownSeries } from './report';
import { humanDuration, pct } from './status';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Chart geometry, in SVG user units. */
const W = 640;
const H = 220;
const PAD = { left: 52, right: 12, top: 12, bottom: 28 };

function isoMinute(unixSeconds: number): string {
  return new Date(unixSeconds * 1000)
    .toISOString()
    .replace(/:\d\d(\.\d+)?Z$/, 'Z')
    .replace('T', ' ');
}

/**
 * An SVG line chart of a remaining-budget series: 100% at the top, the 0% line, the minimum
 * budget line, and the series (gaps where there was no data). Pure; exported for tests.
 */
export function burnDownSvg(b: BurnDownSeries, minBudget: number): string {
  const finite = b.samples.filter((s) => Number.isFinite(s.v)).map((s) => s.v);
  const yMax = Math.max(1, ...finite);
  const yMin = Math.min(0, ...finite, minBudget);
  const span = yMax - yMin || 1;
  const x = (t: number) => PAD.left + ((t - b.start) / (b.end - b.start || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + ((yMax - v) / span) * (H - PAD.top - PAD.bottom);
  const f = (n: number) => n.toFixed(1);
  const segments: string[] = [];
  let cur: string[] = [];
  for (const s of b.samples) {
    if (!Number.isFinite(s.v)) {
      if (cur.length) segments.push(cur.join(' '));
      cur = [];
      continue;
    }
    cur.push(`${f(x(s.t))},${f(y(s.v))}`);
  }
  if (cur.length) segments.push(cur.join(' '));
  const ticks = [yMax, 1, 0.5, minBudget, 0, yMin].filter((v, i, a) => a.indexOf(v) === i && v >= yMin && v <= yMax);
  const label = `Error budget remaining for ${b.target.id} over the last ${humanDuration(b.end * 1000 - b.start * 1000)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}">`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="#fafafa" stroke="#ccc"/>`,
    ...ticks.map(
      (v) =>
        `<line class="tick" x1="${PAD.left}" x2="${W - PAD.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="${v === 0 ? '#333' : v === minBudget ? '#d9822b' : '#e3e3e3'}"${v === minBudget && v !== 0 ? ' stroke-dasharray="6 4"' : ''}/><text x="${PAD.left - 4}" y="${f(y(v) + 4)}" text-anchor="end" font-size="11">${escapeHtml(pct(v, 0))}</text>`,
    ),
    ...segments.map((pts) => `<polyline class="budget" fill="none" stroke="#1f77b4" stroke-width="2" points="${pts}"/>`),
    `<text x="${PAD.left}" y="${H - 8}" font-size="11">${escapeHtml(isoMinute(b.start))}</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" font-size="11" text-anchor="end">${escapeHtml(isoMinute(b.end))}</text>`,
    segments.length
      ? ''
      : `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="13" fill="#a00">no data in Prometheus for this period</text>`,
    '</svg>',
  ].join('');
}

function tableHtml(t: Table): string {
  return [
    `<table><caption>${escapeHtml(t.title)}</caption><thead><tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>`,
    ...t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
}

function checkHtml(c: Check): string {
  return `<li class="${c.status}"><strong>${escapeHtml(c.status.toUpperCase())}</strong> ${escapeHtml(c.title)}<ul>${c.evidence.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}${c.fix ? `<li class="fix">Fix: ${escapeHtml(c.fix)}</li>` : ''}</ul></li>`;
}

/**
 * The `slo report` as one HTML page: the report's sections (checks, tables, notes) and a
 * burn-down chart per SLO. Everything is inline; the page loads nothing from the network.
 */
export function renderSloReportHtml(report: Report, burnDown: readonly BurnDownSeries[], minBudget = 0.2): string {
  const charts = new Map(burnDown.map((b) => [`${b.target.service} / ${b.target.name}`, b]));
  const body = report.sections.map((s) => {
    const chart = charts.get(s.title);
    return [
      `<section><h2>${escapeHtml(s.title)}</h2>`,
      chart
        ? `<figure>${burnDownSvg(chart, minBudget)}<figcaption>Error budget remaining over the ${escapeHtml(humanDuration(chart.target.periodMs))} period (dashed: ${escapeHtml(pct(minBudget, 0))} minimum)</figcaption></figure>`
        : '',
      s.checks.length ? `<ul class="checks">${s.checks.map(checkHtml).join('')}</ul>` : '',
      ...(s.tables ?? []).map(tableHtml),
      ...(s.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`),
      '</section>',
    ].join('');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(report.title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}table{border-collapse:collapse;margin:1em 0}' +
      'th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}caption{text-align:left;font-weight:bold}' +
      '.passed>strong{color:#2a7d2a}.failed>strong{color:#b00}.undecided>strong{color:#b67300}.sim{background:#fff3cd;padding:.5em;border:1px solid #e0c36c}' +
      'figure{margin:1em 0}figcaption{font-size:.85em;color:#555}.note{color:#555;font-size:.9em}</style>',
    '</head><body>',
    `<h1>${escapeHtml(report.title)}</h1>`,
    report.simulated ? '<p class="sim">SIMULATION: these figures come from the simulated cluster and demo app, not from a real service.</p>' : '',
    `<p>Verdict: <strong class="${report.verdict}">${escapeHtml(report.verdict.toUpperCase())}</strong>. Prometheus: ${escapeHtml(report.target.prometheus ?? 'unknown')}. Generated ${escapeHtml(report.generatedAt)}.</p>`,
    ...body,
    report.recommendations?.length
      ? `<h2>Recommendations</h2><ul>${report.recommendations.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`
      : '',
    '</body></html>',
    '',
  ].join('\n');
}
