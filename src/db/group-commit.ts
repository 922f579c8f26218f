/**
 * Group commit: items submitted while the writer is busy are written together, in one
 * transaction, by the next run. At most `maxRunning` runs are under way at once. When none is, an
 * item waits no more than the rest of the current event-loop turn (items arriving in the same turn
 * go together), so a lone item is written at once. While runs are under way, a further one starts
 * only for at least `minBusyGroup` waiting items; fewer wait until that many have come or no run
 * is under way: a crowd costs a few large transactions, not many small ones that each pay a
 * commit and two round trips, and the concurrency is there when the queue needs it.
 */
export class GroupCommit<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    /** Writes a group; settles every item of it (each with its own answer or error). */
    private readonly run: (group: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[]) => Promise<void>,
    private readonly options: { maxRunning: number; maxGroup: number; minBusyGroup?: number; onIdle?: () => void },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Whether nothing is queued or being written. */
  get idle(): boolean {
    return this.queue.length === 0 && this.running === 0 && !this.scheduled;
  }

  private pump(): void {
    const least = this.options.minBusyGroup ?? 1;
    while (this.running < this.options.maxRunning && this.queue.length && (this.running === 0 || this.queue.length >= least)) {
      const group = this.queue.splice(0, this.options.maxGroup);
      this.running += 1;
      this.run(group)
        .catch((error: unknown) => group.forEach((g) => g.reject(error)))
        .finally(() => {
          this.running -= 1;
          if (this.queue.length) this.pump();
          else if (this.idle) this.options.onIdle?.();
        });
    }
  }
}
