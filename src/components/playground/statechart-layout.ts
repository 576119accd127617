import type { StatechartSpec } from '../../../playgrounds/kernel/pattern.ts';

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 40;
const COLUMN_GAP = 110;
const ROW_GAP = 22;
const PAD = 16;
/** Room under the nodes for edges that go back to an earlier column. */
const BACK_EDGE_ROOM = 36;

export interface PlacedState {
  id: string;
  label: string;
  final: boolean;
  group?: string;
  x: number;
  y: number;
}

export interface PlacedTransition {
  from: string;
  event: string;
  to: string;
  /** An SVG path from the source's edge to the target's. */
  path: string;
  labelX: number;
  labelY: number;
  back: boolean;
}

export interface StatechartLayout {
  width: number;
  height: number;
  states: PlacedState[];
  transitions: PlacedTransition[];
}

/**
 * Columns by longest path from the initial state (edges that close a cycle are drawn back
 * underneath instead of counting), rows ordered by the mean row of each state's predecessors so
 * that edges cross less. Small charts need nothing cleverer, and the result is stable: the same
 * chart always lays out the same way.
 */
export function layoutStatechart(chart: StatechartSpec): StatechartLayout {
  const ids = chart.states.map((s) => s.id);
  const outgoing = new Map(ids.map((id) => [id, chart.transitions.filter((t) => t.from === id && t.to !== id)]));
  // Depth-first from the initial state: an edge to a state still on the stack closes a cycle.
  const back = new Set<string>();
  const visited = new Set<string>();
  const onStack = new Set<string>();
  const visit = (id: string) => {
    visited.add(id);
    onStack.add(id);
    for (const t of outgoing.get(id) ?? []) {
      if (onStack.has(t.to)) back.add(`${t.from}>${t.to}`);
      else if (!visited.has(t.to)) visit(t.to);
    }
    onStack.delete(id);
  };
  visit(chart.initial);
  for (const id of ids) if (!visited.has(id)) visit(id);

  const forward = chart.transitions.filter((t) => t.from !== t.to && !back.has(`${t.from}>${t.to}`));
  const column = new Map(ids.map((id) => [id, 0]));
  // Longest path on the acyclic rest: relax as many times as there are states.
  for (let pass = 0; pass < ids.length; pass++) {
    for (const t of forward) column.set(t.to, Math.max(column.get(t.to)!, column.get(t.from)! + 1));
  }
  const columns: string[][] = [];
  for (const id of ids) (columns[column.get(id)!] ??= []).push(id);
  const row = new Map<string, number>();
  for (const members of columns) {
    const weight = (id: string) => {
      const rows = forward.filter((t) => t.to === id && row.has(t.from)).map((t) => row.get(t.from)!);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : ids.indexOf(id);
    };
    [...members].sort((a, b) => weight(a) - weight(b) || ids.indexOf(a) - ids.indexOf(b)).forEach((id, i) => row.set(id, i));
  }
  const rows = Math.max(...columns.map((c) => c.length));
  const states: PlacedState[] = chart.states.map((s) => ({
    ...s,
    x: PAD + column.get(s.id)! * (NODE_WIDTH + COLUMN_GAP),
    y: PAD + row.get(s.id)! * (NODE_HEIGHT + ROW_GAP),
  }));
  const at = new Map(states.map((s) => [s.id, s]));
  const bottom = PAD + rows * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;
  // Edges between the same two states share a path: their labels stack instead of overprinting.
  const seen = new Map<string, number>();
  const stacked = (t: { from: string; to: string }) => {
    const key = `${t.from}>${t.to}`;
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    return index * 12;
  };
  const transitions: PlacedTransition[] = chart.transitions.map((t) => {
    const offset = stacked(t);
    const a = at.get(t.from)!;
    const b = at.get(t.to)!;
    const isBack = t.from === t.to || back.has(`${t.from}>${t.to}`) || b.x <= a.x;
    if (isBack) {
      // Under the chart: down from the source, along the bottom, up into the target.
      const x1 = a.x + NODE_WIDTH / 2;
      const x2 = b.x + NODE_WIDTH / 2 + (t.from === t.to ? 16 : 0);
      const dip = bottom + BACK_EDGE_ROOM - 8;
      return {
        ...t,
        path: `M${x1},${a.y + NODE_HEIGHT} C${x1},${dip} ${x2},${dip} ${x2},${b.y + NODE_HEIGHT}`,
        labelX: (x1 + x2) / 2,
        labelY: dip - 4 - offset,
        back: true,
      };
    }
    const x1 = a.x + NODE_WIDTH;
    const y1 = a.y + NODE_HEIGHT / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_HEIGHT / 2;
    const mid = (x1 + x2) / 2;
    return {
      ...t,
      path: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
      labelX: mid,
      labelY: (y1 + y2) / 2 - 4 + offset,
      back: false,
    };
  });
  return {
    width: PAD * 2 + columns.length * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP,
    height: bottom + BACK_EDGE_ROOM + PAD,
    states,
    transitions,
  };
}
