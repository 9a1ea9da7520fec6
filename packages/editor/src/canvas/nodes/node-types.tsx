import { memo } from 'react'
import type { NodeProps, NodeTypes } from '@xyflow/react'
import type { CanvasNode } from '../graph.ts'
import { NodeBox } from './NodeBox.tsx'

// One memoised component per node type. They share NodeBox (frame, handles, badges); what
// differs by type (the gist, the handles, the colour) comes from the node's data and its
// `node-<type>` class, so each type's look lives in one place (canvas/gist.ts, handles.ts,
// styles/canvas.css). Memoising skips nodes whose data object was reused (see graph.ts).
const typed = (name: string) => {
  const component = memo((props: NodeProps<CanvasNode>) => <NodeBox {...props} />)
  component.displayName = name
  return component
}

export const SayNode = typed('SayNode')
export const MenuNode = typed('MenuNode')
export const InputNode = typed('InputNode')
export const BranchNode = typed('BranchNode')
export const HoursNode = typed('HoursNode')
export const SetNode = typed('SetNode')
export const HttpNode = typed('HttpNode')
export const DialNode = typed('DialNode')
export const RecordNode = typed('RecordNode')
export const EnqueueNode = typed('EnqueueNode')
export const HangupNode = typed('HangupNode')
export const RedirectNode = typed('RedirectNode')
export const UnknownNode = typed('UnknownNode')

/** React Flow's node types (see `canvasType`): one per flow node type, plus nodes whose type is not one. */
export const NODE_COMPONENTS: NodeTypes = {
  'pt-say': SayNode, 'pt-menu': MenuNode, 'pt-input': InputNode, 'pt-branch': BranchNode, 'pt-hours': HoursNode, 'pt-set': SetNode,
  'pt-http': HttpNode, 'pt-dial': DialNode, 'pt-record': RecordNode, 'pt-enqueue': EnqueueNode, 'pt-hangup': HangupNode,
  'pt-redirect': RedirectNode, 'pt-unknown': UnknownNode,
}
