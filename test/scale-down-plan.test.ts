import { BatchDeleteAnswer, ChooseOptions, ChosenNode, choose, chunk, ClusterNode, DeleteBatch, GroupPolicy, interpret, nodeKey } from '../src/domain/plan';

/** The old "keep N nodes" form: an unbounded budget held back by `keep`. */
type Policy = Omit<GroupPolicy, 'group' | 'budget' | 'keep'> & { desiredCount: number; budget?: number };

/** `i-` + 17 hex digits from a small number, e.g. id(10) = i-0000000000000000a. */
const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

/** A node of group `w` launched at minute `minute`. */
function node(n: number, status = 'Running', minute = n, group = 'w'): ClusterNode {
  return { group, instanceId: id(n), status, launchTime: new Date(Date.UTC(2025, 0, 1, 0, minute)) };
}

function pending(logicalId: string, group = 'w'): ClusterNode {
  return { group, logicalId, status: 'Pending' };
}

const pick = (nodes: ClusterNode[], { desiredCount, budget, ...policy }: Policy, options: ChooseOptions = {}) =>
  choose(nodes, { group: 'w', budget: budget ?? Number.MAX_SAFE_INTEGER, keep: desiredCount, ...policy }, options);

const summary = (chosen: ChosenNode[]) => chosen.map((c) => `${nodeKey(c)} ${c.reason}`);

