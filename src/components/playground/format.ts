/** Virtual milliseconds as seconds with millisecond precision, the way every view labels time: `1.234s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}
