import { useId } from 'react';

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  loadedBytes: number;
  /** 0 when the size is not known yet: the bar is then indeterminate. */
  totalBytes: number;
  stage: 'download' | 'start' | 'ready';
  label: string;
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

function message({ loadedBytes, totalBytes, stage }: ProgressBarProps): string {
  if (stage === 'start') return 'Starting Postgres…';
  if (stage === 'ready') return 'The database is ready.';
  const size = totalBytes > 0 ? `${megabytes(loadedBytes)} / ${megabytes(totalBytes)} MB` : `${megabytes(loadedBytes)} MB`;
  return `Downloading the database engine… ${size}`;
}

/** The engine's download and start-up, shown while a playground waits for its database. */
export function ProgressBar(props: ProgressBarProps) {
  const id = useId();
  const { loadedBytes, totalBytes, stage, label } = props;
  const determinate = stage === 'ready' || (stage === 'download' && totalBytes > 0);
  const value = stage === 'ready' ? 1 : Math.min(1, loadedBytes / Math.max(1, totalBytes));
  return (
    <div className="fl-progress">
      <progress className="fl-progress__bar" aria-label={label} aria-describedby={id} max={1} {...(determinate ? { value } : {})} />
      <p className="fl-progress__text" id={id}>
        {message(props)}
      </p>
    </div>
  );
}
