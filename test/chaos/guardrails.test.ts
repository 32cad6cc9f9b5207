import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ChaosAction,
  ChaosExperiment,
  ChaosMode,
  ChaosSchedule,
  ChaosTarget,
  DEFAULT_PROTECTED_NAMESPACES,
  experimentProblems,
  NetworkDirection,
  setChaosDefaults,
} from '../../src/chaos';
import { newChart, specOf, synthExperiment, validationError } from './helpers';

const demo = ChaosTarget.labels('team-alpha', { app: 'demo-app' });
const ok = { action: ChaosAction.podKill(), target: demo, duration: Duration.minutes(1) };

function messages(props: Partial<typeof ok> & Record<string, unknown>): string[] {
  const err = validationError((scope) => new ChaosExperiment(scope, 'exp', { ...ok, ...props } as never));
  return err.message
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
}

describe('guardrails', () => {
  test('a continuous fault needs a duration, unless opted in with allowUnboundedDuration', () => {
    expect(messages({ action: ChaosAction.podFailure(), duration: undefined })).toEqual([
      '[test/exp] duration: experiment "exp" breaks rule bounded-duration: no duration is set, so the pod-failure fault would last until someone deletes it. Fix: set duration, such as Duration.minutes(5), or opt in with allowUnboundedDuration: true if it should last until deleted.',
    ]);
    const spec = specOf(
      synthExperiment({ action: ChaosAction.networkLoss({ percent: 5 }), target: demo, allowUnboundedDuration: true }),
      'NetworkChaos',
    );
    expect(spec.duration).toBeUndefined();
    expect(spec.loss).toEqual({ loss: '5' });
  });

  test('instantaneous faults (pod-kill, container-kill) need no duration, also when scheduled', () => {
    expect(ChaosAction.podKill().instantaneous).toBe(true);
    expect(ChaosAction.containerKill({ containerNames: ['app'] }).instantaneous).toBe(true);
    expect(ChaosAction.of('PodChaos', 'raw-kill', { action: 'pod-kill' }).instantaneous).toBe(true);
    expect(ChaosAction.podFailure().instantaneous).toBe(false);
    expect(ChaosAction.stressCpu().instantaneous).toBe(false);
    const kill = specOf(synthExperiment({ action: ChaosAction.podKill(), target: demo }), 'PodChaos');
    expect(kill).toEqual({ action: 'pod-kill', mode: 'one', selector: { namespaces: ['team-alpha'], labelSelectors: { app: 'demo-app' } } });
    const ck = specOf(
      synthExperiment({
        action: ChaosAction.containerKill({ containerNames: ['app'] }),
        target: demo,
        schedule: ChaosSchedule.every(Duration.minutes(10)),
      }),
      'Schedule',
    );
    expect(ck.podChaos).toEqual({
      action: 'container-kill',
      containerNames: ['app'],
      mode: 'one',
      selector: { namespaces: ['team-alpha'], labelSelectors: { app: 'demo-app' } },
    });
    expect(ck.schedule).toBe('@every 10m');
    // A given duration is still written and still bounded.
    expect(
      specOf(
        synthExperiment({ action: ChaosAction.podKill(), target: demo, duration: Duration.seconds(400), maxDuration: Duration.hours(1) }),
        'PodChaos',
      ).duration,
    ).toBe('400s');
    expect(messages({ duration: Duration.hours(1) })[0]).toMatch(/max-duration: 1h is longer than the maximum of 30m/);
  });

  test('a scheduled continuous fault needs a duration even with the unbounded opt-in', () => {
    expect(
      messages({ action: ChaosAction.stressCpu(), duration: undefined, allowUnboundedDuration: true, schedule: ChaosSchedule.daily({ hour: 3 }) }),
    ).toEqual([
      '[test/exp] duration: experiment "exp" breaks rule bounded-duration: a scheduled stress-cpu fault without a duration would never end, and with concurrencyPolicy Forbid every later run would be skipped. Fix: give a scheduled continuous fault a duration, such as Duration.minutes(5).',
    ]);
  });

  test('durations keep the unit they were written in', () => {
    const spec = (d: Duration) =>
      specOf(synthExperiment({ ...ok, action: ChaosAction.podFailure(), duration: d, maxDuration: Duration.days(1) }), 'PodChaos').duration;
    expect(spec(Duration.seconds(400))).toBe('400s');
    expect(spec(Duration.seconds(240))).toBe('240s');
    expect(spec(Duration.minutes(10))).toBe('10m');
    expect(spec(Duration.millis(1500))).toBe('1500ms');
    expect(spec(Duration.hours(2))).toBe('2h');
    expect(spec(Duration.days(1))).toBe('24h');
  });

  test('the duration is bounded by the default maximum (30m)', () => {
    expect(messages({ duration: Duration.minutes(45) })[0]).toBe(
      '[test/exp] duration: experiment "exp" breaks rule max-duration: 45m is longer than the maximum of 30m. Fix: shorten the experiment, or raise maxDuration if a longer one is intended.',
    );
  });

  test('the maximum is configurable per experiment and per chart', () => {
    expect(messages({ duration: Duration.minutes(10), maxDuration: Duration.minutes(5) })[0]).toMatch(
      /max-duration: 10m is longer than the maximum of 5m/,
    );
    expect(() => synthExperiment({ ...ok, duration: Duration.minutes(45), maxDuration: Duration.hours(1) })).not.toThrow();
    const chart = new Chart(Testing.app(), 'c');
    setChaosDefaults(chart, { maxDuration: Duration.minutes(2) });
    expect(() => new ChaosExperiment(chart, 'exp', { ...ok, duration: Duration.minutes(3) })).toThrow(/maximum of 2m/);
  });

  test('mode all needs the full-blast-radius opt-in', () => {
    expect(messages({ mode: ChaosMode.all() })[0]).toBe(
      '[test/exp] mode: experiment "exp" breaks rule small-blast-radius: mode "all" hits every selected pod. Fix: start small with ChaosMode.one() or a percentage below 100, or opt in with allowFullBlastRadius: true.',
    );
    expect(specOf(synthExperiment({ ...ok, mode: ChaosMode.all(), allowFullBlastRadius: true }), 'PodChaos').mode).toBe('all');
  });

  test('100% needs the full-blast-radius opt-in', () => {
    expect(messages({ mode: ChaosMode.fixedPercent(100) })[0]).toMatch(/small-blast-radius: mode "fixed-percent" 100% hits every selected pod/);
    expect(messages({ mode: ChaosMode.randomMaxPercent(100) })[0]).toMatch(/small-blast-radius/);
    expect(() => synthExperiment({ ...ok, mode: ChaosMode.fixedPercent(99) })).not.toThrow();
  });

  test('a whole-namespace partition needs the opt-in', () => {
    const whole = ChaosTarget.namespaces('team-alpha');
    expect(
      messages({ target: whole, action: ChaosAction.networkPartition({ peers: ChaosTarget.labels('production', { app: 'api-service' }) }) }),
    ).toContain(
      '[test/exp] action: experiment "exp" breaks rule namespace-partition: the partition partitions a whole namespace. Fix: partition selected pods from selected peers (labels) or external targets, or opt in with allowFullBlastRadius: true.',
    );
    expect(messages({ action: ChaosAction.networkPartition({ peers: ChaosTarget.namespaces('production') }) })[0]).toMatch(
      /namespace-partition: the partition partitions the pods from a whole namespace/,
    );
    expect(messages({ action: ChaosAction.networkPartition() })[0]).toMatch(/namespace-partition: the partition cuts the pods off from everything/);
    const spec = specOf(
      synthExperiment({ ...ok, action: ChaosAction.networkPartition({ peers: ChaosTarget.namespaces('production') }), allowFullBlastRadius: true }),
      'NetworkChaos',
    );
    expect(spec.target.selector).toEqual({ namespaces: ['production'] });
  });

  test.each(DEFAULT_PROTECTED_NAMESPACES.map((n) => [n]))('protected namespace %s can never be targeted, even with the opt-in', (ns) => {
    expect(messages({ target: ChaosTarget.labels(ns, { app: 'x' }), allowFullBlastRadius: true })).toEqual([
      `[test/exp] target: experiment "exp" breaks rule protected-namespace: namespace "${ns}" is protected and can never be targeted. Fix: target an application namespace instead of "${ns}".`,
    ]);
  });

  test('a user list of protected namespaces adds to the defaults, also through partition peers', () => {
    expect(messages({ target: ChaosTarget.labels('payments', { app: 'x' }), protectedNamespaces: ['payments'] })[0]).toMatch(
      /protected-namespace: namespace "payments"/,
    );
    expect(messages({ action: ChaosAction.networkPartition({ peers: ChaosTarget.labels('kube-system', { k8s: 'dns' }) }) })[0]).toBe(
      '[test/exp] action.peers: experiment "exp" breaks rule protected-namespace: the peers are in namespace "kube-system", which is protected: the fault would hit its traffic too. Fix: choose peers in an application namespace instead of "kube-system".',
    );
    const chart = new Chart(Testing.app(), 'c');
    setChaosDefaults(chart, { protectedNamespaces: ['team-alpha'] });
    expect(() => new ChaosExperiment(chart, 'exp', ok)).toThrow(/namespace "team-alpha" is protected/);
  });

  test('an experiment must select something', () => {
    expect(messages({ target: undefined })[0]).toMatch(/\[test\/exp\] target: experiment "exp" breaks rule selects-something: no target is set/);
    expect(messages({ target: ChaosTarget.selector({ namespaces: ['team-alpha'] }) })[0]).toMatch(
      /selects-something: the target has no labels, expressions, pods or other criteria/,
    );
    expect(messages({ target: ChaosTarget.selector({ namespaces: [], labels: { app: 'x' } }) })[0]).toMatch(
      /target.namespaces: experiment "exp" breaks rule selects-something: the target names no namespace/,
    );
    expect(messages({ target: ChaosTarget.pods('team-alpha', []) })[0]).toMatch(/selects-something: the pod list is empty/);
  });

  test('externalTargets only with direction to', () => {
    expect(
      messages({
        action: ChaosAction.networkDelay({ latency: Duration.millis(10), externalTargets: ['1.2.3.4'], direction: NetworkDirection.both() }),
      }),
    ).toEqual([
      '[test/exp] action.direction: experiment "exp": externalTargets only work with direction "to", but the direction is "both". Fix: use NetworkDirection.to() with externalTargets, or target pods with peers instead.',
    ]);
  });

  test('every problem is reported at once and nothing is emitted', () => {
    const chart = newChart();
    expect(
      () =>
        new ChaosExperiment(chart, 'exp', {
          action: ChaosAction.networkLoss({ percent: 150 }),
          target: ChaosTarget.labels('kube-system', { a: 'b' }),
          mode: ChaosMode.all(),
        }),
    ).toThrow();
    const err = validationError(
      (s) =>
        new ChaosExperiment(s, 'exp', {
          action: ChaosAction.networkLoss({ percent: 150 }),
          target: ChaosTarget.labels('kube-system', { a: 'b' }),
          mode: ChaosMode.all(),
        }),
    );
    expect(err.problems.map((p) => p.field).sort()).toEqual(['action.percent', 'duration', 'mode', 'target']);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('option problems of actions and modes are reported', () => {
    expect(messages({ mode: ChaosMode.fixed(0) })[0]).toMatch(/mode: experiment "exp": fixed mode with 0 pods selects nothing/);
    expect(messages({ mode: ChaosMode.of('most') })[0]).toMatch(/"most" is not a Chaos Mesh mode/);
    expect(messages({ action: ChaosAction.containerKill({ containerNames: [] }) })[0]).toMatch(/container-kill needs at least one container name/);
    expect(messages({ action: ChaosAction.httpAbort({ port: 0 }) })[0]).toMatch(/action.port: .*0 is not a TCP port/);
    expect(messages({ action: ChaosAction.dnsError({ patterns: [] }) })[0]).toMatch(/no DNS name patterns/);
    expect(messages({ name: 'Bad_Name' })[0]).toMatch(/name: object name "Bad_Name" is not a DNS-1123 label/);
  });

  test('chaos objects may not live in a protected namespace', () => {
    expect(messages({ namespace: 'kube-system' })[0]).toMatch(
      /namespace: experiment "exp" breaks rule protected-namespace: its objects would live in protected namespace "kube-system"/,
    );
  });

  test('the pure check works on plain data', () => {
    const problems = experimentProblems(
      { name: 'x', action: ChaosAction.podKill(), target: demo, mode: ChaosMode.one(), duration: Duration.minutes(1) },
      { maxDuration: Duration.minutes(30), allowFullBlastRadius: false, protectedNamespaces: ['kube-system'] },
    );
    expect(problems).toEqual([]);
  });
});

describe('targets', () => {
  test('derived from a cdk8s-plus workload: namespace, labels, expressions, kind', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'team-alpha' });
    const d = new kplus.Deployment(chart, 'demo-app', {
      select: false,
      podMetadata: { labels: { app: 'demo-app' } },
      containers: [{ image: 'demo' }],
    });
    d.select(kplus.LabelSelector.of({ labels: { app: 'demo-app' }, expressions: [kplus.LabelExpression.in('tier', ['web'])] }));
    const t = ChaosTarget.workload(d);
    expect(t.toSpec()).toEqual({
      namespaces: ['team-alpha'],
      labelSelectors: { app: 'demo-app' },
      expressionSelectors: [{ key: 'tier', operator: 'In', values: ['web'] }],
    });
    expect(t.workloadKind).toBe('deployment');
    const spec = specOf(synthExperiment({ ...ok, target: d }), 'PodChaos');
    expect(spec.selector.namespaces).toEqual(['team-alpha']);
  });

  test('a workload in its own namespace wins over the chart namespace', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'other' });
    const s = new kplus.StatefulSet(chart, 'db', {
      metadata: { namespace: 'data' },
      select: false,
      podMetadata: { labels: { app: 'db' } },
      containers: [{ image: 'db', portNumber: 5432 }],
    });
    s.select(kplus.LabelSelector.of({ labels: { app: 'db' } }));
    const t = ChaosTarget.workload(s);
    expect(t.props.namespaces).toEqual(['data']);
    expect(t.workloadKind).toBe('statefulset');
  });

  test('selector parts render to their Chaos Mesh fields', () => {
    const t = ChaosTarget.selector({
      namespaces: ['team-alpha'],
      labels: { app: 'a' },
      annotations: { 'chaos/allowed': 'true' },
      fields: { 'metadata.name': 'a-0' },
      podPhases: ['Running'],
      nodeSelectors: { zone: 'a' },
      nodes: ['node-1'],
      pods: { 'team-alpha': ['a-0'] },
    });
    const spec = specOf(synthExperiment({ ...ok, target: t }), 'PodChaos');
    expect(spec.selector).toEqual({
      namespaces: ['team-alpha'],
      labelSelectors: { app: 'a' },
      annotationSelectors: { 'chaos/allowed': 'true' },
      fieldSelectors: { 'metadata.name': 'a-0' },
      podPhaseSelectors: ['Running'],
      nodeSelectors: { zone: 'a' },
      nodes: ['node-1'],
      pods: { 'team-alpha': ['a-0'] },
    });
  });
});
