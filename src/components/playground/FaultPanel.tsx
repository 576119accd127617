import { useState } from 'react';
import { formatFault, type Fault } from '../../../playgrounds/kernel/faults.ts';
import type { FaultCatalog } from '../../../playgrounds/worker/api.ts';
import { NumberField, SelectField, parseWhole, pick } from './fields.tsx';

const MAX_DURATION_MS = 60_000;
const MAX_HIT = 100_000;

/** Props of {@link FaultPanel}. */
export interface FaultPanelProps {
  catalog: FaultCatalog;
  processes: ReadonlyArray<{ name: string; alive: boolean; paused: boolean; done: boolean; starting?: boolean }>;
  disabled: boolean;
  /** Whether a fault can go into the plan (the run then restarts): also once a run has finished. */
  canPlan: boolean;
  /** Applies a fault to the running system now; times in it are placeholders the worker re-stamps. */
  onInject: (fault: string) => void;
  /** A fault that must be in the plan from the start (a crash at a named point): the run restarts with it. */
  onPlanFault: (fault: string) => void;
  error: string | null;
}

type MessageKind = 'drop' | 'dup' | 'lose-ack' | 'reorder' | 'delay';

const MESSAGE_BUTTONS: Array<[MessageKind, string]> = [
  ['drop', 'Drop'],
  ['dup', 'Duplicate'],
  ['lose-ack', 'Lose reply'],
  ['reorder', 'Reorder'],
  ['delay', 'Delay'],
];

function processState(process: { alive: boolean; paused: boolean; done: boolean; starting?: boolean }): string {
  if (process.starting) return '○ not started';
  if (process.done) return '✓ done';
  if (!process.alive) return '✕ down';
  return process.paused ? '‖ paused' : '● up';
}

/** The reader's hand on the system: builds faults in the plan grammar and hands them to the shell. */
export function FaultPanel({ catalog, processes, disabled, canPlan, onInject, onPlanFault, error }: FaultPanelProps) {
  const processNames = processes.length > 0 ? processes.map((p) => p.name) : catalog.processes.map((p) => p.name);

  const [channelState, setChannel] = useState('');
  const [delayText, setDelayText] = useState('2000');
  const [nodeAState, setNodeA] = useState('');
  const [nodeBState, setNodeB] = useState('');
  const [partitionText, setPartitionText] = useState('3000');

  // Selections fall back to the first option, so they stay valid when the variant changes the catalog.
  const channel = pick(catalog.channels, channelState);
  const delayMs = parseWhole(delayText, 1, MAX_DURATION_MS);
  const nodeA = pick(catalog.nodes, nodeAState);
  const nodeB = pick(
    catalog.nodes.filter((node) => node !== nodeA),
    nodeBState,
  );
  const partitionMs = parseWhole(partitionText, 1, MAX_DURATION_MS);

  const inject = (fault: Fault) => onInject(formatFault(fault));

  const messageFault = (kind: MessageKind): Fault | null => {
    const trigger = { afterMs: 0 };
    if (kind !== 'delay') return { kind, channel, trigger };
    return delayMs === null ? null : { kind, channel, trigger, durationMs: delayMs };
  };

  return (
    <div className="fl-faults">
      {error !== null && (
        <p className="fl-error" role="alert">
          {error}
        </p>
      )}

      <fieldset className="fl-faults__group" disabled={disabled}>
        <legend>Crash now</legend>
        <p className="fl-hint">The process loses its memory and any open transaction, then restarts.</p>
        {processes.length === 0 ? (
          <p className="fl-hint">No processes are running yet.</p>
        ) : (
          <ul className="fl-faults__processes">
            {processes.map((process) => (
              <li key={process.name}>
                <span
                  className={`fl-proc fl-proc--${process.done || process.starting ? 'done' : process.alive ? (process.paused ? 'paused' : 'up') : 'down'}`}
                >
                  {processState(process)}
                </span>
                <button
                  type="button"
                  className="fl-button"
                  disabled={disabled || !process.alive}
                  onClick={() => inject({ kind: 'crash', process: process.name, trigger: { atMs: 0 } })}
                >
                  Crash {process.name}
                </button>
              </li>
            ))}
          </ul>
        )}
      </fieldset>

      <PointFaultGroup
        kind="crash"
        legend="Crash at a named point"
        hint="Crashes the Nth time the code reaches the point. The run restarts with this crash in its plan."
        pointLabel="Crash point"
        action="Restart with this crash"
        processes={catalog.processes.map((p) => ({ name: p.name, points: p.crashPoints }))}
        disabled={!canPlan}
        onPlanFault={onPlanFault}
      />

      <PointFaultGroup
        kind="refuse"
        legend="Business failure at a decision"
        hint="The Nth time the process reaches the decision, it says no: sold out or declined for a booking or a charge, back office down for an undo. Failures the business expects, not crashes. The run restarts with it in its plan."
        pointLabel="Decision"
        action="Restart with this refusal"
        processes={catalog.processes.map((p) => ({ name: p.name, points: p.refusalPoints ?? [] }))}
        disabled={!canPlan}
        onPlanFault={onPlanFault}
      />

      <fieldset className="fl-faults__group" disabled={disabled}>
        <legend>Next message</legend>
        <p className="fl-hint">Hits the next message sent on the channel.</p>
        <div className="fl-controls">
          <SelectField label="Channel" value={channel} options={catalog.channels} onChange={setChannel} disabled={disabled} />
          <DurationField label="Delay (ms)" value={delayText} onChange={setDelayText} min={1} disabled={disabled} />
        </div>
        <div className="fl-controls">
          {MESSAGE_BUTTONS.map(([kind, text]) => {
            const fault = messageFault(kind);
            return (
              <button
                key={kind}
                type="button"
                className="fl-button"
                disabled={disabled || channel === '' || fault === null}
                onClick={() => fault && inject(fault)}
              >
                {text}
              </button>
            );
          })}
        </div>
      </fieldset>

      <fieldset className="fl-faults__group" disabled={disabled}>
        <legend>Partition</legend>
        <p className="fl-hint">Cuts the link between two nodes for a while; both keep running.</p>
        <div className="fl-controls">
          <SelectField label="Between" value={nodeA} options={catalog.nodes} onChange={setNodeA} disabled={disabled} />
          <SelectField
            label="and"
            value={nodeB}
            options={catalog.nodes.filter((node) => node !== nodeA)}
            onChange={setNodeB}
            disabled={disabled}
          />
          <DurationField label="For (ms)" value={partitionText} onChange={setPartitionText} min={1} disabled={disabled} />
          <button
            type="button"
            className="fl-button"
            disabled={disabled || nodeB === '' || partitionMs === null}
            onClick={() => partitionMs !== null && inject({ kind: 'partition', a: nodeA, b: nodeB, atMs: 0, durationMs: partitionMs })}
          >
            Partition
          </button>
        </div>
      </fieldset>

      <ProcessForAWhileGroup
        kind="pause"
        legend="Pause (GC / zombie)"
        hint="Freezes a process with its memory intact; it wakes up believing no time has passed."
        durationLabel="For (ms)"
        initialMs="3000"
        minMs={1}
        action="Pause"
        processNames={processNames}
        disabled={disabled}
        onInject={inject}
      />

      <ProcessForAWhileGroup
        kind="slow"
        legend="Slow down"
        hint="From now until faults stop, each transaction of the process starts this much later. Callers that time out cannot tell whether the work was done. 0 restores full speed."
        durationLabel="Extra per transaction (ms)"
        initialMs="800"
        minMs={0}
        action="Slow down"
        processNames={processNames}
        disabled={disabled}
        onInject={inject}
      />
    </div>
  );
}

