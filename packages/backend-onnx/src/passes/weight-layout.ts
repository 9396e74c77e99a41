import { type GraphProto, makeAttribute, type NodeProto } from '@rnnkit/onnx/format';
import { intAttr, knownDims } from '../graph/graph-info.js';
import { insertAtEachScan, scanParts } from '../graph/scan-node.js';

/**
 * Rows of at least this many floats (4 KiB, a memory page) make a loop's product read its weight
 * transposed instead; see transposedWeightInLoop.
 */
export const PAGE_FLOATS = 1024;

/**
 * A loop-body product x·W with W [K, N] from outside the loop reads Wᵀ [N, K], transposed once
 * before the loop, as Gemm(x, Wᵀ, transB): when N ≥ PAGE_FLOATS and x has more than one row.
 *
 * ONNX Runtime's GEMM (MLAS) copies W into column panels at every call. Read from [K, N], each
 * panel takes a few floats from each of K rows N floats apart, a new memory page per row once a
 * row fills a page; read from [N, K] it takes whole rows. An LSTM's backward step is such a product
 * (dgates [B, 4H] · W_hh [4H, H]) from hidden 1024 on. With one row MLAS runs a matrix-vector
 * kernel that packs nothing, so the transpose would only cost; with rows under a page the panels
 * gained nothing (figures: tooling/bench README, "Measurements behind choices in the code").
 */
export function transposedWeightInLoop(graph: GraphProto): void {
  const dims = knownDims(graph);
  insertAtEachScan(graph, 'before', (scan) => rewrite(scan, dims));
}

function rewrite(scan: NodeProto, dims: Map<string, number[]>): NodeProto[] {
  const parts = scanParts(scan);
  if (!parts) return [];
  const { body } = parts;
  const inBody = new Set(body.input.map((v) => v.name));
  for (const n of body.node) for (const o of n.output) inBody.add(o);
  for (const t of body.initializer ?? []) inBody.add(t.name ?? '');
  const rows = new Map<string, number>();
  for (const v of [...body.input, ...body.output]) {
    const d = v.type?.tensor_type?.shape?.dim;
    if (d?.length === 2 && d[0].dim_value !== undefined) rows.set(v.name, Number(d[0].dim_value));
  }
  const before: NodeProto[] = [];
  for (const gemm of body.node) {
    if (gemm.op_type !== 'Gemm' || intAttr(gemm, 'transA') || intAttr(gemm, 'transB')) continue;
    const w = gemm.input[1];
    const wd = dims.get(w);
    if (inBody.has(w) || wd?.length !== 2 || wd[1] < PAGE_FLOATS) continue;
    // the product's row count, from the carried or stacked value it makes or reads
    const m = rows.get(gemm.output[0]) ?? rows.get(gemm.input[0]);
    if (m === undefined || m < 2) continue;
    const wt = `${gemm.output[0]}.wT`;
    before.push({
      name: `${wt}/Transpose`,
      op_type: 'Transpose',
      input: [w],
      output: [wt],
      attribute: [makeAttribute('perm', [1, 0])],
    });
    gemm.input[1] = wt;
    gemm.attribute = [
      ...(gemm.attribute ?? []).filter((a) => a.name !== 'transB'),
      makeAttribute('transB', 1),
    ];
  }
  return before;
}
