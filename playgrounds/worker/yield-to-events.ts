/**
 * A way for a worker's long-running loop to let queued messages (pause, poll, inject) in. A
 * message to ourselves runs after any queued comlink calls, without setTimeout's 4 ms clamp.
 */
export function messageYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}
