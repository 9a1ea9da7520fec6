import { BaseEdge, Position, useInternalNode } from '@xyflow/react'
import type { EdgeProps } from '@xyflow/react'
import type { CanvasEdge } from './graph.ts'

const OUT = 18
const CLEAR = 26

/**
 * An edge from a node back to itself (a menu's "press star to repeat"): drawn around the
 * node's top (left to right layouts) or right side (top down), instead of through it.
 */
export function LoopEdge({ id, source, sourceX, sourceY, targetX, targetY, sourcePosition, label, markerEnd, style, interactionWidth }: EdgeProps<CanvasEdge>) {
  const node = useInternalNode(source)
  const at = node?.internals.positionAbsolute ?? { x: Math.min(sourceX, targetX), y: Math.min(sourceY, targetY) }
  const width = node?.measured.width ?? Math.abs(sourceX - targetX)
  let path: string
  let labelX: number
  let labelY: number
  if (sourcePosition === Position.Right) {
    const top = at.y - CLEAR
    path = `M ${sourceX} ${sourceY} H ${sourceX + OUT} V ${top} H ${targetX - OUT} V ${targetY} H ${targetX}`
    labelX = (sourceX + targetX) / 2
    labelY = top
  } else {
    const side = at.x + width + CLEAR
    path = `M ${sourceX} ${sourceY} V ${sourceY + OUT} H ${side} V ${targetY - OUT} H ${targetX} V ${targetY}`
    labelX = side
    labelY = (sourceY + targetY) / 2
  }
  return (
    <BaseEdge
      id={id}
      path={path}
      {...(markerEnd !== undefined ? { markerEnd } : {})}
      {...(style !== undefined ? { style } : {})}
      {...(interactionWidth !== undefined ? { interactionWidth } : {})}
      label={label}
      labelX={labelX}
      labelY={labelY}
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={3}
    />
  )
}
