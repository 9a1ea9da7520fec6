import { PANEL_CSS } from './styles.ts'

/** The panels' stylesheet; React hoists it into <head> once however many panels render it. */
export function PanelStyles() {
  return <style href="phonetree-sim-history-panels" precedence="default">{PANEL_CSS}</style>
}
