import { manifestProblems } from './schema';

describe('manifest validation harness', () => {
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'r' },
    spec: { groups: [{ name: 'g', rules: [{ record: 'x', expr: 'up' }] }] },
  };

  test('accepts a valid custom resource', () => {
    expect(manifestProblems(rule)).toEqual([]);
  });

  test('rejects an unknown field in a custom resource', () => {
    const bad = { ...rule, spec: { ...rule.spec, bogus: true } };
    expect(manifestProblems(bad).join('\n')).toMatch(/bogus/);
  });

  test('rejects a wrong type and a missing required field in a custom resource', () => {
    const bad = { ...rule, spec: { groups: [{ rules: [{ record: 'x', expr: 'up', for: 5 }] }] } };
    const problems = manifestProblems(bad).join('\n');
    expect(problems).toMatch(/must have required property 'name'/);
    expect(problems).toMatch(/for must be string/);
  });

  test('rejects an invalid metadata.name', () => {
    expect(manifestProblems({ ...rule, metadata: { name: 'Bad_Name' } }).join('\n')).toMatch(/metadata\/name/);
  });

  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'a' } },
  };

  test('accepts a valid core object, int-or-string fields included', () => {
    expect(manifestProblems(svc)).toEqual([]);
  });

  test('rejects a core object with a wrong type or an unknown field', () => {
    expect(manifestProblems({ ...svc, spec: { ports: [{ port: '80' }] } }).join('\n')).toMatch(/port must be integer/);
    expect(manifestProblems({ ...svc, spec: { ...svc.spec, bogus: 1 } }).join('\n')).toMatch(/unknown field spec.bogus/);
  });

  test('rejects a kind it has no schema for', () => {
    expect(manifestProblems({ apiVersion: 'x/v1', kind: 'Nope', metadata: { name: 'n' } })).toHaveLength(1);
  });
});

describe('manifest validation harness: API names that cdk8s spells differently', () => {
  test('accepts setHostnameAsFQDN on a pod spec, still rejects a misspelling', () => {
    const pod = (spec: object) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
    });
    expect(manifestProblems(pod({ setHostnameAsFQDN: true }))).toEqual([]);
    expect(manifestProblems(pod({ setHostnameAsFqdn: true })).join('\n')).toMatch(/unknown field spec.setHostnameAsFqdn/);
  });
});
