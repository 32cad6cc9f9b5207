/**
 * Report rendering: text, Markdown, JSON (the versioned schema) and JUnit XML, the
 * simulation notice in each, and verdicts to exit codes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Check, exitCodeOf, Report, REPORT_SCHEMA, verdictOf } from '../../src/runtime/report/model';
import { renderReport, SIMULATION_NOTICE } from '../../src/runtime/report/render';

const pass: Check = {
  id: 'backup.freshness/daily',
  title: 'schedule daily has a fresh Completed backup',
  status: 'passed',
  evidence: ['last Completed backup daily-1 finished 2h ago'],
};
const fail: Check = {
  id: 'backup.validate/b<1>',
  title: 'backup b<1> is complete & restorable',
  status: 'failed',
  evidence: ['phase PartiallyFailed: 2 errors', 'a | b'],
  fix: 'take a new backup',
};
const undecided: Check = {
  id: 'backup.validate/b2',
  title: 'backup b2',
  status: 'undecided',
  evidence: ['its resource list could not be downloaded'],
};
const skipped: Check = { id: 'backup.validate/b3', title: 'backup b3', status: 'skipped', evidence: ['still running: phase InProgress'] };

function report(simulated: boolean): Report {
  const checks = [pass, fail, undecided, skipped];
  return {
    schema: REPORT_SCHEMA,
    command: 'backup report',
    title: 'Velero backup report',
    generatedAt: '2026-01-02T03:04:05.000Z',
    target: { context: 'ctx', server: 'https://k8s.example:6443' },
    simulated,
    sections: [
      { title: 'Backups', checks: [], tables: [{ title: 'Backups (1)', columns: ['name', 'phase'], rows: [['daily-1', 'Completed']] }] },
      { title: 'Checks', checks, notes: ['a note'] },
    ],
    verdict: verdictOf(checks),
    recommendations: ['do the thing'],
  };
}

test('verdicts and exit codes: failed wins, then undecided; skipped alone is no failure', () => {
  expect(verdictOf([pass, fail, undecided])).toBe('failed');
  expect(verdictOf([pass, undecided])).toBe('undecided');
  expect(verdictOf([pass, skipped])).toBe('passed');
  expect(verdictOf([skipped])).toBe('skipped');
  expect([exitCodeOf('passed'), exitCodeOf('failed'), exitCodeOf('undecided'), exitCodeOf('skipped')]).toEqual([0, 1, 2, 0]);
});

test('text: the whole report, aligned tables, evidence and fixes', () => {
  expect(renderReport(report(false), 'text')).toBe(
    [
      'Velero backup report',
      'backup report at 2026-01-02T03:04:05.000Z (context ctx, server https://k8s.example:6443)',
      '',
      '== Backups',
      '  Backups (1)',
      '  NAME     PHASE',
      '  daily-1  Completed',
      '',
      '',
      '== Checks',
      '  [PASS] schedule daily has a fresh Completed backup',
      '      last Completed backup daily-1 finished 2h ago',
      '  [FAIL] backup b<1> is complete & restorable',
      '      phase PartiallyFailed: 2 errors',
      '      a | b',
      '      fix: take a new backup',
      '  [UNDECIDED] backup b2',
      '      its resource list could not be downloaded',
      '  [SKIP] backup b3',
      '      still running: phase InProgress',
      '  note: a note',
      '',
      'recommendation: do the thing',
      'verdict: FAILED (4 checks: 1 passed, 1 failed, 1 undecided, 1 skipped)',
      '',
    ].join('\n'),
  );
});

test('every format says prominently when the report is simulated, and only then', () => {
  for (const f of ['text', 'markdown', 'json', 'junit'] as const) {
    expect(renderReport(report(true), f)).toContain(f === 'json' ? '"simulated": true' : SIMULATION_NOTICE);
    expect(renderReport(report(false), f)).not.toContain(SIMULATION_NOTICE);
  }
  expect(renderReport(report(true), 'text').startsWith(`*** ${SIMULATION_NOTICE} ***\n`)).toBe(true);
  expect(renderReport(report(true), 'markdown')).toContain(`# Velero backup report\n\n> **${SIMULATION_NOTICE}**\n`);
});

test('JSON is the report object itself, with its schema version', () => {
  const r = report(false);
  expect(JSON.parse(renderReport(r, 'json'))).toEqual(r);
  expect(JSON.parse(renderReport(r, 'json')).schema).toBe('cdk8s-resilience.report/v1');
});

test('Markdown: tables escape pipes; checks as a table with status and fix', () => {
  const md = renderReport(report(false), 'markdown');
  expect(md).toContain('| name | phase |\n| --- | --- |\n| daily-1 | Completed |');
  expect(md).toContain('| backup b<1> is complete & restorable | ❌ failed | phase PartiallyFailed: 2 errors; a \\| b | take a new backup |');
  expect(md).toContain('- verdict: **failed** (4 checks: 1 passed, 1 failed, 1 undecided, 1 skipped)');
});

test('JUnit: one test case per check; failed → failure, undecided → error, skipped → skipped; XML escaped', () => {
  const xml = renderReport(report(true), 'junit');
  expect(xml).toContain('<testsuites name="backup report" tests="4" failures="1" errors="1" skipped="1" timestamp="2026-01-02T03:04:05.000Z">');
  expect(xml).toContain('<testsuite name="Backups" tests="0" failures="0" errors="0" skipped="0"');
  expect(xml).toContain(
    '<testcase classname="Checks" name="backup.validate/b&lt;1&gt;" time="0.000">\n      <failure message="backup b&lt;1&gt; is complete &amp; restorable" type="failed">phase PartiallyFailed: 2 errors\na | b\nfix: take a new backup</failure>',
  );
  expect(xml).toContain('<error message="backup b2" type="undecided">');
  expect(xml).toContain('<skipped message="backup b3"/>');
  expect(xml).toContain('<property name="simulated" value="true"/>');
  expect((xml.match(/<testcase /g) ?? []).length).toBe(4);
});

describe('the JSON schema in docs/report.schema.json', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require('ajv') as typeof import('ajv').default;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'report.schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  test('accepts what the renderer prints, including measurements and durations', () => {
    const r = report(true);
    const withFigures: Report = {
      ...r,
      sections: [
        ...r.sections,
        {
          title: 'Timed',
          durationSeconds: 1.5,
          checks: [{ ...pass, id: 'x.y/z', measurements: [{ name: 'age', value: 3600, unit: 'seconds', target: 7200 }], durationSeconds: 0.2 }],
        },
      ],
    };
    expect(validate(JSON.parse(renderReport(withFigures, 'json')))).toBe(true);
  });

  test('rejects another schema version, an unknown status and unknown fields', () => {
    const good = JSON.parse(renderReport(report(false), 'json')) as Record<string, unknown>;
    expect(validate({ ...good, schema: 'cdk8s-resilience.report/v2' })).toBe(false);
    expect(validate({ ...good, verdict: 'ok' })).toBe(false);
    expect(validate({ ...good, extra: 1 })).toBe(false);
  });
});
