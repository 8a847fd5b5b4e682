/** Masks 64-hex asset hashes, so a handler or asset change does not churn template snapshots. */
const HASH = /[0-9a-f]{64}/g;
export const assetHashSerializer: jest.SnapshotSerializerPlugin = {
  test: (val: unknown) => typeof val === 'string' && /[0-9a-f]{64}/.test(val),
  serialize: (val: string) => JSON.stringify(val.replace(HASH, '[ASSET HASH]')),
};
