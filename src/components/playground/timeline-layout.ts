/**
 * The geometry of the swimlane timeline, kept free of React and the DOM so it can be tested
 * on its own: where each lane, mark, arrow and tick goes for a given width.
 */
import { scaleLinear } from 'd3';
import type { TraceEvent, TraceKind } from '../../../playgrounds/kernel/trace.ts';
import { formatTick, timeTicks } from './format.ts';

/** Height of one lane, in px. */
export const LANE_HEIGHT = 28;
/** Width of the lane-name column left of the plot, in px. */
export const LABEL_WIDTH = 90;
/** Height of the tick band above the lanes, in px. */
export const AXIS_HEIGHT = 24;
/** The narrowest the diagram gets; narrower containers scroll it sideways. */
export const MIN_WIDTH = 320;

export const RIGHT_PAD = 14;
const BOTTOM_PAD = 4;
export const TICK_SPACING_PX = 70;
/** Actors the page did not list that still get their own lane, always last and in this order. */
const TRAILING_LANES = ['network', 'kernel'];
/** Marks that land on top of each other within a lane fan out vertically to stay visible. */
const STACK_OFFSETS = [0, -7, 7];
const STACK_DISTANCE_PX = 3;
const REDELIVERY = /\(delivery \d+\)/;

/** How an arrow relates its ends: a request, its reply, a broker delivery (first or repeated), or a message the network lost. */
export type ArrowKind = 'message' | 'reply' | 'delivery' | 'redelivery' | 'lost';

/** One lane: its actor and the y of its centre line. */
export interface TimelineLane {
  name: string;
  y: number;
}

/** One trace event placed on the diagram. */
export interface TimelineMark {
  seq: number;
  kind: TraceKind;
  actor: string;
  vt: number;
  label: string;
  x: number;
  y: number;
}

