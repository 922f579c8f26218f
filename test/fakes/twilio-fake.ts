/**
 * Fake Twilio Programmable Messaging: POST /2010-04-01/Accounts/{sid}/Messages.json (form,
 * Basic auth) → 201 with the message resource; errors as {code, message, more_info, status}.
 * It can post signed status callbacks (X-Twilio-Signature) to each message's StatusCallback.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import twilio from "twilio";
import { FakeServer, type Fault, type Recorded, type Reply } from "./fake-server.js";

export interface TwilioMessage {
  at: number;
  sid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  statusCallback?: string;
  /** Twilio's view of it: queued → sent → delivered/undelivered, whether or not the callbacks got through. */
  status: string;
  errorCode?: number;
}

export class TwilioFake extends FakeServer {
  readonly accountSid = `AC${"0123456789abcdef".repeat(2)}`;
  readonly authToken = "fake-twilio-auth-token";
  readonly from = "+15005550006";
  readonly messages: TwilioMessage[] = [];
  /** Numbers that replied STOP (21610). */
  readonly optedOut = new Set<string>();
  /** Status callbacks to send for each message, in order (e.g. ["sent", "delivered"]). */
  callbackStatuses: string[] = ["sent", "delivered"];
  callbackDelayMs = 20;
  /** Numbers whose messages end "undelivered" (30003) in their callbacks. */
  readonly undeliverable = new Set<string>();

  env(): Record<string, string> {
    return { TWILIO_ACCOUNT_SID: this.accountSid, TWILIO_AUTH_TOKEN: this.authToken, TWILIO_FROM: this.from, TWILIO_API_BASE: this.url };
  }

