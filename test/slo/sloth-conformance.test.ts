import * as fs from 'fs';
import * as YAML from 'yaml';
import { SLOTH_FIXTURES, slothFixtureCases, runSlothCase } from './sloth-fixtures';

describe('Sloth v0.16 conformance (test/fixtures/sloth)', () => {
  const cases = slothFixtureCases();

  test('the fixture set is present', () => {
    expect(fs.existsSync(SLOTH_FIXTURES)).toBe(true);
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: same groups, rules, labels and expressions as Sloth', (_name, c) => {
    const { actual, expected } = runSlothCase(c);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toEqual(expected[i]);
  });

  test('the comparison notices a changed expression', () => {
    const c = cases.find((x) => x.name === 'base')!;
    const { actual, expected } = runSlothCase(c);
    const tampered = JSON.parse(JSON.stringify(actual));
    tampered[0].groups[0].rules[0].expr += ' ';
    expect(tampered).not.toEqual(expected);
    expect(YAML.stringify(actual)).toBe(YAML.stringify(expected));
  });
});
