/**
 * Fake Zalo: OAuth v4 (single-use refresh tokens), OA API v3 (customer-service messages, user
 * detail) and ZNS (template messages) on one server, speaking providers.md's contracts: errors
 * as HTTP 200 with a non-zero `error`. It can send signed `user_received_message` receipts back.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { zaloSignature } from "../../src/channels/zalo/webhook-signature.js";
import { FakeServer, type Fault, type Recorded, type Reply } from "./fake-server.js";

export interface ZaloMessage {
  at: number;
  api: "oa" | "zns";
  userId?: string;
  phone?: string;
  text?: string;
  templateId?: string;
  templateData?: Record<string, string>;
  trackingId?: string;
  msgId: string;
}

export interface ZaloFakeOptions {
  appId?: string;
  appSecret?: string;
  refreshToken?: string;
  oaSecretKey?: string;
  oaId?: string;
}

const id = () => randomBytes(10).toString("hex");

export class ZaloFake extends FakeServer {
  readonly appId: string;
  readonly appSecret: string;
  readonly oaSecretKey: string;
  readonly oaId: string;
  /** The refresh token that will be accepted next (single use). */
  refreshToken: string;
  readonly validAccessTokens = new Set<string>();
  refreshCount = 0;
  readonly messages: ZaloMessage[] = [];
  /** Users who do not follow the OA (-213). */
  readonly notFollowers = new Set<string>();
  /** Users whose last interaction is older than 7 days (-230). */
  readonly outsideWindow = new Set<string>();
  /** Where to post delivery receipts (null: none). */
  receiptsTo: string | null = null;
  receiptDelayMs = 20;
  /** Whether ZNS messages reach the phone (the status poll's answer); false: "sent, not delivered". */
  znsDelivers = true;
  /** Answer OAuth slowly, to widen race windows in tests. */
  oauthDelayMs = 0;

  constructor(options: ZaloFakeOptions = {}) {
    super();
    this.appId = options.appId ?? "1234567890";
    this.appSecret = options.appSecret ?? "fake-app-secret";
    this.refreshToken = options.refreshToken ?? "refresh-0";
    this.oaSecretKey = options.oaSecretKey ?? "fake-oa-secret";
    this.oaId = options.oaId ?? "5799999999999999999";
  }

  /** The environment that points motcua at this fake. */
  env(): Record<string, string> {
    return {
      ZALO_APP_ID: this.appId,
      ZALO_APP_SECRET: this.appSecret,
      ZALO_OA_SECRET_KEY: this.oaSecretKey,
      ZALO_REFRESH_TOKEN: this.refreshToken,
      ZALO_OA_API_BASE: this.url,
      ZALO_ZNS_API_BASE: this.url,
      ZALO_OAUTH_BASE: this.url,
    };
  }

  /** Invalidate every access token (as after expiry), so the next call answers -216. */
  expireAccessTokens(): void {
    this.validAccessTokens.clear();
  }

  protected override faultable(req: Recorded): boolean {
    return !req.path.startsWith("/v4/oa/access_token");
  }

  protected faultReply(fault: Exclude<Fault, { kind: "timeout" }>): Reply {
    switch (fault.kind) {
      case "http":
        return { status: fault.status, body: fault.body ?? "Bad Gateway" };
      case "rate-limit":
        return { status: 200, body: { error: -32, message: "Exceed rate limit" } };
      case "error":
        return { status: 200, body: { error: Number(fault.code), message: fault.message ?? `error ${fault.code}` } };
    }
  }

  protected async handle(req: Recorded, _res: ServerResponse): Promise<Reply> {
    const path = req.path.split("?")[0];
    if (req.method === "POST" && path === "/v4/oa/access_token") return this.oauth(req);
    if (req.method === "POST" && path === "/v3.0/oa/message/cs") return this.oaMessage(req);
    if (req.method === "POST" && path === "/message/template") return this.zns(req);
    if (req.method === "GET" && path === "/v3.0/oa/user/detail") return this.userDetail(req);
    if (req.method === "GET" && path === "/message/status") return this.znsStatus(req);
    return { status: 404, body: { error: 404, message: `no such endpoint ${req.method} ${path}` } };
  }

  private async oauth(req: Recorded): Promise<Reply> {
    if (this.oauthDelayMs) await new Promise((r) => setTimeout(r, this.oauthDelayMs));
    const body = req.body as Record<string, string>;
    if (req.headers["secret_key"] !== this.appSecret) return { status: 200, body: { error: -14002, error_name: "invalid_app_secret", error_description: "secret_key is invalid" } };
    if (body.app_id !== this.appId || body.grant_type !== "refresh_token") return { status: 200, body: { error: -14001, error_name: "invalid_request", error_description: "bad parameters" } };
    if (body.refresh_token !== this.refreshToken) {
      return { status: 200, body: { error: -14014, error_name: "invalid_grant", error_reason: "refresh token is invalid or used", error_description: "Refresh token is invalid" } };
    }
    this.refreshCount += 1;
    const access = `access-${this.refreshCount}-${id()}`;
    this.refreshToken = `refresh-${this.refreshCount}-${id()}`;
    this.validAccessTokens.add(access);
    return { status: 200, body: { access_token: access, refresh_token: this.refreshToken, expires_in: "90000" } };
  }

  private checkToken(req: Recorded, code: number): Reply | null {
    const token = req.headers["access_token"];
    if (typeof token !== "string" || !this.validAccessTokens.has(token)) return { status: 200, body: { error: code, message: "Access token is invalid" } };
    return null;
  }

  private oaMessage(req: Recorded): Reply {
    const bad = this.checkToken(req, -216);
    if (bad) return bad;
    const body = req.body as { recipient?: { user_id?: string }; message?: { text?: string } };
    const userId = body.recipient?.user_id;
    const text = body.message?.text;
    if (!userId || !text) return { status: 200, body: { error: -201, message: "Parameters are invalid" } };
    if (text.length > 2000) return { status: 200, body: { error: -201, message: "text is too long" } };
    if (this.notFollowers.has(userId)) return { status: 200, body: { error: -213, message: "User has not followed OA" } };
    if (this.outsideWindow.has(userId)) return { status: 200, body: { error: -230, message: "User has not interacted with the OA in the last 7 days" } };
    const msgId = id();
    this.messages.push({ at: Date.now(), api: "oa", userId, text, msgId });
    this.scheduleReceipt({ app_id: this.appId, sender: { id: this.oaId }, recipient: { id: userId }, event_name: "user_received_message", message: { msg_id: msgId }, timestamp: String(Date.now()) });
    return { status: 200, body: { error: 0, message: "Success", data: { message_id: msgId, user_id: userId, sent_time: String(Date.now()) } } };
  }

  private zns(req: Recorded): Reply {
    const bad = this.checkToken(req, -124);
    if (bad) return bad;
    const body = req.body as { phone?: string; template_id?: string; template_data?: Record<string, string>; tracking_id?: string };
    if (!body.phone || !/^84\d{9,10}$/.test(body.phone)) return { status: 200, body: { error: -108, message: "Phone number is invalid" } };
    if (!body.template_id) return { status: 200, body: { error: -109, message: "Template id is invalid" } };
    if (!body.template_data || Object.keys(body.template_data).length === 0) return { status: 200, body: { error: -1122, message: "Missing parameter" } };
    if (body.tracking_id && body.tracking_id.length > 48) return { status: 200, body: { error: -1121, message: "tracking_id too long" } };
    const msgId = id();
    this.messages.push({ at: Date.now(), api: "zns", phone: body.phone, templateId: body.template_id, templateData: body.template_data, ...(body.tracking_id ? { trackingId: body.tracking_id } : {}), msgId });
    this.scheduleReceipt({
      sender: { id: this.oaId },
      recipient: { id: body.phone },
      event_name: "user_received_message",
      message: { delivery_time: String(Date.now()), msg_id: msgId, ...(body.tracking_id ? { tracking_id: body.tracking_id } : {}) },
      app_id: this.appId,
      timestamp: String(Date.now()),
    });
    return { status: 200, body: { error: 0, message: "Success", data: { msg_id: msgId, sent_time: String(Date.now()), quota: { dailyQuota: "500", remainingQuota: "499" } } } };
  }

  /** ZNS status poll: 1 delivered (its receipt time has come), 0 sent but not delivered yet. */
  private znsStatus(req: Recorded): Reply {
    const bad = this.checkToken(req, -124);
    if (bad) return bad;
    const messageId = new URL(req.path, "http://x").searchParams.get("message_id");
    const m = this.messages.find((x) => x.api === "zns" && x.msgId === messageId);
    if (!m) return { status: 200, body: { error: -201, message: "message_id is invalid" } };
    const delivered = this.znsDelivers && Date.now() >= m.at + this.receiptDelayMs;
    return { status: 200, body: { error: 0, message: "Success", data: { message_id: m.msgId, status: delivered ? 1 : 0, delivery_time: delivered ? String(m.at + this.receiptDelayMs) : null } } };
  }

  private userDetail(req: Recorded): Reply {
    const bad = this.checkToken(req, -216);
    if (bad) return bad;
    const data = new URL(req.path, "http://x").searchParams.get("data");
    const userId = data ? (JSON.parse(data) as { user_id?: string }).user_id : undefined;
    if (!userId) return { status: 200, body: { error: -201, message: "Parameters are invalid" } };
    return {
      status: 200,
      body: { error: 0, message: "Success", data: { user_id: userId, display_name: "Người dùng Zalo", user_is_follower: !this.notFollowers.has(userId), user_last_interaction_date: "20/11/2026", shared_info: {} } },
    };
  }

  /** Posts an event to `url` signed as Zalo signs it. */
  async postEvent(url: string, event: Record<string, unknown>): Promise<Response> {
    const raw = JSON.stringify(event);
    const mac = zaloSignature(this.appId, raw, String(event.timestamp ?? ""), this.oaSecretKey);
    return fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-zevent-signature": mac }, body: raw });
  }

  private scheduleReceipt(event: Record<string, unknown>): void {
    if (!this.receiptsTo) return;
    const url = this.receiptsTo;
    setTimeout(() => void this.postEvent(url, event).catch(() => undefined), this.receiptDelayMs);
  }
}
