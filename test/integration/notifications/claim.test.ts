/**
 * The sender reads a notice, then claims it — with its attempt, in one statement, when the call can
 * go at once — only over the row as it was read: a notice that changed meanwhile (another job took
 * it and put it back, a retry, a fallback) is not claimed on stale data, and two jobs for the same
 * notice write one attempt between them.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotices, viaPg, type AttemptInput } from "../../../src/notifications/notice-store.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
});
afterAll(() => s.close());

async function queuedNotice(): Promise<string> {
  const citizenId = randomUUID();
  await s.ctx.pool.query(`INSERT INTO "Citizen" (id, phone, "updatedAt") VALUES ($1, $2, now())`, [citizenId, `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`]);
  const [id] = await createNotices(viaPg(s.ctx.pool), [{ type: "RECEIVED", citizenId, variables: { dossierCode: "X" }, urgent: false, dedupeKey: randomUUID() }]);
  return id!;
}

const attempt = (noticeId: string, version: string): AttemptInput => ({
  attemptId: randomUUID(),
  noticeId,
  claimToken: randomUUID(),
  version,
  channel: "SMS",
  recipient: "+84910000000",
  text: "t",
  segments: 1,
  plan: ["SMS"],
  index: 0,
});

const attempts = async (noticeId: string) => (await s.ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "NoticeAttempt" WHERE "noticeId" = $1`, [noticeId])).rows[0]!.n;

describe("claiming a notice as it was read", () => {
  it("claims it with its attempt in one statement, and only once", async () => {
    const id = await queuedNotice();
    const read = await s.ctx.notices.read(id);
    expect(read).not.toBeNull();
    const mine = attempt(id, read!.version);
    expect(await s.ctx.notices.claimAndAttempt(mine)).toBe(1);
    const row = await s.ctx.pool.query(`SELECT status, "claimToken", "channelPlan"::text[] AS plan FROM "Notice" WHERE id = $1`, [id]);
    expect(row.rows[0]).toMatchObject({ status: "SENDING", claimToken: mine.claimToken, plan: ["SMS"] });
    // Claimed: no longer due, and a second claim over the same read writes nothing.
    expect(await s.ctx.notices.read(id)).toBeNull();
    expect(await s.ctx.notices.claimAndAttempt(attempt(id, read!.version))).toBeNull();
    expect(await attempts(id)).toBe(1);
  });

  it("does not claim a notice that changed since it was read, even when it is due again", async () => {
    const id = await queuedNotice();
    const stale = await s.ctx.notices.read(id);
    // Meanwhile another job claims it and puts it back (a retry due at once).
    const token = randomUUID();
    expect(await s.ctx.notices.claim(id, token, stale!.version)).toBe(true);
    await s.ctx.notices.retry(id, token, 0, "retry");
    expect(await s.ctx.notices.claimAndAttempt(attempt(id, stale!.version))).toBeNull();
    expect(await s.ctx.notices.claim(id, randomUUID(), stale!.version)).toBe(false);
    expect(await attempts(id)).toBe(0);
    // Read again, it is claimed.
    const fresh = await s.ctx.notices.read(id);
    expect(fresh!.version).not.toBe(stale!.version);
    expect(await s.ctx.notices.claimAndAttempt(attempt(id, fresh!.version))).toBe(1);
  });

  it("two jobs for the same notice at the same moment write one attempt between them", async () => {
    const id = await queuedNotice();
    const [a, b] = await Promise.all([s.ctx.notices.read(id), s.ctx.notices.read(id)]);
    const answers = await Promise.all([s.ctx.notices.claimAndAttempt(attempt(id, a!.version)), s.ctx.notices.claimAndAttempt(attempt(id, b!.version))]);
    expect(answers.filter((n) => n === 1)).toHaveLength(1);
    expect(answers.filter((n) => n === null)).toHaveLength(1);
    expect(await attempts(id)).toBe(1);
  });
});
