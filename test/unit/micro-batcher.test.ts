import { describe, expect, it } from "vitest";
import { MicroBatcher, refusedForItsData } from "../../src/db/micro-batcher.js";

/** A run whose statements finish only when the test says so. */
function controlledRun() {
  const calls: { items: number[]; finish: () => void; fail: (e: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({ items, finish: () => resolve(items.map((i) => i * 10)), fail: reject });
    });
  return { calls, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("MicroBatcher", () => {
  it("sends a lone call at once, alone", async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, 250, 2);
    const answer = batcher.submit(1);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    calls[0]!.finish();
    expect(await answer).toBe(10);
  });

  it("gathers the calls made while its statements run into the next one, each caller getting its own answer", async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, 250, 2);
    const first = [batcher.submit(1)];
    await tick();
    const second = [batcher.submit(2)];
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    // Two in flight: these wait, and go out together when one finishes.
    const waiting = [3, 4, 5].map((i) => batcher.submit(i));
    await tick();
    expect(calls).toHaveLength(2);
    calls[0]!.finish();
    expect(await first[0]).toBe(10);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4, 5]]);
    calls[1]!.finish();
    calls[2]!.finish();
    expect(await Promise.all([...second, ...waiting])).toEqual([20, 30, 40, 50]);
  });

  it("splits what waits into batches of at most maxBatch", async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, 2, 1);
    const answers = [1, 2, 3, 4, 5].map((i) => batcher.submit(i));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    calls[0]!.finish();
    await tick();
    calls[1]!.finish();
    await tick();
    calls[2]!.finish();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("fails the callers of a failed statement only, and carries on", async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, 250, 1);
    const failed = batcher.submit(1);
    await tick();
    const next = batcher.submit(2);
    calls[0]!.fail(new Error("connection lost"));
    await expect(failed).rejects.toThrow("connection lost");
    await tick();
    calls[1]!.finish();
    expect(await next).toBe(20);
  });

  it("runs a batch PostgreSQL refused for one item's data again item by item: only that item fails", async () => {
    // A statement refused whole when it carries item 3 (as PostgreSQL refuses a NUL in a text: 22021).
    const runs: number[][] = [];
    const run = async (items: number[]) => {
      runs.push(items);
      await tick();
      if (items.includes(3)) throw Object.assign(new Error("invalid byte sequence for encoding \"UTF8\": 0x00"), { code: "22021" });
      return items.map((i) => i * 10);
    };
    const batcher = new MicroBatcher(run, 250, 1, refusedForItsData);
    const answers = [1, 2, 3, 4, 5].map((i) => batcher.submit(i).then((v) => ({ v }), (e: Error) => ({ e: e.message })));
    expect(await Promise.all(answers)).toEqual([{ v: 10 }, { v: 20 }, { e: expect.stringContaining("0x00") }, { v: 40 }, { v: 50 }]);
    expect(runs).toEqual([[1, 2, 3, 4, 5], [1], [2], [3], [4], [5]]);
    // Any other failure (a lost connection: the statement may have run) fails the batch, run once.
    const lost = new MicroBatcher(async (items: number[]) => Promise.reject(Object.assign(new Error("Connection terminated"), { items })), 250, 1, refusedForItsData);
    const both = await Promise.allSettled([lost.submit(1), lost.submit(2)]);
    expect(both.map((b) => b.status)).toEqual(["rejected", "rejected"]);
    expect([refusedForItsData({ code: "23505" }), refusedForItsData({ code: "54000" }), refusedForItsData({ code: "40P01" }), refusedForItsData({ code: "ECONNRESET" }), refusedForItsData(null)]).toEqual([true, true, false, false, false]);
  });
});
