import { useReactFlow } from '@xyflow/react'
import { NODE_TYPES } from '@phonetree/engine'
import { addNodeAt } from '../app/actions.ts'
import { PALETTE_MIME } from './Canvas.tsx'
import type { CanvasEdge, CanvasNode } from './graph.ts'
import { TYPE_HINTS, TYPE_LABELS } from './nodes/types.ts'
import { viewportCentre } from './viewport.ts'

/** The node types: click one to add it in the middle of the view, or drag it onto the canvas. */
export function Palette() {
  const flow = useReactFlow<CanvasNode, CanvasEdge>()
  return (
    <nav className="palette" aria-label="add a node">
      <div className="palette-title">Add</div>
      {NODE_TYPES.map((type) => (
        <button
          key={type}
          type="button"
          className={`palette-item node-${type}`}
          data-testid={`palette-${type}`}
          title={`${TYPE_LABELS[type]}: ${TYPE_HINTS[type]} (click to add, or drag onto the canvas)`}
          aria-label={`add a ${TYPE_LABELS[type]} node`}
          draggable
          onDragStart={(event) => {
            event.dataTransfer.setData(PALETTE_MIME, type)
            event.dataTransfer.effectAllowed = 'copy'
          }}
          onClick={() => addNodeAt(type, viewportCentre(flow))}
        >
          <span className="palette-swatch" aria-hidden="true" />
          {TYPE_LABELS[type]}
        </button>
      ))}
    </nav>
  )
}
