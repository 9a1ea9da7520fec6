import type { DraftNode } from '../../app/draft.ts'

/** How each node type is named on the canvas and in the palette. */
export const TYPE_LABELS: Record<DraftNode['kind'], string> = {
  say: 'Say', menu: 'Menu', input: 'Input', branch: 'Branch', hours: 'Hours', set: 'Set', http: 'HTTP',
  dial: 'Dial', record: 'Record', enqueue: 'Enqueue', hangup: 'Hang up', redirect: 'Redirect', unknown: 'Unknown',
}

/** One line on what each type does, for the palette's tooltips. */
export const TYPE_HINTS: Record<DraftNode['kind'], string> = {
  say: 'speaks a prompt', menu: 'asks for a choice by key or speech, with retries', input: 'collects digits into a variable',
  branch: 'picks a way by conditions', hours: 'open or closed, by weekly hours', set: 'stores variables',
  http: 'calls a web API', dial: 'connects the caller to numbers', record: 'records a message',
  enqueue: 'puts the caller in a queue', hangup: 'says goodbye and ends the call', redirect: 'hands the call to other TwiML',
  unknown: 'a node the editor does not know',
}
