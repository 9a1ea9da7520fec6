/**
 * The simulator's and the history's styles. Kept in a string rendered as a React 19 `<style
 * href precedence>` (hoisted to <head> once, however many panels render it) so the panels
 * look right whatever the app shell's CSS set-up is. Colours come from the shell's custom
 * properties when it defines them.
 */
export const PANEL_CSS = `
.pt-panel { --pt-fg: var(--fg, #1f2328); --pt-muted: var(--muted, #656d76); --pt-line: var(--border, #d0d7de);
  --pt-bg: var(--bg, #fff); --pt-soft: var(--bg-soft, #f6f8fa); --pt-accent: var(--accent, #0969da); --pt-bad: var(--danger, #cf222e);
  --pt-good: var(--success, #1a7f37); --pt-warn: var(--warning, #9a6700);
  display: flex; flex-direction: column; gap: 10px; padding: 10px; font: 13px/1.4 var(--font, system-ui, -apple-system, 'Segoe UI', sans-serif);
  color: var(--pt-fg); background: var(--pt-bg); min-height: 0; box-sizing: border-box; }
.pt-panel *, .pt-panel *::before, .pt-panel *::after { box-sizing: border-box; }
.pt-panel h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--pt-muted); margin: 0 0 6px; font-weight: 600; }
.pt-panel button { font: inherit; border: 1px solid var(--pt-line); background: var(--pt-soft); color: var(--pt-fg); border-radius: 6px;
  padding: 4px 10px; cursor: pointer; }
.pt-panel button:hover:not(:disabled) { border-color: var(--pt-accent); }
.pt-panel button:disabled { opacity: .45; cursor: default; }
.pt-panel button.pt-primary { background: var(--pt-good); border-color: var(--pt-good); color: #fff; font-weight: 600; }
.pt-panel button.pt-danger { background: var(--pt-bad); border-color: var(--pt-bad); color: #fff; font-weight: 600; }
.pt-panel button.pt-link { border: none; background: none; color: var(--pt-accent); padding: 0 2px; }
.pt-panel input, .pt-panel textarea, .pt-panel select { font: inherit; color: var(--pt-fg); background: var(--pt-bg); border: 1px solid var(--pt-line);
  border-radius: 6px; padding: 3px 6px; min-width: 0; }
.pt-panel textarea { font-family: var(--mono, ui-monospace, SFMono-Regular, Menlo, monospace); font-size: 12px; width: 100%; resize: vertical; }
.pt-panel code, .pt-mono { font-family: var(--mono, ui-monospace, SFMono-Regular, Menlo, monospace); font-size: 12px; }
.pt-row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.pt-grow { flex: 1; }
.pt-muted { color: var(--pt-muted); }
.pt-note { padding: 6px 8px; border-radius: 6px; background: var(--pt-soft); border: 1px solid var(--pt-line); }
.pt-note.pt-warn { border-color: var(--pt-warn); color: var(--pt-warn); }
.pt-note.pt-bad { border-color: var(--pt-bad); color: var(--pt-bad); }
.pt-section { border: 1px solid var(--pt-line); border-radius: 8px; padding: 8px; }
.pt-section > summary { cursor: pointer; font-weight: 600; }
.pt-fields { display: grid; grid-template-columns: auto 1fr; gap: 4px 8px; align-items: center; margin-top: 6px; }
.pt-fields label { color: var(--pt-muted); }
.pt-pairs { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr) auto; gap: 4px; margin-top: 4px; }
.pt-pairs button { padding: 0 6px; }
.pt-toggles { display: flex; gap: 12px; flex-wrap: wrap; color: var(--pt-muted); }
.pt-toggles label { display: flex; gap: 4px; align-items: center; }

.pt-status { display: flex; gap: 6px; align-items: baseline; font-weight: 500; }
.pt-badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 10px; background: var(--pt-soft); border: 1px solid var(--pt-line); color: var(--pt-muted); }
.pt-node { font-family: var(--mono, ui-monospace, SFMono-Regular, Menlo, monospace); font-weight: 600; }

.pt-transcript { display: flex; flex-direction: column; gap: 6px; max-height: 320px; overflow-y: auto; padding: 6px;
  background: var(--pt-soft); border-radius: 8px; border: 1px solid var(--pt-line); }
.pt-turn { display: flex; flex-direction: column; gap: 3px; }
.pt-caller { align-self: flex-end; background: var(--pt-accent); color: #fff; padding: 3px 10px; border-radius: 12px 12px 2px 12px; max-width: 85%; }
.pt-heard { align-self: flex-start; background: var(--pt-bg); border: 1px solid var(--pt-line); padding: 4px 10px; border-radius: 12px 12px 12px 2px; max-width: 92%; }
.pt-heard p { margin: 0; }
.pt-heard p + p { margin-top: 3px; }
.pt-heard .pt-sound { color: var(--pt-muted); font-style: italic; }
.pt-rest { font-size: 12px; color: var(--pt-muted); padding-left: 4px; }
.pt-request { font-size: 12px; padding: 3px 8px; border-left: 3px solid var(--pt-accent); background: var(--pt-bg); border-radius: 4px; overflow-wrap: anywhere; }
.pt-error { font-size: 12px; color: var(--pt-bad); padding-left: 4px; }

.pt-phone { display: flex; flex-direction: column; gap: 8px; align-items: stretch; outline: none; }
.pt-display { font: 600 20px/1 var(--mono, ui-monospace, SFMono-Regular, Menlo, monospace); letter-spacing: .12em; text-align: center; padding: 8px;
  border-radius: 8px; background: var(--pt-soft); border: 1px solid var(--pt-line); min-height: 38px; }
.pt-keypad { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; max-width: 260px; margin: 0 auto; width: 100%; }
.pt-panel .pt-key { display: flex; flex-direction: column; align-items: center; padding: 6px 0; border-radius: 10px; background: var(--pt-bg); }
.pt-key b { font-size: 18px; line-height: 1.1; }
.pt-key small { font-size: 9px; letter-spacing: .1em; color: var(--pt-muted); min-height: 11px; }
.pt-choices { display: flex; gap: 6px; flex-wrap: wrap; }
.pt-http pre { margin: 4px 0; padding: 6px; background: var(--pt-soft); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 140px; overflow: auto; }
.pt-export pre { margin: 6px 0 0; padding: 6px; background: var(--pt-soft); border-radius: 6px; max-height: 220px; overflow: auto; white-space: pre; font-size: 11px; }

.pt-calls { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; max-height: 280px; overflow-y: auto; }
.pt-panel .pt-call { width: 100%; text-align: left; display: grid; grid-template-columns: auto 1fr auto; gap: 2px 8px; background: var(--pt-bg); }
.pt-panel .pt-call.pt-open { border-color: var(--pt-accent); box-shadow: 0 0 0 1px var(--pt-accent) inset; }
.pt-call .pt-when { color: var(--pt-muted); font-size: 12px; }
.pt-steps { width: 100%; border-collapse: collapse; font-size: 12px; }
.pt-steps td { border-top: 1px solid var(--pt-line); padding: 4px; vertical-align: top; }
.pt-steps tr { cursor: pointer; }
.pt-steps tr.pt-later { opacity: .5; }
.pt-steps tr.pt-here td { background: color-mix(in srgb, var(--pt-accent) 12%, transparent); }
.pt-gone { text-decoration: line-through; color: var(--pt-muted); }
`
