/**
 * Fault plans: what goes wrong in a run, and when.
 *
 * A plan is a list of typed faults that serializes to a short string, so a link, the command
 * line and the reader's "crash it now" button all speak the same language. Grammar (faults
 * separated by commas):
 *
 *   crash:PROCESS@POINT[*N]     crash PROCESS the Nth time (default 1st) it reaches crash point POINT
 *   crash:PROCESS@TIME          crash PROCESS after everything scheduled up to TIME has run
 *   pause:PROCESS@TIME+DURATION freeze PROCESS (memory kept) for DURATION: a GC pause, a zombie
 *   slow:PROCESS@TIME+DURATION  from TIME until faults stop, every transaction of PROCESS starts
 *                               DURATION late: a slow back end (its callers time out, unsure)
 *   refuse:PROCESS@POINT[*N]    the Nth time PROCESS reaches decision POINT it says no: a
 *                               business failure (sold out, card declined), not a crash
 *   drop:CHANNEL*N | @TIME      lose the Nth message on CHANNEL, or the first one sent after TIME
 *   dup:CHANNEL*N | @TIME       deliver that message twice
 *   lose-ack:CHANNEL*N | @TIME  deliver it, but lose the reply: the sender sees a timeout
 *   reorder:CHANNEL*N | @TIME   hold that message back until the next one on CHANNEL has gone ahead
 *   delay:CHANNEL*N+DURATION    hold that message back for DURATION (later ones overtake it)
 *   partition:A~B@TIME+DURATION cut the link between A and B for DURATION
 *   mtbf:PROCESS+DURATION       crash PROCESS at random, DURATION apart on average (exponential)
 *
 * TIME and DURATION are whole milliseconds written `1500ms` or seconds written `2s` / `2.5s`.
 * Examples: `crash:order-service@after_commit_before_publish`, `lose-ack:publish*1`,
 * `pause:relay-1@2s+4s`, `partition:relay-1~broker@1s+3s`, `mtbf:relay-2+5s`.
 */

/** When a process-level fault fires: at a named crash point (its Nth hit) or at a virtual time. */
export type ProcessTrigger = { point: string; hit: number } | { atMs: number };

/** Which message a message-level fault hits: the Nth on its channel, or the first sent after a time. */
export type MessageTrigger = { nth: number } | { afterMs: number };

export type Fault =
  | { kind: 'crash'; process: string; trigger: ProcessTrigger }
  | { kind: 'pause'; process: string; atMs: number; durationMs: number }
  | { kind: 'slow'; process: string; atMs: number; durationMs: number }
  | { kind: 'refuse'; process: string; trigger: { point: string; hit: number } }
  | { kind: 'drop' | 'dup' | 'lose-ack' | 'reorder'; channel: string; trigger: MessageTrigger }
  | { kind: 'delay'; channel: string; trigger: MessageTrigger; durationMs: number }
  | { kind: 'partition'; a: string; b: string; atMs: number; durationMs: number }
  | { kind: 'mtbf'; process: string; meanMs: number };

export type FaultKind = Fault['kind'];

/** A plan is an ordered list of faults; order only matters for display. */
export type FaultPlan = readonly Fault[];

/** Limits that keep a hostile or mistyped plan from exhausting anything. */
export const PLAN_LIMITS = { faults: 32, timeMs: 86_400_000, nth: 100_000, textLength: 2_000 } as const;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/** Formats milliseconds the way the grammar writes them: `2s` when whole seconds, else `1500ms`. */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function parseMs(text: string, what: string): number {
  const match = /^(\d{1,9})(?:\.(\d{1,3}))?(ms|s)$/.exec(text);
  if (!match) throw new PlanError(`${what} "${text}" must look like 1500ms or 2s (at most three decimals)`);
  const [, whole, fraction, unit] = match;
  // Digits, not float arithmetic: 16.1s must be exactly 16100 ms.
  if (unit === 'ms' && fraction !== undefined) throw new PlanError(`${what} "${text}" must be a whole number of milliseconds`);
  const value = unit === 's' ? Number(whole) * 1000 + Number((fraction ?? '').padEnd(3, '0')) : Number(whole);
  if (value > PLAN_LIMITS.timeMs) throw new PlanError(`${what} "${text}" is longer than a day`);
  return value;
}

function parseName(text: string, what: string): string {
  if (!NAME.test(text)) throw new PlanError(`${what} "${text}" must be a lowercase name like relay-1`);
  return text;
}

function parseNth(text: string): number {
  if (!/^\d+$/.test(text)) throw new PlanError(`"*${text}" must be a whole number, like *2`);
  const n = Number(text);
  if (n < 1 || n > PLAN_LIMITS.nth) throw new PlanError(`"*${text}" must be between 1 and ${PLAN_LIMITS.nth}`);
  return n;
}

