import { useEffect, useRef, useState } from 'react';
import type { TraceEvent } from '../../../playgrounds/kernel/trace.ts';
import { formatSeconds } from './format.ts';

const LOG_SIZE = 200;
const FOLLOW_SLACK_PX = 24;

/**
 * The timeline as text: the recent events in a collapsible, scrollable table. It is how a
 * keyboard or screen-reader user reads the run, since the diagram's marks are not tabbable.
 */
export function EventLog({
  events,
  highlightSeq,
  reducedMotion,
}: {
  events: readonly TraceEvent[];
  highlightSeq: number | undefined;
  reducedMotion: boolean;
}) {
  const [open, setOpen] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  // Follow new events like a terminal does, until the reader scrolls up to read older ones.
  const followRef = useRef(true);

  // A jump request is a request to see the step, so the log opens for it.
  useEffect(() => {
    if (highlightSeq !== undefined) setOpen(true);
  }, [highlightSeq]);

  useEffect(() => {
    const box = boxRef.current;
    if (open && box && followRef.current) box.scrollTop = box.scrollHeight;
  }, [open, events.length]);

  useEffect(() => {
    const box = boxRef.current;
    if (!open || highlightSeq === undefined || !box) return;
    const row = box.querySelector(`[data-seq="${highlightSeq}"]`);
    if (!row) return;
    followRef.current = false;
    // Scroll the box alone: scrollIntoView would also move the page away from the diagram.
    const offset = row.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    box.scrollTo({ top: offset - box.clientHeight / 2, behavior: reducedMotion ? 'auto' : 'smooth' });
  }, [open, highlightSeq, reducedMotion]);

  const recent = events.slice(-LOG_SIZE);
  const firstShown = recent[0]?.seq ?? 0;
  const older = highlightSeq !== undefined && highlightSeq < firstShown ? events.find((event) => event.seq === highlightSeq) : undefined;
  const rows = older ? [older, ...recent] : recent;
  const hidden = events.length - recent.length;

  return (
    <details className="fl-log" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Event log ({events.length} events)</summary>
      {open && (
        <>
          {hidden > 0 && (
            <p className="fl-log__note">
              Showing {older ? `step ${older.seq} and ` : ''}the last {LOG_SIZE} of {events.length} events.
            </p>
          )}
          <div
            className="fl-log__box"
            ref={boxRef}
            tabIndex={0}
            role="group"
            aria-label="Event log entries"
            onScroll={(event) => {
              const box = event.currentTarget;
              followRef.current = box.scrollHeight - box.scrollTop - box.clientHeight < FOLLOW_SLACK_PX;
            }}
          >
            <table className="fl-table fl-log__table">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Event</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((event) => (
                  <tr
                    key={event.seq}
                    data-seq={event.seq}
                    className={event.seq === highlightSeq ? 'fl-log__row--current' : undefined}
                    aria-current={event.seq === highlightSeq ? 'step' : undefined}
                  >
                    <td className="fl-num">{event.seq}</td>
                    <td className="fl-num">{formatSeconds(event.vt)}</td>
                    <td>{event.actor}</td>
                    <td>
                      <span className={`fl-kind fl-kind--${event.kind}`}>{event.kind}</span>
                    </td>
                    <td>{event.label}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </details>
  );
}
