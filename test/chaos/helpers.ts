import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ChaosExperiment, ChaosExperimentProps, ResilienceValidationError } from '../../src';
import { expectValidManifests } from '../support/schema';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A fresh chart in namespace chaos-testing. */
export function newChart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'chaos-testing' });
}

/** Synthesizes one experiment, validates every object against its schema, returns the objects. */
export function synthExperiment(props: ChaosExperimentProps, name = 'exp'): Json[] {
  const chart = newChart();
  new ChaosExperiment(chart, name, props);
  const objs = Testing.synth(chart);
  expectValidManifests(objs);
  return objs;
}

/** The spec of the only object of `kind`. */
export function specOf(objs: Json[], kind: string): Json {
  const found = objs.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0].spec;
}

/** Runs `build` and returns the validation error it throws (failing the test if none). */
export function validationError(build: (scope: Construct) => void): ResilienceValidationError {
  const chart = newChart();
  try {
    build(chart);
  } catch (e) {
    expect(e).toBeInstanceOf(ResilienceValidationError);
    // Nothing was emitted for the failing construct.
    return e as ResilienceValidationError;
  }
  throw new Error('expected a ResilienceValidationError, but the construct was built');
}

export { App };
