import { useMemo, useState } from 'react';
import { Box, Paper, Typography } from '@mui/material';
import { layoutPipeline, pipelineGraphInput } from './pipelineLayout';

const TYPE_COLOURS: Array<[RegExp, string]> = [
  [/DATASET|ITERATOR|DATA_|COLLATOR|LOADER/, '#e3f2fd'],
  [/MODEL/, '#ede7f6'],
  [/OPTIMIZER|SCHEDULER/, '#fff3e0'],
  [/TRAIN|EVAL/, '#e8f5e9'],
  [/missing/, '#ffebee'],
];

function fill(type: string): string {
  return TYPE_COLOURS.find(([re]) => re.test(type))?.[1] ?? '#f5f5f5';
}

/**
 * The experiment's component graph laid out by dagre and drawn as SVG (so it embeds in the HTML
 * download). Arrows go from a requirement to the component that uses it; click a node for its config.
 */
export function PipelineGraph({ config }: { config: Record<string, unknown> }) {
  const graph = useMemo(() => layoutPipeline(pipelineGraphInput(config)), [config]);
  const [selected, setSelected] = useState<string | null>(null);
  const node = graph.nodes.find((n) => n.id === selected);
  if (graph.nodes.length === 0)
    return <Typography color="text.secondary">The configuration has no components.</Typography>;
  return (
    <Box>
      <Box sx={{ overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1, bgcolor: '#fff' }}>
        <svg
          xmlns="http://www.w3.org/2000/svg"
          width={Math.ceil(graph.width)}
          height={Math.ceil(graph.height)}
          viewBox={`0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`}
          role="img"
          aria-label={`Pipeline graph: ${graph.nodes.length} components, ${graph.edges.length} requirements`}
          data-testid="pipeline-graph"
          style={{ fontFamily: 'system-ui, sans-serif', display: 'block', maxWidth: '100%', height: 'auto' }}
        >
          <defs>
            <marker
              id="pipeline-arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" fill="#78909c" />
            </marker>
          </defs>
          {graph.edges.map((e, i) => (
            <path
              key={i}
              d={e.points.map((p, j) => `${j === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ')}
              fill="none"
              stroke="#90a4ae"
              strokeWidth="1.4"
              markerEnd="url(#pipeline-arrow)"
            >
              <title>{`${e.from} → ${e.to} (${e.label})`}</title>
            </path>
          ))}
          {graph.nodes.map((n) => (
            <g
              key={n.id}
              transform={`translate(${(n.x - n.width / 2).toFixed(1)} ${(n.y - n.height / 2).toFixed(1)})`}
              onClick={() => setSelected(n.id === selected ? null : n.id)}
              style={{ cursor: 'pointer' }}
              data-node={n.id}
              role="button"
              aria-label={`${n.id} (${n.type})`}
            >
              <title>{`${n.id}: ${n.type}${n.variant ? ` / ${n.variant}` : ''}\n${n.config === null ? 'no config' : JSON.stringify(n.config, null, 1)}`}</title>
              <rect
                width={n.width}
                height={n.height}
                rx="6"
                fill={fill(n.type)}
                stroke={n.id === selected ? '#1976d2' : '#b0bec5'}
                strokeWidth={n.id === selected ? 2.5 : 1}
              />
              <text x={n.width / 2} y="17" textAnchor="middle" fontSize="13" fontWeight="600" fill="#263238">
                {n.id}
              </text>
              <text x={n.width / 2} y="33" textAnchor="middle" fontSize="10" fill="#546e7a">
                {n.type}
              </text>
            </g>
          ))}
        </svg>
      </Box>
      {node && (
        <Paper variant="outlined" sx={{ p: 1.5, mt: 1 }} data-testid="pipeline-node-config" data-export="omit">
          <Typography sx={{ fontWeight: 700 }}>
            {node.id}: {node.type}
            {node.variant ? ` / ${node.variant}` : ''}
          </Typography>
          <Box component="pre" sx={{ m: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>
            {node.config === null ? 'no config' : JSON.stringify(node.config, null, 2)}
          </Box>
        </Paper>
      )}
      <details style={{ marginTop: 8 }}>
        <summary style={{ cursor: 'pointer' }}>Configs of all {graph.nodes.length} components</summary>
        {graph.nodes.map((n) => (
          <Box key={n.id} sx={{ mt: 1 }}>
            <Typography variant="body2" sx={{ fontWeight: 700 }}>
              {n.id} ({n.type}
              {n.variant ? ` / ${n.variant}` : ''})
            </Typography>
            <Box component="pre" sx={{ m: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>
              {n.config === null ? 'no config' : JSON.stringify(n.config, null, 2)}
            </Box>
          </Box>
        ))}
      </details>
    </Box>
  );
}
