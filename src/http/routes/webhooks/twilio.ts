/**
 * Twilio webhooks, X-Twilio-Signature verified on each (403 otherwise, nothing stored):
 * - status callbacks (/webhooks/twilio/status): statuses only move forward;
 * - incoming messages (/webhooks/twilio/sms, the number's "A message comes in" URL): each
 *   MessageSid taken once (ProcessedWebhook), then handed to the chat bot, which answers by SMS.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import twilio from "twilio";
import { z } from "zod";
import { ForbiddenError } from "../../../auth/api-keys.js";
import type { ReceiptService, ReceiptStatus } from "../../../notifications/receipts.js";
import type { Db } from "../../../db/client.js";
import { parseOrThrow } from "../../errors.js";

/** The notice id the bot's SMS replies carry in their status callback: no notice of ours, nothing to apply. */
export const SMS_REPLY_NOTICE = "sms-reply";

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
    const noticeId = (request.query as { notice?: string }).notice;
    if (status && noticeId !== SMS_REPLY_NOTICE) {
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

/** What Twilio posts for a message to the service's number (../shared/reference/providers.md §Twilio). */
const incoming = z.object({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/, "must be a Twilio message SID"),
  AccountSid: z.string().min(1, "AccountSid is required"),
  From: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number"),
  To: z.string().min(1, "To is required"),
  // A message holds at most 1,600 characters (an emoji is one, two UTF-16 units): anything longer did not come by SMS.
  Body: z
    .string()
    .max(3200, "must be at most 1600 characters")
    .refine((b) => Array.from(b).length <= 1600, "must be at most 1600 characters")
    .default(""),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
  MediaContentType0: z.string().max(200).optional(),
});

export interface IncomingSms {
  messageSid: string;
  /** The citizen's phone, E.164: the conversation. */
  from: string;
  body: string;
  numMedia: number;
  /** The first attachment's MIME type (an MMS). */
  mediaType?: string;
}

/** An empty TwiML answer: Twilio sends nothing itself (the bot's reply goes through the API). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Incoming SMS: signature checked over the URL Twilio posted to (PUBLIC_BASE_URL and the path),
 * the body validated, the MessageSid recorded (a delivery Twilio repeats is answered, not handled
 * again), then the bot's turn, awaited so the answer is on its way when Twilio hears back; a turn
 * that fails is logged and still answered 200 (Twilio would only repeat it).
 */
export function registerTwilioSmsWebhook(
  app: FastifyInstance,
  deps: { authToken: string | undefined; publicBaseUrl: string; db: Db; logger: Logger; onMessage?: (sms: IncomingSms) => Promise<void> },
): void {
  app.post("/webhooks/twilio/sms", async (request, reply) => {
    const params = (request.body ?? {}) as Record<string, string>;
    if (!verifyTwilioSignature(deps.authToken, request.headers["x-twilio-signature"], `${deps.publicBaseUrl}${request.url}`, params)) {
      throw new ForbiddenError("X-Twilio-Signature không hợp lệ (invalid Twilio signature)");
    }
    const body = parseOrThrow(incoming, params, "body");
    const first = await deps.db.$executeRaw`INSERT INTO "ProcessedWebhook" (source, "externalId") VALUES ('twilio-sms', ${body.MessageSid}) ON CONFLICT DO NOTHING`;
    if (first === 1 && deps.onMessage) {
      await deps
        .onMessage({ messageSid: body.MessageSid, from: body.From, body: body.Body, numMedia: body.NumMedia, ...(body.MediaContentType0 ? { mediaType: body.MediaContentType0 } : {}) })
        .catch((error: unknown) => deps.logger.error({ err: error }, "sms bot reply failed"));
    }
    return reply.status(200).type("text/xml").send(EMPTY_TWIML);
  });
}
