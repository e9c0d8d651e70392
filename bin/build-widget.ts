#!/usr/bin/env -S npx tsx
/**
 * `npm run build:widget`: bundles the chat widget (web/widget) into dist/widget/mangaassist-chat.js, the one file a
 * store hosts, and prints its size raw and gzipped against the 30 KB gzipped budget (exit 1 over it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildWidget, WIDGET_GZIP_BUDGET_BYTES } from '../local/widget-build';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

void buildWidget().then(
  (widget) => {
    const outDir = path.join(__dirname, '..', 'dist', 'widget');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'mangaassist-chat.js');
    writeFileSync(file, widget.code);
    process.stdout.write(`${path.relative(process.cwd(), file)}: ${widget.bytes} bytes (${kb(widget.bytes)}) raw, ${widget.gzipBytes} bytes (${kb(widget.gzipBytes)}) gzipped; budget ${kb(WIDGET_GZIP_BUDGET_BYTES)} gzipped\n`);
    if (widget.gzipBytes > WIDGET_GZIP_BUDGET_BYTES) {
      process.stderr.write('build:widget: over the gzipped size budget\n');
      process.exitCode = 1;
    }
  },
  (error: unknown) => {
    process.stderr.write(`build:widget: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
