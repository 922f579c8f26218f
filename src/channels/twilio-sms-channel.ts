/** SMS through twilio-node, with a request client that sends to a configurable base URL. */
import twilio from "twilio";
import type { Channel, OutboundMessage, SendResult } from "./channel.js";
import { networkError, twilioError } from "./classify.js";
import { countSegments } from "../notifications/sms-text.js";

const { RequestClient } = twilio;

/** twilio-node's request client, with every request's origin rewritten to `baseUrl`. */
export class BaseUrlRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string, timeoutMs = 10_000) {
    super({ timeout: timeoutMs, keepAlive: true });
  }

  override request<TData>(opts: Parameters<InstanceType<typeof RequestClient>["request"]>[0]) {
    const uri = new URL(opts.uri);
    const base = new URL(this.baseUrl);
    uri.protocol = base.protocol;
    uri.host = base.host;
    return super.request<TData>({ ...opts, uri: uri.toString() } as never);
  }
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
  private readonly client: ReturnType<typeof twilio>;

  constructor(private readonly options: TwilioSmsOptions) {
    this.client = twilio(options.accountSid, options.authToken, { httpClient: new BaseUrlRequestClient(options.apiBase, options.timeoutMs) as never });
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      const sent = await this.client.messages.create({
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
}
