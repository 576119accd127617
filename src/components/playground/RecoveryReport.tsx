import type { Recovery } from './useRealCrash.ts';

/** What each kind of storage is called on the page. */
export const STORAGE_NAMES = { opfs: 'OPFS', idb: 'IndexedDB' } as const;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function headline({ cause, storage, recoveredMs }: Recovery): string {
  const where = STORAGE_NAMES[storage.kind];
  if (cause === 'return') return `Found in ${where}, left over from an earlier visit`;
  const after = cause === 'kill' ? 'the kill' : 'the reload';
  return recoveredMs === undefined
    ? `Recovered from ${where} after ${after}`
    : `Recovered from ${where} ${seconds(recoveredMs)} after ${after}`;
}

/** The page's own record against what storage holds: did anything it saw committed go missing? */
function comparison({ cause, found, acknowledged }: Recovery): { text: string; lost: boolean } | null {
  if (cause === 'return') return null;
  const before = cause === 'kill' ? 'before the kill' : 'before the reload';
  if (!acknowledged) return { text: `The page had not seen a checkpoint acknowledged ${before}.`, lost: false };
  const lastId = found.checkpoint?.lastId ?? 0;
  if (lastId < acknowledged.lastId || found.invoices < acknowledged.invoices) {
    return {
      text: `The page had seen the checkpoint at item ${acknowledged.lastId} acknowledged (${plural(acknowledged.invoices, 'invoice')}) ${before}, but storage holds only item ${lastId}: committed work was lost.`,
      lost: true,
    };
  }
  if (lastId > acknowledged.lastId) {
    return {
      text: `The last checkpoint the page saw acknowledged ${before} was item ${acknowledged.lastId}; a commit up to item ${lastId} landed after it looked, and is here too. Nothing committed was lost.`,
      lost: false,
    };
  }
  return { text: `The last checkpoint the page saw acknowledged ${before} was item ${lastId}: nothing committed was lost.`, lost: false };
}

/** What a recovered problem would look like, in words (empty when the stored job is consistent). */
function problems({ found }: Recovery): string[] {
  return [
    found.duplicates > 0 ? `${plural(found.duplicates, 'item')} billed more than once` : '',
    found.gaps > 0 ? `${plural(found.gaps, 'item')} before the checkpoint never billed` : '',
    found.pastCheckpoint > 0 ? `${plural(found.pastCheckpoint, 'invoice')} past the checkpoint` : '',
    found.totalsOff > 0 ? `${plural(found.totalsOff, 'account')} whose running total differs from a fresh sum` : '',
  ].filter((text) => text !== '');
}

/**
 * What came back after a real kill or reload, said plainly: the stored checkpoint and output,
 * held against the last checkpoint the page saw acknowledged, and the work that was redone.
 */
export function RecoveryReport({ recovery, chunkSize }: { recovery: Recovery; chunkSize: number }) {
  const { found, storage, cause } = recovery;
  const lastId = found.checkpoint?.lastId ?? 0;
  const compared = comparison(recovery);
  const wrong = problems(recovery);
  const bad = (compared?.lost ?? false) || wrong.length > 0;
  const inFlightTo = Math.min(lastId + chunkSize, found.sourceItems);
  const position = found.checkpoint
    ? `checkpoint at item ${lastId} (epoch ${found.checkpoint.epoch}), ${plural(found.invoices, 'invoice')}, ${plural(found.duplicates, 'duplicate')}, ${plural(found.gaps, 'gap')}.`
    : `no checkpoint yet, ${plural(found.invoices, 'invoice')}.`;
  return (
    <section
      className={`fl-crash__recovery fl-crash__recovery--${bad ? 'bad' : 'ok'}`}
      aria-label="What was recovered"
      data-cause={cause}
      data-recovered-checkpoint={lastId}
      data-acknowledged={recovery.acknowledged?.lastId ?? ''}
      data-lost={String(compared?.lost ?? false)}
      data-duplicates={found.duplicates}
      data-gaps={found.gaps}
      data-open-ms={storage.openMs}
      data-boot-ms={storage.bootMs}
      data-waited-ms={storage.waitedMs}
      {...(recovery.recoveredMs === undefined ? {} : { 'data-recovery-ms': recovery.recoveredMs })}
      {...(recovery.runningAgainMs === undefined ? {} : { 'data-running-again-ms': recovery.runningAgainMs })}
    >
      <p>
        <strong>{headline(recovery)}:</strong> {position}
      </p>
      {compared && <p>{compared.text}</p>}
      {wrong.length > 0 && <p>Stored, and wrong: {wrong.join('; ')}.</p>}
      {wrong.length === 0 && lastId > 0 && <p>The running totals in the checkpoint equal a fresh sum over items 1 to {lastId}.</p>}
      {lastId < found.sourceItems && (
        <p>
          Items {lastId + 1} to {inFlightTo} were in flight, not yet committed:{' '}
          {cause === 'return' ? 'resuming redoes' : 'the new worker redoes'} them from the checkpoint.
        </p>
      )}
      <p className="fl-hint">
        Database opened in {seconds(storage.openMs)}
        {storage.waitedMs >= 50 &&
          `, after waiting ${seconds(storage.waitedMs)} for the killed worker's file handles (${storage.attempts} attempts)`}
        {recovery.runningAgainMs !== undefined &&
          `; the job was running again ${seconds(recovery.runningAgainMs)} after ${cause === 'kill' ? 'the kill' : 'the reload'}`}
        .
      </p>
    </section>
  );
}
