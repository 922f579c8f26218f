/**
 * Sends one notice: claim it, pick the channel its plan says, respect opt-outs, quiet hours and
 * rate limits, call the provider, and record the attempt. What a failure means is decided by its
 * class: retry later, fall back to the next channel, or defer to the morning.
 *
 * Exactly-once rests on two guards: the claim (`UPDATE … WHERE status IN ('QUEUED','DEFERRED')`)
 * so a retried or duplicated job finds nothing to do, and the attempt row, written under that
 * claim right before the provider is called. When a worker dies, the relay sends again what had
 * no attempt yet and never repeats what may have been sent (UNCONFIRMED, resolved by receipts).
 * Three round trips per notice: claim-and-read, attempt, result.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Logger } from "pino";
import type { Channel, DeliveryChannel, OutboundMessage } from "../channels/channel.js";
import { ChannelError } from "../channels/channel.js";
import type { RateLimiter, RateRule } from "../channels/rate-limiter.js";
import type { QuietHours } from "../config/env.js";
import type { Db } from "../db/client.js";
import { bookingNoticeText, noticeText, otpNoticeText } from "./messages/vi.js";
import { SenderStatements } from "./sender-statements.js";
import { NOTICE_POLICIES, NOTICE_TYPES, type BookingNoticeVariables, type NoticeType, type NoticeVariables, type OtpNoticeVariables } from "./notice-types.js";
import { inQuietHours, quietHoursEnd } from "./quiet-hours.js";
import { planChannels, type RecipientFacts } from "./routing.js";
import { fitSms, countSegments } from "./sms-text.js";

export const MAX_TRIES_PER_CHANNEL = 4;
const MORNING: QuietHours = { startMinute: 22 * 60, endMinute: 6 * 60 };

export interface NoticeScheduler {
  /** Run the send job for this notice (again), after `delayMs`. */
  send(noticeId: string, delayMs?: number): Promise<void>;
  /** Check, after `delayMs`, whether the attempt got its delivery receipt; fall back if not. */
  receiptCheck(noticeId: string, attemptId: string, delayMs: number): Promise<void>;
}

export interface NoticeSenderDeps {
  db: Db;
  pool: pg.Pool;
  channels: Map<DeliveryChannel, Channel>;
  scheduler: NoticeScheduler;
  logger: Logger;
  limiter: RateLimiter | null;
  quietHours: QuietHours | null;
  smsSegmentBudget: number;
  znsTemplates: Record<string, string>;
  twilioPerSecond: number;
  /** Overrides the per-type receipt deadline (ms). */
  receiptDeadlineMs?: number;
  now?: () => Date;
}

export type SendOutcome = "not-claimable" | "sent" | "delivered" | "retry" | "fallback" | "deferred" | "failed" | "cancelled" | "claim-lost";

const SECOND = 1000;

export function rateRules(channel: DeliveryChannel, recipient: string, twilioPerSecond: number): RateRule[] {
  switch (channel) {
    case "TELEGRAM":
      return [
        { key: `telegram:chat:${recipient}`, limit: 1, windowMs: SECOND },
        { key: "telegram:all", limit: 30, windowMs: SECOND },
      ];
    case "ZALO_OA":
    case "ZNS":
      return [{ key: "zalo:app", limit: 4000, windowMs: 60_000 }];
    case "SMS":
      return [{ key: "twilio:sender", limit: Math.max(1, Math.floor(twilioPerSecond)), windowMs: SECOND }];
  }
}

function backoffMs(tries: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.max(0, tries - 1)) + Math.floor(Math.random() * 250);
}

export class NoticeSender {
  private readonly now: () => Date;

  private readonly statements: SenderStatements;
  private readonly stopping = new AbortController();

  /** Stops waiting for rate-limit slots, so a shutting-down worker finishes its jobs at once. */
  stop(): void {
    this.stopping.abort();
  }

  constructor(private readonly deps: NoticeSenderDeps) {
    this.now = deps.now ?? (() => new Date());
    this.statements = new SenderStatements(deps.pool);
  }

