/**
 * The cloud kinds (AWSChaos, GCPChaos, AzureChaos) and KernelChaos, typed: every action,
 * its credentials, and its problems; each object validated against the Chaos Mesh CRD.
 */
import { Duration, Testing } from 'cdk8s';
import { ChaosAction, ChaosExperiment, ChaosMode, ChaosSchedule, ChaosTarget, ChaosWorkflow, WorkflowStep } from '../../src';
import { expectValidManifests } from '../support/schema';
import { Json, newChart, specOf, synthExperiment, validationError } from './helpers';

const ec2 = { region: 'eu-central-1', instanceId: 'i-0d3f5e7a9b1c2d4e6', credentialsSecret: 'aws-chaos-keys' };
const gce = { project: 'orders-prod-4711', zone: 'us-central1-a', instance: 'orders-pool-7x2k' };
const vm = {
  subscriptionId: '0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d',
  resourceGroup: 'orders-rg',
  vmName: 'orders-vm-2',
  credentialsSecret: 'azure-chaos-sp',
};

function messages(props: Json): string[] {
  return validationError((s) => new ChaosExperiment(s, 'exp', props))
    .message.split('\n')
    .slice(1)
    .map((l) => l.trim());
}

describe('AWSChaos', () => {
  test('ec2-stop for a bounded time, ec2-restart without a duration, detach-volume; no selector or mode is written', () => {
    expect(specOf(synthExperiment({ action: ChaosAction.awsEc2Stop(ec2), duration: Duration.minutes(4) }), 'AWSChaos')).toEqual({
      action: 'ec2-stop',
      awsRegion: 'eu-central-1',
      ec2Instance: 'i-0d3f5e7a9b1c2d4e6',
      secretName: 'aws-chaos-keys',
      duration: '4m',
    });
    const restart = ChaosAction.awsEc2Restart({ region: 'us-gov-west-1', instanceId: 'i-1a2b3c4d' });
    expect(restart.instantaneous).toBe(true);
    expect(specOf(synthExperiment({ action: restart }), 'AWSChaos')).toEqual({
      action: 'ec2-restart',
      awsRegion: 'us-gov-west-1',
      ec2Instance: 'i-1a2b3c4d',
    });
    expect(
      specOf(
        synthExperiment({
          action: ChaosAction.awsDetachVolume({ ...ec2, volumeId: 'vol-0f1e2d3c4b5a69788', deviceName: '/dev/sdh' }),
          duration: Duration.seconds(90),
        }),
        'AWSChaos',
      ),
    ).toMatchObject({ action: 'detach-volume', volumeID: 'vol-0f1e2d3c4b5a69788', deviceName: '/dev/sdh', duration: '90s' });
  });

  test('problems: region, instance, volume, device, secret; a stop needs a duration; no target or mode', () => {
    expect(
      messages({
        action: ChaosAction.awsDetachVolume({
          region: 'Frankfurt',
          instanceId: 'web-1',
          volumeId: 'disk-9',
          deviceName: 'sdh',
          credentialsSecret: 'AWS_KEYS',
        }),
        duration: Duration.minutes(1),
      }),
    ).toEqual([
      '[test/exp] action.volumeId: experiment "exp": "disk-9" is not an EBS volume ID. Fix: give the volume ID, such as vol-0123456789abcdef0.',
      '[test/exp] action.deviceName: experiment "exp": "sdh" is not a device name. Fix: give the device the volume is attached as, such as /dev/sdf.',
      '[test/exp] action.region: experiment "exp": "Frankfurt" is not an AWS region. Fix: give a region such as eu-west-1.',
      '[test/exp] action.instanceId: experiment "exp": "web-1" is not an EC2 instance ID. Fix: give the instance ID, such as i-0123456789abcdef0.',
      '[test/exp] action.credentialsSecret: experiment "exp": Secret name "AWS_KEYS" is not a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\'). Fix: name a Secret in the experiment namespace.',
    ]);
    expect(messages({ action: ChaosAction.awsEc2Stop(ec2) })).toEqual([
      '[test/exp] duration: experiment "exp" breaks rule bounded-duration: no duration is set, so the aws-ec2-stop fault would last until someone deletes it. Fix: set duration, such as Duration.minutes(5), or opt in with allowUnboundedDuration: true if it should last until deleted.',
    ]);
    expect(messages({ action: ChaosAction.awsEc2Restart(ec2), target: ChaosTarget.labels('orders', { app: 'api' }), mode: ChaosMode.all() })).toEqual(
      [
        '[test/exp] target: experiment "exp": AWSChaos acts on the cloud resource its action names and selects no pods, so the target would be ignored. Fix: drop target (the action names the instance).',
        '[test/exp] mode: experiment "exp": AWSChaos acts on one named resource and takes no mode. Fix: drop mode.',
      ],
    );
  });
});

