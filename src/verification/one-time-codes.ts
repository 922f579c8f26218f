/**
 * One-time codes: before anything changes for a dossier (a booking, a cancellation, a chat
 * subscribed to its notices), a 6-digit code goes to a phone on record — the applicant's, or for
 * a collection booking the phone the citizen gave — as an OTP notice on the phone channels only
 * (ZNS, then SMS; never a chat the requester may have linked). The code lives 10 minutes, allows
 * 3 tries, is used once, and only by the conversation that asked for it. A phone whose SMS was
 * stopped (Twilio's STOP, error 21610, or "HUY" texted to the service's number) gets no code by
 * SMS: the opt-out was its holder's word, and a chat asking for a code cannot lift it (Twilio would
 * refuse the SMS anyway). When ZNS cannot carry the code either, no code is made ("unreachable"):
 * the bot says so instead of "sent", and nothing counts against the limits. A code made is not yet
 * a code sent: the bot waits a moment for its notice (`awaitDelivery`) and says "sent" only once a
 * provider took it; a notice that ends with no channel having taken it (ZNS refused it and the SMS
 * is stopped, say) voids the code, and the bot says no code went. This table keeps only
 * its hash; the notice that carries it (the outbox row, its attempts' text) keeps the code as
 * sent, as the provider does — needed to render it and to find it again at Twilio after a crash;
 * worthless once used, voided or expired.
 */
