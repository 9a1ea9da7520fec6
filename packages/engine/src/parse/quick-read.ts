/**
 * A reader for the plain subset of YAML that flow files are written in: block mappings and
 * lists indented with spaces, one-line scalars (plain, 'single' or "double" quoted without
 * escapes), one-line flow collections (`{ a: 1 }`, `[a, b]`) and comments. It turns such a file
 * straight into data, without the tokens, syntax tree and Document the yaml package builds for
 * positions, which take most of the time (and memory) of loading a large flow.
 *
 * It gives up (returns undefined) on anything else, and on anything yaml would report (or
 * parseSource after it): anchors, aliases, tags, block scalars, multi-line scalars, escapes,
 * tabs, directives, several documents, repeated keys, keys that are not text or that read as
 * numbers other than as written, `__proto__`. The caller then has yaml read the file, so every
 * problem is still found and placed by yaml's Document. Whenever it returns data, that data is
 * what yaml's `toJS()` gives for the file and yaml reports nothing (quick-read.test.ts checks
 * both against yaml on the example flows and on generated variations).
 */

/** Thrown (and caught in quickRead) when the text leaves the subset. */
class Unsupported {}
const UNSUPPORTED = new Unsupported()

function giveUp(): never {
  throw UNSUPPORTED
}

/**
 * Characters the reader does not handle anywhere: tabs, carriage returns, other control
 * characters, the BOM and Unicode line breaks (yaml treats these specially or reports them).
 */
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/

/** yaml's implicit keys must end within 1024 characters; keep well inside that. */
const MAX_KEY = 1000
/** Nesting deeper than this (block or flow) is left to yaml, so the reader's recursion stays shallow. */
const MAX_DEPTH = 100

/**
 * The data of a flow file written in the plain subset of YAML, or undefined when the file uses
 * anything beyond it (then read it with yaml).
 *
 * @example
 * quickRead('flow: x\nstart: a\nnodes: { a: { type: hangup } }\n')
 * // { data: { flow: 'x', start: 'a', nodes: { a: { type: 'hangup' } } } }
 * quickRead('a: &x 1\nb: *x\n') // undefined: anchors are for yaml
 */
export function quickRead(text: string): { data: Record<string, unknown> } | undefined {
  if (UNUSUAL.test(text)) return undefined
  try {
    return { data: new Reader(text).document() }
  } catch (error) {
    if (error === UNSUPPORTED) return undefined
    throw error
  }
}

const SPACE = 32
const NEWLINE = 10
const HASH = 35
const COLON = 58
const DASH = 45

/** Plain scalars cannot start with these (YAML's indicators, quotes and flow punctuation). */
const INDICATORS = new Set([...',[]{}#&*!|>\'"%@`?:'])
/** These end a plain scalar inside `[…]` and `{…}`. */
const FLOW_STOPS = new Set([...',[]{}'])

class Reader {
  /** Where reading is: the start of a line between items, otherwise inside one. */
  private at = 0
  /** Block collections open around `at`. */
  private depth = 0

  constructor(private readonly text: string) {}

  /** The whole file: a mapping starting at the first column. */
  document(): Record<string, unknown> {
    if (this.nextLine() !== 0) giveUp()
    const root = this.blockMap(0)
    if (this.nextLine() !== -1) giveUp()
    return root
  }

  private code(at: number): number {
    return at < this.text.length ? this.text.charCodeAt(at) : NEWLINE
  }

  /** A space, a line end or the end of the text (what must follow `:` and `-` as indicators). */
  private isBreak(at: number): boolean {
    const c = this.code(at)
    return c === SPACE || c === NEWLINE
  }

  /**
   * Moves past blank and comment-only lines to the start of the next line with content and
   * returns its indentation, or -1 at the end of the text. Comment lines may be indented
   * anyhow (yaml allows that); they never carry data.
   */
  private nextLine(): number {
    const { text } = this
    while (this.at < text.length) {
      let i = this.at
      while (i < text.length && text.charCodeAt(i) === SPACE) i++
      const c = this.code(i)
      if (c !== NEWLINE && c !== HASH) {
        if (i === this.at && this.startsDocumentMarker()) giveUp()
        return i - this.at
      }
      const end = text.indexOf('\n', i)
      this.at = end === -1 ? text.length : end + 1
    }
    return -1
  }

