import { Graph, layout } from '@dagrejs/dagre';

/** A component of the experiment's graph, as the stored experiment config declares it. */
export interface PipelineNodeInput {
  id: string;
  type: string;
  variant: string;
  /** The component's own config (null when it has none). */
  config: unknown;
}

/** `from` is required by `to` (data flows from the requirement to its consumer). */
export interface PipelineEdgeInput {
  from: string;
  to: string;
  /** The requirement's name in the consumer, with its subscription if any. */
  label: string;
}

export interface PipelineGraphInput {
  nodes: PipelineNodeInput[];
  edges: PipelineEdgeInput[];
}

export interface LaidOutNode extends PipelineNodeInput {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutGraph {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: Array<PipelineEdgeInput & { points: Array<{ x: number; y: number }> }>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function subscriptionText(s: unknown): string {
  if (Array.isArray(s)) return s.map(String).join(', ');
  return typeof s === 'string' ? s : '';
}

/**
 * The component graph of an experiment config: one node per component (entries with a
 * `component_type_key`), one edge per requirement. Requirements naming unknown components are
 * kept as nodes of type "missing", so a broken config still shows what it asks for.
 */
export function pipelineGraphInput(config: unknown): PipelineGraphInput {
  const nodes: PipelineNodeInput[] = [];
  const edges: PipelineEdgeInput[] = [];
  if (!isRecord(config)) return { nodes, edges };
  for (const [id, entry] of Object.entries(config)) {
    if (!isRecord(entry) || typeof entry['component_type_key'] !== 'string') continue;
    nodes.push({
      id,
      type: entry['component_type_key'],
      variant: typeof entry['variant_key'] === 'string' ? entry['variant_key'] : '',
      config: entry['config'] ?? null,
    });
  }
  const known = new Set(nodes.map((n) => n.id));
  for (const n of [...nodes]) {
    const requirements = (config[n.id] as Record<string, unknown>)['requirements'];
    if (!Array.isArray(requirements)) continue;
    for (const r of requirements) {
      if (!isRecord(r) || typeof r['component_name'] !== 'string') continue;
      const from = r['component_name'];
      if (!known.has(from)) {
        known.add(from);
        nodes.push({ id: from, type: 'missing', variant: '', config: null });
      }
      const sub = subscriptionText(r['subscription']);
      const name = typeof r['name'] === 'string' ? r['name'] : '';
      edges.push({ from, to: n.id, label: sub ? `${name} [${sub}]` : name });
    }
  }
  return { nodes, edges };
}

/** Rough text width for the node boxes (system fonts, 12 px). */
function textWidth(text: string, px: number): number {
  return text.length * px * 0.6;
}

/** Lays the graph out left to right with dagre; node boxes fit their two text lines. */
export function layoutPipeline(input: PipelineGraphInput): LaidOutGraph {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 60, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of input.nodes) {
    const width = Math.max(textWidth(n.id, 13), textWidth(n.type, 10)) + 24;
    g.setNode(n.id, { width, height: 42 });
  }
  input.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  layout(g);
  const nodes = input.nodes.map((n) => {
    const l = g.node(n.id) as { x: number; y: number; width: number; height: number };
    return { ...n, x: l.x, y: l.y, width: l.width, height: l.height };
  });
  const edges = input.edges.map((e, i) => {
    const l = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points?: Array<{ x: number; y: number }> };
    return { ...e, points: l.points ?? [] };
  });
  const size = g.graph() as { width?: number; height?: number };
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges };
}
