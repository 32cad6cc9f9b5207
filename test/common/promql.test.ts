import * as YAML from 'yaml';
import {
  analysePromql,
  configMapKeyProblems,
  finiteProblems,
  goTemplateProblem,
  labelNameProblems,
  matcherProblems,
  metricNameProblems,
  promqlTypeIssues,
  re2Problem,
  reservedLabelProblems,
  windowPlacementProblems,
} from '../../src/common/promql';
import { renderWindowTracked } from '../../src/slo/template';
import { checkRules } from '../support/promtool';

const problemsOf = (q: string) => promqlTypeIssues(q).map((i) => i.problem);

describe('names that reach PromQL', () => {
  test.each(['"} or vector(1) #', 'http_requests_total"} or vector(1) #', 'a b', '1abc', '', 'x{job="a"}'])('metric name %j is refused', (name) => {
    const [p] = metricNameProblems('metric', name);
    expect(p.field).toBe('metric');
    expect(p.problem).toContain(`"${name}" is not a valid Prometheus metric name`);
    expect(p.fix).toMatch(/letters, digits, '_' and ':'/);
  });

  test.each(['http_requests_total', 'job:requests:rate5m', '_x', ':x'])('metric name %j is accepted', (name) => {
    expect(metricNameProblems('metric', name)).toEqual([]);
  });

  test.each([
    ['code"} or vector(1) #', /not a valid Prometheus label name/],
    ['__name__', /starts with '__'/],
    ['9xx', /not a valid Prometheus label name/],
    ['sta-tus', /not a valid Prometheus label name/],
  ])('label name %j is refused', (name, re) => {
    const [p] = labelNameProblems('statusLabel', name);
    expect(p.field).toBe('statusLabel');
    expect(p.problem).toMatch(re);
    expect(p.fix).toMatch(/not starting with a digit or '__'/);
  });

  test('matcher keys and regexes are checked, values may be anything (they are quoted)', () => {
    expect(matcherProblems('selector', { job: '"} or vector(1) #', code: { regex: '5..' } })).toEqual([]);
    const found = matcherProblems('selector', { 'job"} or vector(1) #': 'x', code: { regex: '5[0-9' }, path: { notRegex: '(?!/health)' } });
    expect(found.map((p) => p.field)).toEqual(['selector.job"} or vector(1) #', 'selector.code', 'selector.path']);
    expect(found[1].problem).toBe('"5[0-9" is not a valid regular expression in Prometheus\' RE2 syntax (missing closing ]: `[0-9`)');
    expect(found[2].problem).toMatch(/RE2 syntax \(invalid or unsupported Perl syntax/);
    expect(found[2].fix).toMatch(/no look-around/);
  });

  test('RE2 accepts what Go accepts', () => {
    for (const re of ['5..', '5[0-9]{2}', '(?i)get|post', '\\d+', '[[:alpha:]]+', '']) expect(re2Problem(re)).toBeUndefined();
    for (const re of ['5[0-9', '(a', 'a{2,1}', '(?<=a)b', '\\1']) expect(re2Problem(re)).toBeDefined();
  });
});

describe('PromQL type checks beyond the grammar', () => {
  const refused: Array<[string, RegExp]> = [
    ['rate(sum(x)[5m])', /the range 5m follows sum\(x\), which is not a metric selector/],
    ['rate(x)', /rate\(\) expects a range vector as argument 1, got an instant vector \(x\)/],
    ['sum(x[5m])', /sum\(\) expects an instant vector as argument 1, got a range vector/],
    ['rate(x[0s])', /the range 0s is zero, so it selects no samples/],
    ['max_over_time(rate(x[5m])[0s:1m])', /the subquery range 0s is zero/],
    ['sum(rate(x{code=~"5[0-9"}[5m]))', /the regex "5\[0-9" is not valid RE2/],
    ["sum(rate(x{code!~'(?=5)'}[5m]))", /the regex "\(\?=5\)" is not valid RE2/],
    ['x[5m]', /evaluates to a range vector, but a rule needs an instant vector or a scalar/],
    ['sum(x) + "s"', /the operator "\+" needs scalars or instant vectors, but "s" is a string/],
    ['1 > 2', /a comparison between two scalars needs the bool modifier/],
    ['x and 1', /the set operator "and" needs instant vectors on both sides/],
    ['{job=""}', /has no matcher that excludes empty values/],
    ['{job=~".*"}', /has no matcher that excludes empty values/],
    ['{job!~"api"}', /has no matcher that excludes empty values/],
    ['histogram_quantile(x, 0.9)', /histogram_quantile\(\) expects a scalar as argument 1/],
    ['clamp_max(x)', /clamp_max\(\) takes 2 arguments, got 1/],
    ['absent_over_time(x)', /absent_over_time\(\) expects a range vector/],
  ];
  test.each(refused)('%s is refused', (q, re) => {
    const found = problemsOf(q);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(re);
    for (const i of promqlTypeIssues(q)) expect(i.fix.length).toBeGreaterThan(10);
  });

  const accepted = [
    'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))',
    '1 - clamp_max(sum(rate(x[5m])) / 3, 1)',
    'max_over_time(rate(x[5m])[1h:5m]) > 0.5',
    'histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="a"}[5m])))',
    'label_replace(x, "a", "$1", "b", "(.*)")',
    'label_join(x, "a", ",", "b", "c")',
    'count_values("v", x)',
    'topk(3, x) or bottomk by (job) (3, x)',
    'sum_over_time(x[5m] offset 1h) / count_over_time(x[5m] @ end())',
    'round(x)',
    'time() - x',
    'avg_over_time((sum(rate(x[5m])) / sum(rate(y[5m])))[30d:5m])',
    '1 > bool 2',
    'x{job=~".+"}',
    '{job!=""}',
    '{job!~".*"}',
    '{job=~"api|web"}',
    'absent(up{job="api"}) * 0',
    '(sum(rate(h_count{a="b"}[5m])) - sum(rate(h_bucket{a="b",le="0.5"}[5m])))',
  ];
  test.each(accepted)('%s is accepted', (q) => {
    expect(problemsOf(q)).toEqual([]);
  });

  const recording = (exprs: readonly string[]) =>
    YAML.stringify({ groups: [{ name: 'g', rules: exprs.map((expr, i) => ({ record: `r${i}`, expr })) }] });

  // Prometheus' own parser is the judge (a range vector as a rule's result only fails when the rule runs).
  test.each(refused.filter(([q]) => q !== 'x[5m]'))('promtool also refuses %s', (q) => {
    const r = checkRules({ 'rules.yaml': recording([q]) });
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/parse error/);
  });

  test('promtool accepts every query the check accepts', () => {
    const r = checkRules({ 'rules.yaml': recording(accepted) });
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.exitCode).toBe(0);
  });

  test('queries that differ only in label values share one parse, and findings still point into the query as written', () => {
    const a = analysePromql('sum(rate(x{job="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}[5m])) / sum(y{job="b"})');
    const b = analysePromql('sum(rate(x{job="c"}[5m])) / sum(y{job="d"})');
    expect(a).toBe(b); // the same kept result
    const bad = 'sum(x{job="a-very-long-value-that-moves-the-offsets"}) + rate(y{job="z"})';
    const [issue] = analysePromql(bad).issues;
    expect(bad.slice(issue.at)).toBe('y{job="z"})');
    const badRegex = analysePromql('sum(rate(x{code=~"5[0-9"}[5m]))').issues;
    expect(badRegex.map((i) => i.problem)).toEqual(['the regex "5[0-9" is not valid RE2, the syntax Prometheus uses (missing closing ]: `[0-9`)']);
    // Regexes that match the empty value keep that in the shared shape.
    expect(analysePromql('{job=~"a*"}').issues).toHaveLength(1);
    expect(analysePromql('{job=~"a+"}').issues).toHaveLength(0);
  });

  test('a query that does not parse is left to the grammar check', () => {
    expect(problemsOf('rate(x[5m]')).toEqual([]);
  });
});