/** A causal link between two events; both legs of a request/reply to a service name the send and its reply. */
export interface TimelineArrow {
  kind: ArrowKind;
  fromSeq: number;
  toSeq: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The whole diagram for one width. */
export interface TimelineLayout {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  lanes: TimelineLane[];
  marks: TimelineMark[];
  arrows: TimelineArrow[];
  ticks: Array<{ x: number; label: string }>;
  /** Virtual time to x, clamped to the plot. */
  x: (vt: number) => number;
}

/** The listed lanes in order, then unlisted actors as they first appear, then network and kernel. */
function laneOrder(events: readonly TraceEvent[], lanes: readonly string[]): string[] {
  const order = [...new Set(lanes)];
  const known = new Set(order);
  const trailing = new Set<string>();
  for (const event of events) {
    if (known.has(event.actor)) continue;
    known.add(event.actor);
    if (TRAILING_LANES.includes(event.actor)) trailing.add(event.actor);
    else order.push(event.actor);
  }
  return [...order, ...TRAILING_LANES.filter((name) => trailing.has(name))];
}

function laneY(index: number): number {
  return AXIS_HEIGHT + index * LANE_HEIGHT + LANE_HEIGHT / 2;
}

function link(kind: ArrowKind, from: TimelineMark, to: TimelineMark): TimelineArrow {
  return { kind, fromSeq: from.seq, toSeq: to.seq, x1: from.x, y1: from.y, x2: to.x, y2: to.y };
}

/**
 * The time axis every view under a timeline shares, so their times line up: virtual time to
 * x (clamped to the plot, after the lane-label column), and round ticks that fit the width.
 */
export function timeAxis(endMs: number, width: number): { x: (vt: number) => number; ticks: number[] } {
  const scale = scaleLinear()
    .domain([0, Math.max(1, endMs)])
    .range([LABEL_WIDTH, width - RIGHT_PAD])
    .clamp(true);
  const tickCount = Math.max(2, Math.floor((width - LABEL_WIDTH - RIGHT_PAD) / TICK_SPACING_PX));
  return { x: (vt) => scale(vt), ticks: timeTicks(Math.max(1, endMs), tickCount) };
}

/** Places every event on its lane and links each one to the event that caused it. */
export function layoutTimeline(events: readonly TraceEvent[], lanes: readonly string[], endMs: number, widthPx: number): TimelineLayout {
  const width = Math.max(MIN_WIDTH, Math.round(widthPx));
  const plotLeft = LABEL_WIDTH;
  const plotRight = width - RIGHT_PAD;
  const axis = timeAxis(endMs, width);
  const x = axis.x;

  const names = laneOrder(events, lanes);
  const laneIndex = new Map(names.map((name, i) => [name, i]));
  const stacks = new Map<number, { x: number; level: number }>();
  const placed = new Map<number, { event: TraceEvent; mark: TimelineMark }>();
  // A reply from the broker leaves when the message was stored; with a duplicate, the last store.
  const lastAppendOf = new Map<number, TimelineMark>();
  const marks: TimelineMark[] = [];
  const arrows: TimelineArrow[] = [];

  for (const event of events) {
    // Progress and state moves are measurements with views of their own (the transaction
    // behind a move already has its mark), not steps in a lane.
    if (event.kind === 'progress' || event.kind === 'transition') continue;
    const lane = laneIndex.get(event.actor) ?? 0;
    const markX = x(event.vt);
    const previous = stacks.get(lane);
    const level = previous && markX - previous.x < STACK_DISTANCE_PX ? (previous.level + 1) % STACK_OFFSETS.length : 0;
    stacks.set(lane, { x: markX, level });
    const mark: TimelineMark = {
      seq: event.seq,
      kind: event.kind,
      actor: event.actor,
      vt: event.vt,
      label: event.label,
      x: markX,
      y: laneY(lane) + (STACK_OFFSETS[level] ?? 0),
    };
    marks.push(mark);
    placed.set(event.seq, { event, mark });

    const cause = event.cause === undefined ? undefined : placed.get(event.cause);
    if (!cause) continue;
    const from = cause.mark;
    if (from.kind === 'send') {
      if (mark.kind === 'append') {
        arrows.push(link('message', from, mark));
        lastAppendOf.set(from.seq, mark);
      } else if (mark.kind === 'drop') {
        arrows.push(link('lost', from, mark));
      } else if (mark.kind === 'receive' && mark.actor !== from.actor) {
        arrows.push(link('message', from, mark));
      } else if (mark.kind === 'receive') {
        const stored = lastAppendOf.get(from.seq);
        const serviceLane = cause.event.to === undefined ? undefined : laneIndex.get(cause.event.to);
        if (stored) {
          arrows.push(link('reply', stored, mark));
        } else if (serviceLane !== undefined) {
          // The trace does not record when a service handled a call, only the send and the
          // reply; the midpoint is exact for a call without injected delay.
          const mid = { x: (from.x + mark.x) / 2, y: laneY(serviceLane) };
          arrows.push({ kind: 'message', fromSeq: from.seq, toSeq: mark.seq, x1: from.x, y1: from.y, x2: mid.x, y2: mid.y });
          arrows.push({ kind: 'reply', fromSeq: from.seq, toSeq: mark.seq, x1: mid.x, y1: mid.y, x2: mark.x, y2: mark.y });
        }
      }
    } else if (from.kind === 'append') {
      if (mark.kind === 'receive') arrows.push(link(REDELIVERY.test(mark.label) ? 'redelivery' : 'delivery', from, mark));
      else if (mark.kind === 'drop') arrows.push(link('lost', from, mark));
    }
  }

  return {
    width,
    height: AXIS_HEIGHT + names.length * LANE_HEIGHT + BOTTOM_PAD,
    plotLeft,
    plotRight,
    lanes: names.map((name, i) => ({ name, y: laneY(i) })),
    marks,
    arrows,
    ticks: axis.ticks.map((ms) => ({ x: x(ms), label: formatTick(ms) })),
    x,
  };
}
