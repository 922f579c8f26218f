/**
 * Who gets an announcement, and how (pure: unit-tested without a database).
 *
 * A subscriber is a chat (Telegram or Zalo OA) subscribed to the commune, or to one of the
 * targeted hamlets; a chat subscribed to the whole commune gets its hamlets' announcements too.
 * - Opt-outs win: a chat or citizen that opted out is left out (and not counted as unreachable).
 * - A normal announcement goes only on the channel the chat subscribed on. Telegram: unless the
 *   bot was blocked. Zalo OA: the follower must still follow, have written to the OA within the
 *   last 7 days (Zalo refuses later messages), and have had fewer than N announcements in the last
 *   24 hours; one outside the free 48-hour window uses the OA's quota (and costs).
 * - An urgent announcement may also use SMS when the chat is linked to a citizen with a phone
 *   (not opted out of SMS): after the chat, or alone when the chat cannot be reached. One phone
 *   gets one SMS: of a citizen's chats subscribed (Telegram and Zalo, say), only one carries the
 *   SMS — the first whose chat can be tried first, else the first (`targetAll`).
 */
export type ChatKind = "TELEGRAM" | "ZALO_OA" | "WEB" | "SANDBOX" | "ZNS" | "SMS";
export type BroadcastChannel = "TELEGRAM" | "ZALO_OA" | "SMS";

export interface Subscriber {
  identityId: string;
  channel: ChatKind;
  citizenId: string | null;
  hamletId: string | null;
  identityOptedOut: boolean;
  citizenOptedOut: boolean;
  reachable: boolean;
  lastInteractionAt: Date | null;
  /** The linked citizen's phone (E.164), when known. */
  phone: string | null;
  smsOptedOut: boolean;
  /** Announcements this chat was sent in the last 24 hours. */
  broadcastsLastDay: number;
}

export const UNREACHABLE_REASONS = ["blocked", "unfollowed", "zalo-window", "zalo-daily-cap", "no-push-channel"] as const;
export type UnreachableReason = (typeof UNREACHABLE_REASONS)[number];

export type Target =
  | { kind: "send"; plan: BroadcastChannel[]; zaloQuota: boolean }
  | { kind: "unreachable"; reason: UnreachableReason }
  | { kind: "opted-out" };

export interface TargetingOptions {
  urgent: boolean;
  now: Date;
  zaloPerFollowerDay: number;
}

const HOUR = 60 * 60 * 1000;
export const ZALO_FREE_WINDOW_MS = 48 * HOUR;
export const ZALO_SEND_WINDOW_MS = 7 * 24 * HOUR;

export function target(s: Subscriber, o: TargetingOptions): Target {
  if (s.identityOptedOut || s.citizenOptedOut) return { kind: "opted-out" };
  let chat: BroadcastChannel | null = null;
  let reason: UnreachableReason | null = null;
  let zaloQuota = false;
  if (s.channel === "TELEGRAM") {
    if (s.reachable) chat = "TELEGRAM";
    else reason = "blocked";
  } else if (s.channel === "ZALO_OA") {
    const age = s.lastInteractionAt ? o.now.getTime() - s.lastInteractionAt.getTime() : 0;
    if (!s.reachable) reason = "unfollowed";
    else if (age > ZALO_SEND_WINDOW_MS) reason = "zalo-window";
    else if (s.broadcastsLastDay >= o.zaloPerFollowerDay) reason = "zalo-daily-cap";
    else {
      chat = "ZALO_OA";
      zaloQuota = age > ZALO_FREE_WINDOW_MS;
    }
  } else {
    reason = "no-push-channel";
  }
  const plan: BroadcastChannel[] = chat ? [chat] : [];
  if (o.urgent && s.phone && !s.smsOptedOut) plan.push("SMS");
  if (plan.length === 0) return { kind: "unreachable", reason: reason ?? "no-push-channel" };
  return { kind: "send", plan, zaloQuota };
}

/**
 * The targets of every subscriber of one announcement. An urgent one gives SMS to one chat per
 * citizen: two chats of one person (Telegram and Zalo, both blocked) would otherwise each fall back
 * to the same phone, and the citizen would get the announcement twice by SMS (paid twice). The
 * chat kept for SMS is the first that can be tried before it, else the first; the others keep
 * their chat alone, or are unreachable for their chat's reason.
 */