  async process(noticeId: string): Promise<SendOutcome> {
    const claimToken = randomUUID();
    // Claim and read everything needed in one round trip (batched with the other jobs of the moment).
    const notice = await this.statements.claim(noticeId, claimToken);
    if (!notice) return "not-claimable";
    if (!notice.knownCitizen) return this.finish(noticeId, claimToken, "FAILED", "the notice has no recipient", "failed");
    if (notice.citizenOptedOutAt) return this.finish(noticeId, claimToken, "CANCELLED", "the citizen opted out of all notices", "cancelled");
    if (!(NOTICE_TYPES as readonly string[]).includes(notice.type)) return this.finish(noticeId, claimToken, "FAILED", `unknown notice type ${notice.type}`, "failed");
    const type = notice.type as NoticeType;

    const isDelivery = (c: string): c is DeliveryChannel => c === "TELEGRAM" || c === "ZALO_OA" || c === "ZNS" || c === "SMS";
    const facts: RecipientFacts = {
      phone: notice.phone,
      optedOut: false,
      preferredChannels: (notice.preferredChannels ?? []).filter(isDelivery),
      identities: notice.identities.map((i) => ({ ...i, lastInteractionAt: i.lastInteractionAt ? new Date(`${i.lastInteractionAt}Z`.replace(/ZZ$/, "Z")) : null })),
    };
    const now = this.now();
    const allowed = planChannels(facts, { now, znsTemplateAvailable: Boolean(this.deps.znsTemplates[type]) });
    let plan = (notice.channelPlan ?? []).filter(isDelivery);
    if (plan.length === 0) {
      plan = allowed.map((p) => p.channel);
      if (plan.length === 0) return this.finish(noticeId, claimToken, "FAILED", "no channel reaches this citizen (no linked chat, no valid phone)", "failed");
    }
    // The first channel of the plan, from the current index, that is still allowed now (opt-outs win).
    let index = notice.channelIndex;
    let target: { channel: DeliveryChannel; recipient: string } | undefined;
    for (; index < plan.length; index += 1) {
      target = allowed.find((a) => a.channel === plan[index]);
      if (target) break;
    }
    if (!target) return this.finish(noticeId, claimToken, "FAILED", notice.lastError ?? "every channel failed or was refused", "failed", plan);

    const policy = NOTICE_POLICIES[type];
    const channel = this.deps.channels.get(target.channel);
    if (!channel) return this.fallback(noticeId, claimToken, index, plan.length, `no ${target.channel} channel in this deployment`, plan);
    // Quiet hours protect people's nights: a sandboxed channel reaches no one, so it is not held.
    const quiet = (target.channel === "SMS" || target.channel === "ZNS") && !policy.urgent && channel.provider !== "sandbox";
    if (quiet && inQuietHours(now, this.deps.quietHours)) {
      return this.defer(noticeId, claimToken, quietHoursEnd(now, this.deps.quietHours), "quiet hours", plan, index);
    }
    const message = this.render(type, notice.variables as never, target.channel, target.recipient, noticeId);
    const attemptId = randomUUID();
    // The rate-limit slot is held from here until the provider has answered.
    let slot: Awaited<ReturnType<RateLimiter["acquire"]>> | null = null;
    try {
      // Limits protect a provider; the sandbox stands in for one and reaches no one, so it is not held.
      slot = this.deps.limiter && channel.provider !== "sandbox" ? await this.deps.limiter.acquire(rateRules(target.channel, target.recipient, this.deps.twilioPerSecond), 120_000, this.stopping.signal) : null;
    } catch (error) {
      // No slot (shutting down, or none for two minutes): nothing was sent; the notice waits its turn again.
      return this.retry(noticeId, claimToken, 1000, `rate limit: ${(error as Error).message}`);
    }
    let tries = 0;
    let result: Awaited<ReturnType<Channel["send"]>>;
    try {
      // The attempt is written, dispatched, under the claim (which this renews), right before the call:
      // if the worker dies from here on, the relay knows the provider may have been called and never repeats it.
      const attemptNo = await this.statements.attempt({
        attemptId,
        noticeId,
        claimToken,
        channel: target.channel,
        recipient: target.recipient,
        text: message.text,
        segments: target.channel === "SMS" ? countSegments(message.text).segments : null,
        plan,
        index,
      });
      if (attemptNo === null) {
        await slot?.release();
        return "claim-lost";
      }
      tries = attemptNo;
      result = await channel.send(message);
    } catch (error) {
      await slot?.release();
      return this.failed(error, { noticeId, claimToken, attemptId, tries, target, index, plan, citizenId: notice.citizenId!, now });
    }
    await slot?.release();
    try {
      const delivered = result.delivered;
      // One statement for the attempt and the notice: a worker that dies here leaves both or neither.
      await this.statements.result({
        attemptId,
        noticeId,
        claimToken,
        delivered,
        providerMessageId: result.providerMessageId,
        outcome: channel.provider === "sandbox" ? "sandbox" : "sent",
        segments: result.segments ?? null,
      });
      if (!delivered && index + 1 < plan.length) await this.deps.scheduler.receiptCheck(noticeId, attemptId, this.deps.receiptDeadlineMs ?? policy.receiptDeadlineMinutes * 60_000);
      return delivered ? "delivered" : "sent";
    } catch (error) {
      // The provider accepted the message; only recording it failed. The claim will be released as UNCONFIRMED.
      this.deps.logger.error({ err: error, noticeId }, "sent, but the result could not be recorded");
      throw error;
    }
  }

