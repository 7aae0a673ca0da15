/**
 * Waits for named stop steps at most `graceMs`, and names those still running then, so a
 * shutdown never hangs on one wait that will not end (a query a dying server never answers,
 * a lease the holder never gets). Rejections count as finished: a stop reports, never throws.
 */
export async function unfinishedAfter(
  steps: Readonly<Record<string, Promise<unknown>>>,
  graceMs: number,
): Promise<string[]> {
  const running = new Set(Object.keys(steps));
  const all = Object.entries(steps).map(([name, p]) =>
    p.then(
      () => running.delete(name),
      () => running.delete(name),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(all),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
  ]);
  clearTimeout(timer);
  return [...running];
}
