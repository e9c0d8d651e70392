import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * The esbuild settings every Lambda bundle uses, in one place: the house function construct maps them onto
 * NodejsFunction's bundling props and bench/coldstart.ts passes them to esbuild directly, so the benchmark
 * measures exactly what is deployed. No CDK import here, so the benchmark stays light.
 */
export const ESBUILD_OPTIONS = {
  platform: 'node',
  // Matches Runtime.NODEJS_22_X: no down-levelling of syntax the runtime already has.
  target: 'node22',
  // CommonJS: what NodejsFunction emits as index.js, and what `require` in the benchmark loads.
  format: 'cjs',
  // Smaller bundles parse faster, and init time is billed (DESIGN section 7).
  minify: true,
  // Linked .map next to the bundle; NODE_OPTIONS=--enable-source-maps maps stack traces back to the .ts.
  sourcemap: true,
  // Names and positions are enough for stack traces; embedding the sources would only grow the asset.
  sourcesContent: false,
  // Prefer the ES module builds (AWS SDK v3, Powertools ship both) so unused exports are tree-shaken.
  mainFields: ['module', 'main'],
  // Nothing external: the AWS SDK v3 clients are bundled, so their version is the one we tested and only the
  // clients a handler imports are loaded (the runtime's copy would be a different, unpinned version).
  external: [],
} as const satisfies BuildOptions;

/** The repository root: the CDK project root and the base of HANDLER_ENTRIES. */
export const REPO_ROOT = path.resolve(__dirname, '..');

export const entryPath = (relativeEntry: string): string => path.join(REPO_ROOT, relativeEntry);
