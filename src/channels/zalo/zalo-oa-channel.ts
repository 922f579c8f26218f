/** Zalo OA customer-service message to a follower: POST /v3.0/oa/message/cs. */
import axios, { type AxiosInstance } from "axios";
import { z } from "zod";
import { ChannelError, type Channel, type OutboundMessage, type SendResult } from "../channel.js";
import { networkError, zaloError } from "../classify.js";
import type { ZaloTokenManager } from "./token-manager.js";
import { clip } from "../../text/clip.js";

const zaloAnswer = z.object({
  error: z.coerce.number(),
  message: z.string().optional(),
  data: z.object({ message_id: z.string().optional(), msg_id: z.string().optional() }).passthrough().optional(),
});

/** Calls a Zalo API with the OA token, refreshing it once on -216/-220/-124. */
export async function callWithToken(tokens: ZaloTokenManager, call: (token: string) => Promise<unknown>, api: "oa" | "zns"): Promise<z.output<typeof zaloAnswer>> {
  let token = await tokens.accessToken();
  for (let round = 0; ; round += 1) {
    let raw: unknown;
    try {
      raw = await call(token);
    } catch (error) {
      const status = (error as { response?: { status?: number } }).response?.status;
      if (status !== undefined) {
        throw new ChannelError(status === 429 || status >= 500 ? "retry" : "fallback", String(status), `Zalo ${api.toUpperCase()} answered HTTP ${status}`);
      }
      throw networkError(error, `Zalo ${api.toUpperCase()}`);
    }
    const answer = zaloAnswer.safeParse(raw);
    if (!answer.success) throw new ChannelError("retry", "BAD_RESPONSE", `Zalo ${api.toUpperCase()} answered something unexpected`);
    if (answer.data.error === 0) return answer.data;
    const failure = zaloError(answer.data.error, answer.data.message ?? "", api);
    if (failure.failure === "refresh" && round === 0) {
      token = await tokens.refresh(token);
      continue;
    }
    // A second token failure in a row: treat as retry-later (bounded by the router).
    if (failure.failure === "refresh") throw new ChannelError("retry", failure.providerCode, failure.message);
    throw failure;
  }
}

export class ZaloOaChannel implements Channel {
  readonly kind = "ZALO_OA" as const;
  readonly provider = "zalo-oa";
  /** Zalo has no look-up of an OA message: an unconfirmed one stays unknown. */
  readonly reconcilable = "never" as const;
  private readonly http: AxiosInstance;

  constructor(
    private readonly apiBase: string,
    private readonly tokens: ZaloTokenManager,
    http?: AxiosInstance,
  ) {
    this.http = http ?? axios.create({ timeout: 10_000 });
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const text = clip(message.text, 2000, "...");
    const answer = await callWithToken(
      this.tokens,
      async (token) =>
        (
          await this.http.post(
            `${this.apiBase}/v3.0/oa/message/cs`,
            { recipient: { user_id: message.recipient }, message: { text } },
            { headers: { access_token: token, "content-type": "application/json" } },
          )
        ).data,
      "oa",
    );
    return { providerMessageId: answer.data?.message_id ?? answer.data?.msg_id ?? null, delivered: false };
  }
}
