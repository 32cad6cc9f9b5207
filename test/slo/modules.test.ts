/** The SLO file modules, split by concern, load no cdk8s: the slo CLI uses them. */
import * as fs from 'fs';
import * as path from 'path';
import { cdk8sPackages, importGraph, SRC } from '../support/import-graph';

const PLAIN = ['spec-files', 'spec-documents', 'error-budget-alert', 'alert-window-files', 'spec-constructs', 'output', 'loader'];

test.each(PLAIN)('%s reaches no cdk8s through its imports', (m) => {
  const { packages } = importGraph([path.join(SRC, 'slo', `${m}.ts`)]);
  expect(cdk8sPackages(packages)).toEqual([]);
});

test('each concern has its own module, and none is large', () => {
  for (const m of PLAIN) {
    const lines = fs.readFileSync(path.join(SRC, 'slo', `${m}.ts`), 'utf8').split('\n').length;
    expect([m, lines < 400]).toEqual([m, true]);
  }
  // The loader only gathers them.
  expect(fs.readFileSync(path.join(SRC, 'slo', 'loader.ts'), 'utf8')).not.toMatch(/function /);
});
