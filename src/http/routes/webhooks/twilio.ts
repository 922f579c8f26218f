/** Twilio status callbacks: X-Twilio-Signature verified; statuses only move forward. */
import type { FastifyInstance } from "fastify";
import twilio from "twilio";
import { z } from "zod";
import { ForbiddenError } from "../../../auth/api-keys.js";
import type { ReceiptService, ReceiptStatus } from "../../../notifications/receipts.js";
import { parseOrThrow } from "../../errors.js";

const callback = z.object({
  MessageSid: z.string().min(1, "MessageSid is required"),
  MessageStatus: z.string().min(1, "MessageStatus is required"),
  ErrorCode: z.string().optional(),
});

export function twilioStatus(status: string): ReceiptStatus | null {
  switch (status.toLowerCase()) {
    case "delivered":
    case "read":
      return "delivered";
    case "undelivered":
    case "failed":
      return "failed";
    case "sent":
      return "sent";
    default:
      return null; // queued, accepted, sending, scheduled: nothing to record
  }
}

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + each POST parameter's key and value, keys
 * sorted)), checked by twilio-node. `url` is the address Twilio posted to, as configured in
 * StatusCallback: PUBLIC_BASE_URL and the path with its query.
 */
export function verifyTwilioSignature(authToken: string | undefined, signature: unknown, url: string, params: Record<string, string>): boolean {
  if (!authToken || typeof signature !== "string" || signature === "") return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

export function registerTwilioWebhook(app: FastifyInstance, deps: { authToken: string | undefined; publicBaseUrl: string; receipts: ReceiptService }): void {
  app.post("/webhooks/twilio/status", async (request, reply) => {
    const signature = request.headers["x-twilio-signature"];
    const params = (request.body ?? {}) as Record<string, string>;
    if (!verifyTwilioSignature(deps.authToken, signature, `${deps.publicBaseUrl}${request.url}`, params)) {
      throw new ForbiddenError("X-Twilio-Signature không hợp lệ (invalid Twilio signature)");
    }
    const body = parseOrThrow(callback, params, "body");
    const status = twilioStatus(body.MessageStatus);
    if (status) {
      const noticeId = (request.query as { notice?: string }).notice;
      await deps.receipts.apply({
        providerMessageId: body.MessageSid,
        ...(noticeId ? { noticeId } : {}),
        channel: "SMS",
        status,
        errorCode: body.ErrorCode ?? null,
      });
    }
    return reply.status(204).send();
  });
}