describe('GCPChaos', () => {
  test('node-stop, node-reset and disk-loss, with and without a credentials Secret', () => {
    expect(
      specOf(
        synthExperiment({ action: ChaosAction.gcpNodeStop({ ...gce, credentialsSecret: 'gcp-sa' }), duration: Duration.minutes(3) }),
        'GCPChaos',
      ),
    ).toEqual({
      action: 'node-stop',
      project: 'orders-prod-4711',
      zone: 'us-central1-a',
      instance: 'orders-pool-7x2k',
      secretName: 'gcp-sa',
      duration: '3m',
    });
    expect(ChaosAction.gcpNodeReset(gce).instantaneous).toBe(true);
    expect(specOf(synthExperiment({ action: ChaosAction.gcpNodeReset(gce) }), 'GCPChaos').action).toBe('node-reset');
    expect(
      specOf(
        synthExperiment({ action: ChaosAction.gcpDiskLoss({ ...gce, deviceNames: ['orders-data', 'orders-logs'] }), duration: Duration.minutes(2) }),
        'GCPChaos',
      ),
    ).toMatchObject({ action: 'disk-loss', deviceNames: ['orders-data', 'orders-logs'] });
  });

  test('problems: project, zone, instance and device names', () => {
    expect(
      messages({
        action: ChaosAction.gcpDiskLoss({ project: 'P', zone: 'europe', instance: 'Orders_1', deviceNames: [] }),
        duration: Duration.minutes(1),
      }),
    ).toEqual([
      '[test/exp] action.deviceNames: experiment "exp": no disk is named, so nothing is detached. Fix: name the device names of the disks to detach.',
      '[test/exp] action.project: experiment "exp": "P" is not a GCP project ID. Fix: give the project ID (6-30 lower-case letters, digits and "-").',
      '[test/exp] action.zone: experiment "exp": "europe" is not a GCP zone. Fix: give a zone such as europe-west1-b.',
      '[test/exp] action.instance: experiment "exp": "Orders_1" is not a Compute Engine instance name. Fix: give the instance name (lower-case letters, digits and "-").',
    ]);
  });
});

describe('AzureChaos', () => {
  test('vm-stop, vm-restart and disk-detach; the credentials Secret is required', () => {
    expect(specOf(synthExperiment({ action: ChaosAction.azureVmStop(vm), duration: Duration.minutes(5) }), 'AzureChaos')).toEqual({
      action: 'vm-stop',
      subscriptionID: '0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d',
      resourceGroupName: 'orders-rg',
      vmName: 'orders-vm-2',
      secretName: 'azure-chaos-sp',
      duration: '5m',
    });
    expect(specOf(synthExperiment({ action: ChaosAction.azureVmRestart(vm) }), 'AzureChaos').action).toBe('vm-restart');
    expect(
      specOf(
        synthExperiment({ action: ChaosAction.azureDiskDetach({ ...vm, diskName: 'orders-data-0', lun: 0 }), duration: Duration.minutes(1) }),
        'AzureChaos',
      ),
    ).toMatchObject({ action: 'disk-detach', diskName: 'orders-data-0', lun: 0 });
    expect(
      messages({
        action: ChaosAction.azureDiskDetach({ ...vm, subscriptionId: 'prod', credentialsSecret: undefined as never, diskName: '', lun: 64 }),
        duration: Duration.minutes(1),
      }),
    ).toEqual([
      '[test/exp] action.diskName: experiment "exp": "" is not a disk name. Fix: give the name of the data disk.',
      '[test/exp] action.lun: experiment "exp": 64 is not a logical unit number (0-63). Fix: give the disk\'s LUN, as the VM\'s disk list shows it.',
      '[test/exp] action.subscriptionId: experiment "exp": "prod" is not an Azure subscription ID. Fix: give the subscription GUID.',
      '[test/exp] action.credentialsSecret: experiment "exp": no credentials Secret is named, and Chaos Mesh needs one for Azure. Fix: name a Secret in the experiment namespace holding client_id, client_secret and tenant_id.',
    ]);
  });
});

