/**
 * A web-chat user for tests: keeps the conversation cookie the server issues (like a browser) and
 * comes from an address of its own (X-Forwarded-For, trusted from 127.0.0.1 by startTestApp).
 */
import { randomBytes, randomInt } from "node:crypto";

export interface ChatReply {
  text: string;
  buttons?: { label: string; data: string }[][];
}

export interface ChatResponse {
  status: number;
  headers: Headers;
  body: { replies: ChatReply[]; error?: { code?: string; field?: string; message?: string } };
}

export const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export function webChatUser(baseUrl: string, options: { ip?: string; cookie?: string | null } = {}) {
  const ip = options.ip ?? randomIp();
  let cookie = options.cookie ?? null;
  // Sent as older pages did; the server ignores it (the cookie names the conversation).
  const conversationId = `t-${randomBytes(8).toString("hex")}`;
  const post = async (body: Record<string, unknown>, extra: { cookie?: string | null } = {}): Promise<ChatResponse> => {
    const sent = extra.cookie !== undefined ? extra.cookie : cookie;
    const res = await fetch(`${baseUrl}/api/v1/chat`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip, ...(sent ? { cookie: sent } : {}) },
      body: JSON.stringify({ conversationId, ...body }),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith("motcua_chat="));
    if (set && extra.cookie === undefined) cookie = set.split(";")[0]!;
    return { status: res.status, headers: res.headers, body: (await res.json()) as ChatResponse["body"] };
  };
  const join = (replies: ChatReply[] = []) => replies.map((r) => r.text).join("\n---\n");
  return {
    ip,
    get cookie() {
      return cookie;
    },
    post,
    /** The replies' texts, joined. */
    say: async (text: string) => join((await post({ text })).body.replies),
    press: async (button: string) => join((await post({ button })).body.replies),
    replies: async (body: Record<string, unknown>) => (await post(body)).body.replies,
  };
}

/** A web-chat conversation past its welcome: `ask` and `press` return the answer's replies. */
export async function chatConversation(baseUrl: string) {
  const user = webChatUser(baseUrl);
  await user.post({ text: "menu" });
  return {
    ask: async (text: string) => (await user.post({ text })).body.replies,
    press: async (button: string) => (await user.post({ button })).body.replies,
  };
}

/** The replies' texts, one after the other. */
export const replyTexts = (replies: ChatReply[]) => replies.map((r) => r.text).join("\n---\n");
/** Every button of the replies. */
export const replyButtons = (replies: ChatReply[]) => replies.flatMap((r) => (r.buttons ?? []).flat());
