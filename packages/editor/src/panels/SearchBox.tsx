import { useMemo, useState } from 'react'
import { useReactFlow } from '@xyflow/react'
import { useEditor } from '../store/editor-store.ts'
import { useDraft } from '../app/draft-store.ts'
import { centreOn } from '../canvas/viewport.ts'
import { searchNodes } from './search.ts'
import type { CanvasEdge, CanvasNode } from '../canvas/graph.ts'
import type { SearchHit } from './search.ts'

const NO_HITS: readonly SearchHit[] = []

/** Finds a node by id or prompt text; choosing one selects it and centres it on the canvas. */
export function SearchBox() {
  const draft = useDraft((s) => s.draft)
  const flow = useReactFlow<CanvasNode, CanvasEdge>()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const [open, setOpen] = useState(false)
  // Searched only while the list shows: a query left in the box must not make every edit of a
  // big flow search all its nodes again.
  const showing = open && query.trim() !== ''
  const hits = useMemo(() => (showing ? searchNodes(draft, query) : NO_HITS), [draft, query, showing])
  const choose = (id: string) => {
    useEditor.getState().select([id])
    centreOn(flow, id, useEditor.getState().layout.nodes[id])
    setOpen(false)
  }
  return (
    <div className="search" role="combobox" aria-expanded={open && hits.length > 0} aria-haspopup="listbox">
      <input
        type="search"
        data-testid="search-input"
        aria-label="find a node by id or prompt"
        placeholder="Find node…  (Ctrl+F)"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value)
          setActive(0)
          setOpen(true)
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            setOpen(true)
            setActive((a) => Math.max(0, Math.min(a + 1, hits.length - 1)))
          }
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0))
          else if (e.key === 'Enter' && hits[active] !== undefined) choose(hits[active].id)
          else if (e.key === 'Escape') {
            setQuery('')
            setOpen(false)
          } else return
          e.preventDefault()
        }}
      />
      {showing && (
        <ul className="search-results" role="listbox" data-testid="search-results">
          {hits.length === 0 && <li className="hint">no node matches</li>}
          {hits.map((hit, i) => (
            <li key={hit.id} role="option" aria-selected={i === active}>
              <button type="button" data-testid={`search-result-${hit.id}`} className={i === active ? 'is-active' : undefined} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(hit.id)}>
                <span className="search-id">{hit.id}</span>
                <span className="search-snippet">{hit.snippet}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
