/**
 * The worker's scheduled jobs (the announcements' tick, the overdue watch, the report drafts,
 * housekeeping) leave nothing behind in Redis once run: a run kept there would stay for good, and
 * the tick alone runs every few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB } from "../../../queues/names.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ env: { RATE_LIMITS: "off", BROADCAST_TICK_MS: "200" } });
});
afterAll(async () => {
  await s?.close();
});

describe("scheduled jobs", () => {
  it("runs the announcements' tick again and again, and keeps none of its finished runs", async () => {
    let ticks = 0;
    s.worker!.worker.on("completed", (job) => {
      if (job.name === JOB.broadcastTick) ticks += 1;
    });
    await s.waitFor(async () => ticks >= 6, "six ticks run", 30_000);
    const { queue } = s.ctx.queue;
    // every schedule is there (the Zalo token's too when Zalo is configured, as here)
    expect((await queue.getJobSchedulers()).map((j) => j.key).sort()).toEqual(["broadcast-tick", "housekeeping", "overdue-digest", "overdue-watch", "report-prepare", "zalo-token-refresh"]);
    expect(await queue.getJobCountByTypes("completed", "failed")).toBe(0);
    // the runs' own keys: only the next one waiting (and at most one running) is left
    const runs: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await s.ctx.redis.scan(cursor, "MATCH", queue.toKey("repeat:broadcast-tick:*"), "COUNT", 1000);
      cursor = next;
      runs.push(...keys.filter((k) => !/:(logs|lock)$/.test(k)));
    } while (cursor !== "0");
    expect(runs.length).toBeLessThanOrEqual(2);
  });
});
