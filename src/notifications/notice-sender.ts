/**
 * Sends one notice: claim it, pick the channel its plan says, respect opt-outs, quiet hours and
 * rate limits, call the provider, and record the attempt. What a failure means is decided by its
 * class: retry later, fall back to the next channel, or defer to the morning. Every write goes
 * through the NoticeStore (the one owner of notices and attempts).
 *
 * Exactly-once rests on three guards: the claim (QUEUED/DEFERRED → SENDING, made only over the
 * row as it was read) so a retried or duplicated job finds nothing to do; the attempt row, written
 * with the claim (or under it) right before the provider is called; and reconciliation. A message the provider may have accepted — the call
 * timed out or was cut, or the worker died mid-call — is UNCONFIRMED and never sent again on the
 * same channel blindly: the provider is asked first (Twilio by SID or by listing the messages to
 * the number, ZNS by msg_id, the sandbox by its records). Only its "never took it" sends it again;
 * "failed" moves on to the next channel; where it cannot be asked (Telegram, Zalo OA text) the
 * outcome is recorded as unknown and nothing is resent.
 * Three statements per notice, each shared with the jobs running at the same moment (the store
 * batches them): read, claim-and-attempt, result. When the provider's limit makes the call wait,
 * the claim is made first (so a duplicate job stops there), and the attempt once a slot is held.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Logger } from "pino";
import type { Channel, DeliveryChannel, OutboundMessage, Reconciled } from "../channels/channel.js";
import { ChannelError, providerId, providerSegments } from "../channels/channel.js";
import type { RateLimiter, RateRule, RateSlot } from "../channels/rate-limiter.js";
import type { QuietHours } from "../config/env.js";
import { bookingNoticeText, broadcastNoticeText, noticeText, otpNoticeText, type BroadcastTextInput, type NoticeText } from "./messages/vi.js";
import type { NoticeStore } from "./notice-store.js";
import { NOTICE_POLICIES, NOTICE_TYPES, noticeVariables, type BookingNoticeVariables, type BroadcastNoticeVariables, type NoticeType, type NoticeVariables, type OtpNoticeVariables } from "./notice-types.js";
import { inQuietHours, quietHoursEnd } from "./quiet-hours.js";
import { planChannels, type RecipientFacts } from "./routing.js";
import { fitSms, countSegments } from "./sms-text.js";
import { staffDigestText, staffReportReminderText, type StaffDigestVariables, type StaffReportReminderVariables } from "../text/staff-vi.js";

export const MAX_TRIES_PER_CHANNEL = 4;
const MORNING: QuietHours = { startMinute: 22 * 60, endMinute: 6 * 60 };

export interface NoticeScheduler {
  /** Run the send job for this notice (again), after `delayMs`. */
  send(noticeId: string, delayMs?: number): Promise<void>;
  /** Check, after `delayMs`, whether the attempt got its delivery receipt; fall back if not. */
  receiptCheck(noticeId: string, attemptId: string, delayMs: number): Promise<void>;
}

export interface NoticeSenderDeps {
  /** For the chats a provider says are gone or opted out (ChannelIdentity). */
  pool: pg.Pool;
  store: NoticeStore;
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
  /** How long after a send was cut short the provider is asked about it (default 10 s). */
  reconcileDelayMs?: number;
  /** An announcement's text (read once per worker and kept): null when it no longer exists. */
  broadcastText?: (broadcastId: string) => Promise<BroadcastTextInput | null>;
  /** Notices this process sends at once (WORKER_CONCURRENCY), over every job (default 50). */
  concurrency?: number;
  /** The longest a result waits for its job's other provider calls, to be written with theirs (default 25 ms; see Cohort). */
  resultGatherMs?: number;
  now?: () => Date;
}

export type SendOutcome = "stopped" | "not-claimable" | "sent" | "delivered" | "retry" | "fallback" | "deferred" | "failed" | "cancelled" | "claim-lost" | "unconfirmed";

/** What a check of an attempt did (receipt deadline or reconciliation). */
export type CheckOutcome = "not-due" | "delivered" | "accepted" | "moved-on" | "resend" | "unknown" | "later" | "left";

const SECOND = 1000;

/** At most `size` holders at once; the others wait in the order they came. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  take(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free -= 1;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else this.free += 1;
  }
}

/**
 * The notices of one job whose provider calls are under way. A notice whose provider has answered
 * waits, at most `holdMs`, for the others of its job still being called before its result is
 * written, so that the job's results go to PostgreSQL as one statement: answers come back a few
 * at a time, and written as they came they made batches of about 20 (bench:notify), each paying a
 * statement's fixed cost (and each result batch's freed slots started the next notices a few at
 * a time, so reads and claims were split up alike). A notice not being called holds no one up.
 */