import { createHash, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/client.js";
import { createNotices, viaPrisma, wakeRelay } from "../notifications/notice-store.js";

import { NOTICE_POLICIES, type OtpNoticeVariables } from "../notifications/notice-types.js";
import { planChannels } from "../notifications/routing.js";

export type CodePurpose = "BOOKING" | "CANCEL_BOOKING" | "SUBSCRIBE";
export type PhoneChannel = "ZNS" | "SMS";
/** Where a code's notice is: a provider took it, none did and none will, or still on its way. */
export type CodeDelivery = "sent" | "failed" | "pending";

export const CODE_TTL_MINUTES = 10;
export const CODE_MAX_TRIES = 3;
/** Codes sent for one subject (a dossier, a booking, a phone) in an hour: an attacker cannot flood a citizen's phone. */
export const CODES_PER_SUBJECT_PER_HOUR = 5;
/** Codes one conversation may ask for in an hour. */
export const CODES_PER_CONVERSATION_PER_HOUR = 5;
/**
 * Codes one client (a web-chat IP address, a Telegram or Zalo chat) may have sent in an hour, over
 * all its conversations: a new cookie is free, so without this one address could make the service
 * send an SMS to a new phone every few requests (SMS pumping).
 */
export const CODES_PER_CLIENT_PER_HOUR = 10;

export interface CodeRequest {
  purpose: CodePurpose;
  /** What the code allows: a dossier id, a booking reference, a phone (E.164). */
  subject: string;
  /** "WEB:…", "TELEGRAM:…", "ZALO_OA:…": only this conversation may use the code. */
  conversation: string;
  /** Who asks: "WEB:<ip>" on the web chat, the conversation itself on Telegram and Zalo. */
  client: string;
  /** The citizen whose phone on record receives it. */
  citizenId: string;
  dossierId?: string | null;
  /** What exactly it confirms, said in the code's message ("giao kết quả hồ sơ … về Xã …"). */
  what?: string | null;
}

export type IssueOutcome =
  /** Made, and its notice queued on `channels` (in that order): not sent yet (see `deliveryOf`). */
  | { result: "issued"; challengeId: string; phoneTail: string; channels: PhoneChannel[] }
  | { result: "too-many" }
  | { result: "no-phone" }
  /** The phone's SMS is stopped and ZNS cannot carry the code (no OTP template, or ZNS stopped too): nothing was made or sent. */
  | { result: "unreachable"; phoneTail: string };

export interface OneTimeCodeOptions {
  /** ZNS_TEMPLATES has an OTP template: the worker tries ZNS before SMS (its routing's own rule). */
  znsTemplateAvailable?: boolean;
  /** How long `awaitDelivery` waits for a provider to take the code (default 3 s). */
  deliveryWaitMs?: number;
  now?: () => Date;
}

/** A code checked right: what it allowed, for the action to act on (never the session's copy). */
export interface Confirmation {
  purpose: CodePurpose;
  subject: string;
  conversation: string;
}

export type CheckOutcome = { result: "confirmed"; confirmation: Confirmation } | { result: "wrong"; triesLeft: number } | { result: "void" };

const hash = (id: string, code: string) => createHash("sha256").update(`${id}:${code}`).digest("hex");

export class OneTimeCodeService {
  private readonly now: () => Date;
  private readonly znsTemplateAvailable: boolean;
  private readonly deliveryWaitMs: number;

  constructor(
    private readonly db: Db,
    options: OneTimeCodeOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.znsTemplateAvailable = options.znsTemplateAvailable ?? false;
    this.deliveryWaitMs = options.deliveryWaitMs ?? 3000;
  }

  /**
   * Whether the worker would have a channel for an OTP notice to `phone`: its plan (ZNS, then SMS)
   * through the same routing, over the phone's own opt-outs (the chats never carry a code).
   */
  private async phoneChannels(phone: string): Promise<PhoneChannel[]> {
    const stopped = await this.db.channelIdentity.findMany({
      where: { channel: { in: ["ZNS", "SMS"] }, externalId: phone, optedOutAt: { not: null } },
      select: { channel: true, externalId: true },
    });
    const identities = stopped.map((i) => ({ ...i, optedOut: true, reachable: true, lastInteractionAt: null }));
    const plan = planChannels({ phone, optedOut: false, preferredChannels: [], identities }, { now: this.now(), znsTemplateAvailable: this.znsTemplateAvailable });
    return plan.flatMap((p) => (p.channel === "ZNS" || p.channel === "SMS" ? [p.channel] : []));
  }

  /** Writes a code and its OTP notice in one transaction, then wakes the relay. */
  async issue(request: CodeRequest): Promise<IssueOutcome> {
    const citizen = await this.db.citizen.findUnique({ where: { id: request.citizenId }, select: { phone: true } });
    if (!citizen?.phone) return { result: "no-phone" };
    const channels = await this.phoneChannels(citizen.phone);
    if (channels.length === 0) return { result: "unreachable", phoneTail: citizen.phone.slice(-2) };
    const hourAgo = new Date(this.now().getTime() - 3600_000);
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const vars: OtpNoticeVariables = { code, purpose: request.purpose, minutes: CODE_TTL_MINUTES, what: request.what ? request.what.slice(0, 120) : null };
    const written = await this.db.$transaction(async (tx) => {
      // One at a time per subject, so parallel requests cannot pass the hourly limit together.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`otp:${request.subject}`}))`;
      // And per client, so parallel requests from one address over many conversations cannot either.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`otp-client:${request.client}`}))`;
      const [bySubject, byConversation, byClient] = await Promise.all([
        tx.oneTimeCode.count({ where: { subject: request.subject, createdAt: { gt: hourAgo } } }),
        tx.oneTimeCode.count({ where: { conversation: request.conversation, createdAt: { gt: hourAgo } } }),
        tx.oneTimeCode.count({ where: { client: request.client, createdAt: { gt: hourAgo } } }),
      ]);
      if (bySubject >= CODES_PER_SUBJECT_PER_HOUR || byConversation >= CODES_PER_CONVERSATION_PER_HOUR || byClient >= CODES_PER_CLIENT_PER_HOUR) return null;
      // A new code replaces this conversation's earlier ones for the same purpose and subject.
      await tx.oneTimeCode.updateMany({ where: { conversation: request.conversation, purpose: request.purpose, subject: request.subject, usedAt: null }, data: { tries: CODE_MAX_TRIES } });
      await tx.oneTimeCode.create({
        data: {
          id,
          purpose: request.purpose,
          subject: request.subject,
          conversation: request.conversation,
          client: request.client.slice(0, 200),
          citizenId: request.citizenId,
          codeHash: hash(id, code),
          expiresAt: new Date(this.now().getTime() + CODE_TTL_MINUTES * 60_000),
        },
      });
      return createNotices(viaPrisma(tx), [
        {
          type: "OTP",
          citizenId: request.citizenId,
          dossierId: request.dossierId ?? null,
          variables: vars,
          urgent: NOTICE_POLICIES.OTP.urgent,
          dedupeKey: `otp:${id}`,
          channelPlan: ["ZNS", "SMS"],
        },
      ]);
    });
    if (!written) return { result: "too-many" };
    await wakeRelay(viaPrisma(this.db), written);
    return { result: "issued", challengeId: id, phoneTail: citizen.phone.slice(-2), channels };
  }

  /**
   * Where the code's notice is. "sent": a provider took it (an attempt SENT or DELIVERED, even if
   * the notice later moved on for want of a receipt: the message may be on the phone). "failed":
   * the notice ended (FAILED, CANCELLED) with no provider having taken it or possibly taken it — the
   * code can reach no one, and is voided here. "pending" otherwise (queued, retrying, being checked).
   */
  async deliveryOf(challengeId: string): Promise<CodeDelivery> {
    const rows = await this.db.$queryRaw<{ status: string; taken: boolean; maybe: boolean }[]>`
      SELECT n.status::text AS status,
             EXISTS (SELECT 1 FROM "NoticeAttempt" a WHERE a."noticeId" = n.id AND a.status IN ('SENT', 'DELIVERED')) AS taken,
             EXISTS (SELECT 1 FROM "NoticeAttempt" a WHERE a."noticeId" = n.id AND a.status = 'UNCONFIRMED') AS maybe
        FROM "Notice" n WHERE n."dedupeKey" = ${`otp:${challengeId}`}`;
    const row = rows[0];
    if (!row) return "failed";
    if (row.taken || row.status === "SENT" || row.status === "DELIVERED") return "sent";
    if ((row.status === "FAILED" || row.status === "CANCELLED") && !row.maybe) {
      await this.db.oneTimeCode.updateMany({ where: { id: challengeId, usedAt: null }, data: { tries: CODE_MAX_TRIES } });
      return "failed";
    }
    return "pending";
  }

  /** `deliveryOf`, waited for (at most `deliveryWaitMs`) until it is no longer "pending". */
  async awaitDelivery(challengeId: string): Promise<CodeDelivery> {
    const until = Date.now() + this.deliveryWaitMs;
    for (;;) {
      const state = await this.deliveryOf(challengeId);
      if (state !== "pending" || Date.now() >= until) return state;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  /**
   * Checks a code typed in `conversation`: each check uses a try; the right code is used up at once.
   * "void" when the code is unknown, expired, used, out of tries, or asked for by another conversation.
   */
  async check(challengeId: string, code: string, conversation: string): Promise<CheckOutcome> {
    if (!/^[0-9a-f-]{36}$/.test(challengeId)) return { result: "void" };
    const typed = /^\d{6}$/.test(code) ? hash(challengeId, code) : "-";
    const rows = await this.db.$queryRaw<{ codeHash: string; tries: number; purpose: string; subject: string; conversation: string }[]>`
      UPDATE "OneTimeCode" SET tries = tries + 1, "usedAt" = CASE WHEN "codeHash" = ${typed} THEN now() ELSE NULL END
       WHERE id = ${challengeId}::uuid AND conversation = ${conversation} AND "usedAt" IS NULL AND "expiresAt" > ${this.now()} AND tries < ${CODE_MAX_TRIES}
      RETURNING "codeHash", tries, purpose, subject, conversation`;
    const row = rows[0];
    if (!row) return { result: "void" };
    if (typed.length === row.codeHash.length && timingSafeEqual(Buffer.from(typed), Buffer.from(row.codeHash))) {
      return { result: "confirmed", confirmation: { purpose: row.purpose as CodePurpose, subject: row.subject, conversation: row.conversation } };
    }
    const triesLeft = CODE_MAX_TRIES - row.tries;
    return triesLeft > 0 ? { result: "wrong", triesLeft } : { result: "void" };
  }
}

/** Throws unless `confirmation` allows `purpose` on `subject`: services check it before they act. */
export function assertConfirmed(confirmation: Confirmation | undefined, purpose: CodePurpose, subject: string): void {
  if (!confirmation || confirmation.purpose !== purpose || confirmation.subject !== subject) {
    throw new Error(`a one-time code for ${purpose} of ${subject} is required`);
  }
}
