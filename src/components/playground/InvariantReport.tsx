import type { InvariantResult } from '../../../playgrounds/worker/api.ts';
import type { Violation } from '../../../playgrounds/kernel/invariants.ts';
import { formatSeconds } from './format.ts';
import { SideScroll } from './SideScroll.tsx';

const SHOWN_VIOLATIONS = 20;

const KIND_TEXT: Record<InvariantResult['kind'], string> = {
  safety: 'safety: checked after every commit',
  liveness: 'liveness: checked after the drain',
};

/** The verdict in words as well as colour. */
function verdict(result: InvariantResult, finished: boolean): { icon: string; text: string } {
  if (result.ok === false) return { icon: '✗', text: 'Broken' };
  if (result.ok === true) return { icon: '✓', text: result.kind === 'safety' && !finished ? 'Holds so far' : 'Holds' };
  return { icon: '…', text: finished ? 'Not checked' : 'Not checked yet' };
}

/** The offending rows as a table; columns are every key, in the order they first appear. */
function ViolationRows({ violations, title }: { violations: readonly Violation[]; title: string }) {
  const columns = [...new Set(violations.flatMap((violation) => Object.keys(violation.row)))];
  if (columns.length === 0) return null;
  return (
    <SideScroll className="fl-table-scroll" label={`Rows that break “${title}”`}>
      <table className="fl-table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {violations.map((violation, i) => (
            <tr key={i}>
              {columns.map((column) => {
                const value = violation.row[column];
                return (
                  <td key={column} className={value === null || value === undefined ? 'fl-null' : undefined}>
                    {value === null || value === undefined ? 'NULL' : String(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </SideScroll>
  );
}

function InvariantItem({ result, finished, onJump }: { result: InvariantResult; finished: boolean; onJump: (seq: number) => void }) {
  const { icon, text } = verdict(result, finished);
  const shown = result.violations.slice(0, SHOWN_VIOLATIONS);
  const first = result.firstBroken;
  const state = result.ok === undefined ? 'pending' : result.ok ? 'ok' : 'bad';
  return (
    <li
      className={`fl-invariant fl-invariant--${state}`}
      data-invariant={result.name}
      data-ok={result.ok === undefined ? 'pending' : String(result.ok)}
    >
      <div className="fl-invariant__head">
        <span className="fl-invariant__verdict">
          <span aria-hidden="true">{icon}</span> {text}
        </span>
        <strong className="fl-invariant__title">{result.title}</strong>
        <span className="fl-invariant__kind">{KIND_TEXT[result.kind]}</span>
      </div>
      <p className="fl-invariant__description">{result.description}</p>
      {result.ok === false && (
        <div className="fl-invariant__details">
          <p>
            {result.violationCount === 1 ? '1 violation' : `${result.violationCount} violations`}
            {result.violationCount > shown.length ? ` (the first ${shown.length} shown)` : ''}:
          </p>
          <ul className="fl-invariant__violations">
            {shown.map((violation, i) => (
              <li key={i}>{violation.message}</li>
            ))}
          </ul>
          <ViolationRows violations={shown} title={result.title} />
          {first && (
            <button type="button" className="fl-button" onClick={() => onJump(first.seq)}>
              Jump to step {first.seq} (t={formatSeconds(first.vt)})
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** What the pattern promises and whether this run kept each promise, with the evidence when not. */
export function InvariantReport({
  results,
  onJump,
  finished,
}: {
  results: readonly InvariantResult[];
  onJump: (seq: number) => void;
  finished: boolean;
}) {
  return (
    <ul className="fl-invariants" aria-label="Invariants">
      {results.map((result) => (
        <InvariantItem key={result.name} result={result} finished={finished} onJump={onJump} />
      ))}
    </ul>
  );
}
