/**
 * The highest RSS (MiB) each platform process reached while sampling: the worker's memory grows with
 * the workflows it caches, so one reading under one load says little about the whole run.
 */
export function sampleRss(
  read: () => Record<string, number>,
  intervalMs = 500,
): { peak(): Record<string, number>; stop(): Record<string, number> } {
  const peak: Record<string, number> = {};
  const sample = () => {
    for (const [name, mib] of Object.entries(read())) peak[name] = Math.max(peak[name] ?? 0, mib);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  // A pending sample must not keep an ending benchmark alive.
  timer.unref();
  return {
    peak: () => ({ ...peak }),
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}