describe('KernelChaos', () => {
  test('failKernRequest with a call chain, headers, probability and a limit', () => {
    const spec = specOf(
      synthExperiment({
        action: ChaosAction.kernelFailRequest({
          failType: 'page',
          callchain: [
            { funcname: 'ext4_mount' },
            { funcname: 'mount_subtree', parameters: 'struct vfsmount *mnt, const char *name', predicate: '((name) != 0)' },
          ],
          headers: ['linux/mmzone.h'],
          probability: 25,
          times: 3,
          containerNames: ['db'],
        }),
        target: ChaosTarget.labels('orders', { app: 'db' }),
        duration: Duration.minutes(2),
      }),
      'KernelChaos',
    );
    expect(spec).toEqual({
      failKernRequest: {
        failtype: 1,
        callchain: [
          { funcname: 'ext4_mount' },
          { funcname: 'mount_subtree', parameters: 'struct vfsmount *mnt, const char *name', predicate: '((name) != 0)' },
        ],
        headers: ['linux/mmzone.h'],
        probability: 25,
        times: 3,
      },
      containerNames: ['db'],
      selector: { namespaces: ['orders'], labelSelectors: { app: 'db' } },
      mode: 'one',
      duration: '2m',
    });
    expect(
      messages({
        action: ChaosAction.kernelFailRequest({ failType: 'disk' as never, probability: 0, times: -2, callchain: [{ funcname: 'ext4 mount' }] }),
        target: ChaosTarget.labels('orders', { app: 'db' }),
        duration: Duration.minutes(2),
      }),
    ).toEqual([
      '[test/exp] action.failType: experiment "exp": "disk" is not a fail type. Fix: use "slab", "page" or "bio".',
      '[test/exp] action.probability: experiment "exp": a probability of 0 fails nothing. Fix: give a probability from 1 to 100.',
      '[test/exp] action.times: experiment "exp": -2 is not a whole number of failures. Fix: give the most failures to inject, or leave it out.',
      '[test/exp] action.callchain[0].funcname: experiment "exp": "ext4 mount" is not a kernel function name. Fix: give a C function name, such as ext4_mount.',
    ]);
  });
});

test('cloud and kernel faults in a Schedule and in a Workflow (steps and a Schedule step)', () => {
  const chart = newChart();
  new ChaosExperiment(chart, 'nightly-reboot', { action: ChaosAction.awsEc2Restart(ec2), schedule: ChaosSchedule.daily({ hour: 3 }) });
  new ChaosWorkflow(chart, 'zone-drill', {
    entry: WorkflowStep.serial('drill', [
      WorkflowStep.experiment('stop-vm', { action: ChaosAction.azureVmStop(vm), duration: Duration.minutes(3) }),
      WorkflowStep.experiment('slab-faults', {
        action: ChaosAction.kernelFailRequest({ failType: 'slab', probability: 5 }),
        target: ChaosTarget.labels('orders', { app: 'db' }),
        duration: Duration.minutes(2),
      }),
      WorkflowStep.schedule('resets', {
        action: ChaosAction.gcpNodeReset(gce),
        schedule: ChaosSchedule.every(Duration.minutes(5)),
        deadline: Duration.minutes(11),
      }),
    ]),
  });
  const objs = Testing.synth(chart);
  expectValidManifests(objs);
  const schedule = objs.find((o: Json) => o.kind === 'Schedule');
  expect(schedule.spec).toMatchObject({ type: 'AWSChaos', awsChaos: { action: 'ec2-restart', ec2Instance: ec2.instanceId } });
  expect(schedule.spec.awsChaos.selector).toBeUndefined();
  const templates = objs.find((o: Json) => o.kind === 'Workflow').spec.templates;
  expect(templates.find((t: Json) => t.name === 'stop-vm')).toEqual({
    name: 'stop-vm',
    templateType: 'AzureChaos',
    deadline: '3m',
    azureChaos: {
      action: 'vm-stop',
      subscriptionID: vm.subscriptionId,
      resourceGroupName: 'orders-rg',
      vmName: 'orders-vm-2',
      secretName: 'azure-chaos-sp',
    },
  });
  expect(templates.find((t: Json) => t.name === 'slab-faults').kernelChaos.failKernRequest).toEqual({ failtype: 0, probability: 5 });
  expect(templates.find((t: Json) => t.name === 'resets').schedule).toMatchObject({ type: 'GCPChaos', gcpChaos: { action: 'node-reset' } });
});