  /** `---` or `...` at the start of a line: a document's start or end, for yaml. */
  private startsDocumentMarker(): boolean {
    const three = this.text.slice(this.at, this.at + 3)
    return (three === '---' || three === '...') && this.isBreak(this.at + 3)
  }

  /** After a value: only spaces, then perhaps a comment, to the end of the line; moves past it. */
  private endOfLine(): void {
    const { text } = this
    let i = this.at
    while (i < text.length && text.charCodeAt(i) === SPACE) i++
    const c = this.code(i)
    if (c === HASH && this.code(i - 1) === SPACE) {
      const end = text.indexOf('\n', i)
      i = end === -1 ? text.length : end
    } else if (c !== NEWLINE) giveUp()
    this.at = i + 1
  }

  /** The column of `this.at` (the caller knows it is on a line of spaces then content). */
  private column(): number {
    return this.at - (this.text.lastIndexOf('\n', this.at - 1) + 1)
  }

  /** Entries at column `indent`, the first one at `this.at`. */
  private blockMap(indent: number): Record<string, unknown> {
    if (++this.depth > MAX_DEPTH) giveUp()
    const map: Record<string, unknown> = {}
    for (;;) {
      const key = this.key()
      if (key === undefined) giveUp()
      this.at = key.after
      const value = this.mapValue(indent)
      if (Object.hasOwn(map, key.name)) giveUp()
      map[key.name] = value
      const next = this.nextLine()
      if (next === -1 || next < indent) {
        this.depth--
        return map
      }
      if (next > indent) giveUp()
      this.at += next
      if (this.isItem(this.at)) giveUp()
    }
  }

  /** Items at column `indent`, the first `-` at `this.at`; ends at a line that is not an item. */
  private blockSeq(indent: number): unknown[] {
    if (++this.depth > MAX_DEPTH) giveUp()
    const list: unknown[] = []
    for (;;) {
      this.at++
      list.push(this.item(indent))
      const next = this.nextLine()
      if (next > indent) giveUp()
      if (next === -1 || next < indent || !this.isItem(this.at + next)) {
        this.depth--
        return list
      }
      this.at += next
    }
  }

  /** What follows `- `: a nested block, a compact mapping (`- say: Hi`) or a value. */
  private item(indent: number): unknown {
    this.skipSpaces()
    if (this.isLineEnd()) return this.nestedBlock(indent, false)
    if (this.isItem(this.at)) giveUp()
    if (this.key() !== undefined) return this.blockMap(this.column())
    return this.inlineValue()
  }

  /** What follows `key:`: a nested block on the next lines, or a value on this line. */
  private mapValue(indent: number): unknown {
    this.skipSpaces()
    if (this.isLineEnd()) return this.nestedBlock(indent, true)
    return this.inlineValue()
  }

  /** A list item's `-` at `at`. */
  private isItem(at: number): boolean {
    return this.code(at) === DASH && this.isBreak(at + 1)
  }

  private skipSpaces(): void {
    while (this.code(this.at) === SPACE && this.at < this.text.length) this.at++
  }

  /** At the end of the line, or at a comment (only ever reached after a space or an indicator's space). */
  private isLineEnd(): boolean {
    const c = this.code(this.at)
    return c === NEWLINE || (c === HASH && this.code(this.at - 1) === SPACE)
  }

  /**
   * The block under `key:` or `-` with nothing after it on its line: a mapping or list indented
   * further, a list at the key's own indentation (YAML allows that for a mapping's values), or
   * nothing (null).
   */
  private nestedBlock(parentIndent: number, inMap: boolean): unknown {
    this.endOfLine()
    const next = this.nextLine()
    if (next === -1) return null
    const isItem = this.isItem(this.at + next)
    if (next < parentIndent || (next === parentIndent && !(inMap && isItem))) return null
    this.at += next
    if (isItem) return this.blockSeq(next)
    // A scalar on lines of its own under its key may span lines: left to yaml.
    if (this.key() === undefined) giveUp()
    return this.blockMap(next)
  }