  private async failed(
    error: unknown,
    c: { noticeId: string; claimToken: string; attemptId: string; tries: number; target: { channel: DeliveryChannel; recipient: string }; index: number; plan: DeliveryChannel[]; citizenId: string; now: Date },
  ): Promise<SendOutcome> {
    const failure = error instanceof ChannelError ? error : new ChannelError("retry", "INTERNAL", (error as Error).message);
    if (c.tries > 0) {
      await this.deps.pool.query(`UPDATE "NoticeAttempt" SET status = 'FAILED', "failedAt" = now(), "errorCode" = $2, "errorMessage" = $3, outcome = $4 WHERE id = $1`, [
        c.attemptId,
        failure.providerCode,
        failure.message.slice(0, 500),
        failure.failure,
      ]);
    }
    this.deps.logger.warn({ noticeId: c.noticeId, channel: c.target.channel, code: failure.providerCode, failure: failure.failure }, "send failed");
    const reason = `${c.target.channel} ${failure.providerCode}: ${failure.message}`.slice(0, 500);
    const { noticeId, claimToken, index, plan } = c;
    switch (failure.failure) {
      case "retry":
      case "refresh":
        if (c.tries < MAX_TRIES_PER_CHANNEL) return this.retry(noticeId, claimToken, failure.retryAfterMs ?? backoffMs(Math.max(1, c.tries)), reason);
        return this.fallback(noticeId, claimToken, index, plan.length, `${reason} (gave up after ${c.tries} tries)`, plan);
      case "defer":
        return this.defer(noticeId, claimToken, quietHoursEnd(c.now, this.deps.quietHours ?? MORNING), reason, plan, index);
      case "opted_out":
        await this.markOptedOut(c.citizenId, c.target.channel, c.target.recipient);
        return this.fallback(noticeId, claimToken, index, plan.length, reason, plan);
      case "fallback":
        if (failure.providerCode === "403" || failure.providerCode === "-213") await this.markUnreachable(c.target.channel, c.target.recipient);
        return this.fallback(noticeId, claimToken, index, plan.length, reason, plan);
    }
  }

  /**
   * The receipt deadline passed. An attempt still only "sent": try the next channel, if any.
   * An attempt left UNCONFIRMED by a stopped worker, with no receipt either: the provider most
   * likely never got it, so it is sent again on the same channel.
   */
  async checkReceipt(noticeId: string, attemptId: string): Promise<boolean> {
    const moved = await this.deps.pool.query(
      `UPDATE "Notice" n SET status = 'QUEUED',
              "channelIndex" = CASE WHEN (SELECT status FROM "NoticeAttempt" WHERE id = $2) = 'UNCONFIRMED' THEN n."channelIndex" ELSE n."channelIndex" + 1 END,
              "notBefore" = NULL, "lastError" = 'no delivery receipt in time', "updatedAt" = now()
        WHERE n.id = $1 AND n.status = 'SENT'
          AND EXISTS (
            SELECT 1 FROM "NoticeAttempt" a WHERE a.id = $2 AND a."noticeId" = n.id
               AND (a.status = 'UNCONFIRMED' OR (a.status = 'SENT' AND n."channelIndex" + 1 < cardinality(n."channelPlan"))))
        RETURNING id`,
      [noticeId, attemptId],
    );
    if (moved.rowCount === 0) return false;
    await this.deps.pool.query(`UPDATE "NoticeAttempt" SET outcome = 'no_receipt' WHERE id = $1`, [attemptId]);
    await this.deps.scheduler.send(noticeId);
    return true;
  }

