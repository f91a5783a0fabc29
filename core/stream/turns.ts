/**
 * Each socket's deliveries in this process, one after another. Claims on the watermark keep two
 * deliverers from sending the same range; this keeps a later range from being sent while an
 * earlier one is still being posted. Across Lambdas that order is not kept (docs/stream.md).
 */
const turns = new Map<string, Promise<void>>();

export function connectionKey(connection: { tenantId: string; connectionId: string }): string {
  return `${connection.tenantId}/${connection.connectionId}`;
}

export function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(key) ?? Promise.resolve();
  const run = previous.then(work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return run;
}
