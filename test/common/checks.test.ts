import {
  annotationKeyProblems,
  annotationsProblems,
  labelKeyProblems,
  labelProblems,
  labelRequirementsProblems,
  labelSelectorProblems,
  labelsProblems,
  labelValueProblems,
  metadataProblems,
  nameProblems,
  namespaceListProblems,
  namespaceProblems,
  promLabelsProblems,
} from '../../src/common/checks';
import { fieldPath, formatProblem, prefixProblems, problemsAbout, Problems, ResilienceValidationError } from '../../src/common/errors';

describe('names', () => {
  test('object names are DNS-1123 subdomains by default, labels on request', () => {
    expect(nameProblems('name', 'ok.name-1')).toEqual([]);
    expect(nameProblems('name', 'Bad_Name')).toEqual([
      {
        field: 'name',
        problem: "\"Bad_Name\" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')",
        fix: 'use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
      },
    ]);
    expect(nameProblems('name', 'a.b', { rule: 'dns-label', what: 'object name', fix: 'rename it' })).toEqual([
      {
        field: 'name',
        problem: 'object name "a.b" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit)',
        fix: 'rename it',
      },
    ]);
    expect(nameProblems('name', 'x'.repeat(64), { rule: 'dns-label' })[0].problem).toBe(`"${'x'.repeat(64)}" is longer than 63 characters`);
    expect(nameProblems('name', 'x'.repeat(254))[0].problem).toBe(`"${'x'.repeat(254)}" is longer than 253 characters`);
    expect(nameProblems('name', undefined)[0].problem).toBe("\"\" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')");
  });

  test('namespaces', () => {
    expect(namespaceProblems('namespace', 'team-a')).toEqual([]);
    expect(namespaceProblems('namespace', 'Team_A')).toEqual([
      {
        field: 'namespace',
        problem: 'namespace "Team_A" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit)',
        fix: 'use a namespace name',
      },
    ]);
    expect(namespaceProblems('ns', '*')).toHaveLength(1);
    expect(namespaceProblems('ns', '*', { allowAll: true })).toEqual([]);
    expect(namespaceListProblems('includedNamespaces', ['ok', '-bad', '*'], { allowAll: true })).toEqual([
      {
        field: 'includedNamespaces[1]',
        problem: 'namespace "-bad" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit)',
        fix: 'use a namespace name, or "*" for every namespace',
      },
    ]);
    expect(namespaceProblems('namespace', 'A', { what: '' })[0].problem).toBe(
      '"A" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit)',
    );
  });
});