class PlanError extends Error {}

/** Reads `POINT` or `POINT*N`: a named point in the code and which pass through it. */
function parsePointHit(text: string, what: string): { point: string; hit: number } {
  const star = text.indexOf('*');
  const point = star < 0 ? text : text.slice(0, star);
  return { point: parseName(point, what), hit: star < 0 ? 1 : parseNth(text.slice(star + 1)) };
}

/** Splits `head+duration` and returns both parts; the duration is required when `needed`. */
function splitDuration(text: string, needed: boolean, fault: string): [string, number | undefined] {
  const plus = text.lastIndexOf('+');
  if (plus < 0) {
    if (needed) throw new PlanError(`"${fault}" needs a duration, like +2s`);
    return [text, undefined];
  }
  if (!needed) throw new PlanError(`"${fault}" takes no duration`);
  return [text.slice(0, plus), parseMs(text.slice(plus + 1), 'duration')];
}

function parseMessageTrigger(text: string, fault: string): [string, MessageTrigger] {
  const star = text.indexOf('*');
  const at = text.indexOf('@');
  if (star > 0 && at < 0) return [text.slice(0, star), { nth: parseNth(text.slice(star + 1)) }];
  if (at > 0 && star < 0) return [text.slice(0, at), { afterMs: parseMs(text.slice(at + 1), 'time') }];
  throw new PlanError(`"${fault}" must say which message: CHANNEL*N or CHANNEL@TIME`);
}

function parseAt(text: string, fault: string): [string, number] {
  const at = text.indexOf('@');
  if (at <= 0) throw new PlanError(`"${fault}" needs a time, like @2s`);
  return [text.slice(0, at), parseMs(text.slice(at + 1), 'time')];
}

function parseFault(text: string): Fault {
  const colon = text.indexOf(':');
  if (colon < 0) throw new PlanError(`"${text}" must start with a kind, like crash: or drop:`);
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (kind) {
    case 'crash': {
      const at = rest.indexOf('@');
      if (at <= 0) throw new PlanError(`"${text}" must name a process and a point or time: crash:relay-1@after_claim`);
      const process = parseName(rest.slice(0, at), 'process');
      const when = rest.slice(at + 1);
      if (/^\d/.test(when)) return { kind, process, trigger: { atMs: parseMs(when, 'time') } };
      return { kind, process, trigger: parsePointHit(when, 'crash point') };
    }
    case 'pause':
    case 'slow': {
      const [head, durationMs] = splitDuration(rest, true, text);
      const [process, atMs] = parseAt(head, text);
      return { kind, process: parseName(process, 'process'), atMs, durationMs: durationMs! };
    }
    case 'refuse': {
      const at = rest.indexOf('@');
      if (at <= 0) throw new PlanError(`"${text}" must name a process and a decision point: refuse:hotel@book`);
      return { kind, process: parseName(rest.slice(0, at), 'process'), trigger: parsePointHit(rest.slice(at + 1), 'decision point') };
    }
    case 'drop':
    case 'dup':
    case 'lose-ack':
    case 'reorder': {
      const [channel, trigger] = parseMessageTrigger(rest, text);
      return { kind, channel: parseName(channel, 'channel'), trigger };
    }
    case 'delay': {
      const [head, durationMs] = splitDuration(rest, true, text);
      const [channel, trigger] = parseMessageTrigger(head, text);
      return { kind, channel: parseName(channel, 'channel'), trigger, durationMs: durationMs! };
    }
    case 'partition': {
      const [head, durationMs] = splitDuration(rest, true, text);
      const [link, atMs] = parseAt(head, text);
      const [a, b, extra] = link.split('~');
      if (b === undefined || extra !== undefined) throw new PlanError(`"${text}" must name two ends: partition:relay-1~broker@1s+2s`);
      if (a === b) throw new PlanError(`"${text}" partitions a node from itself`);
      return { kind, a: parseName(a ?? '', 'node'), b: parseName(b, 'node'), atMs, durationMs: durationMs! };
    }
    case 'mtbf': {
      const [process, meanMs] = splitDuration(rest, true, text);
      if (meanMs! < 100) throw new PlanError(`"${text}": a mean time between failures under 100ms would never let work finish`);
      return { kind, process: parseName(process, 'process'), meanMs: meanMs! };
    }
    default:
      throw new PlanError(
        `unknown fault kind "${kind}" (crash, pause, slow, refuse, drop, dup, lose-ack, reorder, delay, partition, mtbf)`,
      );
  }
}

