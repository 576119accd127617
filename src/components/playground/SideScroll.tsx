import type { ReactNode, Ref } from 'react';

/**
 * A box that scrolls sideways when what it holds is wider than the screen (a chart, a table).
 * It takes keyboard focus so the arrow keys can scroll it, and says so to screen readers.
 */
export function SideScroll({
  label,
  className,
  boxRef,
  children,
}: {
  label: string;
  className: string;
  boxRef?: Ref<HTMLDivElement>;
  children: ReactNode;
}) {
  return (
    <div className={className} ref={boxRef} tabIndex={0} role="group" aria-label={`${label} (scrolls sideways)`}>
      {children}
    </div>
  );
}
