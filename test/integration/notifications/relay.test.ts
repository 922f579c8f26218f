/** The outbox relay's sweep puts a whole backlog back in the queue in one pass, once per notice. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NoticeRelay } from "../../../queues/relay.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
});
afterAll(() => s.close());

describe("the relay's sweep", () => {
  it("enqueues a backlog larger than one page in a single pass, and never twice", async () => {
    const total = 12_345; // more than two pages of 5,000
    await s.ctx.pool.query(
      `INSERT INTO "Notice" (id, type, "channelPlan", variables, "dedupeKey", "createdAt", "updatedAt")
         SELECT gen_random_uuid(), 'RECEIVED', '{}', '{}'::jsonb, 'backlog-' || g, now() - interval '1 hour' + g * interval '1 millisecond', now() - interval '1 hour'
           FROM generate_series(1, $1) g`,
      [total],
    );
    // Same creation time for a run of notices: the page boundary must not skip or repeat them.
    await s.ctx.pool.query(`UPDATE "Notice" SET "createdAt" = now() - interval '30 minutes' WHERE "dedupeKey" IN (SELECT 'backlog-' || g FROM generate_series(4990, 5010) g)`);
    // A notice already sent, and one deferred to tomorrow: neither is queued.
    await s.ctx.pool.query(
      `INSERT INTO "Notice" (id, type, "channelPlan", variables, "dedupeKey", status, "notBefore", "createdAt", "updatedAt")
         VALUES (gen_random_uuid(), 'RECEIVED', '{}', '{}'::jsonb, 'done', 'SENT', NULL, now() - interval '1 hour', now() - interval '1 hour'),
                (gen_random_uuid(), 'RECEIVED', '{}', '{}'::jsonb, 'tomorrow', 'DEFERRED', now() + interval '1 day', now() - interval '1 hour', now() - interval '1 hour')`,
    );
    const relay = new NoticeRelay({ databaseUrl: s.databaseUrl, store: s.ctx.notices, queue: s.ctx.queue, logger: s.ctx.logger, sweepMs: 60_000, claimLeaseMs: 120_000 });
    await relay.sweep();
    await relay.sweep(); // a second pass finds the same notices already waiting
    await relay.stop();

    const jobs = await s.ctx.queue.queue.getJobs(["waiting", "delayed", "prioritized"], 0, -1);
    // Batch jobs of the notices, each notice in exactly one of them.
    const ids = jobs.flatMap((j) => (j.data as { noticeIds: string[] }).noticeIds);
    expect(jobs.every((j) => j.name === "notice.send-batch" && (j.data as { noticeIds: string[] }).noticeIds.length <= 50)).toBe(true);
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
    const queued = await s.ctx.pool.query<{ id: string }>(`SELECT id FROM "Notice" WHERE "dedupeKey" LIKE 'backlog-%'`);
    expect(new Set(ids)).toEqual(new Set(queued.rows.map((r) => r.id)));

    // A worker done with some of them (their job ended while they are still due: say it ran before
    // the database answered) clears their marks: the next sweep queues those again, and only those.
    const done = ids.slice(0, 7);
    await s.ctx.queue.unmark(done);
    const again = new NoticeRelay({ databaseUrl: s.databaseUrl, store: s.ctx.notices, queue: s.ctx.queue, logger: s.ctx.logger, sweepMs: 60_000, claimLeaseMs: 120_000 });
    await again.sweep();
    await again.stop();
    const after = (await s.ctx.queue.queue.getJobs(["waiting", "delayed", "prioritized"], 0, -1)).flatMap((j) => (j.data as { noticeIds: string[] }).noticeIds);
    expect(after.length).toBe(total + done.length);
    expect(after.filter((id) => done.includes(id)).length).toBe(2 * done.length);
  });
});
