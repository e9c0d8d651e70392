/**
 * The widget's styles, adopted by its shadow root as a constructed stylesheet: no `<style>` element and no `style`
 * attribute, so a page's `style-src` Content-Security-Policy needs no `'unsafe-inline'` for it, and the store's CSS
 * cannot reach inside. Colours keep a contrast of at least 4.5:1 (WCAG AA) for text and 3:1 for controls.
 */
export const WIDGET_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.root { font: 15px/1.5 system-ui, -apple-system, "Hiragino Sans", "Noto Sans JP", "Yu Gothic", "Meiryo", sans-serif; color: #1a1a1a; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button { font: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 999px; padding: 12px 20px; background: #1d4ed8; color: #fff; font-weight: 600; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.launcher[aria-expanded="true"] { display: none; }
.panel { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: min(400px, calc(100vw - 24px)); height: min(600px, calc(100vh - 40px)); display: flex; flex-direction: column; background: #fff; border: 1px solid #767676; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }
.panel[hidden] { display: none; }
header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: #1d4ed8; color: #fff; }
h2 { flex: 1; margin: 0; font-size: 16px; }
.dev { font-size: 12px; display: flex; align-items: center; gap: 4px; }
.close { border: 0; background: transparent; color: #fff; font-size: 20px; line-height: 1; padding: 4px 8px; border-radius: 6px; }
.status { margin: 0; padding: 4px 12px; font-size: 12px; color: #3d3d3d; background: #f2f2f2; border-bottom: 1px solid #d6d6d6; }
.status[data-state="reconnecting"], .status[data-state="closed"], .status[data-state="signInRequired"] { color: #8a1c00; background: #fff4e5; }
.signin { padding: 8px 12px; background: #fff4e5; border-bottom: 1px solid #d6d6d6; }
.signin-again { border: 0; border-radius: 8px; padding: 6px 14px; background: #1d4ed8; color: #fff; font-weight: 600; }
.signin-again[aria-disabled="true"] { background: #6b7280; cursor: default; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 12px; }
.turn { display: flex; flex-direction: column; gap: 6px; }
.question { align-self: flex-end; max-width: 85%; margin: 0; padding: 8px 12px; border-radius: 12px 12px 2px 12px; background: #1d4ed8; color: #fff; white-space: pre-wrap; overflow-wrap: anywhere; }
.answer { align-self: flex-start; max-width: 92%; padding: 8px 12px; border-radius: 12px 12px 12px 2px; background: #f2f2f2; }
.answer-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.answer-text a { color: #1d4ed8; }
.answer[data-status="interrupted"] .answer-text { color: #4a4a4a; }
.notice { margin: 6px 0 0; font-size: 13px; color: #8a1c00; }
.retry, .feedback button { border: 1px solid #767676; background: #fff; color: #1a1a1a; border-radius: 6px; padding: 2px 10px; font-size: 13px; min-height: 28px; }
.feedback svg { display: block; }
.retry { margin-top: 6px; }
.retry[aria-disabled="true"], .feedback button[aria-disabled="true"] { color: #595959; cursor: default; }
.feedback { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 6px; font-size: 13px; }
.feedback button[aria-pressed="true"] { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
.csat { display: flex; gap: 4px; align-items: center; }
.facts { margin: 6px 0 0; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; color: #3d3d3d; }
.panel:not(.developer) .facts { display: none; }
form { display: flex; flex-wrap: wrap; gap: 8px; padding: 10px 12px; border-top: 1px solid #d6d6d6; }
textarea { flex: 1; min-width: 0; resize: none; font: inherit; padding: 8px; border: 1px solid #767676; border-radius: 8px; color: #1a1a1a; }
.send { border: 0; border-radius: 8px; padding: 8px 16px; background: #1d4ed8; color: #fff; font-weight: 600; }
.send[aria-disabled="true"] { background: #6b7280; cursor: default; }
.counter { flex-basis: 100%; margin: 0; font-size: 12px; color: #8a1c00; }
.counter:empty { display: none; }
`;
