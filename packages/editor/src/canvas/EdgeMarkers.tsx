/** The id of the arrowhead every edge ends with (`markerEnd` in the canvas's edge options). */
export const ARROW_MARKER = 'pt-arrow'

/**
 * The edges' arrowhead, defined once. Given as an object in the edge options, React Flow would
 * work out each edge's marker from it again whenever any edge changed (about 8 ms at 500 nodes
 * per edit); given as an id, edges point at this one definition. It draws what React Flow's
 * closed arrow draws, in its default marker colour.
 */
export function EdgeMarkers() {
  return (
    <svg className="edge-markers" aria-hidden="true" width="0" height="0">
      <defs>
        <marker id={ARROW_MARKER} className="react-flow__arrowhead" markerWidth="16" markerHeight="16" viewBox="-10 -10 20 20" markerUnits="strokeWidth" orient="auto-start-reverse" refX="0" refY="0">
          <polyline className="arrowclosed" points="-5,-4 0,0 -5,4 -5,-4" strokeLinecap="round" strokeLinejoin="round" style={{ stroke: '#b1b1b7', fill: '#b1b1b7', strokeWidth: 1 }} />
        </marker>
      </defs>
    </svg>
  )
}