describe('choose', () => {
  const five = [1, 2, 3, 4, 5].map((n) => node(n));

  test.each([
    ['surplus 0: nothing', five, { desiredCount: 5 }, []],
    ['scale up: nothing', five, { desiredCount: 7 }, []],
    ['newest first by default', five, { desiredCount: 3 }, [`${id(5)} newest`, `${id(4)} newest`]],
    ['oldest first', five, { desiredCount: 3, order: 'OldestFirst' as const }, [`${id(1)} oldest`, `${id(2)} oldest`]],
    ['listed ids first, in listed order', five, { desiredCount: 3, removeNodeIds: [id(2), id(1)] },
      [`${id(2)} listed for removal`, `${id(1)} listed for removal`]],
    ['listed, then by order', five, { desiredCount: 2, removeNodeIds: [id(1)] },
      [`${id(1)} listed for removal`, `${id(5)} newest`, `${id(4)} newest`]],
    ['duplicate listed ids count once', five, { desiredCount: 4, removeNodeIds: [id(3), id(3)] }, [`${id(3)} listed for removal`]],
    ['not-serving statuses in fixed order before serving ones',
      [node(1, 'DeepHealthCheckInProgress'), node(2, 'Pending'), node(3, 'NotFound'), node(4, 'Failure'), node(5), node(6)],
      { desiredCount: 1 },
      [`${id(4)} status Failure`, `${id(3)} status NotFound`, `${id(2)} status Pending`,
        `${id(1)} status DeepHealthCheckInProgress`, `${id(6)} newest`]],
    ['same status: by the group order (newest first)', [node(1, 'Failure'), node(2, 'Failure'), node(3)], { desiredCount: 2 },
      [`${id(2)} status Failure`]],
    ['same status: by the group order (oldest first)', [node(1, 'Failure'), node(2, 'Failure'), node(3)],
      { desiredCount: 2, order: 'OldestFirst' as const }, [`${id(1)} status Failure`]],
    ['listed before not-serving', [node(1, 'Failure'), node(2), node(3)], { desiredCount: 1, removeNodeIds: [id(3)] },
      [`${id(3)} listed for removal`, `${id(1)} status Failure`]],
    ['shutting-down nodes do not count and are not chosen',
      [node(1, 'ShuttingDown'), node(2, 'ShuttingDown'), node(3), node(4), node(5)], { desiredCount: 2 }, [`${id(5)} newest`]],
    ['shutting down already brings it to desired', [node(1, 'ShuttingDown'), node(2), node(3)], { desiredCount: 2 }, []],
    ['ties on launch time broken by id', [node(3, 'Running', 0), node(1, 'Running', 0), node(2, 'Running', 0)], { desiredCount: 1 },
      [`${id(1)} newest`, `${id(2)} newest`]],
    ['ties on launch time broken by id (oldest first)', [node(3, 'Running', 0), node(1, 'Running', 0), node(2, 'Running', 0)],
      { desiredCount: 1, order: 'OldestFirst' as const }, [`${id(1)} oldest`, `${id(2)} oldest`]],
    ['logical-only pending nodes first among pending, as newest', [node(1, 'Pending'), pending('b-uuid'), pending('a-uuid'), node(2)],
      { desiredCount: 1 }, ['a-uuid status Pending', 'b-uuid status Pending', `${id(1)} status Pending`]],
    ['scale to zero takes all', [node(1), node(2, 'Failure')], { desiredCount: 0 }, [`${id(2)} status Failure`, `${id(1)} newest`]],
    ['unknown status counts as serving', [node(1, 'SomethingNew'), node(2)], { desiredCount: 1 }, [`${id(2)} newest`]],
    ['nodes of other groups are ignored', [node(1), node(2), node(9, 'Failure', 9, 'w-2')], { desiredCount: 1 }, [`${id(2)} newest`]],
  ])('%s', (_name, nodes, policy, expected) => {
    const choice = pick(nodes, policy);
    expect(choice.errors).toEqual([]);
    expect(summary(choice.chosen)).toEqual(expected);
    expect(choice.chosen.length).toBeLessThanOrEqual(choice.budget);
  });

  test('keep counts only nodes that are not shutting down', () => {
    const choice = pick([node(1, 'ShuttingDown'), node(2), node(3), node(4)], { desiredCount: 1 });
    expect(choice).toMatchObject({ existing: 3, shuttingDown: 1, budget: 2 });
  });

  test.each([
    ['the budget bounds the choice below what keep allows', 2, 1, [`${id(5)} newest`, `${id(4)} newest`]],
    ['keep bounds the choice below the budget', 10, 3, [`${id(5)} newest`, `${id(4)} newest`]],
    ['a budget of 0 chooses nothing', 0, 0, []],
  ])('%s', (_name, budget, keep, expected) => {
    const choice = choose(five, { group: 'w', budget, keep });
    expect(summary(choice.chosen)).toEqual(expected);
    expect(choice.budget).toBe(expected.length);
  });

  test.each<[string, ClusterNode[], Policy, RegExp, ChooseOptions?]>([
    ['more listed than the budget', five, { desiredCount: 4, removeNodeIds: [id(1), id(2)] },
      /removeNodeIds names 2 nodes still in the group, but this deployment may remove only 1; lower instanceCount/],
    ['listed while the count does not go down', five, { desiredCount: 5, removeNodeIds: [id(1)] },
      /names 1 node still in the group, but this deployment may remove only 0/],
    ['bad id format', five, { desiredCount: 3, removeNodeIds: ['i-123', 'I-0000000000000000A', id(1)] },
      /must be EC2 instance ids .* got "i-123", "I-0000000000000000A"/],
    ['listed id absent beyond what the group already gave up', five, { desiredCount: 3, removeNodeIds: [id(1), id(42)] },
      new RegExp(`removeNodeIds ${id(42)} not found in this group \\(it has 5 nodes not shutting down\\)`)],
    ['two absent ids, one allowed', five, { desiredCount: 3, removeNodeIds: [id(41), id(42)] },
      new RegExp(`removeNodeIds ${id(42)} not found`), { absentAllowance: 1 }],
    ['listed id of another group (from the nodes given)', [...five, node(9, 'Running', 9, 'w-2')],
      { desiredCount: 4, removeNodeIds: [id(9)] }, new RegExp(`${id(9)} belongs to instance group "w-2", not "w"`)],
    ['listed id of another group, even without surplus', five, { desiredCount: 5, removeNodeIds: [id(9)] },
      new RegExp(`${id(9)} belongs to instance group "other"`), { otherGroups: new Map([[id(9), 'other']]) }],
    ['listed id of another group, even when absent ids count as gone', five, { desiredCount: 4, removeNodeIds: [id(9)] },
      /belongs to instance group "other"/, { otherGroups: new Map([[id(9), 'other']]), absentAllowance: 5 }],
  ])('error: %s', (_name, nodes, policy, message, options = {}) => {
    const choice = pick(nodes, policy, options);
    expect(choice.chosen).toEqual([]);
    expect(choice.errors.join('\n')).toMatch(message);
    expect(choice.errors.join('\n')).toMatch(/instance group "w"/);
  });

  test.each<[string, ClusterNode[], Policy, ChooseOptions, string[], string[]]>([
    ['listed id shutting down is fine', [node(1, 'ShuttingDown'), node(2), node(3)], { desiredCount: 1, removeNodeIds: [id(1)] }, {},
      [`${id(3)} newest`], [id(1)]],
    ['absent listed id within what the group gave up is already gone', [node(2), node(3), node(4)],
      { desiredCount: 2, removeNodeIds: [id(1)] }, { absentAllowance: 1 }, [`${id(4)} newest`], [id(1)]],
  ])('%s', (_name, nodes, policy, options, expected, gone) => {
    const choice = pick(nodes, policy, options);
    expect(choice.errors).toEqual([]);
    expect(summary(choice.chosen)).toEqual(expected);
    expect(choice.listedGone).toEqual(gone);
  });
});

