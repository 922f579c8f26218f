/** Zalo Notification Service: an approved template to a phone number (84…, no plus). */
import axios, { type AxiosInstance } from "axios";
import { ChannelError, type AttemptToReconcile, type Channel, type OutboundMessage, type Reconciled, type SendResult } from "../channel.js";
import type { ZaloTokenManager } from "./token-manager.js";
import { callWithToken } from "./zalo-oa-channel.js";

export function toZnsPhone(e164: string): string {
  return e164.replace(/^\+/, "");
}

export class ZnsChannel implements Channel {
  readonly kind = "ZNS" as const;
  readonly provider = "zns";
  /** ZNS answers a status poll by msg_id; without the id (a send cut short) nothing can be asked. */
  readonly reconcilable = "with-id" as const;
  private readonly http: AxiosInstance;

  constructor(
    private readonly apiBase: string,
    private readonly tokens: ZaloTokenManager,
    private readonly mode: "production" | "development" = "production",
    http?: AxiosInstance,
  ) {
    this.http = http ?? axios.create({ timeout: 10_000 });
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (!message.template) throw new ChannelError("fallback", "NO_TEMPLATE", "no approved ZNS template for this notice type");
    const body = {
      phone: toZnsPhone(message.recipient),
      template_id: message.template.id,
      template_data: message.template.params,
      tracking_id: message.noticeId.slice(0, 48),
      ...(this.mode === "development" ? { mode: "development" } : {}),
    };
    const answer = await callWithToken(
      this.tokens,
      async (token) => (await this.http.post(`${this.apiBase}/message/template`, body, { headers: { access_token: token, "content-type": "application/json" } })).data,
      "zns",
    );
    return { providerMessageId: answer.data?.msg_id ?? null, delivered: false };
  }

  /** GET /message/status?message_id=: status 1 delivered, 0 sent but not delivered, -1 unknown. */
  async reconcile(attempt: AttemptToReconcile): Promise<Reconciled> {
    if (!attempt.providerMessageId) return { state: "unknown" };
    const id = attempt.providerMessageId;
    const answer = await callWithToken(
      this.tokens,
      async (token) => (await this.http.get(`${this.apiBase}/message/status`, { params: { message_id: id }, headers: { access_token: token } })).data,
      "zns",
    );
    const data = (answer.data ?? {}) as { status?: unknown };
    const status = Number(data.status);
    if (status === 1) return { state: "delivered", providerMessageId: id };
    if (status === 0) return { state: "accepted", providerMessageId: id };
    return { state: "unknown" };
  }
}
