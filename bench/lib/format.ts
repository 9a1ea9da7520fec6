/** Markdown and number formatting for the report. */

/**
 * A number with about three significant digits, thousands separated: 1234.5 → "1,235", 0.01234 → "0.0123".
 *
 * @example fmt(1234.5) // '1,235'
 */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '–'
  const abs = Math.abs(value)
  if (abs >= 10 ** digits || abs === 0) return Math.round(value).toLocaleString('en-US')
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)))
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
}

/** A ratio as "0.87×". */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–'
}

/** A fraction as "87 %". */
export function percent(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value * 100)} %` : '–'
}

/** Bytes as "812 B", "3.4 KB", "52 MB" (1 KB = 1,024 B). */
export function bytes(value: number): string {
  if (!Number.isFinite(value)) return '–'
  if (value < 1024) return `${Math.round(value)} B`
  if (value < 1024 ** 2) return `${fmt(value / 1024)} KB`
  return `${fmt(value / 1024 ** 2)} MB`
}

/** MET / NOT MET, bold so a reader finds the misses. */
export function verdict(met: boolean | undefined): string {
  return met === undefined ? 'n/a' : met ? 'MET' : '**NOT MET**'
}

/**
 * A Markdown table. Cells are escaped for pipes.
 *
 * @example table(['size', 'ms'], [['100', '3.2']])
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const line = (cells: readonly string[]) => `| ${cells.map(esc).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}
