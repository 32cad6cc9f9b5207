/**
 * The simulated Chaos Mesh controller, in process (store, sim clock): selection by selector
 * and mode, the status it writes (conditions, records, counts, events), duration, pause and
 * delete, and what each fault does to pods and to the demo app's traffic. Also the run-time
 * guardrails and the experiment file reader.
 */
import { goDurationMs } from '../../src/common/duration';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_PROTECTED_NAMESPACES } from '../../src/chaos/guardrails';
import { DEFAULT_MAX_DURATION } from '../../src/chaos/experiment';
import {
  pickExperiment,
  readChaosFile,
  RUNTIME_MAX_DURATION_MS,
  RUNTIME_PROTECTED_NAMESPACES,
  runtimeGuardrailProblems,
} from '../../src/runtime/chaos/experiment';
import { CHAOS_NETWORK, CHAOS_POD, DEPLOYMENTS, EVENTS, NAMESPACES, PODS } from '../../src/runtime/cluster/resources';
import { modeCount, PAUSE_ANNOTATION, podServing } from '../../src/runtime/sim/chaos';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';

let sim: SimulatedCluster;

beforeEach(async () => {
  sim = new SimulatedCluster({ timing: { phaseMs: 10, podReadyMs: 20 } });
  await sim.start();
  sim.apply(NAMESPACES, { metadata: { name: 'team-alpha' } });
  sim.apply(NAMESPACES, { metadata: { name: 'chaos-testing' } });
  sim.apply(DEPLOYMENTS, {
    metadata: { name: 'demo-app', namespace: 'team-alpha' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'demo-app' } },
      template: { metadata: { labels: { app: 'demo-app' } }, spec: { containers: [{ name: 'demo-app', image: 'x' }] } },
    },
  });
  await sim.settle(() => pods().filter(podServing).length === 4);
});

afterEach(async () => sim.stop());

function pods() {
  return sim.store.list(PODS, 'team-alpha', 'app=demo-app');
}

function experiment(kind: typeof CHAOS_POD, name: string, spec: Record<string, unknown>) {
  return sim.store.create(
    kind,
    {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: kind.kind,
      metadata: { name, namespace: 'chaos-testing' },
      spec: { selector: { namespaces: ['team-alpha'], labelSelectors: { app: 'demo-app' } }, ...spec },
    },
    'chaos-testing',
  );
}

type St = {
  conditions: Array<{ type: string; status: string }>;
  experiment: {
    desiredPhase: string;
    containerRecords: Array<{
      id: string;
      phase: string;
      injectedCount: number;
      recoveredCount: number;
      events: Array<{ operation: string; type: string }>;
    }>;
  };
};
const status = (kind: typeof CHAOS_POD, name: string) => sim.store.get(kind, 'chaos-testing', name)?.status as unknown as St;
const conds = (s: St) => Object.fromEntries(s.conditions.map((c) => [c.type, c.status]));

test('modes pick as Chaos Mesh counts them', () => {
  expect([
    modeCount('one', undefined, 4),
    modeCount('all', undefined, 4),
    modeCount('fixed', '2', 4),
    modeCount('fixed-percent', '25', 4),
    modeCount('fixed-percent', '25', 3),
    modeCount('random-max-percent', '50', 4),
    modeCount('fixed', '9', 4),
  ]).toEqual([1, 4, 2, 1, 0, 2, 4]);
});

