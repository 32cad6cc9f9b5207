/**
 * The chapter platform: every manifest of the resilience automation chapter, synthesized
 * by the library into dist/ (`npm run synth`).
 */
import { App, YamlOutputType } from 'cdk8s';
import { ResilienceValidationError } from '../src';
import { buildPlatform } from './platform';

function main(): void {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist', outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildPlatform(app);
  app.synth(); // also writes the dashboard JSON and the Helm values file beside the manifests
}

try {
  main();
} catch (e) {
  // Input problems are reported as messages, not stack traces.
  const err = e as Error;
  if (err instanceof ResilienceValidationError || /^Validation failed/.test(err.message)) {
    process.stderr.write(`synth failed: ${err.message}\n`);
    process.exit(1);
  }
  throw e;
}
