/**
 * SMS through twilio-node, with a request client that sends to a configurable base URL. twilio-node
 * is imported on the first send or check, not with this module: a process whose SMS is served by
 * the sandbox (or that never sends one) does not load it.
 */
import type Twilio from "twilio";
import type { AttemptToReconcile, Channel, OutboundMessage, Reconciled, SendResult } from "./channel.js";
import { networkError, twilioError } from "./classify.js";
import { countSegments } from "../notifications/sms-text.js";

type TwilioClient = ReturnType<typeof Twilio>;

/** A twilio-node client whose request client rewrites every request's origin to `baseUrl`. */
async function twilioClient(accountSid: string, authToken: string, baseUrl: string, timeoutMs = 10_000): Promise<TwilioClient> {
  const twilio = (await import("twilio")).default;
  const { RequestClient } = twilio;
  class BaseUrlRequestClient extends RequestClient {
    constructor() {
      super({ timeout: timeoutMs, keepAlive: true });
    }

    override request<TData>(opts: Parameters<InstanceType<typeof RequestClient>["request"]>[0]) {
      const uri = new URL(opts.uri);
      const base = new URL(baseUrl);
      uri.protocol = base.protocol;
      uri.host = base.host;
      return super.request<TData>({ ...opts, uri: uri.toString() } as never);
    }
  }
  return twilio(accountSid, authToken, { httpClient: new BaseUrlRequestClient() as never });
}

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  apiBase: string;
  /** Where Twilio posts status callbacks: `${publicBaseUrl}/webhooks/twilio/status`. */
  statusCallbackBase: string;
  timeoutMs?: number;
}

export class TwilioSmsChannel implements Channel {
  readonly kind = "SMS" as const;
  readonly provider = "twilio";
  /** Twilio can be asked by SID, and without one by listing the messages sent to the number. */
  readonly reconcilable = "always" as const;
  private clientPromise: Promise<TwilioClient> | undefined;

  constructor(private readonly options: TwilioSmsOptions) {}

  /** The client, made on first use (a failed import is tried again next time). */
  private client(): Promise<TwilioClient> {
    this.clientPromise ??= twilioClient(this.options.accountSid, this.options.authToken, this.options.apiBase, this.options.timeoutMs).catch((error: unknown) => {
      this.clientPromise = undefined;
      throw error;
    });
    return this.clientPromise;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      const client = await this.client();
      const sent = await client.messages.create({
        to: message.recipient,
        body: message.text,
        ...(this.options.messagingServiceSid ? { messagingServiceSid: this.options.messagingServiceSid } : { from: this.options.from! }),
        statusCallback: `${this.options.statusCallbackBase}/webhooks/twilio/status?notice=${encodeURIComponent(message.noticeId)}`,
      });
      return { providerMessageId: sent.sid, delivered: false, segments: Number(sent.numSegments) || countSegments(message.text).segments };
    } catch (error) {
      const e = error as { status?: number; code?: number; message?: string };
      if (typeof e.status === "number") throw twilioError(e.status, e.code, e.message ?? "");
      throw networkError(error, "Twilio");
    }
  }

  /**
   * What Twilio did with an attempt: fetched by its SID when we have it; otherwise (the process
   * stopped, or the call timed out, before the SID came back) the newest messages to that number
   * are listed and ours is the one with our exact text created since the attempt began.
   *
   * The list is filtered by `To` only, newest first, not by `DateSent`: a message still queued
   * at Twilio has no date_sent yet, and a date filter would miss it and send it twice.
   */
  async reconcile(attempt: AttemptToReconcile): Promise<Reconciled> {
    try {
      const client = await this.client();
      if (attempt.providerMessageId) return twilioState(await client.messages(attempt.providerMessageId).fetch());
      const since = attempt.startedAt.getTime() - 60_000;
      const recent = await client.messages.list({ to: attempt.recipient, pageSize: 50, limit: 50 });
      const ours = recent.find(
        (m) => m.body === attempt.text && !attempt.otherProviderIds.includes(m.sid) && (m.dateCreated ? m.dateCreated.getTime() >= since : true),
      );
      return ours ? twilioState(ours) : { state: "not_accepted" };
    } catch (error) {
      const e = error as { status?: number; code?: number; message?: string };
      if (typeof e.status === "number") throw twilioError(e.status, e.code, e.message ?? "");
      throw networkError(error, "Twilio");
    }
  }
}

function twilioState(m: { sid: string; status: string; errorCode: number | null }): Reconciled {
  switch (m.status) {
    case "delivered":
    case "read":
      return { state: "delivered", providerMessageId: m.sid };
    case "undelivered":
    case "failed":
    case "canceled":
      return { state: "failed", providerMessageId: m.sid, errorCode: m.errorCode === null ? null : String(m.errorCode) };
    default:
      return { state: "accepted", providerMessageId: m.sid };
  }
}
