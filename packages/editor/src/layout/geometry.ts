/**
 * The size of a node box on the canvas, computed the way the stylesheet draws it (fixed row
 * heights, see styles/canvas.css), so the automatic layout can place nodes before they are
 * ever rendered. Keep the numbers here and in the stylesheet in step.
 */

export type Direction = 'LR' | 'TB'

export const NODE_WIDTH = 240
export const HEADER_HEIGHT = 30
export const LINE_HEIGHT = 18
export const BODY_PADDING = 6
export const ROW_HEIGHT = 22
export const ROWS_PADDING = 4
export const CHIP_ROW_HEIGHT = 26
export const CHIP_MIN_WIDTH = 72
const BORDER = 1

export interface PortPlace {
  id: string
  x: number
  y: number
}

export interface NodeGeometry {
  width: number
  height: number
  /** Where the input handle sits, relative to the node's top left corner. */
  input: { x: number; y: number }
  /** Where each output handle sits, in handle order. */
  outputs: PortPlace[]
}

/**
 * The box of a node with `bodyLines` lines of text and the given output handles.
 *
 * @example nodeGeometry(2, ['next'], 'LR') // { width: 240, height: 101, … }
 */
export function nodeGeometry(bodyLines: number, handles: readonly string[], direction: Direction): NodeGeometry {
  const body = bodyLines > 0 ? bodyLines * LINE_HEIGHT + 2 * BODY_PADDING : 0
  const top = BORDER + HEADER_HEIGHT + body
  if (direction === 'LR') {
    const rows = handles.length > 0 ? handles.length * ROW_HEIGHT + 2 * ROWS_PADDING : 0
    const height = top + rows + BORDER
    return {
      width: NODE_WIDTH,
      height,
      input: { x: 0, y: Math.min(height / 2, BORDER + HEADER_HEIGHT / 2) },
      outputs: handles.map((id, i) => ({ id, x: NODE_WIDTH, y: top + ROWS_PADDING + i * ROW_HEIGHT + ROW_HEIGHT / 2 })),
    }
  }
  const width = Math.max(NODE_WIDTH, handles.length * CHIP_MIN_WIDTH + 2 * ROWS_PADDING)
  const height = top + (handles.length > 0 ? CHIP_ROW_HEIGHT : 0) + BORDER
  const inner = width - 2 * ROWS_PADDING
  return {
    width,
    height,
    input: { x: width / 2, y: 0 },
    outputs: handles.map((id, i) => ({ id, x: ROWS_PADDING + ((i + 0.5) * inner) / handles.length, y: height })),
  }
}
