import { makeParams, synthesizeApp, type SynthesizedApp } from './fixture';
// The serializer jest.config.js registers for every snapshot.
import maskAssetHashes from './mask-asset-hashes';

const ASSET_HASH = /[0-9a-f]{64}/;

describe('stack snapshots', () => {
  let synth: SynthesizedApp;

  beforeAll(() => {
    // Real esbuild bundles, so the asset hashes in the templates are the ones that change with the code.
    synth = synthesizeApp(makeParams(), { bundle: true });
  });

  it('matches the data stack snapshot', () => {
    // Assess
    expect(synth.dataTemplate.toJSON()).toMatchSnapshot();
  });

  it('matches the gateway stack snapshot, asset hashes masked', () => {
    // Prepare
    const template = synth.gatewayTemplate.toJSON();

    // Assess
    expect(JSON.stringify(template)).toMatch(ASSET_HASH);
    expect(template).toMatchSnapshot();
  });

  it('matches the capacity stack snapshot, asset hashes masked', () => {
    // Prepare
    const template = synth.capacityTemplate.toJSON();

    // Assess
    expect(JSON.stringify(template)).toMatch(ASSET_HASH);
    expect(template).toMatchSnapshot();
  });

  it('masks every asset hash in the template, including each Lambda code location', () => {
    // Prepare
    const hashed: string[] = [];
    JSON.stringify(synth.gatewayTemplate.toJSON(), (_key, value: unknown) => {
      if (maskAssetHashes.test(value)) hashed.push(value as string);
      return value;
    });
    const passThrough = (value: unknown): string => String(value);

    // Act
    const masked = hashed.map((value) => maskAssetHashes.serialize(value, {}, '', 0, [], passThrough));

    // Assess
    expect(hashed.filter((value) => /^[0-9a-f]{64}\.zip$/.test(value)).length).toBeGreaterThanOrEqual(5);
    for (const value of masked) expect(value).not.toMatch(ASSET_HASH);
    expect(masked).toContain(`${maskAssetHashes.MASK}.zip`);
  });
});
