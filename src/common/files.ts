import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/** The files registered per app, in creation order (constructs are never removed). */
const filesByApp = new WeakMap<IConstruct, SynthFile[]>();

/**
 * A file other than a Kubernetes manifest that a construct produces at synth time (a
 * Grafana dashboard JSON, a Helm values file). It is written into the app's output
 * directory, beside the manifests, when `app.synth()` runs (so a plain `cdk8s synth` writes
 * it); `Testing.synth` and `app.synthYaml()` write nothing. Two files with one path are an
 * error when the second is created.
 */
export class SynthFile extends Construct {
  /** Path of the file relative to the app's output directory. */
  public readonly relativePath: string;
  private readonly render: () => string;

  constructor(scope: Construct, id: string, relativePath: string, render: () => string) {
    super(scope, id);
    if (path.isAbsolute(relativePath) || relativePath.split(/[\\/]/).includes('..')) {
      throw new Error(
        `[${this.node.path}] relativePath: "${relativePath}" leaves the output directory. Fix: give a path relative to the output directory.`,
      );
    }
    this.relativePath = relativePath;
    this.render = render;
    register(this);
  }

  /** The file's content. */
  public content(): string {
    return this.render();
  }
}

function register(file: SynthFile): void {
  const root = file.node.root;
  let files = filesByApp.get(root);
  if (!files) {
    files = [];
    filesByApp.set(root, files);
    if (root instanceof App) writeAfterSynth(root);
  }
  const other = files.find((f) => f.relativePath === file.relativePath);
  if (other) {
    throw new Error(
      `[${file.node.path}] relativePath: "${file.relativePath}" is also written by ${other.node.path}. Fix: give each file its own path.`,
    );
  }
  files.push(file);
}

/** Makes `app.synth()` write the app's files after the manifests (once per app). */
function writeAfterSynth(app: App): void {
  const synthManifests = app.synth.bind(app);
  app.synth = () => {
    synthManifests();
    writeSynthFiles(app);
  };
}

/** Every {@link SynthFile} of the app that `scope` belongs to, in creation order. */
export function findSynthFiles(scope: IConstruct): SynthFile[] {
  return [...(filesByApp.get(scope.node.root) ?? [])];
}

/**
 * Writes every {@link SynthFile} of the app into `outdir` (default: the app's output
 * directory) and returns the paths written. `app.synth()` already does this; call it for
 * another directory, or after `app.synthYaml()`.
 */
export function writeSynthFiles(app: App, outdir: string = app.outdir): string[] {
  const rendered = findSynthFiles(app).map((f) => [path.join(outdir, f.relativePath), f.content()] as const);
  for (const [file, content] of rendered) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return rendered.map(([file]) => file);
}
