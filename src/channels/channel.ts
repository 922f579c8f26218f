/**
 * One interface for every way a notice reaches a citizen. Each provider lives in its own module;
 * the router knows only this.
 */
import type { ChannelKind } from "../generated/prisma/enums.js";

export type DeliveryChannel = Exclude<ChannelKind, "WEB" | "SANDBOX">;

export interface OutboundMessage {
  /** Our notice id: carried to the provider (ZNS tracking_id, Twilio callback) so receipts find it. */
  noticeId: string;
  /** Telegram chat id, Zalo user id, or E.164 phone for ZNS/SMS. */
  recipient: string;
  text: string;
  /** ZNS only: the approved template and its parameters. */
  template?: { id: string; params: Record<string, string> };
}

export interface SendResult {
  providerMessageId: string | null;
  /** The provider confirmed delivery on the spot (Telegram, sandbox): no receipt will follow. */
  delivered: boolean;
  segments?: number;
}

export interface Channel {
  readonly kind: DeliveryChannel;
  /** "telegram", "zalo-oa", "zns", "twilio" or "sandbox". */
  readonly provider: string;
  send(message: OutboundMessage): Promise<SendResult>;
}

/**
 * How a failed send is handled:
 * - retry: later, with back-off (network, 5xx, rate limit); `retryAfterMs` when the provider said.
 * - refresh: the credentials expired; refresh them once, then retry.
 * - fallback: permanent for this channel (not a follower, blocked bot, invalid number) → next channel.
 * - defer: not now (a provider's night ban) → at the end of quiet hours.
 * - opted_out: the recipient refused this channel (SMS STOP) → record it, next channel.
 */
export type FailureClass = "retry" | "refresh" | "fallback" | "defer" | "opted_out";

export class ChannelError extends Error {
  constructor(
    readonly failure: FailureClass,
    readonly providerCode: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ChannelError";
  }
}
