import { useCallback, useEffect, useRef, useState } from 'react'
import { registerFlush } from '../app/flush.ts'

/** How long typing pauses before it becomes an edit. */
export const COMMIT_DELAY = 350

/**
 * A value being typed: shown at once, committed as an edit when typing pauses (or on blur,
 * Enter, save, undo, or when the input goes away). While nothing is pending it follows the
 * value from outside (an undo, an edit in the YAML panel). With `settled`, a pause commits
 * only a value it accepts (a half-typed node id is not worth an edit); the rest wait for blur
 * or Enter.
 *
 * @example const text = useBuffered(value, (v) => ops.set([], v)) // <input value={text.value} onChange={(e) => text.change(e.target.value)} onBlur={text.flush} />
 */
export function useBuffered<T>(value: T, commit: (value: T) => void, delay = COMMIT_DELAY, settled?: (value: T) => boolean): { value: T; change(next: T): void; flush(): void; pending: boolean } {
  const [local, setLocal] = useState(value)
  const [pending, setPending] = useState(false)
  const waiting = useRef<{ value: T } | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const commitRef = useRef(commit)
  commitRef.current = commit
  const settledRef = useRef(settled)
  settledRef.current = settled

  useEffect(() => {
    if (waiting.current === null) setLocal(value)
  }, [value])

  const flush = useCallback(() => {
    clearTimeout(timer.current)
    const held = waiting.current
    waiting.current = null
    setPending(false)
    if (held !== null) commitRef.current(held.value)
  }, [])

  const change = useCallback((next: T) => {
    setLocal(next)
    waiting.current = { value: next }
    setPending(true)
    clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      if (settledRef.current === undefined || settledRef.current(next)) flush()
    }, delay)
  }, [flush, delay])

  useEffect(() => {
    const unregister = registerFlush(flush)
    return () => {
      unregister()
      flush()
    }
  }, [flush])

  return { value: local, change, flush, pending }
}
