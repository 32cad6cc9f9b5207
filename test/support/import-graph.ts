/**
 * The static import graph of source files: which local modules and packages they reach
 * through value imports (type-only imports are erased; lazy require() calls are not followed).
 */
import * as fs from 'fs';
import * as path from 'path';

export const SRC = path.resolve(__dirname, '..', '..', 'src');

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s(?!type\s)[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]);
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  if (spec.endsWith('.json')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c)) return c;
  throw new Error(`${from}: cannot resolve ${spec}`);
}

/** Every file reachable from `entries`, with its local imports, and every package imported (with the first file importing it). */
export function importGraph(entries: readonly string[]): { files: Map<string, string[]>; packages: Map<string, string> } {
  const files = new Map<string, string[]>();
  const packages = new Map<string, string>();
  const todo = [...entries];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    const deps: string[] = [];
    for (const spec of imports(f)) {
      if (spec.endsWith('.json')) continue;
      const local = resolveLocal(f, spec);
      if (local) {
        deps.push(local);
        todo.push(local);
      } else packages.set(spec, path.relative(SRC, f));
    }
    files.set(f, deps);
  }
  return { files, packages };
}

/** The packages of cdk8s and constructs among `packages`. */
export function cdk8sPackages(packages: Map<string, string>): Array<[string, string]> {
  return [...packages.entries()].filter(([p]) => /^(cdk8s|cdk8s-plus-\d+|constructs)(\/|$)/.test(p));
}

/** The chaos model: plain data and functions, loadable without cdk8s (the constructs are experiment, workflow, status-check and machines). */
export const CHAOS_MODEL_MODULES = [
  'actions',
  'cron',
  'guardrails',
  'http-check',
  'kinds',
  'litmus',
  'mode',
  'platform',
  'schedule',
  'selector',
  'steps',
  'types',
  'units',
] as const;