class Cohort {
  private calling = 0;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly holdMs: number) {}

  /** A provider call begins. */
  call(): void {
    this.calling += 1;
  }

  /** A provider call ended (answered or failed). */
  answered(): void {
    this.calling -= 1;
    if (this.calling === 0) this.open();
  }

  /** Resolves once no call of the cohort is under way, or `holdMs` after the first waiter came. */
  gathered(): Promise<void> | undefined {
    if (this.calling === 0) return undefined;
    this.timer ??= setTimeout(() => this.open(), this.holdMs);
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private open(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

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

/** What a channel's provider takes per second from this service overall: its tightest limit shared by every recipient. */
export function channelRatePerSecond(channel: DeliveryChannel, twilioPerSecond: number): number {
  const mark = "\u0000"; // a recipient no key shares: the rules keyed by it are per recipient
  const shared = rateRules(channel, mark, twilioPerSecond).filter((r) => !r.key.includes(mark));
  return Math.min(...shared.map((r) => (r.limit * 1000) / r.windowMs));
}

function backoffMs(tries: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.max(0, tries - 1)) + Math.floor(Math.random() * 250);
}

export class NoticeSender {
  private readonly now: () => Date;

  private readonly store: NoticeStore;
  private readonly stopping = new AbortController();
  private readonly slots: Slots;

  /** Drops held receipts that never met their send (for messages that are not ours). */
  dropStaleEarlyReceipts(): Promise<number> {
    return this.store.dropStaleEarlyReceipts();
  }

  /** Stops waiting for rate-limit slots, so a shutting-down worker finishes its jobs at once. */
  stop(): void {
    this.stopping.abort();
  }

  constructor(private readonly deps: NoticeSenderDeps) {
    this.now = deps.now ?? (() => new Date());
    this.store = deps.store;
    this.slots = new Slots(deps.concurrency ?? 50);
  }

  /**
   * Sends several notices side by side, at most `concurrency` at once over every call in this
   * process: the notices of one job start together, so their reads, claims and results go to
   * PostgreSQL as one statement each. A notice not started when the worker stops is left for the
   * relay's sweep. Throws (after every notice has finished) when one of them did: the job is
   * retried, and finds the notices already sent not due.
   */
  async processMany(noticeIds: readonly string[]): Promise<SendOutcome[]> {
    let failure: { error: unknown } | undefined;
    const cohort = noticeIds.length > 1 ? new Cohort(this.deps.resultGatherMs ?? 25) : undefined;
    const outcomes = await Promise.all(
      noticeIds.map(async (id): Promise<SendOutcome> => {
        const wait = this.slots.take();
        if (wait) await wait;
        try {
          if (this.stopping.signal.aborted) return "stopped";
          return await this.process(id, cohort);
        } catch (error) {
          failure ??= { error };
          return "not-claimable";
        } finally {
          this.slots.give();
        }
      }),
    );
    if (failure) throw failure.error;
    return outcomes;
  }

  async process(noticeId: string, cohort?: Cohort): Promise<SendOutcome> {
    const claimToken = randomUUID();
    // Read everything needed (batched with the other jobs of the moment); claimed later, over this very row.
    const notice = await this.store.read(noticeId);
    if (!notice) return "not-claimable";
    // A move that calls no provider claims the notice first (false: it changed meanwhile, another job has it).
    const claimed = async (move: () => Promise<SendOutcome>): Promise<SendOutcome> => ((await this.store.claim(noticeId, claimToken, notice.version)) ? move() : "not-claimable");
    if (!notice.knownCitizen && !notice.identityId) return claimed(() => this.finish(noticeId, claimToken, "FAILED", "the notice has no recipient", "failed"));
    if (notice.citizenOptedOutAt) return claimed(() => this.finish(noticeId, claimToken, "CANCELLED", "the citizen opted out of all notices", "cancelled"));
    // A notice addressed to one chat (an announcement, a staff message) ends once that chat opted
    // out (HUY, STOP): what came through the chat stops, an urgent announcement's SMS fallback to
    // the phone of the citizen it was linked to included.
    if (notice.identityId && notice.identities.some((i) => i.id === notice.identityId && i.optedOut)) return claimed(() => this.finish(noticeId, claimToken, "CANCELLED", "the chat opted out", "cancelled"));
    if (!(NOTICE_TYPES as readonly string[]).includes(notice.type)) return claimed(() => this.finish(noticeId, claimToken, "FAILED", `unknown notice type ${notice.type}`, "failed"));
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
      if (plan.length === 0) return claimed(() => this.finish(noticeId, claimToken, "FAILED", "no channel reaches this citizen (no linked chat, no valid phone)", "failed"));
    }
    // The first channel of the plan, from the current index, that is still allowed now (opt-outs win).
    let index = notice.channelIndex;
    let target: { channel: DeliveryChannel; recipient: string } | undefined;
    for (; index < plan.length; index += 1) {
      target = allowed.find((a) => a.channel === plan[index]);
      if (target) break;
    }
    if (!target) return claimed(() => this.finish(noticeId, claimToken, "FAILED", notice.lastError ?? "every channel failed or was refused", "failed", plan));

    const policy = NOTICE_POLICIES[type];
    const channel = this.deps.channels.get(target.channel);
    if (!channel) return claimed(() => this.fallback(noticeId, claimToken, index, plan.length, `no ${target.channel} channel in this deployment`, plan));
    // Quiet hours protect people's nights: SMS and ZNS wait, and so does a normal announcement on
    // every channel (an urgent one goes at once). A sandboxed channel reaches no one: not held.
    const urgent = policy.urgent || (type === "BROADCAST" && notice.urgent);
    const quiet = (target.channel === "SMS" || target.channel === "ZNS" || type === "BROADCAST") && !urgent && channel.provider !== "sandbox";
    if (quiet && inQuietHours(now, this.deps.quietHours)) {
      return claimed(() => this.defer(noticeId, claimToken, quietHoursEnd(now, this.deps.quietHours), "quiet hours", plan, index));
    }
    let broadcast: BroadcastTextInput | null = null;
    if (type === "BROADCAST") {
      const id = (notice.variables as Partial<BroadcastNoticeVariables> | null)?.broadcastId ?? notice.broadcastId;
      broadcast = id && this.deps.broadcastText ? await this.deps.broadcastText(id) : null;
      if (!broadcast) return claimed(() => this.finish(noticeId, claimToken, "FAILED", "the announcement no longer exists", "failed", plan));
    }
    let message: OutboundMessage;
    try {
      message = broadcast
        ? this.renderText(broadcastNoticeText(broadcast), type, target.channel, target.recipient, noticeId)
        : this.render(type as Exclude<NoticeType, "BROADCAST">, noticeVariables(type as Exclude<NoticeType, "BROADCAST">, notice.variables) as never, target.channel, target.recipient, noticeId);
    } catch (error) {
      // Its stored variables cannot make its text (checked per type: a row written by hand or by an
      // older version): this notice fails, once and for good, instead of failing its job again at
      // every sweep or going out with "undefined" in it.
      return claimed(() => this.finish(noticeId, claimToken, "FAILED", `the notice's text could not be made: ${(error as Error).message}`.slice(0, 500), "failed", plan));
    }
    const attemptId = randomUUID();
    const attempt = {
      attemptId,
      noticeId,
      claimToken,
      version: notice.version,
      channel: target.channel,
      recipient: target.recipient,
      text: message.text,
      segments: target.channel === "SMS" ? countSegments(message.text).segments : null,
      plan,
      index,
    };
    // Limits protect a provider; the sandbox stands in for one and reaches no one, so it is not held.
    const rules = this.deps.limiter && channel.provider !== "sandbox" ? rateRules(target.channel, target.recipient, this.deps.twilioPerSecond) : null;
    // The rate-limit slot is held from here until the provider has answered.
    let slot: RateSlot | null = null;
    let tries = 0;
    let result: Awaited<ReturnType<Channel["send"]>>;
    try {
      // The attempt is written, dispatched, with the claim or under it, right before the call: if
      // the worker dies from here on, the relay knows the provider may have been called and never repeats it.
      let attemptNo: number | null;
      let lost: SendOutcome = "not-claimable";
      if (rules) slot = await this.deps.limiter!.tryTake(rules);
      if (!rules || slot) {
        // The call may go at once: the claim and the attempt in one statement.
        attemptNo = await this.store.claimAndAttempt(attempt);
      } else {
        // The provider's limit is reached: the notice is claimed first (a duplicate job stops
        // here), then waits for a slot, and its attempt is written under the claim (renewing it).
        if (!(await this.store.claim(noticeId, claimToken, notice.version))) return "not-claimable";
        try {
          slot = await this.deps.limiter!.acquire(rules, 120_000, this.stopping.signal);
        } catch (error) {
          // No slot (shutting down, or none for two minutes): nothing was sent; the notice waits its turn again.
          return this.retry(noticeId, claimToken, 1000, `rate limit: ${(error as Error).message}`);
        }
        attemptNo = await this.store.attempt(attempt);
        lost = "claim-lost";
      }
      if (attemptNo === null) {
        // Not ours after all (another job took it, it was cancelled, the claim lapsed): the slot goes back unused.
        await slot?.cancel();
        return lost;
      }
      tries = attemptNo;
      cohort?.call();
      let sent: Awaited<ReturnType<Channel["send"]>>;
      try {
        sent = await channel.send(message);
      } finally {
        cohort?.answered();
      }
      // What the provider answered is stored as it can be (see providerId): one odd answer must not fail the batch it is written with.
      result = { delivered: sent.delivered === true, providerMessageId: providerId(sent.providerMessageId), segments: providerSegments(sent.segments) ?? (target.channel === "SMS" ? attempt.segments ?? undefined : undefined) };
    } catch (error) {
      // Before the attempt was written the provider was not called: the slot goes back unused.
      // A call with no answer may still reach the provider: its slot is held until its lease lapses.
      if (tries > 0 && error instanceof ChannelError && error.maybeSent) slot?.abandon();
      else await (tries > 0 ? slot?.release() : slot?.cancel());
      return this.failed(error, { noticeId, claimToken, attemptId, tries, target, index, plan, citizenId: notice.citizenId, now });
    }
    await slot?.release();
    // Written with the results of the job's other calls answered meanwhile (bounded wait, see Cohort).
    const gathered = cohort?.gathered();
    if (gathered) await gathered;
    try {
      const delivered = result.delivered;
      const deadlineMs = this.deadlineMs(type);
      // One statement for the attempt and the notice: a worker that dies here leaves both or neither.
      // Not delivered on the spot: at the receipt deadline the provider is asked, or the next channel tried.
      const requeued = await this.store.result({
        attemptId,
        noticeId,
        claimToken,
        channel: target.channel,
        delivered,
        providerMessageId: result.providerMessageId,
        outcome: channel.provider === "sandbox" ? "sandbox" : "sent",
        segments: result.segments ?? null,
        checkAt: delivered ? null : new Date(this.now().getTime() + deadlineMs),
      });
      // A failure receipt that outran the send moved the notice to its next channel.
      if (requeued) {
        await this.deps.scheduler.send(requeued);
        return "fallback";
      }
      if (!delivered) await this.deps.scheduler.receiptCheck(noticeId, attemptId, deadlineMs);
      return delivered ? "delivered" : "sent";
    } catch (error) {
      // The provider accepted the message; only recording it failed. The claim will be released as UNCONFIRMED.
      this.deps.logger.error({ err: error, noticeId }, "sent, but the result could not be recorded");
      throw error;
    }
  }

  private async failed(
    error: unknown,
    c: { noticeId: string; claimToken: string; attemptId: string; tries: number; target: { channel: DeliveryChannel; recipient: string }; index: number; plan: DeliveryChannel[]; citizenId: string | null; now: Date },
  ): Promise<SendOutcome> {
    const failure = error instanceof ChannelError ? error : new ChannelError("retry", "INTERNAL", (error as Error).message);
    const reason = `${c.target.channel} ${failure.providerCode}: ${failure.message}`.slice(0, 500);
    const { noticeId, claimToken, index, plan } = c;
    if (c.tries > 0 && failure.maybeSent) {
      // The call timed out or was cut after the request went out: the provider may have the
      // message. Never sent again blindly: the provider is asked first (or the outcome recorded unknown).
      const delayMs = this.deps.reconcileDelayMs ?? 10_000;
      this.deps.logger.warn({ noticeId, channel: c.target.channel, code: failure.providerCode }, "send cut short: the provider may have it; reconciling before anything is resent");
      if (await this.store.unconfirmed(noticeId, c.attemptId, `${reason} (may have been sent: asking the provider)`, new Date(this.now().getTime() + delayMs), claimToken)) {
        await this.deps.scheduler.receiptCheck(noticeId, c.attemptId, delayMs);
      }
      return "unconfirmed";
    }
    if (c.tries > 0) await this.store.attemptFailed(c.attemptId, failure.providerCode, failure.message, failure.failure);
    this.deps.logger.warn({ noticeId: c.noticeId, channel: c.target.channel, code: failure.providerCode, failure: failure.failure }, "send failed");
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

  private deadlineMs(type: string): number {
    const policy = NOTICE_POLICIES[type as NoticeType];
    return this.deps.receiptDeadlineMs ?? (policy?.receiptDeadlineMinutes ?? 30) * 60_000;
  }

  /**
   * A check of an attempt, when its time comes (`checkAt`):
   * - SENT with no receipt by the deadline: the provider is asked where it can be (Twilio, ZNS);
   *   delivered → DELIVERED; failed → next channel; still no news → the next channel if there is
   *   one (the notice type's fallback on no receipt), else it stays SENT.
   * - UNCONFIRMED (a send cut short): the provider is asked. It has it → SENT/DELIVERED; it never
   *   took it → queued again on the same channel; failed → next channel; it cannot tell → for ZNS
   *   a receipt may still come until the deadline, after which (and at once for Telegram and
   *   Zalo OA) the outcome is recorded as unknown and the message is not sent again.
   */
  async check(noticeId: string, attemptId: string): Promise<CheckOutcome> {
    const a = await this.store.loadForCheck(noticeId, attemptId);
    if (!a || !a.checkAt || a.checkAt.getTime() > this.now().getTime() + 1000) return "not-due";
    const pending = (a.noticeStatus === "SENT" && a.attemptStatus === "SENT") || (a.noticeStatus === "UNCONFIRMED" && a.attemptStatus === "UNCONFIRMED");
    const current = a.channelPlan[a.channelIndex] === a.channel;
    if (!pending || !current) {
      await this.store.checked(noticeId);
      return "left";
    }
    const channel = this.deps.channels.get(a.channel);
    const askable = Boolean(channel?.reconcile) && (channel!.reconcilable === "always" || (channel!.reconcilable === "with-id" && a.providerMessageId !== null));
    let answer: Reconciled = { state: "unknown" };
    if (askable) {
      try {
        answer = await channel!.reconcile!({ noticeId, providerMessageId: a.providerMessageId, recipient: a.recipient, text: a.text, startedAt: a.startedAt, otherProviderIds: a.otherProviderIds });
        if ("providerMessageId" in answer) answer = { ...answer, providerMessageId: providerId(answer.providerMessageId) };
      } catch (error) {
        // The provider could not be reached: ask again in a minute; nothing is sent meanwhile.
        const at = new Date(this.now().getTime() + 60_000);
        this.deps.logger.warn({ noticeId, channel: a.channel, err: error }, "could not ask the provider about an attempt; asking again later");
        await this.store.checkLater(noticeId, at);
        await this.deps.scheduler.receiptCheck(noticeId, attemptId, 60_000);
        return "later";
      }
    }
    const unconfirmed = a.attemptStatus === "UNCONFIRMED";
    const deadline = new Date(a.startedAt.getTime() + this.deadlineMs(a.type));
    const hasNext = a.channelIndex + 1 < a.channelPlan.length;
    switch (answer.state) {
      case "delivered":
        await this.store.reconciledAccepted(noticeId, attemptId, answer.providerMessageId, true, null);
        return "delivered";
      case "accepted":
        if (unconfirmed) {
          // It was sent after all: from here it waits for its receipt like any other.
          const at = deadline.getTime() > this.now().getTime() ? deadline : new Date(this.now().getTime() + 60_000);
          await this.store.reconciledAccepted(noticeId, attemptId, answer.providerMessageId, false, at);
          await this.deps.scheduler.receiptCheck(noticeId, attemptId, at.getTime() - this.now().getTime());
          return "accepted";
        }
        break;
      case "failed": {
        const moved = await this.store.reconciledFailed(noticeId, attemptId, a.channel, answer.providerMessageId, answer.errorCode);
        if (moved === "QUEUED") await this.deps.scheduler.send(noticeId);
        return "moved-on";
      }
      case "not_accepted":
        if (unconfirmed) {
          if (await this.store.reconciledNotAccepted(noticeId, attemptId)) await this.deps.scheduler.send(noticeId);
          return "resend";
        }
        break;
      case "unknown":
        if (unconfirmed) {
          // ZNS without its msg_id: its receipt (by our tracking id) may still come until the deadline.
          if (channel?.reconcilable === "with-id" && deadline.getTime() > this.now().getTime()) {
            await this.store.checkLater(noticeId, deadline);
            await this.deps.scheduler.receiptCheck(noticeId, attemptId, deadline.getTime() - this.now().getTime());
            return "later";
          }
          await this.store.outcomeUnknown(noticeId, attemptId, `${a.channel}: the send was cut short and ${a.channel === "ZNS" ? "no receipt came" : "the provider cannot be asked"}; outcome unknown, not sent again`);
          return "unknown";
        }
        break;
    }
    // A SENT attempt with no delivery report by its deadline: the next channel, if there is one.
    if (hasNext) {
      const moved = await this.store.noReceiptInTime(noticeId, attemptId, a.channel);
      if (moved) {
        if (moved === "QUEUED") await this.deps.scheduler.send(noticeId);
        return "moved-on";
      }
    }
    await this.store.checked(noticeId, "no delivery receipt in time (no other channel to try)");
    return "left";
  }

  render(type: Exclude<NoticeType, "BROADCAST">, vars: NoticeVariables | BookingNoticeVariables | OtpNoticeVariables | StaffDigestVariables | StaffReportReminderVariables, channel: DeliveryChannel, recipient: string, noticeId: string): OutboundMessage {
    const text =
      type === "BOOKING_UPDATE"
        ? bookingNoticeText(vars as BookingNoticeVariables)
        : type === "OTP"
          ? otpNoticeText(vars as OtpNoticeVariables)
          : type === "STAFF_DIGEST"
            ? staffDigestText(vars as StaffDigestVariables)
            : type === "STAFF_REPORT_REMINDER"
              ? staffReportReminderText(vars as StaffReportReminderVariables)
            : noticeText(type, vars as NoticeVariables);
    return this.renderText(text, type, channel, recipient, noticeId);
  }

  private renderText(text: NoticeText, type: NoticeType, channel: DeliveryChannel, recipient: string, noticeId: string): OutboundMessage {
    if (channel === "SMS") return { noticeId, recipient, text: fitSms(text.sms, this.deps.smsSegmentBudget) };
    if (channel === "ZNS") {
      const id = this.deps.znsTemplates[type];
      return { noticeId, recipient, text: text.chat, ...(id ? { template: { id, params: text.zns } } : {}) };
    }
    return { noticeId, recipient, text: channel === "ZALO_OA" && text.zalo ? text.zalo : text.chat };
  }

  private async finish(noticeId: string, claimToken: string, status: "FAILED" | "CANCELLED", reason: string, outcome: SendOutcome, plan?: DeliveryChannel[]): Promise<SendOutcome> {
    await this.store.finish(noticeId, claimToken, status, reason, plan);
    return outcome;
  }

  private async retry(noticeId: string, claimToken: string, delayMs: number, reason: string): Promise<SendOutcome> {
    await this.store.retry(noticeId, claimToken, delayMs, reason);
    await this.deps.scheduler.send(noticeId, delayMs);
    return "retry";
  }

  private async defer(noticeId: string, claimToken: string, until: Date, reason: string, plan: DeliveryChannel[], index: number): Promise<SendOutcome> {
    await this.store.defer(noticeId, claimToken, until, reason, plan, index);
    await this.deps.scheduler.send(noticeId, Math.max(0, until.getTime() - this.now().getTime()));
    return "deferred";
  }

  /** The next channel of the plan, or FAILED when none is left (the store's one fallback rule). */
  private async fallback(noticeId: string, claimToken: string, index: number, _planLength: number, reason: string, plan: DeliveryChannel[]): Promise<SendOutcome> {
    const moved = await this.store.moveOn(noticeId, reason, { claimToken, plan, index, from: ["SENDING"] });
    if (moved === "QUEUED") {
      await this.deps.scheduler.send(noticeId);
      return "fallback";
    }
    return moved === "FAILED" ? "failed" : "claim-lost";
  }

  private async markOptedOut(citizenId: string | null, channel: DeliveryChannel, recipient: string): Promise<void> {
    await this.deps.pool.query(
      `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "optedOutAt", "updatedAt")
       VALUES (gen_random_uuid(), $1::"ChannelKind", $2, $3::uuid, $4::timestamptz, now())
       ON CONFLICT (channel, "externalId") DO UPDATE SET "optedOutAt" = EXCLUDED."optedOutAt", "updatedAt" = now()`,
      [channel, recipient, citizenId, this.now().toISOString()],
    );
  }

  private async markUnreachable(channel: DeliveryChannel, recipient: string): Promise<void> {
    await this.deps.pool.query(`UPDATE "ChannelIdentity" SET reachable = false, "updatedAt" = now() WHERE channel = $1::"ChannelKind" AND "externalId" = $2`, [channel, recipient]);
  }
}