describe('{{.window}} placement', () => {
  const check = (q: string) => {
    const { text, windowAt } = renderWindowTracked(q, '5m');
    return windowPlacementProblems('sli.raw.errorRatioQuery', analysePromql(text, { windowAt }).windowPlacement);
  };

  test('only inside a string literal: refused, it records the same window everywhere', () => {
    const [p] = check('label_replace(sum(rate(x[5m])), "w", "{{.window}}", "", "")');
    expect(p.field).toBe('sli.raw.errorRatioQuery');
    expect(p.problem).toBe(
      '{{.window}} appears only inside a string literal, so it does not change the range and every window records the same ratio',
    );
    expect(p.fix).toMatch(/rate\(http_requests_total\[\{\{\.window\}\}\]\)/);
  });

  test('only as an offset: refused', () => {
    expect(check('sum(rate(x[5m] offset {{.window}}))')[0].problem).toMatch(/not used as a range/);
  });

  test('as a range, or a subquery range, even if also in a string: accepted', () => {
    expect(check('sum(rate(x[{{.window}}]))')).toEqual([]);
    expect(check('max_over_time(up{job="a"}[{{ .window }}:1m])')).toEqual([]);
    expect(check('label_replace(sum(rate(x[{{.window}}])), "w", "{{.window}}", "", "")')).toEqual([]);
  });
});

