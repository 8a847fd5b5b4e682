import { asksForRemoval, assessGroup, GroupIntent, GroupRequest, readIntents } from '../src/domain/intent';
import { readPrevious } from '../src/handlers/scale-down/properties';

const request = (group: string, desiredCount: number, extra: Partial<GroupRequest> = {}): GroupRequest =>
  ({ group, desiredCount, chunkSize: 99, order: 'NewestFirst', drift: 'Refuse', removeNodeIds: [], ...extra });
const intent = (previousCount: number | undefined, desiredCount: number, extra: Partial<GroupIntent> = {}): GroupIntent =>
  ({ ...request('w', desiredCount), previousCount, newRemoveNodeIds: [], ignoredRemoveNodeIds: [], ...extra });
const view = (targetCount?: number) => ({ name: 'w', targetCount });

describe('readIntents and asksForRemoval', () => {
  const previous = readPrevious({
    InstanceGroups: [
      { InstanceGroupName: 'a', InstanceCount: '5', RemoveNodeIds: ['i-00000001'] },
      { InstanceGroupName: 'b', InstanceCount: 3 },
      { InstanceGroupName: 'c', InstanceCount: 'garbled' },
      { InstanceCount: '9' },
      null,
    ],
  });

  test('reads the previous template leniently', () => {
    expect([...previous.entries()]).toEqual([
      ['a', { count: 5, removeNodeIds: ['i-00000001'] }],
      ['b', { count: 3, removeNodeIds: [] }],
      ['c', { count: undefined, removeNodeIds: [] }],
    ]);
    expect(readPrevious(undefined).size).toBe(0);
  });

  test.each<[string, GroupRequest, boolean, string[]]>([
    ['lowered', request('a', 4), true, []],
    ['same count', request('a', 5), false, []],
    ['raised', request('b', 4), false, []],
    ['ids of the previous template are done', request('a', 5, { removeNodeIds: ['i-00000001'] }), false, []],
    ['new ids of a group that is not lowered are ignored (nothing makes room for them)',
      request('a', 5, { removeNodeIds: ['i-00000001', 'i-00000002'] }), false, []],
    ['new ids of a group that removes drift ask', request('a', 5, { removeNodeIds: ['i-00000002'], drift: 'Remove' }), true, ['i-00000002']],
    ['new ids of a lowered group ask', request('a', 4, { removeNodeIds: ['i-00000002'] }), true, ['i-00000002']],
    ['a group new to the template never asks by count', request('new', 0), false, []],
    ['a previous count that cannot be read never asks by count', request('c', 0), false, []],
  ])('%s', (_name, req, asks, newIds) => {
    const [i] = readIntents([req], previous);
    expect(asksForRemoval(i)).toBe(asks);
    expect(i.newRemoveNodeIds).toEqual(newIds);
  });
});

describe('assessGroup', () => {
  test.each<[string, GroupIntent, number | undefined, { budget: number; alreadyRemoved: number; extra: number; refused: boolean }]>([
    ['lowered 5 -> 3 at TargetCount 5', intent(5, 3), 5, { budget: 2, alreadyRemoved: 0, extra: 0, refused: false }],
    ['half done (re-invoked): TargetCount 4', intent(5, 3), 4, { budget: 1, alreadyRemoved: 1, extra: 0, refused: false }],
    ['done: TargetCount 3', intent(5, 3), 3, { budget: 0, alreadyRemoved: 2, extra: 0, refused: false }],
    ['below the new count', intent(5, 3), 2, { budget: 0, alreadyRemoved: 2, extra: 0, refused: false }],
    ['raised 3 -> 5', intent(3, 5), 3, { budget: 0, alreadyRemoved: 0, extra: 0, refused: false }],
    ['untouched', intent(4, 4), 4, { budget: 0, alreadyRemoved: 0, extra: 0, refused: false }],
    ['drift on a lowered group', intent(4, 2), 6, { budget: 0, alreadyRemoved: 0, extra: 2, refused: true }],
    ['drift on an untouched group', intent(2, 2), 5, { budget: 0, alreadyRemoved: 0, extra: 3, refused: true }],
    ['nodes added outside, kept by a higher new count', intent(4, 8), 6, { budget: 0, alreadyRemoved: 0, extra: 0, refused: false }],
    ['drift with Remove', intent(4, 2, { drift: 'Remove' }), 6, { budget: 4, alreadyRemoved: 0, extra: 2, refused: false }],
    ['drift with Remove, half done (the start TargetCount is not known here)', intent(4, 2, { drift: 'Remove' }), 5,
      { budget: 3, alreadyRemoved: 0, extra: 1, refused: false }],
    ['a group new to the template', intent(undefined, 2), 2, { budget: 0, alreadyRemoved: 0, extra: 0, refused: false }],
    ['no TargetCount: nothing', intent(5, 3), undefined, { budget: 0, alreadyRemoved: 0, extra: 0, refused: false }],
  ])('%s', (_name, i, target, expected) => {
    const a = assessGroup(i, view(target), 'demo');
    expect({ budget: a.budget, alreadyRemoved: a.alreadyRemoved, extra: a.extra, refused: a.refusal !== undefined }).toEqual(expected);
  });

  test('with the TargetCount at the start, what a drift removal already took is known', () => {
    expect(assessGroup(intent(4, 2, { drift: 'Remove' }), view(5), 'demo', 6)).toMatchObject({ budget: 3, alreadyRemoved: 1 });
    expect(assessGroup(intent(5, 3), view(4), 'demo', 5)).toMatchObject({ budget: 1, alreadyRemoved: 1 });
  });

  test('the group missing from the cluster: nothing', () => {
    expect(assessGroup(intent(5, 3), undefined, 'demo')).toMatchObject({ budget: 0, alreadyRemoved: 0 });
  });

  test('the refusal names the group, the cluster, the three counts and both ways out', () => {
    expect(assessGroup(intent(4, 2), view(6), 'demo').refusal).toBe('instance group "w" of cluster "demo" has 6 nodes (TargetCount), '
      + 'more than its previous instanceCount 4 and its new instanceCount 2: 2 were added outside this stack (console, hyp CLI, '
      + 'an autoscaler). The cluster update would let SageMaker remove 4 nodes of its own choosing, so nothing was changed. '
      + 'To keep them, set instanceCount to 6; to remove them by this group\'s policy, set scaleDown.drift to DriftPolicy.REMOVE_EXTRA_NODES');
  });

  test('never more than the decrease, whatever the TargetCount below the drift line', () => {
    for (let previous = 0; previous <= 8; previous++) {
      for (let desired = 0; desired <= 8; desired++) {
        for (let target = 0; target <= Math.max(previous, desired); target++) {
          const a = assessGroup(intent(previous, desired), view(target), 'demo');
          expect(a.budget).toBeLessThanOrEqual(Math.max(0, previous - desired));
          expect(target - a.budget).toBeGreaterThanOrEqual(Math.min(desired, target));
        }
      }
    }
  });
});