export function targetAll(subscribers: readonly Subscriber[], o: TargetingOptions): Target[] {
  const targets = subscribers.map((s) => target(s, o));
  if (!o.urgent) return targets;
  const smsOf = (i: number): string | null => {
    const t = targets[i]!;
    return t.kind === "send" && t.plan.includes("SMS") ? subscribers[i]!.citizenId : null;
  };
  const keeper = new Map<string, number>();
  targets.forEach((t, i) => {
    const citizen = smsOf(i);
    if (citizen === null || t.kind !== "send") return;
    const kept = keeper.get(citizen);
    const keptTarget = kept === undefined ? null : targets[kept]!;
    if (kept === undefined || (keptTarget?.kind === "send" && keptTarget.plan.length === 1 && t.plan.length > 1)) keeper.set(citizen, i);
  });
  return targets.map((t, i) => {
    const citizen = smsOf(i);
    return citizen === null || keeper.get(citizen) === i ? t : target(subscribers[i]!, { ...o, urgent: false });
  });
}

export interface AudienceSummary {
  /** Subscribers the announcement is for (opted-out ones left out). */
  total: number;
  /** By the first channel each will be tried on. */
  byChannel: Record<BroadcastChannel, number>;
  /** Urgent: subscribers whose chat is tried first and who may fall back to SMS. */
  smsFallback: number;
  unreachable: number;
  unreachableByReason: Record<UnreachableReason, number>;
  optedOut: number;
  /** Zalo messages outside the free 48-hour window (they use the OA's quota). */
  zaloOutsideWindow: number;
}

export function summarize(targets: Target[]): AudienceSummary {
  const out: AudienceSummary = {
    total: 0,
    byChannel: { TELEGRAM: 0, ZALO_OA: 0, SMS: 0 },
    smsFallback: 0,
    unreachable: 0,
    unreachableByReason: Object.fromEntries(UNREACHABLE_REASONS.map((r) => [r, 0])) as Record<UnreachableReason, number>,
    optedOut: 0,
    zaloOutsideWindow: 0,
  };
  for (const t of targets) {
    if (t.kind === "opted-out") {
      out.optedOut += 1;
      continue;
    }
    out.total += 1;
    if (t.kind === "unreachable") {
      out.unreachable += 1;
      out.unreachableByReason[t.reason] += 1;
      continue;
    }
    out.byChannel[t.plan[0]!] += 1;
    if (t.plan.length > 1 && t.plan.includes("SMS")) out.smsFallback += 1;
    if (t.zaloQuota) out.zaloOutsideWindow += 1;
  }
  return out;
}

export interface CostSettings {
  smsSegmentPrice: number;
  zaloMessagePrice: number;
}

export interface CostEstimate {
  currency: "VND";
  /** SMS to subscribers reached by SMS first. */
  sms: number;
  /** Zalo messages outside the free window. */
  zalo: number;
  total: number;
  /** Urgent: what SMS would add if every chat message fell back to SMS. */
  smsIfAllFallBack: number;
}

export function estimateCost(summary: AudienceSummary, smsSegments: number, settings: CostSettings): CostEstimate {
  const sms = summary.byChannel.SMS * smsSegments * settings.smsSegmentPrice;
  const zalo = summary.zaloOutsideWindow * settings.zaloMessagePrice;
  return { currency: "VND", sms, zalo, total: sms + zalo, smsIfAllFallBack: summary.smsFallback * smsSegments * settings.smsSegmentPrice };
}

/**
 * The order an announcement's notices are created, and so queued, in: each channel's notices
 * spaced by the rate its provider takes them (the k-th of a channel at k / its rate), merged; each
 * channel keeps its own order. The worker takes jobs in queue order, and a job holds its worker
 * slot while it waits for its provider's rate slot: in subscriber order (half Telegram, half Zalo)
 * the slower channel's jobs end up in every worker slot and hold the faster channel to the
 * slower's pace (Zalo at Telegram's 30 a second instead of its 66).
 */
export function paceByChannel<T>(items: readonly T[], channelOf: (item: T) => string, perSecond: (channel: string) => number): T[] {
  const seen = new Map<string, number>();
  const steps = new Map<string, number>();
  const keyed = items.map((item, index) => {
    const channel = channelOf(item);
    let step = steps.get(channel);
    if (step === undefined) {
      const rate = perSecond(channel);
      step = rate > 0 && Number.isFinite(rate) ? 1 / rate : 0;
      steps.set(channel, step);
    }
    const k = (seen.get(channel) ?? 0) + 1;
    seen.set(channel, k);
    return { item, at: k * step, index };
  });
  keyed.sort((a, b) => a.at - b.at || a.index - b.index);
  return keyed.map((k) => k.item);
}
