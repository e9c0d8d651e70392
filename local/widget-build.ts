import { build, buildSync, type BuildOptions } from 'esbuild';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The widget's source entry (web/widget/index.ts) and the demo page's script, bundled for the browser. */
const WEB_DIR = path.join(__dirname, '..', 'web');
export const WIDGET_ENTRY = path.join(WEB_DIR, 'widget', 'index.ts');
export const DEMO_DIR = path.join(WEB_DIR, 'demo');
/** The global the widget script defines: `MangaAssistChat.mount({...})`. */
export const WIDGET_GLOBAL = 'MangaAssistChat';
/** The budget for the script a store's page loads. */
export const WIDGET_GZIP_BUDGET_BYTES = 30 * 1024;

export interface BuiltScript {
  readonly code: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

const options = (entry: string, globalName?: string) =>
  ({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    ...(globalName !== undefined && { globalName }),
    platform: 'browser',
    // Browsers with constructable stylesheets (Chrome 73, Firefox 101, Safari 16.4): what the widget's CSS needs.
    target: ['es2020', 'chrome100', 'firefox101', 'safari16'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  }) satisfies BuildOptions;

const measured = (entry: string, outputFiles: readonly { readonly contents: Uint8Array; readonly text: string }[] | undefined): BuiltScript => {
  const file = outputFiles?.[0];
  if (file === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  const bytes = Buffer.from(file.contents);
  return { code: file.text, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
};

const bundle = async (entry: string, globalName?: string): Promise<BuiltScript> => measured(entry, (await build(options(entry, globalName))).outputFiles);

/** The widget script, built synchronously: what `cdk synth` deploys with the widget hosting (it has no async step). */
export const buildWidgetSync = (): BuiltScript => measured(WIDGET_ENTRY, buildSync(options(WIDGET_ENTRY, WIDGET_GLOBAL)).outputFiles);

/** The widget script, built in memory (npm start builds it at start-up; no built file is committed). */
export const buildWidget = (): Promise<BuiltScript> => bundle(WIDGET_ENTRY, WIDGET_GLOBAL);

/** The demo store page's own script (web/demo/demo.ts). */
export const buildDemoScript = (): Promise<BuiltScript> => bundle(path.join(DEMO_DIR, 'demo.ts'));