describe('chunk', () => {
  const chosen = (instances: number, logical: number): ChosenNode[] => [
    ...Array.from({ length: logical }, (_, i) => ({ group: 'w', logicalId: `l-${i}`, status: 'Pending', reason: 'status Pending' })),
    ...Array.from({ length: instances }, (_, i) => ({ ...node(i), reason: 'newest' })),
  ];
  const shape = (batches: DeleteBatch[]) => batches.map((b) => `${b.kind}:${b.ids.length}`);

  test.each([
    ['nothing', 0, 0, undefined, []],
    ['one instance', 1, 0, undefined, ['NodeIds:1']],
    ['99 instances in one call', 99, 0, undefined, ['NodeIds:99']],
    ['100 instances in two calls', 100, 0, undefined, ['NodeIds:99', 'NodeIds:1']],
    ['chunk size 10', 25, 0, 10, ['NodeIds:10', 'NodeIds:10', 'NodeIds:5']],
    ['chunk size 1', 2, 0, 1, ['NodeIds:1', 'NodeIds:1']],
    ['logical ids at most 50, first, never mixed', 3, 120, undefined,
      ['NodeLogicalIds:50', 'NodeLogicalIds:50', 'NodeLogicalIds:20', 'NodeIds:3']],
    ['logical ids ignore the instance chunk size', 0, 60, 5, ['NodeLogicalIds:50', 'NodeLogicalIds:10']],
  ])('%s', (_name, instances, logical, size, expected) => {
    const batches = chunk(chosen(instances, logical), size);
    expect(shape(batches)).toEqual(expected);
    for (const batch of batches) {
      expect(batch.ids).toEqual(batch.nodes.map((n) => (batch.kind === 'NodeIds' ? n.instanceId : n.logicalId)));
    }
    expect(batches.flatMap((b) => b.ids).sort()).toEqual(chosen(instances, logical).map(nodeKey).sort());
  });

  test('keeps the chosen order', () => {
    const nodes = [5, 3, 9].map((n) => ({ ...node(n), reason: 'newest' }));
    expect(chunk(nodes, 2).map((b) => b.ids)).toEqual([[id(5), id(3)], [id(9)]]);
  });

  test.each([0, 100, 1.5, NaN])('rejects chunk size %p', (size) => {
    expect(() => chunk([], size)).toThrow(/chunkSize must be an integer from 1 to 99/);
  });
});

describe('interpret', () => {
  const instances: DeleteBatch = { kind: 'NodeIds', ids: [id(1), id(2), id(3), id(4), id(5)], nodes: [] };
  const logical: DeleteBatch = { kind: 'NodeLogicalIds', ids: ['a', 'b', 'c'], nodes: [] };
  const f = (nodeId: string, code: string) => ({ NodeId: nodeId, Code: code, Message: `${code} message` });

  test.each<[string, DeleteBatch, BatchDeleteAnswer, Record<string, string[]>]>([
    ['all accepted', instances, { Successful: instances.ids },
      { accepted: instances.ids, gone: [], retry: [], fatal: [] }],
    ['each code classified', instances,
      { Successful: [id(1)], Failed: [f(id(2), 'NodeIdNotFound'), f(id(3), 'NodeIdInUse'), f(id(4), 'InvalidNodeStatus'), f(id(5), 'Boom')] },
      { accepted: [id(1)], gone: [id(2)], retry: [id(3), id(4)], fatal: [id(5)] }],
    ['unanswered ids are retried', instances, { Successful: [id(1)] },
      { accepted: [id(1)], gone: [], retry: [id(2), id(3), id(4), id(5)], fatal: [] }],
    ['logical ids', logical, {
      SuccessfulNodeLogicalIds: ['a'],
      FailedNodeLogicalIds: [{ NodeLogicalId: 'b', Code: 'NodeLogicalIdNotFound', Message: 'm' }, { NodeLogicalId: 'c', Code: 'InternalError', Message: 'm' }],
    }, { accepted: ['a'], gone: ['b'], retry: [], fatal: ['c'] }],
    ['logical batch reads only the logical fields', logical, { Successful: ['a'], SuccessfulNodeLogicalIds: ['a', 'b', 'c'] },
      { accepted: ['a', 'b', 'c'], gone: [], retry: [], fatal: [] }],
  ])('%s', (_name, batch, answer, expected) => {
    const outcome = interpret(batch, answer);
    expect({
      accepted: outcome.accepted,
      gone: outcome.gone.map((x) => x.id),
      retry: outcome.retry.map((x) => x.id),
      fatal: outcome.fatal.map((x) => x.id),
    }).toEqual(expected);
  });

  test('fatal failures keep node, code and message; a missing code is named', () => {
    const outcome = interpret(instances, { Failed: [f(id(1), 'SomethingElse'), { NodeId: id(2), Message: 'no code' }] });
    expect(outcome.fatal).toEqual([
      { id: id(1), code: 'SomethingElse', message: 'SomethingElse message' },
      { id: id(2), code: '(no code)', message: 'no code' },
    ]);
  });
});
