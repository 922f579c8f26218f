/** Telegram through telegraf's own API client (the same one the bot uses). */
import http from "node:http";
import { Telegram } from "telegraf";
import type { Channel, OutboundMessage, SendResult } from "./channel.js";
import { networkError, telegramError } from "./classify.js";

const plainHttpAgent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000 });

export function telegramClient(token: string, apiRoot: string): Telegram {
  const telegram = new Telegram(token, { apiRoot: apiRoot.endsWith("/") ? apiRoot : `${apiRoot}/` });
  // telegraf keeps connections alive on https (the real API) but drops its agent for a plain-http
  // root (a local Bot API server, or a fake), which then opens a connection per message.
  if (apiRoot.startsWith("http://")) (telegram as unknown as { options: { agent?: http.Agent } }).options.agent = plainHttpAgent;
  return telegram;
}

export class TelegramChannel implements Channel {
  readonly kind = "TELEGRAM" as const;
  readonly provider = "telegram";
  /** The Bot API cannot be asked whether a message was sent: an unconfirmed one stays unknown. */
  readonly reconcilable = "never" as const;

  constructor(private readonly telegram: Telegram, private readonly timeoutMs = 10_000) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      const sent = (await this.telegram.callApi(
        "sendMessage",
        { chat_id: message.recipient, text: message.text.slice(0, 4096), link_preview_options: { is_disabled: true } } as never,
        { signal: AbortSignal.timeout(this.timeoutMs) } as never,
      )) as { message_id: number };
      return { providerMessageId: String(sent.message_id), delivered: true };
    } catch (error) {
      const response = (error as { response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } } }).response;
      if (response?.error_code) throw telegramError(response.error_code, response.description ?? "", response.parameters?.retry_after);
      throw networkError(error, "Telegram");
    }
  }
}
