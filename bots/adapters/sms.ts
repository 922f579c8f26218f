/**
 * SMS adapter: a citizen's text message to the service's Twilio number arrives on POST
 * /webhooks/twilio/sms (signature checked, each MessageSid taken once); the conversation is the
 * phone (E.164), so proofs, bookings and one-time codes work as on the other channels, the phone
 * being the client whose wrong proofs are counted. The engine's replies go back as one SMS through
 * the SMS channel (twilio-node, the client notices are sent with), without diacritics and within
 * SMS_REPLY_SEGMENT_BUDGET segments (fitSms): the choices numbered ("Tra loi 1: …, 2: …", answered
 * with the number or the label), a longer answer cut saying where to read it whole (the web chat).
 *
 * Only Vietnamese numbers are answered. Each reply costs: at most SMS_REPLIES_PER_HOUR go to one phone in an hour, counted in
 * PostgreSQL (SmsReply, with the segments billed); past that, one last message says so, then the
 * phone's messages are still taken (a "HUY" is still recorded) but not answered until its oldest
 * reply is an hour old (`allowance`). And at most SMS_REPLIES_PER_HOUR_TOTAL go out in an hour
 * over every phone together: a sender rotating numbers (each under its own limit) cannot make the
 * service spend without bound. Past it nobody is answered (no last message either) until the
 * hour's oldest reply is an hour old, and the log says so (a warning, at most once a minute).
 */
import type { Logger } from "pino";
import type { Channel } from "../../src/channels/channel.js";
import type { Db } from "../../src/db/client.js";
import { toE164 } from "../../src/dossiers/event-schema.js";
import { SMS_REPLY_NOTICE, type IncomingSms } from "../../src/http/routes/webhooks/twilio.js";
import { fitSms } from "../../src/notifications/sms-text.js";
import { SMS_MOST_CHOICES, type ConversationEngine } from "../engine/engine.js";
import type { Inbound, Reply } from "../engine/types.js";
import { smsText } from "../messages/vi.js";

/** The longest a choice's label is said in an SMS (the rest of it costs without helping to pick). */
const CHOICE_LABEL_LIMIT = 40;

export function smsInbound(sms: Pick<IncomingSms, "body" | "numMedia" | "mediaType">): Inbound {
  const text = sms.body.trim();
  if (text !== "") return { kind: "text", text };
  if (sms.numMedia === 0) return { kind: "unsupported", what: "empty" };
  const type = (sms.mediaType ?? "").toLowerCase();
  return { kind: "unsupported", what: type.startsWith("image/") ? "image" : type.startsWith("audio/") ? "audio" : type.startsWith("video/") ? "video" : "file" };
}

/**
 * A turn's replies as one SMS within `budget` segments: their texts, then their choices numbered
 * in the order the engine reads a number back (every reply's buttons, a contact request left
 * out); when the texts do not fit, they are cut and `cut` says where the whole is read.
 */
export function smsReplyText(replies: Reply[], options: { budget: number; chatUrl: string }): string {
  const labels = replies
    .flatMap((r) => (r.buttons ?? []).flat())
    .filter((b) => b.data !== "share-contact")
    .slice(0, SMS_MOST_CHOICES) // the engine remembers these only: a number picks a choice shown
    .map((b) => (b.label.length > CHOICE_LABEL_LIMIT ? `${b.label.slice(0, CHOICE_LABEL_LIMIT - 1).trimEnd()}…` : b.label));
  return fitSms(
    { head: "", middle: replies.map((r) => r.text).join("\n"), ...(labels.length ? { tail: smsText.choices(labels) } : {}), cut: smsText.cut(options.chatUrl) },
    options.budget,
  );
}

