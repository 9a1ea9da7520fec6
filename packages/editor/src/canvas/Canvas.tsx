import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { DragEvent } from 'react'
import { applyNodeChanges, Background, ControlButton, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react'
import type { Connection, EdgeChange, FinalConnectionState, IsValidConnection, NodeChange, OnReconnect } from '@xyflow/react'
import { NODE_TYPES } from '@phonetree/engine'
import type { NodeType } from '@phonetree/engine'
import { useEditor } from '../store/editor-store.ts'
import { useDraft } from '../app/draft-store.ts'
import { useUi } from '../app/ui-store.ts'
import { addNodeAt, commitPositions, connectEdge, edit } from '../app/actions.ts'
import { connect, disconnect } from '../model/ops.ts'
import { useAutoPlacement } from '../layout/useAutoPlacement.ts'
import { buildEdges, buildNodes, problemsByNode, takenEdgeIds } from './graph.ts'
import type { CanvasEdge, CanvasNode, NodeProblem, NodesInput } from './graph.ts'
import { NODE_COMPONENTS } from './nodes/node-types.tsx'
import { LoopEdge } from './LoopEdge.tsx'
import { ARROW_MARKER, EdgeMarkers } from './EdgeMarkers.tsx'
import { NODE_WIDTH } from '../layout/geometry.ts'
import { fitAll } from './viewport.ts'

const EDGE_TYPES = { loop: LoopEdge }
const DEFAULT_EDGE_OPTIONS = { markerEnd: ARROW_MARKER, interactionWidth: 14 }
export const PALETTE_MIME = 'application/x-phonetree-node'

// The minimap redraws every node's rectangle when these props change identity (about 50 ms
// at 500 nodes), so they are made once rather than on each render of the canvas.
const minimapClass = (n: CanvasNode): string => `minimap-${n.data.kind}`
const MINIMAP_STYLE = { width: 180, height: 120 }

const NODE_TYPE_SET: ReadonlySet<string> = new Set(NODE_TYPES)

/**
 * React Flow's warnings. An edge drawn from a handle the node has not measured yet (a menu
 * choice just added by drawing to `choice:+`) is reported once and drawn on the next frame,
 * so that one is not worth a console warning.
 */
function onFlowError(code: string, message: string): void {
  if (code !== '008') console.warn(message)
}

/** Whether a connection ends on a node's input (handles are typed, so sources never meet). */
const isValidConnection: IsValidConnection<CanvasEdge> = (c) => c.targetHandle === 'in' && c.sourceHandle !== null

const sameInputs = (a: NodesInput, b: NodesInput): boolean => a.draft === b.draft && a.layout === b.layout && a.problems === b.problems
  && a.highlight === b.highlight && a.selection === b.selection && a.direction === b.direction

/** The node under the pointer where a drag ended, for edges dropped on a node's body. */
function nodeUnderPointer(event: MouseEvent | TouchEvent): string | undefined {
  const point = 'changedTouches' in event ? event.changedTouches[0] : event
  if (point === undefined) return undefined
  const element = document.elementFromPoint(point.clientX, point.clientY)?.closest('.react-flow__node')
  return element?.getAttribute('data-id') ?? undefined
}

/**
 * The flow as a graph. Nodes and edges are derived from the draft and the layout; React Flow
 * keeps its own copy of the nodes (sizes it measured, positions while dragging), which is
 * rebuilt (reusing unchanged nodes) whenever the flow, layout, problems, selection or
 * highlight change. Every edit goes through the model's operations.
 */
export function Canvas() {
  const draft = useDraft((s) => s.draft)
  const stale = useDraft((s) => s.stale)
  const layout = useEditor((s) => s.layout)
  const problems = useEditor((s) => s.loaded.problems)
  const highlight = useEditor((s) => s.highlight)
  const selection = useEditor((s) => s.selection)
  const direction = useUi((s) => s.direction)
  const selectedEdges = useUi((s) => s.selectedEdges)
  const fitRequest = useUi((s) => s.fitRequest)
  const layingOut = useUi((s) => s.layingOut)
  const flow = useReactFlow<CanvasNode, CanvasEdge>()
  useAutoPlacement()

  const previousProblems = useRef<ReadonlyMap<string, readonly NodeProblem[]>>(new Map())
  const problemMap = useMemo(() => (previousProblems.current = problemsByNode(problems, previousProblems.current)), [problems])
  const selectionSet = useMemo(() => new Set(selection), [selection])

  // React Flow's nodes are state here (it reports sizes it measured and positions while
  // dragging); they are rebuilt from the draft while rendering, when an input changed, so a
  // change reaches the canvas in this render rather than in another one after an effect.
  const inputs: NodesInput = { draft, layout, problems: problemMap, highlight, selection: selectionSet, direction }
  const [built, setBuilt] = useState<{ from: NodesInput; nodes: CanvasNode[] }>(() => ({ from: inputs, nodes: buildNodes(inputs, []) }))
  let nodes = built.nodes
  if (!sameInputs(built.from, inputs)) {
    nodes = buildNodes(inputs, nodes)
    setBuilt({ from: inputs, nodes })
  }
  const setNodes = useCallback((update: (current: CanvasNode[]) => CanvasNode[]) => setBuilt((b) => ({ from: b.from, nodes: update(b.nodes) })), [])

  // Edges only need rebuilding when the set of drawn nodes changes, not on every drag frame.
  const presentKey = useMemo(() => nodes.map((n) => n.id).join('\n'), [nodes])
  const present = useMemo(() => new Set(presentKey === '' ? [] : presentKey.split('\n')), [presentKey])
  const taken = useMemo(() => takenEdgeIds(draft, highlight.taken), [draft, highlight.taken])
  const selectedEdgeSet = useMemo(() => new Set(selectedEdges), [selectedEdges])
  const previousEdges = useRef<CanvasEdge[]>([])
  const edges = useMemo(() => (previousEdges.current = buildEdges({ draft, present, taken, selected: selectedEdgeSet }, previousEdges.current)), [draft, present, taken, selectedEdgeSet])

  // React Flow reports each node's size as it measures it: one call per node when a big flow
  // first renders. Applying each at once re-rendered the canvas 500 times (seconds of work), so
  // sizes are applied together on the next frame; moves and selection apply at once (dragging
  // must follow the pointer), together with any sizes still waiting.
  const queued = useRef<NodeChange<CanvasNode>[]>([])
  const frame = useRef<number | undefined>(undefined)
  const flushChanges = useCallback(() => {
    if (frame.current !== undefined) cancelAnimationFrame(frame.current)
    frame.current = undefined
    const changes = queued.current
    queued.current = []
    if (changes.length > 0) setNodes((current) => applyNodeChanges(changes, current))
  }, [])
  useEffect(() => () => {
    if (frame.current !== undefined) cancelAnimationFrame(frame.current)
  }, [])

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    queued.current.push(...changes)
    if (changes.some((c) => c.type !== 'dimensions')) flushChanges()
    else frame.current ??= requestAnimationFrame(flushChanges)
    let selected: Set<string> | undefined
    for (const change of changes) {
      if (change.type !== 'select') continue
      selected ??= new Set(useEditor.getState().selection)
      if (change.selected) selected.add(change.id)
      else selected.delete(change.id)
    }
    if (selected !== undefined) {
      const next = [...selected]
      const now = useEditor.getState().selection
      if (next.length !== now.length || next.some((id) => !now.includes(id))) useEditor.getState().select(next)
    }
  }, [flushChanges])

  const onEdgesChange = useCallback((changes: EdgeChange<CanvasEdge>[]) => {
    let selected: Set<string> | undefined
    for (const change of changes) {
      if (change.type !== 'select') continue
      selected ??= new Set(useUi.getState().selectedEdges)
      if (change.selected) selected.add(change.id)
      else selected.delete(change.id)
    }
    if (selected !== undefined) useUi.getState().set({ selectedEdges: [...selected] })
  }, [])

  const onConnect = useCallback((c: Connection) => {
    if (c.sourceHandle !== null) connectEdge(c.source, c.sourceHandle, c.target)
  }, [])

  // Dropping an edge anywhere on a node (not just on its small input handle) connects to it.
  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid === true || state.fromNode === null || state.fromHandle?.type !== 'source' || state.fromHandle.id == null) return
    const target = nodeUnderPointer(event)
    if (target !== undefined) connectEdge(state.fromNode.id, state.fromHandle.id, target)
  }, [])

  const onReconnect: OnReconnect<CanvasEdge> = useCallback((old, c) => {
    if (c.sourceHandle === null || old.sourceHandle == null) return
    const oldHandle = old.sourceHandle
    const newHandle = c.sourceHandle
    edit((text, f) => {
      const moved = old.source === c.source && oldHandle === newHandle ? text : disconnect(text, f, old.source, oldHandle)
      return connect(moved, f, c.source, newHandle, c.target)
    })
  }, [])

  const onDragStop = useCallback((_event: unknown, _node: unknown, dragged: CanvasNode[]) => {
    commitPositions(Object.fromEntries(dragged.map((n) => [n.id, n.position])))
  }, [])
  const onSelectionDragStop = useCallback((_event: unknown, dragged: CanvasNode[]) => {
    commitPositions(Object.fromEntries(dragged.map((n) => [n.id, n.position])))
  }, [])

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
  }, [])
  const onDrop = useCallback((event: DragEvent) => {
    const type = event.dataTransfer.getData(PALETTE_MIME)
    if (!NODE_TYPE_SET.has(type)) return
    event.preventDefault()
    const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY })
    addNodeAt(type as NodeType, { x: at.x - NODE_WIDTH / 2, y: at.y - 20 })
  }, [flow])

  // Zoom to fit when asked (a flow opened, the layout changed), once there is something drawn.
  const fitPending = useRef(0)
  useEffect(() => {
    fitPending.current = fitRequest
  }, [fitRequest])
  const hasNodes = nodes.length > 0
  useEffect(() => {
    if (!hasNodes || fitPending.current === 0) return
    fitPending.current = 0
    const frame = requestAnimationFrame(() => {
      fitAll(flow)
      if (!performance.getEntriesByName('phonetree:first-render').length) performance.mark('phonetree:first-render')
    })
    return () => cancelAnimationFrame(frame)
  }, [fitRequest, hasNodes, flow])

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <EdgeMarkers />
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_COMPONENTS}
        edgeTypes={EDGE_TYPES}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onReconnect={onReconnect}
        isValidConnection={isValidConnection}
        onNodeDragStop={onDragStop}
        onSelectionDragStop={onSelectionDragStop}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        onlyRenderVisibleElements
        elevateEdgesOnSelect
        connectionRadius={28}
        nodeDragThreshold={2}
        minZoom={0.05}
        maxZoom={2}
        aria-label="flow canvas"
        onError={onFlowError}
      >
        <Background gap={24} size={1} />
        <MiniMap pannable zoomable nodeClassName={minimapClass} ariaLabel="minimap" style={MINIMAP_STYLE} />
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton onClick={() => fitAll(flow, 200)} title="zoom to fit" aria-label="zoom to fit">⤢</ControlButton>
        </Controls>
      </ReactFlow>
      {stale && <div className="canvas-note is-warning" role="status">The YAML has a syntax error: the canvas shows the last version that parsed.</div>}
      {layingOut && nodes.length === 0 && <div className="canvas-note" role="status">Laying out…</div>}
    </div>
  )
}
