/**
 * Coalesces single-row operations into multi-row statements. A call joins the batch that is being
 * formed; a batch is sent as soon as a slot is free, so under light load each call goes out alone at
 * once and under heavy load batches grow by themselves (one round trip and one commit for many).
 * `keyOf` keeps two operations on the same row out of one batch (a later one goes in a later batch,
 * which may run alongside; callers needing order await the first before issuing the second).
 */
export function createBatcher<I, O>(options: {
  run: (items: readonly I[]) => Promise<O[]>;
  keyOf?: (item: I) => string;
  maxSize?: number;
  maxInFlight?: number;
  /** How long a batch keeps gathering before it is sent (0: until the end of this turn of the event loop). */
  lingerMs?: number;
}) {
  const { run, keyOf } = options;
  const maxSize = options.maxSize ?? 500;
  const maxInFlight = options.maxInFlight ?? 2;
  const lingerMs = options.lingerMs ?? 0;
  let queue: Array<{ item: I; resolve: (value: O) => void; reject: (err: unknown) => void }> = [];
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    // Gather everything issued in this turn of the event loop (or the linger) before sending.
    if (lingerMs > 0 && queue.length < maxSize) setTimeout(flush, lingerMs);
    else setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    if (inFlight >= maxInFlight || queue.length === 0) return;
    const batch: typeof queue = [];
    const rest: typeof queue = [];
    const keys = new Set<string>();
    for (const entry of queue) {
      const key = keyOf?.(entry.item);
      if (batch.length >= maxSize || (key !== undefined && keys.has(key))) rest.push(entry);
      else {
        if (key !== undefined) keys.add(key);
        batch.push(entry);
      }
    }
    queue = rest;
    inFlight += 1;
    // Through a promise even when `run` throws synchronously: the batch's callers get the error and
    // the in-flight count is always given back.
    Promise.resolve(batch.map((entry) => entry.item))
      .then(run)
      .then((results) => {
        if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} items got ${results.length} results`);
        batch.forEach((entry, i) => entry.resolve(results[i]!));
      })
      .catch((err: unknown) => batch.forEach((entry) => entry.reject(err)))
      .finally(() => {
        inFlight -= 1;
        schedule();
      });
    schedule();
  }

  return (item: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
