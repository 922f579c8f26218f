/**
 * A delivery receipt can outrun the provider's answer to our send call (Zalo posts its receipt
 * within milliseconds; a busy worker records the send later). Such a receipt is held and applied
 * the moment the send is recorded — never lost, so a delivered message is never "undelivered" at
 * its deadline and sent again on the next channel.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotices, viaPg } from "../../../src/notifications/notice-store.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
});
afterAll(() => s.close());

/** A notice claimed and its Zalo attempt under way (the provider called, its answer not recorded yet). */
async function inFlight(plan: ("ZALO_OA" | "SMS")[]) {
  const citizenId = randomUUID();
  await s.ctx.pool.query(`INSERT INTO "Citizen" (id, phone, "updatedAt") VALUES ($1, $2, now())`, [citizenId, `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`]);
  const [noticeId] = await createNotices(viaPg(s.ctx.pool), [{ type: "RECEIVED", citizenId, variables: { dossierCode: "X" }, urgent: false, dedupeKey: randomUUID(), channelPlan: plan }]);
  const claimToken = randomUUID();
  const read = await s.ctx.notices.read(noticeId!);
  expect(read).not.toBeNull();
  const attemptId = randomUUID();
  expect(await s.ctx.notices.claimAndAttempt({ attemptId, noticeId: noticeId!, claimToken, version: read!.version, channel: "ZALO_OA", recipient: "u1", text: "t", segments: null, plan, index: 0 })).toBe(1);
  return { noticeId: noticeId!, claimToken, attemptId, providerMessageId: `msg-${randomUUID()}` };
}

describe("receipts that arrive before their send is recorded", () => {
  it("a 'delivered' receipt is held, then applied when the send is recorded", async () => {
    const f = await inFlight(["ZALO_OA", "SMS"]);
    expect(await s.ctx.receipts.apply({ channel: "ZALO_OA", providerMessageId: f.providerMessageId, status: "delivered" }, 2)).toBe("unknown");
    expect(await s.ctx.db.earlyReceipt.count({ where: { providerMessageId: f.providerMessageId } })).toBe(1);
    const requeued = await s.ctx.notices.result({ ...f, channel: "ZALO_OA", delivered: false, outcome: "sent", segments: null, checkAt: new Date(Date.now() + 60_000) });
    expect(requeued).toBeNull();
    const notice = await s.ctx.db.notice.findUniqueOrThrow({ where: { id: f.noticeId }, include: { attempts: true } });
    expect(notice.status).toBe("DELIVERED");
    expect(notice.checkAt).toBeNull();
    expect(notice.attempts[0]!.status).toBe("DELIVERED");
    expect(await s.ctx.db.earlyReceipt.count({ where: { providerMessageId: f.providerMessageId } })).toBe(0);
  });

  it("a 'failed' receipt held the same way moves the notice to its next channel once the send is recorded", async () => {
    const f = await inFlight(["ZALO_OA", "SMS"]);
    await s.ctx.receipts.apply({ channel: "ZALO_OA", providerMessageId: f.providerMessageId, status: "failed", errorCode: "-201" }, 1);
    const requeued = await s.ctx.notices.result({ ...f, channel: "ZALO_OA", delivered: false, outcome: "sent", segments: null, checkAt: new Date(Date.now() + 60_000) });
    expect(requeued).toBe(f.noticeId);
    const notice = await s.ctx.db.notice.findUniqueOrThrow({ where: { id: f.noticeId } });
    expect(notice).toMatchObject({ status: "QUEUED", channelIndex: 1 });
  });

  it("a receipt for a message that is not ours is dropped after an hour", async () => {
    await s.ctx.receipts.apply({ channel: "ZALO_OA", providerMessageId: "not-ours", status: "delivered" }, 1);
    await s.ctx.pool.query(`UPDATE "EarlyReceipt" SET "receivedAt" = now() - interval '2 hours' WHERE "providerMessageId" = 'not-ours'`);
    expect(await s.ctx.notices.dropStaleEarlyReceipts()).toBeGreaterThanOrEqual(1);
    expect(await s.ctx.db.earlyReceipt.count({ where: { providerMessageId: "not-ours" } })).toBe(0);
  });
});
