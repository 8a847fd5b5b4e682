import { boundedMessage } from '../src/contract/problems';
import { boundedData } from '../src/handlers/response';
import { parseProperties } from '../src/handlers/scale-down/properties';

describe('parseProperties', () => {
  test('reads strings back into numbers and applies defaults', () => {
    expect(parseProperties({
      ServiceToken: 'arn',
      ClusterName: 'demo',
      TimeoutSeconds: '1700',
      InstanceGroups: [
        { InstanceGroupName: 'a', InstanceCount: '3', ChunkSize: '10', Order: 'OldestFirst', Drift: 'Remove', RemoveNodeIds: ['i-0123456789abcdef0'] },
        { InstanceGroupName: 'b', InstanceCount: 0 },
      ],
    })).toEqual({
      clusterName: 'demo',
      timeoutSeconds: 1700,
      groups: [
        { group: 'a', desiredCount: 3, chunkSize: 10, order: 'OldestFirst', drift: 'Remove', removeNodeIds: ['i-0123456789abcdef0'], autoscaled: false },
        { group: 'b', desiredCount: 0, chunkSize: 99, order: 'NewestFirst', drift: 'Refuse', removeNodeIds: [], autoscaled: false },
      ],
    });
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['no cluster name', { InstanceGroups: [] }, /ClusterName must be a non-empty string/],
    ['groups not a list', { ClusterName: 'c', InstanceGroups: 'x' }, /InstanceGroups must be a list/],
    ['no group name', { ClusterName: 'c', InstanceGroups: [{ InstanceCount: '1' }] }, /InstanceGroups\[0\]\.InstanceGroupName/],
    ['negative count', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '-1' }] }, /InstanceCount must be an integer/],
    ['count not a number', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: 'three' }] }, /got "three"/],
    ['empty count', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '' }] }, /InstanceCount must be an integer/],
    ['chunk size 100', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '1', ChunkSize: '100' }] },
      /ChunkSize must be an integer from 1 to 99/],
    ['bad order', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '1', Order: 'Random' }] },
      /Order must be one of NewestFirst, OldestFirst/],
    ['bad drift policy', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '1', Drift: 'Trim' }] },
      /Drift must be one of Refuse, Remove/],
    ['ids not a list', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '1', RemoveNodeIds: 'i-1' }] },
      /RemoveNodeIds must be a list of strings/],
    ['same group twice', { ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '1' }, { InstanceGroupName: 'a', InstanceCount: '2' }] },
      /instance group "a" appears twice/],
    ['bad timeout', { ClusterName: 'c', InstanceGroups: [], TimeoutSeconds: '0' }, /TimeoutSeconds must be an integer/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => parseProperties(props)).toThrow(message);
    expect(() => parseProperties(props)).toThrow(/invalid Custom::HyperPodScaleDown properties/);
  });
});

describe('response data', () => {
  test('keeps Data under its budget, first entries first', () => {
    const entries: Array<[string, string]> = [['Removed', '9'], ...Array.from({ length: 100 }, (_, i): [string, string] =>
      [`Removed.group-with-a-long-name-${i}`, String(i)])];
    const data = boundedData(entries, 1500);
    expect(JSON.stringify(data).length).toBeLessThanOrEqual(1500);
    expect(data).toMatchObject({ 'Removed': '9', 'Removed.group-with-a-long-name-0': '0', 'Truncated': 'true' });
    expect(boundedData([['Removed', '1']])).toEqual({ Removed: '1' });
  });

  test('cuts long error messages and says how many problems were left out', () => {
    const message = boundedMessage('head:', Array.from({ length: 100 }, (_, i) => `problem number ${i} `.repeat(5)), 500);
    expect(message.length).toBeLessThanOrEqual(600);
    expect(message).toMatch(/^head:\n {2}- problem number 0/);
    expect(message).toMatch(/\.\.\. and \d+ more \(see the function's log\)$/);
    expect(boundedMessage('head:', ['a', 'b'])).toBe('head:\n  - a\n  - b');
    expect(boundedMessage('head:', ['x'.repeat(5000)], 600)).toBe(`head:\n  - ${'x'.repeat(200)}...`);
  });
});