/** Parses a plan string. Never throws: bad input comes back as a message naming the bad part. */
export function parsePlan(text: string): ParseResult<Fault[]> {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return { ok: true, value: [] };
  if (trimmed.length > PLAN_LIMITS.textLength)
    return { ok: false, error: `the fault plan is longer than ${PLAN_LIMITS.textLength} characters` };
  const parts = trimmed.split(',').map((part) => part.trim());
  if (parts.length > PLAN_LIMITS.faults) return { ok: false, error: `a plan holds at most ${PLAN_LIMITS.faults} faults` };
  try {
    return { ok: true, value: parts.map(parseFault) };
  } catch (error) {
    if (error instanceof PlanError) return { ok: false, error: error.message };
    throw error;
  }
}

function formatMessageTrigger(trigger: MessageTrigger): string {
  return 'nth' in trigger ? `*${trigger.nth}` : `@${formatMs(trigger.afterMs)}`;
}

/** Writes one fault in the grammar above. */
export function formatFault(fault: Fault): string {
  switch (fault.kind) {
    case 'crash':
      return 'point' in fault.trigger
        ? `crash:${fault.process}@${fault.trigger.point}${fault.trigger.hit === 1 ? '' : `*${fault.trigger.hit}`}`
        : `crash:${fault.process}@${formatMs(fault.trigger.atMs)}`;
    case 'pause':
    case 'slow':
      return `${fault.kind}:${fault.process}@${formatMs(fault.atMs)}+${formatMs(fault.durationMs)}`;
    case 'refuse':
      return `refuse:${fault.process}@${fault.trigger.point}${fault.trigger.hit === 1 ? '' : `*${fault.trigger.hit}`}`;
    case 'drop':
    case 'dup':
    case 'lose-ack':
    case 'reorder':
      return `${fault.kind}:${fault.channel}${formatMessageTrigger(fault.trigger)}`;
    case 'delay':
      return `delay:${fault.channel}${formatMessageTrigger(fault.trigger)}+${formatMs(fault.durationMs)}`;
    case 'partition':
      return `partition:${fault.a}~${fault.b}@${formatMs(fault.atMs)}+${formatMs(fault.durationMs)}`;
    case 'mtbf':
      return `mtbf:${fault.process}+${formatMs(fault.meanMs)}`;
  }
}

/** Writes a plan; the empty plan is the empty string. */
export function formatPlan(plan: FaultPlan): string {
  return plan.map(formatFault).join(',');
}

/** What a pattern lets faults target: checked after parsing, so a typo gets a precise message. */
export interface FaultCatalog {
  /**
   * Process names, each with the crash points its code passes through and the decision points
   * where a `refuse` fault can make it say no.
   */
  processes: ReadonlyArray<{ name: string; crashPoints: readonly string[]; refusalPoints?: readonly string[] }>;
  /** Message channels (such as `publish`) that drop/dup/delay/lose-ack/reorder can target. */
  channels: readonly string[];
  /** Nodes that can be cut off from each other (processes plus services such as `broker`). */
  nodes: readonly string[];
}

/** Checks that every name in the plan exists in the pattern; returns a message or null. */
export function checkPlanAgainst(plan: FaultPlan, catalog: FaultCatalog): string | null {
  const processes = new Map(catalog.processes.map((p) => [p.name, p]));
  const list = (names: Iterable<string>) => [...names].join(', ');
  for (const fault of plan) {
    const text = formatFault(fault);
    if (fault.kind === 'crash' || fault.kind === 'pause' || fault.kind === 'slow' || fault.kind === 'refuse' || fault.kind === 'mtbf') {
      const process = processes.get(fault.process);
      if (!process) return `"${text}": no process "${fault.process}" here (${list(processes.keys())})`;
      if (fault.kind === 'crash' && 'point' in fault.trigger && !process.crashPoints.includes(fault.trigger.point)) {
        return `"${text}": ${fault.process} has no crash point "${fault.trigger.point}" (${list(process.crashPoints) || 'none'})`;
      }
      const decisions = process.refusalPoints ?? [];
      if (fault.kind === 'refuse' && !decisions.includes(fault.trigger.point)) {
        return `"${text}": ${fault.process} has no decision point "${fault.trigger.point}" (${list(decisions) || 'none'})`;
      }
    } else if (fault.kind === 'partition') {
      for (const node of [fault.a, fault.b]) {
        if (!catalog.nodes.includes(node)) return `"${text}": no node "${node}" here (${list(catalog.nodes)})`;
      }
    } else if (!catalog.channels.includes(fault.channel)) {
      return `"${text}": no channel "${fault.channel}" here (${list(catalog.channels)})`;
    }
  }
  return null;
}