describe('labels and annotations', () => {
  test('keys and values', () => {
    expect(labelsProblems('labels', { 'app.kubernetes.io/name': 'web', tier: '' })).toEqual([]);
    expect(labelsProblems('labels', { 'a/b/c': 'x', ok: 'not ok', 'x.io/': 'v' })).toEqual([
      { field: 'labels.a/b/c', problem: 'label key "a/b/c" has more than one \'/\'', fix: 'use valid label keys and values' },
      {
        field: 'labels.ok',
        problem:
          "label value \"not ok\" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)",
        fix: 'use valid label keys and values',
      },
      {
        field: 'labels.x.io/',
        problem: "label key \"x.io/\" has an invalid name part (at most 63 characters: letters, digits, '-', '_', '.')",
        fix: 'use valid label keys and values',
      },
    ]);
    expect(labelKeyProblems('labelKey', 'Bad_Prefix/x')).toEqual([
      {
        field: 'labelKey',
        problem: 'label key "Bad_Prefix/x" has an invalid prefix',
        fix: 'use a label key such as "app.kubernetes.io/name" or "tier"',
      },
    ]);
    expect(labelValueProblems('tier', 'x'.repeat(64))[0].fix).toBe(
      'use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    );
    expect(labelProblems('sel', 'k', 'v!', { fix: 'fix it' })).toEqual([
      {
        field: 'sel',
        problem: "label value \"v!\" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)",
        fix: 'fix it',
      },
    ]);
  });

  test('annotations: qualified keys, any value, 256 KiB in all', () => {
    expect(annotationsProblems('annotations', { 'example.com/note': 'any text at all: ✓' })).toEqual([]);
    expect(annotationKeyProblems('folderAnnotation', 'bad key!')).toEqual([
      {
        field: 'folderAnnotation',
        problem: "annotation key \"bad key!\" has an invalid name part (at most 63 characters: letters, digits, '-', '_', '.')",
        fix: 'use a key of letters, digits, "-", "_" and ".", optionally prefixed by a DNS subdomain and "/"',
      },
    ]);
    expect(annotationsProblems('annotations', { big: 'x'.repeat(262144) })).toEqual([
      {
        field: 'annotations',
        problem: 'the annotations hold 262147 bytes, more than the 262144 (256 KiB) Kubernetes allows',
        fix: 'keep large data in a ConfigMap and refer to it',
      },
    ]);
  });

  test('Prometheus labels: names by Prometheus rules, any value', () => {
    expect(promLabelsProblems('alertLabels', { severity: 'critical', team: 'Team A' })).toEqual([]);
    expect(promLabelsProblems('alertLabels', { 'team/x': 'a', __x: 'b' })).toEqual([
      {
        field: 'alertLabels.team/x',
        problem: '"team/x" is not a valid Prometheus label name (letters, digits and \'_\', not starting with a digit)',
        fix: 'use letters, digits and "_", not starting with a digit or "__"',
      },
      {
        field: 'alertLabels.__x',
        problem: '"__x" starts with \'__\', which Prometheus reserves for internal labels',
        fix: 'use letters, digits and "_", not starting with a digit or "__"',
      },
    ]);
  });
});

test('label selectors: labels, keys, operators and values', () => {
  expect(
    labelSelectorProblems('labelSelector', {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a'] },
        { key: 'x', operator: 'Exists' },
      ],
    }),
  ).toEqual([]);
  expect(
    labelSelectorProblems('labelSelector', {
      matchLabels: { app: 'not ok' },
      matchExpressions: [
        { key: 'Bad Key', operator: 'In', values: ['a'] },
        { key: 'tier', operator: 'In' },
        { key: 'tier', operator: 'Exists', values: ['a'] },
        { key: 'tier', operator: 'Near' },
        { key: 'tier', operator: 'NotIn', values: ['ok', 'no way'] },
      ],
    }),
  ).toEqual([
    {
      field: 'labelSelector.matchLabels.app',
      problem:
        "label value \"not ok\" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)",
      fix: 'use valid label keys and values',
    },
    {
      field: 'labelSelector.matchExpressions[0].key',
      problem: "label key \"Bad Key\" has an invalid name part (at most 63 characters: letters, digits, '-', '_', '.')",
      fix: 'use a valid label key',
    },
    { field: 'labelSelector.matchExpressions[1].values', problem: 'In needs at least one value', fix: 'list the values, or use Exists' },
    { field: 'labelSelector.matchExpressions[2].values', problem: 'Exists takes no values', fix: 'remove the values' },
    {
      field: 'labelSelector.matchExpressions[3].operator',
      problem: '"Near" is not a label-selector operator',
      fix: 'use one of In, NotIn, Exists, DoesNotExist',
    },
    {
      field: 'labelSelector.matchExpressions[4].values[1]',
      problem:
        "label value \"no way\" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)",
      fix: 'use a valid label value',
    },
  ]);
  expect(labelRequirementsProblems('target.expressions', [{ key: 'k', operator: 'NotIn', values: [] }])).toEqual([
    { field: 'target.expressions[0].values', problem: 'NotIn needs at least one value', fix: 'list the values, or use Exists' },
  ]);
});

test('metadata: every part that is given', () => {
  expect(metadataProblems({ name: 'ok', namespace: 'ns', labels: { a: 'b' }, annotations: { c: 'd' } })).toEqual([]);
  expect(metadataProblems({ name: 'Bad', namespace: 'Bad', labels: { 'a b': 'c' }, annotations: { 'c d': 'e' } }).map((p) => p.field)).toEqual([
    'name',
    'namespace',
    'labels.a b',
    'annotations.c d',
  ]);
  expect(metadataProblems({ name: 'bad.name' }, { nameRule: 'dns-label', nameField: 'metadata.name' })[0].field).toBe('metadata.name');
});

describe('the one problem shape', () => {
  test('fields below a prefix, subjects before problems', () => {
    expect([fieldPath('', 'name'), fieldPath('schedules[0]', 'name'), fieldPath('hooks', '[1]'), fieldPath('x', '')]).toEqual([
      'name',
      'schedules[0].name',
      'hooks[1]',
      'x',
    ]);
    expect(prefixProblems('schedules[2]', [{ field: 'retention', problem: 'p', fix: 'f' }])).toEqual([
      { field: 'schedules[2].retention', problem: 'p', fix: 'f' },
    ]);
    expect(problemsAbout('experiment "e"', [{ field: 'mode', problem: 'bad', fix: 'f' }])).toEqual([
      { field: 'mode', problem: 'experiment "e": bad', fix: 'f' },
    ]);
  });

  test('one line per problem: where, field, problem, fix', () => {
    expect(formatProblem('app/chart/plan', { field: 'labels.a b', problem: 'label key "a b" is bad', fix: 'use valid label keys and values' })).toBe(
      '[app/chart/plan] labels.a b: label key "a b" is bad. Fix: use valid label keys and values.',
    );
    const collected = new Problems();
    collected.addAll('', nameProblems('name', 'A'));
    collected.addAll('spec', namespaceProblems('namespace', 'B'));
    expect(() => collected.throwIfAny('app/x')).toThrow(ResilienceValidationError);
    expect(collected.messages()).toEqual([
      'name: "A" is not a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\'). Fix: use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit.',
      'spec.namespace: namespace "B" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit). Fix: use a namespace name.',
    ]);
  });
});
