import { FLOW_ID, NODE_ID, VAR_NAME } from '../schema/flow.ts'

/**
 * Names in a converted flow. Studio widget names (`gather_1`, `split_key_press`) are already
 * valid node ids, so they are kept as they are; anything else is made valid the least
 * surprising way, and kept unique.
 */

/**
 * A flow id (`[a-z0-9][a-z0-9-]*`) in kebab case from a Studio flow's name or a file name.
 *
 * @example flowIdFrom('Acme IVR (main)') // 'acme-ivr-main'
 */
export function flowIdFrom(name: string): string | undefined {
  const id = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return FLOW_ID.test(id) ? id : undefined
}

/**
 * A variable name (`[A-Za-z_][A-Za-z0-9_]*`) for a Studio name: a widget (`http-1` →
 * `http_1`) or a flow variable key.
 *
 * @example varNameFrom('get customer') // 'get_customer'
 */
export function varNameFrom(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_]+/g, '_')
  if (out === '') out = 'value'
  if (!/^[A-Za-z_]/.test(out)) out = `_${out}`
  return VAR_NAME.test(out) ? out : 'value'
}

/** Hands out node ids: widget names where valid, and fresh ids that clash with none. */
export class NodeIds {
  readonly #taken = new Set<string>()
  readonly #byWidget = new Map<string, string>()

  /**
   * The node id of a widget, the same on every call.
   *
   * @example ids.forWidget('gather_1') // 'gather_1'; ids.forWidget('say 2') // 'say-2'
   */
  forWidget(name: string): string {
    const known = this.#byWidget.get(name)
    if (known !== undefined) return known
    const id = this.fresh(validNodeId(name))
    this.#byWidget.set(name, id)
    return id
  }

  /** The widget a node id was made for, if any. */
  widgetOf(id: string): string | undefined {
    for (const [widget, node] of this.#byWidget) if (node === id) return widget
    return undefined
  }

  /** A new id based on `wanted` (`end`, `end-2`, …) that no other node has. */
  fresh(wanted: string): string {
    const base = validNodeId(wanted)
    let id = base
    for (let n = 2; this.#taken.has(id); n++) id = `${base}-${n}`
    this.#taken.add(id)
    return id
  }
}

function validNodeId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+/, '').replace(/-+$/, '')
  return NODE_ID.test(id) ? id : `node-${id}`.replace(/-+$/, '')
}