export interface SmsBotOptions {
  engine: ConversationEngine;
  /** The SMS channel notices go out through (Twilio; the sandbox where Twilio is not configured). */
  sms: Channel;
  db: Db;
  logger: Logger;
  /** SMS_REPLY_SEGMENT_BUDGET. */
  budget: number;
  /** SMS_REPLIES_PER_HOUR. */
  perHour: number;
  /** SMS_REPLIES_PER_HOUR_TOTAL: over every phone. */
  perHourTotal: number;
  /** Where a cut answer is read whole: the web chat (PUBLIC_BASE_URL/chat). */
  chatUrl: string;
}

/**
 * Whether this phone may be answered now: "REPLY" while fewer than `perHour` replies went to it in
 * the last hour; else "LIMIT" (the one last message) unless one went in the last hour already;
 * else null. So at most `perHour` + 1 messages in any hour, and a phone that keeps writing gets an
 * answer again as its oldest reply leaves the hour, never a second last message. Counted and
 * recorded in one transaction, under a lock on the phone, so messages arriving together cannot
 * both take the last slot.
 */
async function allowance(db: Db, phone: string, inboundSid: string, perHour: number, perHourTotal: number): Promise<{ id: string; kind: "REPLY" | "LIMIT" } | "phone-spent" | "total-spent"> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sms-reply:${phone}`}))`;
    const [row] = await tx.$queryRaw<{ replies: number; limits: number }[]>`
      SELECT count(*) FILTER (WHERE kind = 'REPLY')::int AS replies, count(*) FILTER (WHERE kind = 'LIMIT')::int AS limits
        FROM "SmsReply" WHERE phone = ${phone} AND "createdAt" > now() - interval '1 hour'`;
    const kind = (row?.replies ?? 0) < perHour ? "REPLY" : (row?.limits ?? 0) === 0 ? "LIMIT" : null;
    if (!kind) return "phone-spent";
    // Then the hour's budget over every phone (taken after the phone's lock, always in this order).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('sms-reply:*'))`;
    const [all] = await tx.$queryRaw<{ sent: number }[]>`SELECT count(*)::int AS sent FROM "SmsReply" WHERE "createdAt" > now() - interval '1 hour'`;
    if ((all?.sent ?? 0) >= perHourTotal) return "total-spent";
    const created = await tx.smsReply.create({ data: { phone, inboundSid, kind }, select: { id: true } });
    return { id: created.id, kind };
  });
}

export function smsBotHandler(options: SmsBotOptions): (sms: IncomingSms) => Promise<void> {
  let warnedAt = 0;
  return async (sms) => {
    // Only a Vietnamese number is answered: the service's citizens have one, an SMS abroad costs
    // more, and replying to whatever numbers text in is how "SMS pumping" frauds bill a sender.
    if (toE164(sms.from) !== sms.from) return void options.logger.info({ country: sms.from.slice(0, 4) }, "sms from a number outside Vietnam: not answered");
    const replies = await options.engine.handle({ conversation: { channel: "SMS", id: sms.from }, message: smsInbound(sms) });
    const slot = await allowance(options.db, sms.from, sms.messageSid, options.perHour, options.perHourTotal);
    if (slot === "phone-spent") return void options.logger.info({ phone: sms.from.slice(0, -4) }, "sms reply not sent: the phone's replies for this hour are spent");
    if (slot === "total-spent") {
      if (Date.now() - warnedAt >= 60_000) {
        warnedAt = Date.now();
        options.logger.warn({ perHourTotal: options.perHourTotal }, "sms replies not sent: SMS_REPLIES_PER_HOUR_TOTAL is spent for this hour (over every phone); no one is answered by SMS until the hour's oldest reply is an hour old");
      }
      return;
    }
    const text = slot.kind === "LIMIT" ? fitSms({ head: "", middle: smsText.limit(options.chatUrl) }, options.budget) : smsReplyText(replies, options);
    const sent = await options.sms.send({ noticeId: SMS_REPLY_NOTICE, recipient: sms.from, text });
    await options.db.smsReply.update({ where: { id: slot.id }, data: { segments: sent.segments ?? 0, providerMessageId: sent.providerMessageId } });
  };
}
