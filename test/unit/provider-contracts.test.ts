import { describe, expect, it } from "vitest";
import { telegramError, twilioError, zaloError } from "../../src/channels/classify.js";
import { verifyZaloSignature, zaloSignature } from "../../src/channels/zalo/webhook-signature.js";
import { verifyTwilioSignature } from "../../src/http/routes/webhooks/twilio.js";

describe("provider signatures (test vectors from providers.md)", () => {
  it("Zalo: sha256(appId + body + timestamp + OA secret)", () => {
    const body = '{"app_id":"123","event_name":"user_send_text","timestamp":"1700000000000"}';
    expect(zaloSignature("123", body, "1700000000000", "oasecret")).toBe("mac=ec2c28089bb8948661dfed5d5ed6cff449061724770f1f7cc4b926ff78619fe7");
    expect(verifyZaloSignature("mac=ec2c28089bb8948661dfed5d5ed6cff449061724770f1f7cc4b926ff78619fe7", "123", body, "1700000000000", "oasecret")).toBe(true);
    expect(verifyZaloSignature("mac=ec2c", "123", body, "1700000000000", "oasecret")).toBe(false);
    expect(verifyZaloSignature(undefined, "123", body, "1700000000000", "oasecret")).toBe(false);
  });

  it("Twilio: our verifier accepts the vector's signature and nothing else", () => {
    const params = { MessageSid: "SM1", MessageStatus: "delivered", To: "+8491" };
    const url = "https://example.com/cb?x=1";
    expect(verifyTwilioSignature("tok", "8fiO0OpukV6P3WIQYv+DkInIilk=", url, params)).toBe(true);
    expect(verifyTwilioSignature("tok", "8fiO0OpukV6P3WIQYv+DkInIilk=", url, { ...params, MessageStatus: "failed" })).toBe(false);
    expect(verifyTwilioSignature("tok", "8fiO0OpukV6P3WIQYv+DkInIilk=", "https://example.com/cb?x=2", params)).toBe(false);
    expect(verifyTwilioSignature("other", "8fiO0OpukV6P3WIQYv+DkInIilk=", url, params)).toBe(false);
    expect(verifyTwilioSignature("tok", undefined, url, params)).toBe(false);
    expect(verifyTwilioSignature("tok", "", url, params)).toBe(false);
    expect(verifyTwilioSignature(undefined, "8fiO0OpukV6P3WIQYv+DkInIilk=", url, params)).toBe(false);
  });
});

describe("error classification", () => {
  it("Zalo OA and ZNS", () => {
    expect(zaloError(-213, "", "oa").failure).toBe("fallback");
    expect(zaloError(-230, "", "oa").failure).toBe("fallback");
    expect(zaloError(-216, "", "oa").failure).toBe("refresh");
    expect(zaloError(-124, "", "zns").failure).toBe("refresh");
    expect(zaloError(-32, "", "oa").failure).toBe("retry");
    expect(zaloError(-234, "", "oa").failure).toBe("defer");
    expect(zaloError(-133, "", "zns").failure).toBe("defer");
    expect(zaloError(-118, "", "zns").failure).toBe("fallback");
  });

  it("Telegram", () => {
    expect(telegramError(429, "Too Many Requests: retry after 35", 35)).toMatchObject({ failure: "retry", retryAfterMs: 35_000 });
    expect(telegramError(403, "Forbidden: bot was blocked by the user").failure).toBe("fallback");
    expect(telegramError(502, "Bad Gateway").failure).toBe("retry");
    expect(telegramError(400, "Bad Request: chat not found").failure).toBe("fallback");
  });

  it("Twilio", () => {
    expect(twilioError(400, 21211, "invalid To").failure).toBe("fallback");
    expect(twilioError(400, 21610, "unsubscribed").failure).toBe("opted_out");
    expect(twilioError(429, 20429, "Too Many Requests").failure).toBe("retry");
    expect(twilioError(503, undefined, "unavailable").failure).toBe("retry");
  });
});