  /** A value that is written on the rest of this line. */
  private inlineValue(): unknown {
    const c = this.text[this.at]!
    let value: unknown
    if (c === '{' || c === '[') value = this.flowCollection(this.depth)
    else if (c === '"' || c === "'") value = this.quoted()
    else value = resolvePlain(this.plain(false))
    this.endOfLine()
    return value
  }

  /**
   * A key and its `:` at `this.at` (not moving there): its name as data and where its value
   * starts; undefined when the line does not start with a key here.
   */
  private key(): { name: string; after: number } | undefined {
    const { text } = this
    const start = this.at
    const c = text[start]!
    let name: string
    let colon: number
    if (c === '"' || c === "'") {
      const value = this.quoted()
      colon = this.at
      this.at = start
      if (this.code(colon) !== COLON || !this.isBreak(colon + 1)) return undefined
      name = value
    } else {
      if (!this.plainStart(start, false)) return undefined
      // The first `: ` on the line, unless a comment starts before it.
      for (colon = start + 1; ; colon++) {
        const code = this.code(colon)
        if (code === NEWLINE || (code === HASH && text.charCodeAt(colon - 1) === SPACE)) return undefined
        if (code === COLON && this.isBreak(colon + 1)) break
      }
      const raw = text.slice(start, colon)
      // `a : b` and keys that read as null, booleans or numbers written otherwise are left to yaml.
      if (raw.endsWith(' ')) giveUp()
      name = plainKey(raw)
    }
    if (colon - start > MAX_KEY || name === '__proto__' || name === '<<') giveUp()
    return { name, after: colon + 1 }
  }

  /** Whether a plain scalar may start at `at` (in block or flow context). */
  private plainStart(at: number, flow: boolean): boolean {
    const c = this.text[at]
    if (c === undefined || c === '\n' || c === ' ') return false
    if (c === '-') return !this.isBreak(at + 1) && !(flow && FLOW_STOPS.has(this.text[at + 1]!))
    return !INDICATORS.has(c)
  }

  /**
   * A plain scalar on this line, trailing spaces dropped. In a list item or a flow collection
   * a `: ` would make it a key: that case is read elsewhere, so here it gives up.
   */
  private plain(flow: boolean): string {
    const { text } = this
    const start = this.at
    if (!this.plainStart(start, flow)) giveUp()
    let i = start
    let end = start
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === NEWLINE) break
      if (c === SPACE) continue
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) break
      if (c === COLON && (this.isBreak(i + 1) || (flow && FLOW_STOPS.has(text[i + 1]!)))) giveUp()
      if (flow && FLOW_STOPS.has(text[i]!)) break
      end = i + 1
    }
    // A comment inside `[…]` or `{…}` would continue the collection on the next line.
    if (flow && (i >= text.length || text.charCodeAt(i) === NEWLINE || text.charCodeAt(i) === HASH)) giveUp()
    this.at = i
    return text.slice(start, end)
  }

  /** A quoted scalar that ends on its own line and, if "double", has no escapes. */
  private quoted(): string {
    const { text } = this
    const quote = text[this.at]!
    let value = ''
    let from = this.at + 1
    for (;;) {
      const close = text.indexOf(quote, from)
      const lineEnd = text.indexOf('\n', from)
      if (close === -1 || (lineEnd !== -1 && lineEnd < close)) giveUp()
      const part = text.slice(from, close)
      if (quote === '"' && part.includes('\\')) giveUp()
      value += part
      if (quote === "'" && text[close + 1] === "'") {
        value += "'"
        from = close + 2
        continue
      }
      this.at = close + 1
      return value
    }
  }

  /** `{ key: value, … }` or `[value, …]` on one line, at `this.at`. */
  private flowCollection(depth: number): unknown {
    if (depth > MAX_DEPTH) giveUp()
    const open = this.text[this.at]
    const close = open === '{' ? '}' : ']'
    this.at++
    this.skipSpaces()
    const isMap = open === '{'
    const map: Record<string, unknown> = {}
    const list: unknown[] = []
    if (this.text[this.at] === close) {
      this.at++
      return isMap ? map : list
    }
    for (;;) {
      if (isMap) {
        const name = this.flowKey()
        if (Object.hasOwn(map, name)) giveUp()
        map[name] = this.flowValue(depth)
      } else {
        list.push(this.flowValue(depth))
      }
      this.skipSpaces()
      const c = this.text[this.at]
      this.at++
      if (c === close) return isMap ? map : list
      // Anything else, such as the `:` of `[a: b]` (a list holding a mapping), is left to yaml.
      if (c !== ',') giveUp()
      this.skipSpaces()
      // A trailing comma, or an empty entry, is left to yaml.
      if (this.text[this.at] === close || this.text[this.at] === ',') giveUp()
    }
  }

  /** A key in `{…}` and the `: ` after it. */
  private flowKey(): string {
    const c = this.text[this.at]
    let name: string
    if (c === '"' || c === "'") name = this.quoted()
    else {
      const start = this.at
      const raw = this.flowPlainKey()
      if (this.at - start > MAX_KEY) giveUp()
      name = plainKey(raw)
    }
    if (this.text[this.at] !== ':' || this.text[this.at + 1] !== ' ') giveUp()
    if (name === '__proto__' || name === '<<') giveUp()
    this.at += 2
    this.skipSpaces()
    return name
  }

  /** A plain key in `{…}`: up to its `: ` (anything else ending it is left to yaml). */
  private flowPlainKey(): string {
    const { text } = this
    const start = this.at
    if (!this.plainStart(start, true)) giveUp()
    let i = start
    for (; i < text.length; i++) {
      const c = text[i]!
      if (c === ':' && text[i + 1] === ' ') break
      if (c === '\n' || c === ' ' || c === ':' || FLOW_STOPS.has(c)) giveUp()
    }
    this.at = i
    return text.slice(start, i)
  }

  private flowValue(depth: number): unknown {
    const c = this.text[this.at]
    if (c === '{' || c === '[') return this.flowCollection(depth + 1)
    if (c === '"' || c === "'") return this.quoted()
    return resolvePlain(this.plain(true))
  }
}

