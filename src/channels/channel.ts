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

/** What we know of an attempt whose outcome we are asking the provider about. */
export interface AttemptToReconcile {
  noticeId: string;
  /** The provider's id, when the send returned before the process stopped. */
  providerMessageId: string | null;
  recipient: string;
  text: string;
  /** When the attempt was written, just before the provider was called. */
  startedAt: Date;
  /** Provider ids of this notice's other attempts (never taken for this one). */
  otherProviderIds: string[];
}

/**
 * The provider's answer about one attempt:
 * - delivered / accepted: it has the message (with its id); accepted = no delivery report yet.
 * - failed: it took the message and reports it undelivered (permanent for this channel).
 * - not_accepted: it never took the message: sending it again on this channel sends it once.
 * - unknown: it cannot tell (yet).
 */
export type Reconciled =
  | { state: "delivered" | "accepted"; providerMessageId: string | null }
  | { state: "failed"; providerMessageId: string | null; errorCode: string | null }
  | { state: "not_accepted" }
  | { state: "unknown" };

/**
 * A provider's message id as it can be stored and asked about again: a string or an integer of 1
 * to 128 printable ASCII characters. Anything else a provider (or something posing as one) answers
 * — a NUL, an object, a megabyte — is no id: null, as if the answer had carried none (an id
 * PostgreSQL refused would fail the result statement of every notice batched with it).
 */
export function providerId(value: unknown): string | null {
  const id = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  return typeof id === "string" && /^[\x21-\x7e]{1,128}$/.test(id) ? id : null;
}

/** A provider's count of SMS segments: an integer from 1 to 100, else none (counted here instead). */
export function providerSegments(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 100 ? value : undefined;
}

export interface Channel {
  readonly kind: DeliveryChannel;
  /** "telegram", "zalo-oa", "zns", "twilio" or "sandbox". */
  readonly provider: string;
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * How this provider can be asked about a message: `always` (even without its id: Twilio lists
   * messages by number and date; the sandbox keeps them), `with-id` (ZNS: by its msg_id only), or
   * `never` (Telegram, Zalo OA text: an unconfirmed attempt's outcome stays unknown).
   */
  readonly reconcilable: "always" | "with-id" | "never";
  /** Asks the provider what became of an attempt (see `reconcilable`). */
  reconcile?(attempt: AttemptToReconcile): Promise<Reconciled>;
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
    /** The request may have reached the provider and been accepted (a time-out, a reset mid-call). */
    readonly maybeSent = false,
  ) {
    super(message);
    this.name = "ChannelError";
  }
}
