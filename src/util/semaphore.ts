/** Runs at most `limit` tasks at once; the rest wait their turn in order. */
export function createSemaphore(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else running += 1;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next(); // the slot passes straight to the next task
        else running -= 1;
      }
    },
    get running() {
      return running;
    },
  };
}
