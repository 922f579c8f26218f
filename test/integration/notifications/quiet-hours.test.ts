/**
 * Quiet hours through to the morning send, with the real worker: a notice written inside the
 * window is deferred to the window's end, nothing reaches a provider meanwhile, and when the
 * window ends the worker really sends it. The window is set around the current time (QUIET_HOURS
 * has minute precision) and ends at the first whole minute at least 20 s after the worker is
 * started, so the test waits for the real "morning" rather than pretending.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

function hhmm(date: Date): string {
  const ict = new Date(date.getTime() + 7 * 3600_000);
  return `${String(ict.getUTCHours()).padStart(2, "0")}:${String(ict.getUTCMinutes()).padStart(2, "0")}`;
}

let s: NotifyStack;
let morning: Date;

beforeAll(async () => {
  // The window is fixed once the stack is up, just before the worker starts: setting up the
  // stack may take more than the margin on a loaded machine, and the notice must be written and
  // deferred before the window ends. Only the worker reads QUIET_HOURS (when it starts).
  s = await startNotifyStack({ worker: false });
  const now = Date.now();
  let end = Math.ceil(now / 60_000) * 60_000;
  if (end - now < 20_000) end += 60_000;
  morning = new Date(end);
  s.env.QUIET_HOURS = parseEnv({ ...process.env, QUIET_HOURS: `${hhmm(new Date(now - 3600_000))}-${hhmm(morning)}` }).QUIET_HOURS;
  await s.startWorker();
});
afterAll(() => s.close());

describe("quiet hours through to the morning send", () => {
  it("defers a notice written in the night to the window's end, then the worker sends it", async () => {
    const e = s.event(); // a citizen without a chat: ZNS by phone, not urgent
    expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
    const deferred = await s.waitFor(
      () => s.ctx.db.notice.findFirst({ where: { dossier: { code: e.dossierCode as string }, status: "DEFERRED" } }),
      "the notice to be deferred",
    );
    expect(deferred.notBefore?.getTime()).toBe(morning.getTime());
    expect(deferred.lastError).toMatch(/quiet hours/);
    expect(Date.now()).toBeLessThan(morning.getTime());
    expect(s.zalo.messages).toHaveLength(0);
    expect(s.twilio.messages).toHaveLength(0);

    // The morning: the worker sends it once the window has ended, and not before.
    const zns = await s.waitFor(async () => s.zalo.messages.find((m) => m.trackingId === deferred.id), "the morning ZNS", morning.getTime() - Date.now() + 20_000);
    expect(zns.at).toBeGreaterThanOrEqual(morning.getTime());
    expect(zns.at - morning.getTime()).toBeLessThan(15_000);
    const sent = await s.waitFor(async () => {
      const n = await s.ctx.db.notice.findUnique({ where: { id: deferred.id }, include: { attempts: true } });
      return n?.status === "DELIVERED" ? n : null;
    }, "the notice to be delivered");
    expect(sent.attempts.map((a) => [a.channel, a.status])).toEqual([["ZNS", "DELIVERED"]]);
    expect(s.twilio.messages).toHaveLength(0);
  }, 120_000);
});
