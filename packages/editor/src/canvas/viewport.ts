import { getViewportForBounds } from '@xyflow/react'
import type { ReactFlowInstance } from '@xyflow/react'
import { NODE_WIDTH } from '../layout/geometry.ts'
import type { CanvasEdge, CanvasNode } from './graph.ts'

/** The flow coordinates of the middle of the visible canvas, offset so a new node is centred there. */
export function viewportCentre(flow: ReactFlowInstance<CanvasNode, CanvasEdge>): { x: number; y: number } {
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect()
  const screen = pane !== undefined ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 } : { x: innerWidth / 2, y: innerHeight / 2 }
  const at = flow.screenToFlowPosition(screen)
  return { x: at.x - NODE_WIDTH / 2, y: at.y - 40 }
}

/** Selects a node and scrolls the canvas so it is in the middle. */
export function centreOn(flow: ReactFlowInstance<CanvasNode, CanvasEdge>, id: string, fallback?: { x: number; y: number }): boolean {
  const internal = flow.getInternalNode(id)
  const at = internal?.internals.positionAbsolute ?? fallback
  if (at === undefined) return false
  const width = internal?.measured.width ?? NODE_WIDTH
  const height = internal?.measured.height ?? 80
  void flow.setCenter(at.x + width / 2, at.y + height / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 250 })
  return true
}

/**
 * Zooms to show every node. React Flow's own fitView only counts nodes it has measured, and
 * with `onlyRenderVisibleElements` nodes outside the view are never measured, so the bounds
 * come from positions and measured (or estimated) sizes instead.
 */
export function fitAll(flow: ReactFlowInstance<CanvasNode, CanvasEdge>, duration = 0): void {
  const nodes = flow.getNodes()
  if (nodes.length === 0) return
  let left = Infinity
  let top = Infinity
  let right = -Infinity
  let bottom = -Infinity
  for (const node of nodes) {
    const width = node.measured?.width ?? node.initialWidth ?? NODE_WIDTH
    const height = node.measured?.height ?? node.initialHeight ?? 80
    left = Math.min(left, node.position.x)
    top = Math.min(top, node.position.y)
    right = Math.max(right, node.position.x + width)
    bottom = Math.max(bottom, node.position.y + height)
  }
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect()
  if (pane === undefined || pane.width === 0) return
  // At most 100 %: a flow of one or two nodes should not fill the screen.
  const viewport = getViewportForBounds({ x: left, y: top, width: right - left, height: bottom - top }, pane.width, pane.height, 0.05, 1, 0.06)
  void flow.setViewport(viewport, { duration })
}
