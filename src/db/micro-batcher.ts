/**
 * Gathers the calls made in the same moment by concurrent jobs into one statement (the
 * DataLoader pattern): a hundred workers claiming a hundred notices cost one round trip, not a
 * hundred. Each caller still gets its own answer.
 *
 * At most `maxInFlight` statements of one batcher run at once; calls made meanwhile wait for the
 * next one. Under light load a call goes out at once, alone (nothing is in flight, so nothing is
 * waited for); under load the batches grow by themselves with the rate of calls, instead of many
 * small statements running side by side, each planned and executed for a few rows.
 */
export class MicroBatcher<I, O> {
  private pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 250,
    private readonly maxInFlight = 2,
    /**
     * Whether a batch refused with this error is run again one item at a time, so that one item
     * PostgreSQL refuses fails alone (see `refusedForItsData`). Only for errors that prove the
     * statement changed nothing; by default none is.
     */
    private readonly oneByOne: (error: unknown) => boolean = () => false,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length && this.inFlight < this.maxInFlight) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight += 1;
      let results: Promise<O[]>;
      try {
        results = this.run(batch.map((b) => b.item));
      } catch (error) {
        results = Promise.reject(error);
      }
      results
        .then(
          (out) => batch.forEach((b, i) => b.resolve(out[i]!)),
          async (error) => {
            if (batch.length > 1 && this.oneByOne(error)) await Promise.all(batch.map((b) => this.run([b.item]).then((out) => b.resolve(out[0]!), b.reject)));
            else batch.forEach((b) => b.reject(error));
          },
        )
        .finally(() => {
          this.inFlight -= 1;
          // What gathered while this batch ran goes out now, as one statement.
          if (this.pending.length) this.flush();
        });
    }
  }
}

/**
 * PostgreSQL refused the statement for the data it carried (SQLSTATE class 22, a data exception:
 * a NUL in a text, a number out of range; 23, a constraint; 54, a limit): the statement changed
 * nothing, and the same items sent one by one fail only where the fault is.
 */
export function refusedForItsData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}
