import { useEffect, useRef } from 'react'
import { Handle, Position, useUpdateNodeInternals } from '@xyflow/react'
import type { NodeProps } from '@xyflow/react'
import type { CanvasNode, NodeProblem } from '../graph.ts'
import { TYPE_LABELS } from './types.ts'

const waiting = new Set<string>()

/**
 * Asks React Flow to measure nodes again, all in one go: switching the layout direction
 * changes every node's handles at once, and one update per node (each re-rendering the
 * canvas) would exceed React's limit on nested updates in a big flow.
 */
function remeasure(update: (ids: string[]) => void, id: string): void {
  if (waiting.size === 0) {
    queueMicrotask(() => {
      const ids = [...waiting]
      waiting.clear()
      update(ids)
    })
  }
  waiting.add(id)
}

function ProblemBadge({ problems }: { problems: readonly NodeProblem[] }) {
  if (problems.length === 0) return null
  const errors = problems.filter((p) => p.severity === 'error').length
  const list = problems.map((p) => `${p.severity === 'error' ? '✖' : '⚠'} ${p.code}: ${p.message}`).join('\n')
  const label = errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : `${problems.length} warning${problems.length === 1 ? '' : 's'}`
  return (
    <span className={`node-badge ${errors > 0 ? 'is-error' : 'is-warning'}`} title={list} aria-label={`${label}: ${list}`} data-testid="node-problems">
      {errors > 0 ? `✖ ${errors}` : `⚠ ${problems.length}`}
    </span>
  )
}

/**
 * The box every node type is drawn in: a header (type, id, start and problem badges), the
 * node's gist, and one labelled output handle per edge the node can have. Handle ids are the
 * engine's edge handle names, so a drawn edge maps straight onto `connect`.
 */
export function NodeBox({ id, data, selected }: NodeProps<CanvasNode>) {
  const lr = data.direction === 'LR'
  // React Flow measures handles when a node mounts or resizes; a node whose handles change
  // without resizing (a choice's key renamed, the layout direction switched) must say so.
  const updateInternals = useUpdateNodeInternals()
  const handleKey = `${data.direction}|${data.handles.map((h) => h.id).join('|')}`
  const measuredKey = useRef(handleKey)
  useEffect(() => {
    if (measuredKey.current === handleKey) return
    measuredKey.current = handleKey
    remeasure(updateInternals, id)
  }, [handleKey, id, updateInternals])
  const classes = ['node', `node-${data.kind}`, lr ? 'is-lr' : 'is-tb']
  if (selected) classes.push('is-selected')
  if (data.highlight !== null) classes.push(`is-${data.highlight}`)
  if (data.problems.some((p) => p.severity === 'error')) classes.push('has-error')
  return (
    <div className={classes.join(' ')} data-testid={`node-${id}`} data-kind={data.kind}>
      <Handle type="target" id="in" position={lr ? Position.Left : Position.Top} className="handle-in" data-testid={`handle-${id}-in`} aria-label={`into ${id}`} />
      <div className="node-head">
        <span className="node-type">{TYPE_LABELS[data.kind]}</span>
        <span className="node-id" title={id}>{id}</span>
        {data.start && <span className="node-flag is-start" title="calls start here">start</span>}
        {data.onError && <span className="node-flag is-onerror" title="the flow's onError node">on error</span>}
        <ProblemBadge problems={data.problems} />
      </div>
      {(data.gist.prompt.length > 0 || data.gist.facts.length > 0) && (
        <div className="node-body" title={data.gist.fullPrompt || undefined}>
          {/* The space after each wrapped line keeps the prompt's words apart in the text of the node (for search, copy and screen readers). */}
          {data.gist.prompt.map((line, i) => <div key={`p${i}`} className="node-line is-prompt">{i < data.gist.prompt.length - 1 ? `${line} ` : line}</div>)}
          {data.gist.facts.map((line, i) => <div key={`f${i}`} className="node-line is-fact">{line}</div>)}
        </div>
      )}
      {data.handles.length > 0 && (
        <div className="node-outs">
          {data.handles.map((h) => (
            <div key={h.id} className={`node-out tone-${h.tone}`} title={h.id === 'choice:+' ? 'drag to a node to add a choice' : h.detail !== undefined ? `${h.label}: ${h.detail}` : h.label}>
              <span className="node-out-label">{h.tone === 'add' ? '+ choice' : h.label}</span>
              {h.detail !== undefined && <span className="node-out-detail">{h.detail}</span>}
              <Handle
                type="source"
                id={h.id}
                position={lr ? Position.Right : Position.Bottom}
                className={`handle-out tone-${h.tone}`}
                data-testid={`handle-${id}-${h.id}`}
                aria-label={`${id} ${h.id}`}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  )
}
