/**
 * Diagrams of a flow for docs and code review: Mermaid (GitHub renders it) and Graphviz DOT.
 * Pure: runs in the CLI and the editor alike.
 */
export { flowToMermaid, escapeMermaid, MERMAID_SHAPES } from './mermaid.ts'
export { flowToDot, DOT_SHAPES } from './dot.ts'
export { nodeSummary, edgeLabel, conditionText, truncate } from './labels.ts'
