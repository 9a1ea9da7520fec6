import type { KeyboardEvent } from 'react'

/**
 * Keeps Delete and Backspace pressed inside a panel (on its buttons, say) from reaching the
 * editor's shortcuts, which would delete the selected node: the panels select the node a call
 * is at, so a stray key would remove it. Text fields keep their own editing keys.
 */
export function keepKeysInPanel(event: KeyboardEvent<HTMLElement>): void {
  if (event.key !== 'Delete' && event.key !== 'Backspace') return
  const target = event.target
  const typing = target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type))
  if (!typing) event.preventDefault()
}
