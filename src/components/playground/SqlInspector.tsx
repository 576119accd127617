import { useId, useState, type KeyboardEvent } from 'react';
import type { QueryAnswer } from '../../../playgrounds/worker/api.ts';
import { SideScroll } from './SideScroll.tsx';

type Outcome = { state: 'idle' } | { state: 'running' } | { state: 'done'; answer: QueryAnswer };

/** Props of {@link SqlInspector}. */
export interface SqlInspectorProps {
  tables: readonly string[];
  onQuery: (sql: string) => Promise<QueryAnswer>;
  sideLabel: string;
}

function statusText(outcome: Outcome): string {
  if (outcome.state === 'running') return 'running…';
  if (outcome.state === 'idle' || !outcome.answer.ok) return '';
  const count = outcome.answer.rows.length;
  const truncated = outcome.answer.truncated ? ` (truncated to ${count})` : '';
  return `${count === 1 ? '1 row' : `${count} rows`}${truncated} in ${Math.round(outcome.answer.ms)} ms`;
}

function ResultTable({ answer }: { answer: Extract<QueryAnswer, { ok: true }> }) {
  if (answer.columns.length === 0) return null;
  return (
    <SideScroll className="fl-table-scroll fl-sql__result" label="Query result">
      <table className="fl-table">
        <thead>
          <tr>
            {answer.columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {answer.rows.map((row, r) => (
            <tr key={r}>
              {row.map((value, c) => (
                <td key={c} className={value === null ? 'fl-null' : typeof value === 'number' ? 'fl-num' : undefined}>
                  {value === null ? 'NULL' : String(value)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </SideScroll>
  );
}

/** A read-only SQL console on one side's live database, so the reader can check the invariants' evidence directly. */
export function SqlInspector({ tables, onQuery, sideLabel }: SqlInspectorProps) {
  const id = useId();
  // Starts on the pattern's first table: every page's inspector has something to run.
  const [sql, setSql] = useState(tables[0] ? `SELECT * FROM ${tables[0]} LIMIT 50` : 'SELECT 1');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const running = outcome.state === 'running';

  const run = async (text: string) => {
    if (running || text.trim() === '') return;
    setOutcome({ state: 'running' });
    let answer: QueryAnswer;
    try {
      answer = await onQuery(text);
    } catch (error) {
      // A dead worker or a broken channel rejects; the reader sees it as any other failed query.
      answer = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    setOutcome({ state: 'done', answer });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run(sql);
    }
  };

  const quick = (table: string) => {
    const text = `SELECT * FROM ${table} LIMIT 50`;
    setSql(text);
    void run(text);
  };

  return (
    <section className="fl-sql" aria-label={`SQL inspector (${sideLabel})`}>
      <label htmlFor={id} className="fl-sql__label">
        Read-only SQL on the live database
      </label>
      <textarea
        id={id}
        className="fl-input fl-sql__input"
        rows={3}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        value={sql}
        onChange={(event) => setSql(event.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={`${id}-hint`}
      />
      <p className="fl-hint" id={`${id}-hint`}>
        Ctrl+Enter or ⌘+Enter runs the query.
      </p>
      <div className="fl-controls">
        <button
          type="button"
          className="fl-button fl-button--primary"
          disabled={running || sql.trim() === ''}
          onClick={() => void run(sql)}
        >
          Run
        </button>
        {tables.length > 0 && (
          <div className="fl-controls" role="group" aria-label="Show a table">
            <span className="fl-hint">Show:</span>
            {tables.map((table) => (
              <button key={table} type="button" className="fl-button fl-button--quiet" disabled={running} onClick={() => quick(table)}>
                {table}
              </button>
            ))}
          </div>
        )}
      </div>
      {/* Always present, so screen readers announce its changes. */}
      <p className="fl-sql__meta" role="status">
        {statusText(outcome)}
      </p>
      {outcome.state === 'done' &&
        (outcome.answer.ok ? (
          <ResultTable answer={outcome.answer} />
        ) : (
          <p className="fl-error fl-sql__error" role="alert">
            {outcome.answer.error}
          </p>
        ))}
    </section>
  );
}
