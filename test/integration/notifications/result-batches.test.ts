/**
 * The results of one job's notices are written together: a result whose provider answered waits
 * (a bounded time) for the job's other provider calls, so that answers coming back one by one
 * still make one statement, not one per few answers.
 */
import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Channel, DeliveryChannel, OutboundMessage } from "../../../src/channels/channel.js";
import { NoticeSender } from "../../../src/notifications/notice-sender.js";
import { createNotices, NoticeStore, viaPg } from "../../../src/notifications/notice-store.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
});
afterAll(() => s.close());

/** A citizen with a Telegram chat and a RECEIVED notice for each, queued. */
async function queuedNotices(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const citizenId = randomUUID();
    await s.ctx.pool.query(`INSERT INTO "Citizen" (id, "updatedAt") VALUES ($1, now())`, [citizenId]);
    await s.ctx.pool.query(`INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "updatedAt") VALUES (gen_random_uuid(), 'TELEGRAM', $1, $2, now())`, [
      String(9_000_000 + Math.floor(Math.random() * 1e8)),
      citizenId,
    ]);
    const [id] = await createNotices(viaPg(s.ctx.pool), [
      { type: "RECEIVED", citizenId, variables: { dossierCode: "H15.50.05.13-261124-000001", procedureName: "Đăng ký khai sinh", receivedDate: "02/12/2026", dueDate: "05/12/2026" }, urgent: false, dedupeKey: randomUUID() },
    ]);
    ids.push(id!);
  }
  return ids;
}

/** Turns of the event loop: the batcher sends what it gathered at the next one. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe("a job's results", () => {
  it("are written in one statement when its provider calls answer one after another", async () => {
    const ids = await queuedNotices(10);
    const store = new NoticeStore(s.ctx.pool);
    // The i-th call answers 10 × i turns of the event loop after it began: each answer on a turn of its own.
    let calls = 0;
    const telegram: Channel = {
      kind: "TELEGRAM" as DeliveryChannel,
      provider: "telegram",
      reconcilable: "never",
      send: async (_m: OutboundMessage) => {
        const mine = (calls += 1);
        await turns(10 * mine);
        return { providerMessageId: String(mine), delivered: true };
      },
    };
    const sender = new NoticeSender({
      pool: s.ctx.pool,
      store,
      channels: new Map([["TELEGRAM", telegram]]),
      scheduler: { send: async () => undefined, receiptCheck: async () => undefined },
      logger: pino({ level: "silent" }),
      limiter: null,
      quietHours: null,
      smsSegmentBudget: 3,
      znsTemplates: {},
      twilioPerSecond: 10,
      concurrency: 50,
      // No time limit here: the test is about the gathering, not about a loaded machine's timers.
      resultGatherMs: 600_000,
    });
    const statements = vi.spyOn(NoticeStore.prototype as unknown as { resultMany: (items: unknown[]) => Promise<unknown[]> }, "resultMany");
    try {
      expect(await sender.processMany(ids)).toEqual(ids.map(() => "delivered"));
      expect(calls).toBe(10);
      expect(statements).toHaveBeenCalledTimes(1);
      expect(statements.mock.calls[0]![0]).toHaveLength(10);
      const delivered = await s.ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notice" WHERE id = ANY($1::uuid[]) AND status = 'DELIVERED'`, [ids]);
      expect(delivered.rows[0]!.n).toBe(10);
    } finally {
      statements.mockRestore();
      await store.close();
    }
  });
});
