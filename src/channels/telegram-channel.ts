/**
 * Telegram: the Bot API's sendMessage, one JSON POST per message over node:http(s) with kept-alive
 * connections. Not through telegraf's client (the bot's): its request path (node-fetch, the
 * payload walked for files to upload, an AbortSignal per call) cost the worker about 0.5 ms of CPU
 * per message, this one under half of that, for the same request and the same answers.
 */
import http from "node:http";
import https from "node:https";
import type { Channel, OutboundMessage, SendResult } from "./channel.js";
import { networkError, telegramError } from "./classify.js";
import { clip } from "../text/clip.js";

const agents = {
  "http:": new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000 }),
  "https:": new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000 }),
};

/**
 * The most of an answer read: the Bot API answers sendMessage in a few kilobytes. A longer one is
 * not its answer (a proxy's page, a stream that never ends) and is not held in memory.
 */
const ANSWER_MAX_BYTES = 1024 * 1024;

/** The Bot API's answer: `{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…,"parameters":{"retry_after":…}}`. */
interface BotApiAnswer {
  ok?: boolean;
  result?: { message_id?: unknown };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export class TelegramChannel implements Channel {
  readonly kind = "TELEGRAM" as const;
  readonly provider = "telegram";
  /** The Bot API cannot be asked whether a message was sent: an unconfirmed one stays unknown. */
  readonly reconcilable = "never" as const;

  private readonly url: URL;
  private readonly timeoutMs: number;

  constructor(options: { token: string; apiRoot: string; timeoutMs?: number }) {
    const root = options.apiRoot.endsWith("/") ? options.apiRoot : `${options.apiRoot}/`;
    // "./": a token holds a colon, which would otherwise be read as a URL scheme.
    this.url = new URL(`./bot${options.token}/sendMessage`, root);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const body = JSON.stringify({ chat_id: message.recipient, text: clip(message.text, 4096), link_preview_options: { is_disabled: true } });
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.post(body));
    } catch (error) {
      // Refused before a connection was made: never sent. A time-out or a cut connection: maybe sent.
      throw networkError(error, "Telegram");
    }
    let answer: BotApiAnswer | undefined;
    try {
      answer = JSON.parse(text) as BotApiAnswer;
    } catch {
      answer = undefined;
    }
    // Sent for sure only with the message's id, a positive integer: `{"ok":true}` with a null, a
    // missing or an odd id (a proxy, a broken mirror) is not a confirmed send, and is maybe sent.
    const messageId = answer?.ok === true ? answer.result?.message_id : undefined;
    if (Number.isSafeInteger(messageId) && (messageId as number) > 0) return { providerMessageId: String(messageId), delivered: true };
    // A refusal is believed only from an answer that does not also say ok.
    if (answer?.ok !== true && typeof answer?.error_code === "number") throw telegramError(answer.error_code, typeof answer.description === "string" ? answer.description : "", answer.parameters?.retry_after);
    // An answer that is not the Bot API's (a proxy's page, a cut body): whether Telegram took the
    // message is not known, so it is treated as maybe sent, never sent again blindly.
    throw networkError(Object.assign(new Error(`an answer that is not the Bot API's (HTTP ${status})`), { code: "EBADANSWER" }), "Telegram");
  }

  private post(body: string): Promise<{ status: number; text: string }> {
    const url = this.url;
    const request = url.protocol === "https:" ? https.request : http.request;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const req = request(
        url,
        { method: "POST", agent: agents[url.protocol as keyof typeof agents], headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > ANSWER_MAX_BYTES) {
              // Whatever it ends with, it is not the Bot API's answer: maybe sent.
              fail(Object.assign(new Error(`an answer of more than ${ANSWER_MAX_BYTES} bytes, not the Bot API's`), { code: "EBADANSWER" }));
              req.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
          });
          res.on("error", fail);
        },
      );
      timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: "ETIMEDOUT" })), this.timeoutMs);
      req.on("error", fail);
      req.end(body);
    });
  }
}