test('pod-failure: selected pods stop serving, records and conditions follow; after the duration each container restarts once and serves again', async () => {
  experiment(CHAOS_POD, 'pf', { action: 'pod-failure', mode: 'fixed', value: '2', duration: '30s' });
  await sim.settle(() => conds(status(CHAOS_POD, 'pf') ?? ({ conditions: [] } as unknown as St)).AllInjected === 'True');
  let s = status(CHAOS_POD, 'pf');
  expect(conds(s)).toEqual({ Selected: 'True', AllInjected: 'True', AllRecovered: 'False', Paused: 'False' });
  expect(s.experiment.desiredPhase).toBe('Run');
  const names = pods()
    .map((p) => p.metadata.name)
    .sort();
  expect(s.experiment.containerRecords.map((r) => [r.id, r.phase, r.injectedCount, r.recoveredCount])).toEqual(
    names.slice(0, 2).map((n) => [`team-alpha/${n}`, 'Injected', 1, 0]),
  );
  await sim.settle(() => pods().filter(podServing).length === 2);
  sim.clock.advance(30_000);
  await sim.settle(() => conds(status(CHAOS_POD, 'pf')).AllRecovered === 'True');
  s = status(CHAOS_POD, 'pf');
  expect(s.experiment.desiredPhase).toBe('Stop');
  expect(
    s.experiment.containerRecords.map((r) => [r.phase, r.injectedCount, r.recoveredCount, r.events.map((e) => `${e.operation}/${e.type}`).join(',')]),
  ).toEqual([
    ['Not Injected', 1, 1, 'Apply/Succeeded,Recover/Succeeded'],
    ['Not Injected', 1, 1, 'Apply/Succeeded,Recover/Succeeded'],
  ]);
  await sim.settle(() => pods().filter(podServing).length === 4);
  const restarts = pods().map((p) => (p.status as { containerStatuses: Array<{ restartCount: number }> }).containerStatuses[0].restartCount);
  expect(restarts.sort()).toEqual([0, 0, 1, 1]);
  const reasons = sim.store
    .list(EVENTS, 'chaos-testing')
    .filter((e) => (e as unknown as { involvedObject: { name: string } }).involvedObject.name === 'pf')
    .map((e) => (e as unknown as { reason: string }).reason);
  expect(reasons).toEqual(['Selected', 'Applied', 'Finished']);
});

test('pod-kill deletes the pod; the Deployment replaces it', async () => {
  const before = pods()
    .map((p) => p.metadata.name)
    .sort();
  experiment(CHAOS_POD, 'pk', { action: 'pod-kill', mode: 'one', duration: '10s' });
  await sim.settle(() => !pods().some((p) => p.metadata.name === before[0]));
  await sim.settle(() => pods().filter(podServing).length === 4);
  expect(pods().map((p) => p.metadata.name)).not.toContain(before[0]);
  expect(status(CHAOS_POD, 'pk').experiment.containerRecords[0].id).toBe(`team-alpha/${before[0]}`);
});

test('pause recovers at once and sets Paused; removing the annotation injects again; delete recovers', async () => {
  experiment(CHAOS_POD, 'pp', { action: 'pod-failure', mode: 'all' });
  await sim.settle(() => pods().filter(podServing).length === 0);
  sim.store.patch(CHAOS_POD, 'chaos-testing', 'pp', { metadata: { annotations: { [PAUSE_ANNOTATION]: 'true' } } });
  await sim.settle(() => conds(status(CHAOS_POD, 'pp')).Paused === 'True');
  expect(conds(status(CHAOS_POD, 'pp'))).toEqual({ Selected: 'True', AllInjected: 'False', AllRecovered: 'True', Paused: 'True' });
  await sim.settle(() => pods().filter(podServing).length === 4);
  sim.store.patch(CHAOS_POD, 'chaos-testing', 'pp', { metadata: { annotations: { [PAUSE_ANNOTATION]: null } } });
  await sim.settle(() => conds(status(CHAOS_POD, 'pp')).AllInjected === 'True');
  expect(status(CHAOS_POD, 'pp').experiment.containerRecords.every((r) => r.injectedCount === 2 && r.recoveredCount === 1)).toBe(true);
  await sim.settle(() => pods().filter(podServing).length === 0);
  sim.store.delete(CHAOS_POD, 'chaos-testing', 'pp');
  await sim.settle(() => pods().filter(podServing).length === 4);
});

test('network delay publishes its traffic effect on the selected pods only while injected', async () => {
  experiment(CHAOS_NETWORK, 'nd', { action: 'delay', mode: 'one', delay: { latency: '150ms' }, duration: '5s' });
  await sim.settle(() => sim.chaos.effects().size === 1);
  const [[pod, effect]] = [...sim.chaos.effects()];
  expect(pod).toBe(
    `team-alpha/${
      pods()
        .map((p) => p.metadata.name)
        .sort()[0]
    }`,
  );
  expect(effect).toEqual({ delaySeconds: 0.15, errorRatio: 0 });
  expect(pods().filter(podServing).length).toBe(4);
  sim.clock.advance(5000);
  await sim.settle(() => sim.chaos.effects().size === 0);
});

test('a selector that matches nothing: Selected False, no records', async () => {
  sim.store.create(
    CHAOS_POD,
    {
      metadata: { name: 'none', namespace: 'chaos-testing' },
      spec: { action: 'pod-kill', mode: 'one', duration: '5s', selector: { namespaces: ['team-alpha'], labelSelectors: { app: 'nope' } } },
    },
    'chaos-testing',
  );
  await sim.settle(() => status(CHAOS_POD, 'none')?.conditions !== undefined);
  expect(conds(status(CHAOS_POD, 'none')).Selected).toBe('False');
  expect(status(CHAOS_POD, 'none').experiment.containerRecords).toEqual([]);
});