  protected faultReply(fault: Exclude<Fault, { kind: "timeout" }>): Reply {
    switch (fault.kind) {
      case "http":
        return { status: fault.status, body: fault.body ?? { code: 20500, message: "Internal Server Error", more_info: "https://www.twilio.com/docs/errors/20500", status: fault.status } };
      case "rate-limit":
        return { status: 429, body: { code: 20429, message: "Too Many Requests", more_info: "https://www.twilio.com/docs/errors/20429", status: 429 }, headers: { "retry-after": String(fault.retryAfter) } };
      case "error": {
        const code = Number(fault.code);
        return { status: 400, body: { code, message: fault.message ?? `Error ${code}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 } };
      }
    }
  }

  protected async handle(req: Recorded, _res: ServerResponse): Promise<Reply> {
    const path = req.path.split("?")[0]!;
    const list = path.match(/^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/);
    const one = path.match(/^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\/(SM\w+)\.json$/);
    const account = list?.[1] ?? one?.[1];
    if (!account || (list && req.method !== "POST" && req.method !== "GET") || (one && req.method !== "GET")) return { status: 404, body: { code: 20404, message: "The requested resource was not found", status: 404 } };
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString("base64")}`;
    if (account !== this.accountSid || req.headers.authorization !== expected) {
      return { status: 401, body: { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 } };
    }
    if (one) {
      const m = this.messages.find((x) => x.sid === one[2]);
      return m ? { status: 200, body: this.resource(m) } : { status: 404, body: { code: 20404, message: `The requested resource /2010-04-01/Accounts/${account}/Messages/${one[2]}.json was not found`, more_info: "https://www.twilio.com/docs/errors/20404", status: 404 } };
    }
    if (req.method === "GET") return this.list(req);
    const p = req.body as Record<string, string>;
    if (!p.To || !/^\+[1-9]\d{7,14}$/.test(p.To)) return { status: 400, body: { code: 21211, message: `The 'To' number ${p.To} is not a valid phone number.`, more_info: "https://www.twilio.com/docs/errors/21211", status: 400 } };
    if (!p.Body) return { status: 400, body: { code: 21602, message: "Message body is required.", status: 400 } };
    if (!p.From && !p.MessagingServiceSid) return { status: 400, body: { code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required", status: 400 } };
    if (this.optedOut.has(p.To)) return { status: 400, body: { code: 21610, message: "Attempt to send to unsubscribed recipient", more_info: "https://www.twilio.com/docs/errors/21610", status: 400 } };
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const message: TwilioMessage = { at: Date.now(), sid, status: p.MessagingServiceSid ? "accepted" : "queued", to: p.To, body: p.Body, ...(p.From ? { from: p.From } : {}), ...(p.MessagingServiceSid ? { messagingServiceSid: p.MessagingServiceSid } : {}), ...(p.StatusCallback ? { statusCallback: p.StatusCallback } : {}) };
    this.messages.push(message);
    if (p.StatusCallback) this.scheduleCallbacks(message);
    const segments = /^[\x20-\x7e\n\r]*$/.test(p.Body) ? (p.Body.length <= 160 ? 1 : Math.ceil(p.Body.length / 153)) : p.Body.length <= 70 ? 1 : Math.ceil(p.Body.length / 67);
    return {
      status: 201,
      body: {
        sid,
        account_sid: this.accountSid,
        to: p.To,
        from: p.From ?? null,
        messaging_service_sid: p.MessagingServiceSid ?? null,
        body: p.Body,
        status: p.MessagingServiceSid ? "accepted" : "queued",
        num_segments: String(segments),
        num_media: "0",
        direction: "outbound-api",
        api_version: "2010-04-01",
        price: null,
        price_unit: "USD",
        error_code: null,
        error_message: null,
        date_created: new Date().toUTCString(),
        date_updated: new Date().toUTCString(),
        date_sent: null,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
        subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}/Media.json` },
      },
    };
  }

  /** The message resource as Twilio returns it from a fetch or a list. */
  private resource(m: TwilioMessage): Record<string, unknown> {
    const segments = /^[\x20-\x7e\n\r]*$/.test(m.body) ? (m.body.length <= 160 ? 1 : Math.ceil(m.body.length / 153)) : m.body.length <= 70 ? 1 : Math.ceil(m.body.length / 67);
    return {
      sid: m.sid,
      account_sid: this.accountSid,
      to: m.to,
      from: m.from ?? null,
      messaging_service_sid: m.messagingServiceSid ?? null,
      body: m.body,
      status: m.status,
      num_segments: String(segments),
      num_media: "0",
      direction: "outbound-api",
      api_version: "2010-04-01",
      price: null,
      price_unit: "USD",
      error_code: m.errorCode ?? null,
      error_message: null,
      date_created: new Date(m.at).toUTCString(),
      date_updated: new Date().toUTCString(),
      date_sent: m.status === "queued" || m.status === "accepted" ? null : new Date(m.at).toUTCString(),
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${m.sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${m.sid}/Media.json` },
    };
  }

  /**
   * GET …/Messages.json: newest first, filtered by To, From and DateSent (`DateSent`, `DateSent>`,
   * `DateSent>=` as twilio-node and the docs write it, `DateSent<`); one page of PageSize.
   */
  private list(req: Recorded): Reply {
    const q = new URL(req.path, "http://x").searchParams;
    const to = q.get("To");
    const from = q.get("From");
    const after = q.get("DateSent>") ?? q.get("DateSent>=");
    const before = q.get("DateSent<") ?? q.get("DateSent<=");
    const on = q.get("DateSent");
    const pageSize = Math.min(1000, Number(q.get("PageSize") ?? 50) || 50);
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    const bound = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v));
    const rows = this.messages
      .filter((m) => (!to || m.to === to) && (!from || m.from === from))
      .filter((m) => m.status !== "queued" && m.status !== "accepted" ? true : !(after || before || on)) // date_sent is empty until sent
      .filter((m) => (!after || m.at >= bound(after)) && (!before || m.at < bound(before) + (/^\d{4}-\d{2}-\d{2}$/.test(before) ? 86_400_000 : 0)) && (!on || day(m.at) === on.slice(0, 10)))
      .sort((a, b) => b.at - a.at)
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${this.accountSid}/Messages.json?PageSize=${pageSize}&Page=0`;
    return { status: 200, body: { messages: rows.map((m) => this.resource(m)), page: 0, page_size: pageSize, first_page_uri: uri, uri, next_page_uri: null, previous_page_uri: null, start: 0, end: Math.max(0, rows.length - 1) } };
  }

  /** Posts a status callback signed with the auth token, exactly as Twilio does. */
  async postStatus(url: string, params: Record<string, string>, token = this.authToken): Promise<Response> {
    const signature = twilio.getExpectedTwilioSignature(token, url, params);
    return fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, body: new URLSearchParams(params).toString() });
  }

  private scheduleCallbacks(m: TwilioMessage): void {
    const statuses = this.undeliverable.has(m.to) ? ["sent", "undelivered"] : this.callbackStatuses;
    statuses.forEach((status, i) => {
      setTimeout(() => {
        m.status = status;
        const params: Record<string, string> = { MessageSid: m.sid, MessageStatus: status, To: m.to, From: m.from ?? "", AccountSid: this.accountSid, ApiVersion: "2010-04-01" };
        if (status === "undelivered") {
          params.ErrorCode = "30003";
          m.errorCode = 30003;
        }
        void this.postStatus(m.statusCallback!, params).catch(() => undefined);
      }, this.callbackDelayMs * (i + 1));
    });
  }
}
