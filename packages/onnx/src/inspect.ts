import type { Dim } from './builder.js';
import { MODEL_METADATA_KEY, type ModelDescription } from './model-metadata.js';
import { attributeValue, decodeModel, type ModelProto, type ValueInfoProto } from './proto.js';
import { SUPPORTED_OPS } from './supported-ops.js';

export interface InspectedLayer {
  node: string;
  op: string;
  direction: string;
  hiddenSize: number;
  inputSize: number;
  bias: boolean;
  /** LSTM peepholes (input P). */
  peephole?: boolean;
  /** GRU linear_before_reset (rnnkit resetAfter). */
  linearBeforeReset?: number;
  activations?: string[];
  layout: number;
  parameters: number;
}

export interface InspectReport {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  inputs: { name: string; type: string; shape: Dim[] }[];
  outputs: { name: string; type: string; shape: Dim[] }[];
  operators: Record<string, number>;
  recurrent: InspectedLayer[];
  parameters: number;
  metadata: Record<string, string>;
  rnnkitModel: ModelDescription | null;
  /** Operators outside what importOnnx reads (empty: importable). */
  unsupported: string[];
}

const TYPES: Record<number, string> = {
  1: 'float32',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
};

function io(v: ValueInfoProto) {
  const t = v.type?.tensor_type;
  return {
    name: v.name,
    type: TYPES[t?.elem_type ?? 0] ?? `type ${t?.elem_type}`,
    shape: (t?.shape?.dim ?? []).map((d) =>
      d.dim_value !== undefined && d.dim_value !== null
        ? Number(d.dim_value)
        : (d.dim_param ?? '?'),
    ),
  };
}

/** Describes any ONNX model: inputs, outputs, operators and its recurrent layers. */
export function inspectOnnx(bytes: Uint8Array | ModelProto): InspectReport {
  const m = bytes instanceof Uint8Array ? decodeModel(bytes) : bytes;
  const g = m.graph;
  const dims = new Map(g.initializer.map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  const size = (name: string | undefined) =>
    name && dims.has(name) ? dims.get(name)!.reduce((a, b) => a * b, 1) : 0;
  const operators: Record<string, number> = {};
  const supported = new Set<string>(SUPPORTED_OPS);
  const unsupported = new Set<string>();
  const recurrent: InspectedLayer[] = [];
  for (const n of g.node) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.op_type}` : n.op_type;
    operators[key] = (operators[key] ?? 0) + 1;
    if (key !== n.op_type || !supported.has(n.op_type)) unsupported.add(key);
    if (n.op_type !== 'RNN' && n.op_type !== 'LSTM' && n.op_type !== 'GRU') continue;
    const a = Object.fromEntries((n.attribute ?? []).map((x) => [x.name, attributeValue(x)]));
    const W = dims.get(n.input[1]) ?? [];
    const R = dims.get(n.input[2]) ?? [];
    const layer: InspectedLayer = {
      node: n.name || n.output[0],
      op: n.op_type,
      direction: (a.direction as string) ?? 'forward',
      hiddenSize: (a.hidden_size as number) ?? R[2] ?? 0,
      inputSize: W[2] ?? 0,
      bias: Boolean(n.input[3]),
      layout: (a.layout as number) ?? 0,
      parameters: [1, 2, 3, 7].reduce((s, k) => s + size(n.input[k]), 0),
    };
    if (n.op_type === 'LSTM') layer.peephole = Boolean(n.input[7]);
    if (n.op_type === 'GRU') layer.linearBeforeReset = (a.linear_before_reset as number) ?? 0;
    if (a.activations) layer.activations = a.activations as string[];
    recurrent.push(layer);
  }
  const metadata = Object.fromEntries((m.metadata_props ?? []).map((e) => [e.key, e.value]));
  let rnnkitModel: ModelDescription | null = null;
  try {
    rnnkitModel = metadata[MODEL_METADATA_KEY] ? JSON.parse(metadata[MODEL_METADATA_KEY]) : null;
  } catch {
    rnnkitModel = null;
  }
  return {
    irVersion: m.ir_version,
    opsets: m.opset_import.map((o) => ({ domain: o.domain || 'ai.onnx', version: o.version })),
    producer: [m.producer_name, m.producer_version].filter(Boolean).join(' '),
    inputs: g.input.filter((i) => !dims.has(i.name)).map(io),
    outputs: g.output.map(io),
    operators,
    recurrent,
    parameters: g.initializer.reduce((s, t) => s + size(t.name), 0),
    metadata,
    rnnkitModel,
    unsupported: [...unsupported],
  };
}

/** The report as text, for the CLI. */
export function formatInspect(r: InspectReport, title = 'model'): string {
  const shape = (s: Dim[]) => `[${s.join(', ')}]`;
  const lines = [
    `${title}: ONNX IR ${r.irVersion}, ${r.opsets.map((o) => `${o.domain} opset ${o.version}`).join(', ')}${r.producer ? `, made by ${r.producer}` : ''}`,
  ];
  if (r.rnnkitModel)
    lines.push(`rnnkit model: ${r.rnnkitModel.type} ${JSON.stringify(r.rnnkitModel.options)}`);
  lines.push('inputs:');
  for (const i of r.inputs) lines.push(`  ${i.name}  ${i.type} ${shape(i.shape)}`);
  lines.push('outputs:');
  for (const o of r.outputs) lines.push(`  ${o.name}  ${o.type} ${shape(o.shape)}`);
  lines.push(
    `operators: ${Object.entries(r.operators)
      .map(([k, v]) => (v > 1 ? `${k} ×${v}` : k))
      .join(', ')}`,
  );
  lines.push(`parameters: ${r.parameters.toLocaleString('en-US')}`);
  lines.push(r.recurrent.length ? 'recurrent layers:' : 'recurrent layers: none');
  r.recurrent.forEach((l, i) => {
    const extra = [
      l.bias ? 'bias' : 'no bias',
      l.peephole ? 'peepholes' : '',
      l.linearBeforeReset !== undefined ? `linear_before_reset=${l.linearBeforeReset}` : '',
      l.activations ? `activations ${l.activations.join('/')}` : '',
      l.layout ? `layout ${l.layout}` : '',
    ].filter(Boolean);
    lines.push(
      `  #${i} ${l.op} '${l.node}': input ${l.inputSize} → hidden ${l.hiddenSize}, ${l.direction}, ${extra.join(', ')}; ${l.parameters.toLocaleString('en-US')} parameters`,
    );
  });
  for (const [k, v] of Object.entries(r.metadata))
    if (k !== MODEL_METADATA_KEY)
      lines.push(`metadata ${k}: ${v.length > 80 ? `${v.slice(0, 77)}...` : v}`);
  lines.push(
    r.unsupported.length
      ? `importOnnx: cannot import (unsupported: ${r.unsupported.join(', ')})`
      : 'importOnnx: supported',
  );
  return lines.join('\n');
}
