/**
 * Our webhook routes, over real HTTP, against the providers' test vectors (providers.md): the
 * signature our route checks is the one the provider computes, and a request signed any other way
 * is refused with 403 and applies nothing.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";

/** providers.md's formula, written here independently of the route: base64(HMAC-SHA1(token, url + sorted key+value)). */
function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join("");
  return createHmac("sha1", token).update(data, "utf8").digest("base64");
}

const ZALO_VECTOR = {
  body: '{"app_id":"123","event_name":"user_send_text","timestamp":"1700000000000"}',
  mac: "mac=ec2c28089bb8948661dfed5d5ed6cff449061724770f1f7cc4b926ff78619fe7",
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    PUBLIC_BASE_URL: "https://example.com",
    TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
    TWILIO_AUTH_TOKEN: "tok",
    TWILIO_FROM: "+15005550006",
    ZALO_APP_ID: "123",
    ZALO_OA_SECRET_KEY: "oasecret",
    ZALO_APP_SECRET: "unused",
    ZALO_REFRESH_TOKEN: "unused",
  });
});
afterAll(() => t.close());

describe("Twilio status callback signature, through our route", () => {
  it("the independent formula reproduces the providers.md vector", () => {
    expect(twilioSignature("tok", "https://example.com/cb?x=1", { MessageSid: "SM1", MessageStatus: "delivered", To: "+8491" })).toBe("8fiO0OpukV6P3WIQYv+DkInIilk=");
  });

  const path = "/webhooks/twilio/status?notice=00000000-0000-4000-8000-000000000000";
  const params = { MessageSid: "SM1", MessageStatus: "queued", To: "+8491", AccountSid: `AC${"0".repeat(32)}` };
  const post = (signature: string | null, body: Record<string, string> = params) =>
    fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(signature === null ? {} : { "x-twilio-signature": signature }) },
      body: new URLSearchParams(body).toString(),
    });

  it("accepts a callback signed over PUBLIC_BASE_URL + path + query and the posted parameters", async () => {
    const res = await post(twilioSignature("tok", `https://example.com${path}`, params));
    expect(res.status).toBe(204);
  });

  it("refuses a missing signature, another token's, another URL's, or tampered parameters", async () => {
    expect((await post(null)).status).toBe(403);
    expect((await post(twilioSignature("other", `https://example.com${path}`, params))).status).toBe(403);
    expect((await post(twilioSignature("tok", "https://example.com/webhooks/twilio/status", params))).status).toBe(403);
    expect((await post(twilioSignature("tok", `${t.baseUrl}${path}`, params))).status).toBe(403);
    expect((await post(twilioSignature("tok", `https://example.com${path}`, params), { ...params, MessageStatus: "delivered" })).status).toBe(403);
  });
});

describe("Zalo event signature, through our route", () => {
  const post = (mac: string, body = ZALO_VECTOR.body) =>
    fetch(`${t.baseUrl}/webhooks/zalo`, { method: "POST", headers: { "content-type": "application/json", "x-zevent-signature": mac }, body });

  it("accepts the providers.md vector's signature (the event, from 2023, is then ignored as stale)", async () => {
    const res = await post(ZALO_VECTOR.mac);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, ignored: "STALE_EVENT" });
  });

  it("refuses a wrong signature, or the vector's over a body changed by one byte", async () => {
    expect((await post(ZALO_VECTOR.mac.replace(/.$/, "0"))).status).toBe(403);
    expect((await post(ZALO_VECTOR.mac, ZALO_VECTOR.body.replace("1700000000000", "1700000000001"))).status).toBe(403);
    expect((await post(ZALO_VECTOR.mac, ZALO_VECTOR.body.replace('"123"', '"124"'))).status).toBe(403);
  });
});