describe('reserved labels, finite numbers, ConfigMap keys', () => {
  test('the labels Sloth joins on are reserved', () => {
    const found = reservedLabelProblems('labels', { team: 'a', sloth_id: 'x', sloth_service: 'y', sloth_slo: 'z', sloth_window: 'w' });
    expect(found.map((p) => p.field)).toEqual(['labels.sloth_id', 'labels.sloth_service', 'labels.sloth_slo', 'labels.sloth_window']);
    expect(found[0].problem).toBe(
      '"sloth_id" is a label the generated rules set and join on: a value given here overrides it and breaks the burn-rate alerts',
    );
    expect(found[0].fix).toBe('remove "sloth_id" or rename it (e.g. "id")');
  });

  test.each([Infinity, -Infinity, NaN])('%s is not finite', (v) => {
    const [p] = finiteProblems('objective', v);
    expect(p).toEqual({
      field: 'objective',
      problem: `${v} is not a finite number, and would be written into the rules as such`,
      fix: 'give a finite number, e.g. 99.9',
    });
  });

  test.each([
    ['../../x', /not a valid ConfigMap key/],
    ['a/b.yaml', /no "\/"/],
    ['..rules', /must not be "." or start with ".."/],
    ['..', /must not be "." or start with ".."/],
    ['', /empty/],
    ['x'.repeat(254), /254 characters, more than the 253/],
  ])('ConfigMap key %j is refused', (key, re) => {
    const [p] = configMapKeyProblems('output.fileName', key);
    expect(p.field).toBe('output.fileName');
    expect(p.problem).toMatch(re);
    expect(p.fix).toMatch(/slos\.rules\.yaml/);
  });

  test('valid ConfigMap keys', () => {
    for (const k of ['slos.rules.yaml', 'a_b-c.yml', '.hidden', 'x'.repeat(253)]) expect(configMapKeyProblems('f', k)).toEqual([]);
  });
});

describe('Go templates of annotations and alert labels, as promtool reads them', () => {
  const broken = [
    '{{ $labels.job ',
    '{{ $labels.job }} burns {{ $value',
    '{{ if gt $value 1.0 }}high',
    '{{ end }}',
    '{{ else }}',
    '{{ $nope }}',
    '{{ "unterminated }}',
    '{{}}',
    '{{ $labels.job {{ $value }}',
    '{{/* a comment that never closes }}',
  ];
  const valid = [
    'plain text with a stray }} is fine',
    '{{ $labels.job }} is burning its budget',
    '{{- $value | humanizePercentage -}}',
    '{{ printf "%.2f" $value }}',
    '{{ if gt $value 1.0 }}high{{ else }}low{{ end }}',
    '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}',
    '{{ $x := $labels.job }}{{ $x }}',
    '{{ "}}" }}',
    '{{/* a comment */}}x',
    '{{ with $labels.job }}{{ . }}{{ end }}',
    '{{ $externalLabels.cluster }}',
  ];

  test.each(broken)('%j is refused', (t) => {
    expect(goTemplateProblem(t)).toBeDefined();
  });

  test.each(valid)('%j is accepted', (t) => {
    expect(goTemplateProblem(t)).toBeUndefined();
  });

  test('messages say what is wrong', () => {
    expect(goTemplateProblem('{{ $labels.job ')).toBe('the action opened at offset 0 ("{{ $labels.job") is not closed with "}}"');
    expect(goTemplateProblem('{{ if true }}x')).toBe('{{if}} is not closed with {{end}}');
    expect(goTemplateProblem('{{ $nope }}')).toBe(
      'the variable "$nope" at offset 0 is not defined (Prometheus provides $labels, $value and $externalLabels)',
    );
  });

  // promtool is the judge: each refused template fails `promtool check rules`, each accepted one passes.
  const rulesFile = (summary: string) =>
    YAML.stringify({ groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'vector(1)', annotations: { summary } }] }] });

  test.each(broken)('promtool also refuses %j', (t) => {
    const r = checkRules({ 'rules.yaml': rulesFile(t) });
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/template|unexpected|undefined|unclosed|unterminated|end/i);
  });

  test('promtool accepts every template the check accepts', () => {
    const r = checkRules({
      'rules.yaml': YAML.stringify({
        groups: [{ name: 'g', rules: valid.map((summary, i) => ({ alert: `A${i}`, expr: 'vector(1)', annotations: { summary } })) }],
      }),
    });
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.exitCode).toBe(0);
  });
});
