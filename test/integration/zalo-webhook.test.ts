/**
 * The Zalo webhook against signed events, over real HTTP: stale and far-future events change
 * nothing, and follow/unfollow are applied in the order of their timestamps, not of their arrival.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zaloSignature } from "../../src/channels/zalo/webhook-signature.js";
import { startTestApp, type TestApp } from "../support/app.js";

const appId = "9876543210";
const oaSecret = "ops-test-oa-secret";
let t: TestApp;
let url = "";

beforeAll(async () => {
  // No OAuth is called here; the app secret and refresh token only complete the Zalo settings.
  t = await startTestApp({ ZALO_APP_ID: appId, ZALO_OA_SECRET_KEY: oaSecret, ZALO_APP_SECRET: "unused", ZALO_REFRESH_TOKEN: "unused" });
  url = `${t.baseUrl}/webhooks/zalo`;
});
afterAll(() => t.close());

async function post(event: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(event);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-zevent-signature": zaloSignature(appId, raw, String(event.timestamp ?? ""), oaSecret) },
    body: raw,
  });
  return { status: res.status, body: await res.json() };
}

const followEvent = (userId: string, name: "follow" | "unfollow", at: number) => ({
  oa_id: "5799999999999999999",
  follower: { id: userId },
  user_id_by_app: "552177279717587730",
  event_name: name,
  source: "oa_profile",
  app_id: appId,
  timestamp: String(at),
});

const newUser = () => `81${BigInt(`0x${randomBytes(7).toString("hex")}`).toString().padStart(17, "0").slice(0, 17)}`;
const identity = (userId: string) => t.ctx.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: "ZALO_OA", externalId: userId } } });

describe("Zalo webhook: freshness", () => {
  it("ignores a signed event older than 15 minutes, answering 200 with the reason", async () => {
    const user = newUser();
    const res = await post(followEvent(user, "follow", Date.now() - 16 * 60_000));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, ignored: "STALE_EVENT" });
    expect(res.body.message).toMatch(/older than 15 minutes/);
    expect(await identity(user)).toBeNull();
  });

  it("ignores a replayed user message: no interaction recorded, nothing handed to the bot", async () => {
    const user = newUser();
    const msgId = `m-${randomBytes(6).toString("hex")}`;
    const res = await post({ app_id: appId, sender: { id: user }, recipient: { id: "5799999999999999999" }, event_name: "user_send_text", message: { text: "xin chào", msg_id: msgId }, timestamp: String(Date.now() - 60 * 60_000) });
    expect(res.body).toMatchObject({ ok: false, ignored: "STALE_EVENT" });
    expect(await identity(user)).toBeNull();
    expect(await t.ctx.db.processedWebhook.count({ where: { source: "zalo", externalId: msgId } })).toBe(0);
  });

  it("ignores an event stamped far in the future", async () => {
    const user = newUser();
    const res = await post(followEvent(user, "unfollow", Date.now() + 10 * 60_000));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, ignored: "FUTURE_EVENT" });
    expect(await identity(user)).toBeNull();
  });

  it("applies a fresh event (a few minutes old, or a little ahead of our clock)", async () => {
    const user = newUser();
    expect((await post(followEvent(user, "follow", Date.now() - 5 * 60_000))).body).toEqual({ ok: true });
    expect(await identity(user)).toMatchObject({ reachable: true });
    expect((await post(followEvent(user, "unfollow", Date.now() + 30_000))).body).toEqual({ ok: true });
    expect(await identity(user)).toMatchObject({ reachable: false });
  });

  it("refuses a timestamp that is not epoch milliseconds", async () => {
    const res = await post({ ...followEvent(newUser(), "follow", 0), timestamp: "yesterday" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/timestamp/);
  });
});

describe("Zalo webhook: follow and unfollow in timestamp order", () => {
  it("an older unfollow arriving after a newer follow changes nothing", async () => {
    const user = newUser();
    const now = Date.now();
    await post(followEvent(user, "follow", now - 60_000));
    expect((await post(followEvent(user, "unfollow", now - 120_000))).body).toEqual({ ok: true });
    const row = await identity(user);
    expect(row).toMatchObject({ reachable: true });
    expect(row?.followChangedAt?.getTime()).toBe(now - 60_000);
  });

  it("a newer unfollow applies; a follow older than it, arriving after, does not; the same event twice changes nothing", async () => {
    const user = newUser();
    const now = Date.now();
    await post(followEvent(user, "follow", now - 180_000));
    await post(followEvent(user, "unfollow", now - 60_000));
    expect(await identity(user)).toMatchObject({ reachable: false });
    await post(followEvent(user, "follow", now - 120_000));
    expect(await identity(user)).toMatchObject({ reachable: false });
    expect((await identity(user))?.followChangedAt?.getTime()).toBe(now - 60_000);
    await post(followEvent(user, "unfollow", now - 60_000));
    expect(await identity(user)).toMatchObject({ reachable: false });
    await post(followEvent(user, "follow", now - 1000));
    const row = await identity(user);
    expect(row).toMatchObject({ reachable: true });
    expect(row?.lastInteractionAt?.getTime()).toBe(now - 1000);
  });
});
