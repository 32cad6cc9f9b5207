import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/**
 * A file other than a Kubernetes manifest that a construct produces at synth time (a
 * Grafana dashboard JSON, a Helm values file). `cdk8s synth` writes only manifests: call
 * {@link writeSynthFiles} after `app.synth()` to write these beside them.
 */
export class SynthFile extends Construct {
  /** Path of the file relative to the app's output directory. */
  public readonly relativePath: string;
  private readonly render: () => string;

  constructor(scope: Construct, id: string, relativePath: string, render: () => string) {
    super(scope, id);
    if (path.isAbsolute(relativePath) || relativePath.split(/[\\/]/).includes('..')) {
      throw new Error(`[${this.node.path}] relativePath: "${relativePath}" leaves the output directory. Fix: give a path relative to the output directory.`);
    }
    this.relativePath = relativePath;
    this.render = render;
  }

  /** The file's content. */
  public content(): string {
    return this.render();
  }
}

/** Every {@link SynthFile} under `scope`. */
export function findSynthFiles(scope: IConstruct): SynthFile[] {
  return scope.node.findAll().filter((c): c is SynthFile => c instanceof SynthFile);
}

/**
 * Writes every {@link SynthFile} of the app into `outdir` (default: the app's output
 * directory). Returns the paths written. Two files with one path are an error.
 */
export function writeSynthFiles(app: App, outdir: string = app.outdir): string[] {
  const files = findSynthFiles(app);
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.relativePath);
    if (other) {
      throw new Error(`[${f.node.path}] relativePath: "${f.relativePath}" is also written by ${other}. Fix: give each file its own path.`);
    }
    seen.set(f.relativePath, f.node.path);
  }
  const rendered = files.map((f) => [path.join(outdir, f.relativePath), f.content()] as const);
  for (const [file, content] of rendered) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return rendered.map(([file]) => file);
}
