/**
 * Group commit's scheduling: a lone item is written at once; while runs are under way, a further
 * run starts only for `minBusyGroup` waiting items, and fewer wait until no run is under way;
 * never more than `maxRunning` runs at once; every item gets its own answer.
 */
import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/db/group-commit.js";

const turn = () => new Promise((r) => setImmediate(r));

/** A writer whose runs end when the test says so; it records the groups it was given. */
function writer(options: { maxRunning: number; maxGroup: number; minBusyGroup?: number }) {
  const groups: number[][] = [];
  const open: (() => void)[] = [];
  let running = 0;
  let most = 0;
  const commit = new GroupCommit<number, number>(
    async (group) => {
      groups.push(group.map((g) => g.item));
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((r) => open.push(r));
      running -= 1;
      for (const g of group) g.resolve(g.item * 10);
    },
    options,
  );
  return {
    commit,
    groups,
    most: () => most,
    /** Ends the oldest run still under way. */
    finish: async () => {
      open.shift()!();
      await turn();
      await turn();
    },
  };
}

describe("group commit", () => {
  it("writes a lone item at once; while a run is under way, starts another only for minBusyGroup waiting items", async () => {
    const w = writer({ maxRunning: 4, maxGroup: 100, minBusyGroup: 3 });
    const answers: Promise<number>[] = [w.commit.submit(1)];
    await turn();
    expect(w.groups).toEqual([[1]]);
    // Two more while the first run is under way: fewer than 3, they wait.
    answers.push(w.commit.submit(2), w.commit.submit(3));
    await turn();
    expect(w.groups).toEqual([[1]]);
    // A third: now 3 wait, and a second run starts with them.
    answers.push(w.commit.submit(4));
    await turn();
    expect(w.groups).toEqual([[1], [2, 3, 4]]);
    // One more waits while any run is under way (too few to start another), and goes when none is.
    answers.push(w.commit.submit(5));
    await turn();
    await w.finish();
    expect(w.groups).toEqual([[1], [2, 3, 4]]);
    await w.finish();
    expect(w.groups).toEqual([[1], [2, 3, 4], [5]]);
    await w.finish();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
    expect(w.commit.idle).toBe(true);
  });

  it("never runs more than maxRunning at once, and groups no more than maxGroup", async () => {
    const w = writer({ maxRunning: 2, maxGroup: 4, minBusyGroup: 1 });
    const answers = Array.from({ length: 20 }, (_, i) => w.commit.submit(i));
    await turn();
    expect(w.groups).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    while (w.groups.flat().length < 20 || !w.commit.idle) await w.finish();
    expect(w.most()).toBe(2);
    expect(w.groups.every((g) => g.length <= 4)).toBe(true);
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
  });
});