/**
 * A plain scalar as data under YAML 1.2's core schema, which yaml uses by default: the same
 * patterns, in the same order, resolved the same way.
 */
function resolvePlain(raw: string): unknown {
  const c = raw.charCodeAt(0)
  // Only null (`~`, `null`) and booleans (`true`, `false`) start with a letter or `~`, and
  // they are at most 5 letters: most text is ruled out by its first character or its length.
  const word = c === 0x7e || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
  if (word && (raw.length > 5 || !WORD_START.has(raw[0]!))) return raw
  if (!word && !NUMBER_START.has(raw[0]!)) return raw
  for (const [test, resolve] of CORE_SCALARS) if (test.test(raw)) return resolve(raw)
  return raw
}

const WORD_START: ReadonlySet<string> = new Set([...'~nNtTfF'])
const NUMBER_START: ReadonlySet<string> = new Set([...'+-.0123456789'])

/** yaml's core schema: null, bool, int (octal, decimal, hex) and float (nan/inf, exponent, fixed), in its order. */
const CORE_SCALARS: ReadonlyArray<readonly [RegExp, (raw: string) => unknown]> = [
  [/^(?:~|[Nn]ull|NULL)?$/, () => null],
  [/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (raw) => raw[0] === 't' || raw[0] === 'T'],
  [/^0o[0-7]+$/, (raw) => parseInt(raw.slice(2), 8)],
  [/^[-+]?[0-9]+$/, (raw) => parseInt(raw, 10)],
  [/^0x[0-9a-fA-F]+$/, (raw) => parseInt(raw.slice(2), 16)],
  [/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, (raw) => (raw.slice(-3).toLowerCase() === 'nan' ? NaN : raw[0] === '-' ? -Infinity : Infinity)],
  [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, (raw) => parseFloat(raw)],
  [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, (raw) => parseFloat(raw)],
]

/**
 * A plain key as the name it has in the data. Keys that read as something other than text
 * are kept only when the data's name is exactly what is written (`1`): `01` or `0x3` would be
 * renamed, which validation reports, and null or boolean keys are not names; both go to yaml.
 */
function plainKey(raw: string): string {
  const value = resolvePlain(raw)
  if (typeof value === 'string') return value
  if (typeof value === 'number' && String(value) === raw) return raw
  return giveUp()
}
