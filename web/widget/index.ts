/** The widget bundle's entry: esbuild exposes these as the global `MangaAssistChat` (local/widget-build.ts). */
export { mount } from './widget';
export type { WidgetHandle, WidgetOptions } from './widget';