/**
 * A fault at a named point in the code (a crash point, a decision point), the Nth time it is
 * reached. Hit counts start with the run, so the run restarts with the fault in its plan.
 */
function PointFaultGroup(props: {
  kind: 'crash' | 'refuse';
  legend: string;
  hint: string;
  pointLabel: string;
  action: string;
  processes: ReadonlyArray<{ name: string; points: readonly string[] }>;
  disabled: boolean;
  onPlanFault: (fault: string) => void;
}) {
  const { kind, disabled } = props;
  const withPoints = props.processes.filter((p) => p.points.length > 0);
  const [processState, setProcess] = useState('');
  const [pointState, setPoint] = useState('');
  const [hitText, setHitText] = useState('1');
  const process = pick(
    withPoints.map((p) => p.name),
    processState,
  );
  const points = withPoints.find((p) => p.name === process)?.points ?? [];
  const point = pick(points, pointState);
  const hit = parseWhole(hitText, 1, MAX_HIT);
  if (withPoints.length === 0) return null;
  return (
    <fieldset className="fl-faults__group" disabled={disabled}>
      <legend>{props.legend}</legend>
      <p className="fl-hint">{props.hint}</p>
      <div className="fl-controls">
        <SelectField label="Process" value={process} options={withPoints.map((p) => p.name)} onChange={setProcess} disabled={disabled} />
        <SelectField label={props.pointLabel} value={point} options={points} onChange={setPoint} disabled={disabled} />
        <NumberField label="Hit" value={hitText} onChange={setHitText} min={1} max={MAX_HIT} step={1} disabled={disabled} />
        <button
          type="button"
          className="fl-button"
          disabled={disabled || point === '' || hit === null}
          onClick={() => hit !== null && props.onPlanFault(formatFault({ kind, process, trigger: { point, hit } }))}
        >
          {props.action}
        </button>
      </div>
    </fieldset>
  );
}

/** A process-level fault that starts now and has a duration: a pause, a slowdown. */
function ProcessForAWhileGroup(props: {
  kind: 'pause' | 'slow';
  legend: string;
  hint: string;
  durationLabel: string;
  initialMs: string;
  minMs: number;
  action: string;
  processNames: readonly string[];
  disabled: boolean;
  onInject: (fault: Fault) => void;
}) {
  const { kind, disabled } = props;
  const [processState, setProcess] = useState('');
  const [durationText, setDurationText] = useState(props.initialMs);
  const process = pick(props.processNames, processState);
  const durationMs = parseWhole(durationText, props.minMs, MAX_DURATION_MS);
  return (
    <fieldset className="fl-faults__group" disabled={disabled}>
      <legend>{props.legend}</legend>
      <p className="fl-hint">{props.hint}</p>
      <div className="fl-controls">
        <SelectField label="Process" value={process} options={props.processNames} onChange={setProcess} disabled={disabled} />
        <DurationField label={props.durationLabel} value={durationText} onChange={setDurationText} min={props.minMs} disabled={disabled} />
        <button
          type="button"
          className="fl-button"
          disabled={disabled || process === '' || durationMs === null}
          onClick={() => durationMs !== null && props.onInject({ kind, process, atMs: 0, durationMs })}
        >
          {props.action}
        </button>
      </div>
    </fieldset>
  );
}

/** A duration in whole milliseconds, up to a minute. */
function DurationField(props: { label: string; value: string; onChange: (text: string) => void; min: number; disabled: boolean }) {
  return <NumberField {...props} max={MAX_DURATION_MS} step={100} />;
}
