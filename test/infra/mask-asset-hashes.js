/**
 * Jest snapshot serializer for synthesized templates: replaces what changes whenever the bundled Lambda code (or
 * a CDK-provided handler) changes, so a snapshot fails on infrastructure changes only.
 *
 * - 64-hex asset hashes: S3 keys (`<hash>.zip`), `asset.<hash>` paths, container image tags;
 * - nothing else in our templates depends on the code (no Lambda Version resources, no CDK metadata).
 *
 * Only strings that contain a hash are handled here; the masked string goes back to the default printer, which
 * this serializer then declines (no hash left), so formatting stays Jest's own.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;
const MASK = '[ASSET_HASH]';

const containsHash = (value) => typeof value === 'string' && /[0-9a-f]{64}/.test(value);

module.exports = {
  MASK,
  test: containsHash,
  serialize: (value, config, indentation, depth, refs, printer) =>
    printer(value.replace(ASSET_HASH, MASK), config, indentation, depth, refs),
};
