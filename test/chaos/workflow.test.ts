import { Duration, JsonPatch, Testing } from 'cdk8s';
import { ChaosAction, ChaosMode, ChaosSchedule, ChaosTarget, ChaosWorkflow, StatusCheckMode, WorkflowStep, workflowProblems } from '../../src';
import { expectValidManifests } from '../support/schema';
import { newChart, validationError } from './helpers';

const demo = ChaosTarget.labels('team-alpha', { app: 'demo-app' });
const podFailure = (name = 'pod-failure', duration = Duration.seconds(30)) =>
  WorkflowStep.experiment(name, { action: ChaosAction.podFailure(), target: demo, duration });
const check = WorkflowStep.statusCheck('recovery-check', { url: 'http://demo-app.team-alpha.svc:8080/health' });

function synthWorkflow(entry: WorkflowStep, extra: Record<string, unknown> = {}) {
  const chart = newChart();
  const wf = new ChaosWorkflow(chart, 'wf', { entry, ...extra });
  const objs = Testing.synth(chart);
  expectValidManifests(objs);
  return { wf, objs };
}

describe('ChaosWorkflow', () => {
  test('serial stages flatten into templates with derived deadlines', () => {
    const { objs, wf } = synthWorkflow(
      WorkflowStep.serial('main', [
        podFailure(),
        WorkflowStep.experiment('network-delay', {
          action: ChaosAction.networkDelay({ latency: Duration.millis(100) }),
          target: demo,
          duration: Duration.minutes(1),
        }),
        WorkflowStep.suspend('wait', Duration.seconds(30)),
        check,
      ]),
    );
    expect(objs).toHaveLength(1);
    expect(objs[0].kind).toBe('Workflow');
    expect(objs[0].metadata).toMatchObject({ name: 'wf', namespace: 'chaos-testing' });
    const spec = objs[0].spec;
    expect(spec.entry).toBe('main');
    expect(spec.templates.map((t: { name: string }) => t.name)).toEqual(['main', 'pod-failure', 'network-delay', 'wait', 'recovery-check']);
    expect(spec.templates[0]).toEqual({
      name: 'main',
      templateType: 'Serial',
      children: ['pod-failure', 'network-delay', 'wait', 'recovery-check'],
      deadline: '3m',
    });
    expect(spec.templates[1]).toEqual({
      name: 'pod-failure',
      templateType: 'PodChaos',
      deadline: '30s',
      podChaos: { action: 'pod-failure', mode: 'one', selector: { namespaces: ['team-alpha'], labelSelectors: { app: 'demo-app' } } },
    });
    expect(spec.templates[2].networkChaos.delay).toEqual({ latency: '100ms' });
    expect(spec.templates[3]).toEqual({ name: 'wait', templateType: 'Suspend', deadline: '30s' });
    expect(spec.templates[4]).toEqual({
      name: 'recovery-check',
      templateType: 'StatusCheck',
      deadline: '1m',
      abortWithStatusCheck: true,
      statusCheck: {
        mode: 'Synchronous',
        type: 'HTTP',
        intervalSeconds: 5,
        timeoutSeconds: 2,
        failureThreshold: 3,
        successThreshold: 1,
        http: { url: 'http://demo-app.team-alpha.svc:8080/health', method: 'GET', criteria: { statusCode: '200' } },
      },
    });
    expect(wf.spec).toEqual(spec);
  });

  test('parallel stage deadline is its longest child; continuous status check gets a duration', () => {
    const { objs } = synthWorkflow(
      WorkflowStep.parallel('both', [
        podFailure('a', Duration.seconds(30)),
        WorkflowStep.experiment('b', { action: ChaosAction.stressCpu(), target: demo, duration: Duration.minutes(2) }),
        WorkflowStep.statusCheck('watch', {
          url: 'https://demo/health',
          mode: StatusCheckMode.continuous(),
          deadline: Duration.minutes(2),
          abortOnFailure: false,
          expectStatus: 204,
          method: 'POST',
          body: '{}',
        }),
      ]),
    );
    const [stage, , , watch] = objs[0].spec.templates;
    expect(stage).toEqual({ name: 'both', templateType: 'Parallel', children: ['a', 'b', 'watch'], deadline: '2m' });
    expect(watch.abortWithStatusCheck).toBe(false);
    expect(watch.statusCheck).toMatchObject({
      mode: 'Continuous',
      duration: '2m',
      http: { method: 'POST', body: '{}', criteria: { statusCode: '204' } },
    });
  });

  test('a scheduled workflow is a Schedule of type Workflow', () => {
    const { objs } = synthWorkflow(WorkflowStep.serial('main', [podFailure()]), { schedule: ChaosSchedule.cron('0 10 * * 3') });
    expect(objs[0].kind).toBe('Schedule');
    expect(objs[0].spec).toMatchObject({
      type: 'Workflow',
      schedule: '0 10 * * 3',
      concurrencyPolicy: 'Forbid',
      historyLimit: 3,
      workflow: { entry: 'main' },
    });
  });

  test('@every is accepted for workflow schedules (Chaos Mesh parses every Schedule with one cron parser)', () => {
    const chart = newChart();
    new ChaosWorkflow(chart, 'wf', { entry: podFailure(), schedule: ChaosSchedule.every(Duration.hours(1)) });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs[0].spec).toMatchObject({ schedule: '@every 1h', type: 'Workflow', concurrencyPolicy: 'Forbid', historyLimit: 3 });
  });

  test('rule: template names are unique', () => {
    const err = validationError((s) => new ChaosWorkflow(s, 'wf', { entry: WorkflowStep.serial('main', [podFailure('x'), podFailure('x')]) }));
    expect(err.message).toContain('[test/wf] templates[2].name: workflow "wf": template name "x" is used twice. Fix: give every step its own name.');
  });

  test('rule: template names are valid', () => {
    const err = validationError((s) => new ChaosWorkflow(s, 'wf', { entry: WorkflowStep.serial('main', [podFailure('Pod_Failure')]) }));
    expect(err.message).toMatch(/templates\[1\]\.name: workflow "wf": template name "Pod_Failure" is not a DNS-1123 label/);
  });

  test('rule: a child deadline fits in its parent', () => {
    const err = validationError(
      (s) =>
        new ChaosWorkflow(s, 'wf', {
          entry: WorkflowStep.serial('main', [podFailure('long', Duration.minutes(5))], { deadline: Duration.minutes(2) }),
        }),
    );
    expect(err.message).toContain(
      '[test/wf] templates.long.deadline: workflow "wf": child "long" may run 5m, longer than the 2m deadline of its parent "main", and would keep showing as running. Fix: shorten "long" or give "main" a deadline of at least 5m.',
    );
  });

  test('rule: a serial stage deadline covers its children together', () => {
    const err = validationError(
      (s) =>
        new ChaosWorkflow(s, 'wf', {
          entry: WorkflowStep.serial('main', [podFailure('a', Duration.minutes(1)), podFailure('b', Duration.minutes(1))], {
            deadline: Duration.seconds(90),
          }),
        }),
    );
    expect(err.message).toContain('templates.main.deadline: workflow "wf": serial stage "main" needs 2m for its children but its deadline is 1m30s');
  });

  test('rule: embedded experiments keep the guardrails', () => {
    const err = validationError(
      (s) =>
        new ChaosWorkflow(s, 'wf', {
          entry: WorkflowStep.serial('main', [
            WorkflowStep.experiment('everything', {
              action: ChaosAction.podKill(),
              target: ChaosTarget.labels('kube-system', { k: 'v' }),
              mode: ChaosMode.all(),
              duration: Duration.hours(2),
            }),
          ]),
        }),
    );
    expect(err.problems.map((p) => p.field)).toEqual(['steps.everything.duration', 'steps.everything.mode', 'steps.everything.target']);
    expect(err.message).toMatch(/experiment "everything" breaks rule protected-namespace/);
  });

  test('rule: a stage must have children; status check URLs must be http(s)', () => {
    expect(validationError((s) => new ChaosWorkflow(s, 'wf', { entry: WorkflowStep.serial('main', []) })).message).toMatch(
      /Serial stage "main" has no children/,
    );
    expect(validationError((s) => new ChaosWorkflow(s, 'wf', { entry: WorkflowStep.statusCheck('c', { url: 'demo-app/health' }) })).message).toMatch(
      /steps.c.url: "demo-app\/health" is not an http\(s\) URL/,
    );
  });

  test('rules on plain data: the entry exists, children exist, every stage is bounded, no cycles', () => {
    const { problems } = workflowProblems('wf', {
      entry: 'start',
      templates: [
        { name: 'main', templateType: 'Serial', children: ['ghost', 'pause'] },
        { name: 'pause', templateType: 'Suspend' },
        { name: 'loop', templateType: 'Serial', children: ['loop'], deadline: '1m' },
        { name: 'chaos', templateType: 'PodChaos', podChaos: { duration: '30s' } as never },
        { name: 'odd', templateType: 'Sleep', deadline: 'soon' },
      ],
    });
    const lines = problems.map((p) => `${p.field}: ${p.problem}`);
    expect(lines).toEqual([
      'templates.odd.templateType: workflow "wf": "Sleep" is not a workflow template type',
      'templates.odd.deadline: workflow "wf": "soon" is not a positive Go duration',
      'entry: workflow "wf": entry "start" is not one of the templates',
      'templates.main.children: workflow "wf": child "ghost" of "main" is not one of the templates',
      'templates.pause.deadline: workflow "wf": Suspend step "pause" is unbounded',
      'templates.main.deadline: workflow "wf": Serial step "main" is unbounded',
      'templates.loop.children: workflow "wf": template "loop" contains itself',
      'templates.odd.deadline: workflow "wf": Sleep step "odd" is unbounded',
    ]);
  });

  test('escape hatch: a raw template, and addJsonPatch on the Workflow reaches the YAML', () => {
    const chart = newChart();
    const wf = new ChaosWorkflow(chart, 'wf', {
      entry: WorkflowStep.of({ name: 'main', templateType: 'Serial', children: ['p'], deadline: '1m' }, [podFailure('p')]),
    });
    wf.workflowObject!.addJsonPatch(JsonPatch.add('/spec/templates/0/conditionalBranches', [{ target: 'p', expression: 'true' }]));
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs[0].spec.templates[0].conditionalBranches).toEqual([{ target: 'p', expression: 'true' }]);
  });
});