  render(type: NoticeType, vars: NoticeVariables | BookingNoticeVariables | OtpNoticeVariables, channel: DeliveryChannel, recipient: string, noticeId: string): OutboundMessage {
    const text =
      type === "BOOKING_UPDATE" ? bookingNoticeText(vars as BookingNoticeVariables) : type === "OTP" ? otpNoticeText(vars as OtpNoticeVariables) : noticeText(type, vars as NoticeVariables);
    if (channel === "SMS") return { noticeId, recipient, text: fitSms(text.sms, this.deps.smsSegmentBudget) };
    if (channel === "ZNS") {
      const id = this.deps.znsTemplates[type];
      return { noticeId, recipient, text: text.chat, ...(id ? { template: { id, params: text.zns } } : {}) };
    }
    return { noticeId, recipient, text: text.chat };
  }

  private async finish(noticeId: string, claimToken: string, status: "FAILED" | "CANCELLED", reason: string, outcome: SendOutcome, plan?: DeliveryChannel[]): Promise<SendOutcome> {
    await this.deps.pool.query(
      `UPDATE "Notice" SET status = $2, "lastError" = $3, "claimToken" = NULL, "channelPlan" = COALESCE($5::"ChannelKind"[], "channelPlan"), "updatedAt" = now()
        WHERE id = $1 AND "claimToken" = $4`,
      [noticeId, status, reason, claimToken, plan ?? null],
    );
    return outcome;
  }

  private async retry(noticeId: string, claimToken: string, delayMs: number, reason: string): Promise<SendOutcome> {
    await this.deps.pool.query(
      `UPDATE "Notice" SET status = 'QUEUED', "notBefore" = now() + ($2::int * interval '1 millisecond'), "lastError" = $3, "claimToken" = NULL, "updatedAt" = now()
        WHERE id = $1 AND "claimToken" = $4`,
      [noticeId, Math.round(delayMs), reason, claimToken],
    );
    await this.deps.scheduler.send(noticeId, delayMs);
    return "retry";
  }

  private async defer(noticeId: string, claimToken: string, until: Date, reason: string, plan: DeliveryChannel[], index: number): Promise<SendOutcome> {
    await this.deps.pool.query(
      `UPDATE "Notice" SET status = 'DEFERRED', "notBefore" = $2, "lastError" = $3, "claimToken" = NULL, "channelPlan" = $5::"ChannelKind"[], "channelIndex" = $6, "updatedAt" = now()
        WHERE id = $1 AND "claimToken" = $4`,
      [noticeId, until, `deferred: ${reason}`, claimToken, plan, index],
    );
    await this.deps.scheduler.send(noticeId, Math.max(0, until.getTime() - this.now().getTime()));
    return "deferred";
  }

  private async fallback(noticeId: string, claimToken: string, index: number, planLength: number, reason: string, plan: DeliveryChannel[]): Promise<SendOutcome> {
    if (index + 1 >= planLength) return this.finish(noticeId, claimToken, "FAILED", reason, "failed", plan);
    await this.deps.pool.query(
      `UPDATE "Notice" SET status = 'QUEUED', "channelIndex" = $2, "notBefore" = NULL, "lastError" = $3, "claimToken" = NULL, "channelPlan" = $5::"ChannelKind"[], "updatedAt" = now()
        WHERE id = $1 AND "claimToken" = $4`,
      [noticeId, index + 1, reason, claimToken, plan],
    );
    await this.deps.scheduler.send(noticeId);
    return "fallback";
  }

  private async markOptedOut(citizenId: string, channel: DeliveryChannel, recipient: string): Promise<void> {
    await this.deps.db.channelIdentity.upsert({
      where: { channel_externalId: { channel, externalId: recipient } },
      create: { channel, externalId: recipient, citizenId, optedOutAt: this.now() },
      update: { optedOutAt: this.now() },
    });
  }

  private async markUnreachable(channel: DeliveryChannel, recipient: string): Promise<void> {
    await this.deps.db.channelIdentity.updateMany({ where: { channel, externalId: recipient }, data: { reachable: false } });
  }
}