describe('experiment files and run-time guardrails', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-files-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const pod = (name: string, spec: string) =>
    `apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata:\n  name: ${name}\n  namespace: chaos-testing\nspec:\n${spec}`;

  test('the same protected namespaces and maximum duration as the synth-time guardrails (which use cdk8s)', () => {
    expect(RUNTIME_PROTECTED_NAMESPACES).toEqual(DEFAULT_PROTECTED_NAMESPACES);
    expect(RUNTIME_MAX_DURATION_MS).toBe(DEFAULT_MAX_DURATION.toMilliseconds());
    expect([goDurationMs('30s'), goDurationMs('1m30s'), goDurationMs('500ms'), goDurationMs('5x')]).toEqual([30000, 90000, 500, undefined]);
  });

  test('each rule is one line with file:line, the rule, the field and the fix; opt-ins lift them', () => {
    const f = write(
      'bad.yaml',
      `${pod('ok', '  action: pod-kill\n  mode: one\n  duration: 30s\n  selector:\n    namespaces: [team-alpha]\n    labelSelectors: {app: demo-app}\n')}---\n${pod('sys', '  action: pod-kill\n  mode: all\n  selector:\n    namespaces: [kube-system]\n')}---\n${pod('long', '  action: pod-kill\n  mode: one\n  duration: 2h\n  selector:\n    namespaces: [team-alpha]\n')}`,
    );
    const { experiments } = readChaosFile(f);
    expect(experiments.map((d) => [d.object.metadata.name, d.source])).toEqual([
      ['ok', `${f}:1`],
      ['sys', `${f}:14`],
      ['long', `${f}:25`],
    ]);
    expect(runtimeGuardrailProblems(experiments[0])).toEqual([]);
    expect(runtimeGuardrailProblems(experiments[1])).toEqual([
      `${f}:14: PodChaos sys breaks rule bounded-duration (spec.duration): no duration is set, so the fault would last until someone deletes it; set spec.duration (e.g. 30s), or pass --allow-unbounded (the run deletes it at the end)`,
      `${f}:14: PodChaos sys breaks rule protected-namespace (spec.selector.namespaces): namespace "kube-system" is protected and can never be targeted; target an application namespace instead`,
      `${f}:14: PodChaos sys breaks rule small-blast-radius (spec.mode): mode "all" hits every selected pod; start small with mode one or a percentage below 100, or opt in with --allow-full-blast-radius`,
    ]);
    expect(runtimeGuardrailProblems(experiments[1], { allowUnbounded: true, allowFullBlastRadius: true })).toHaveLength(1);
    expect(runtimeGuardrailProblems(experiments[2])).toEqual([
      `${f}:25: PodChaos long breaks rule max-duration (spec.duration): 2h is longer than the maximum of 30m; shorten it, or raise the bound with --max-duration`,
    ]);
    expect(runtimeGuardrailProblems(experiments[2], { maxDurationMs: 3 * 3600_000 })).toEqual([]);
  });

  test('picking: --name, the only one, or the first with a note; Schedules are not run', () => {
    const f = write(
      'two.yaml',
      `${pod('a', '  action: pod-kill\n')}---\n${pod('b', '  action: pod-kill\n')}---\napiVersion: chaos-mesh.org/v1alpha1\nkind: Schedule\nmetadata:\n  name: s\nspec: {}\n`,
    );
    expect(pickExperiment(f, 'b').doc.object.metadata.name).toBe('b');
    const first = pickExperiment(f, undefined);
    expect(first.doc.object.metadata.name).toBe('a');
    expect(first.note).toBe(`${f} holds 2 experiments (a, b); running the first, a (choose another with --name)`);
    expect(() => pickExperiment(f, 's')).toThrow(/Schedule s is not an experiment chaos run can run/);
    expect(() => pickExperiment(f, 'zz')).toThrow(`${f} has no experiment named zz; it has a, b`);
    expect(() => pickExperiment(path.join(dir, 'missing.yaml'), undefined)).toThrow(`cannot read -f ${path.join(dir, 'missing.yaml')}: no such file`);
    expect(() => pickExperiment(write('broken.yaml', 'a: [\n'), undefined)).toThrow(/broken\.yaml:\d+: not valid YAML/);
  });
});
