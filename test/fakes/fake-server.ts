/**
 * The base of every fake provider: a real HTTP server on 127.0.0.1 that records what it receives
 * and can be told to misbehave (time out, answer 5xx, rate-limit, return an error code).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  raw: string;
}

/** What the next matching request(s) get instead of the normal answer. */
export type Fault =
  | { kind: "timeout"; ms?: number; accepted?: boolean } // hold the request (default: until the client gives up); accepted: handled first, only the answer is lost
  | { kind: "http"; status: number; body?: unknown } // e.g. 500, 502
  | { kind: "rate-limit"; retryAfter: number } // 429 in the provider's own shape
  | { kind: "error"; code: number | string; message?: string }; // the provider's error code

export interface FaultRule {
  fault: Fault;
  /** How many requests it applies to (Infinity: until cleared). */
  times: number;
  match?: (req: Recorded) => boolean;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export abstract class FakeServer {
  /** Every request, faulted or not, in arrival order. */
  readonly received: Recorded[] = [];
  private readonly rules: FaultRule[] = [];
  private server: Server | undefined;
  private readonly held = new Set<ServerResponse>();
  url = "";
  /** Every normal answer waits this long after the work is done (a slow provider: calls stay in flight). */
  replyDelayMs = 0;

  /** Answers one request normally; a subclass speaks its provider's contract here. */
  protected abstract handle(req: Recorded, res: ServerResponse): Promise<Reply | null> | Reply | null;
  /** How this provider expresses a fault (each has its own error shapes). */
  protected abstract faultReply(fault: Exclude<Fault, { kind: "timeout" }>, req: Recorded): Reply;
  /** Requests that faults never apply to (e.g. OAuth on the Zalo fake, unless asked). */
  protected faultable(_req: Recorded): boolean {
    return true;
  }

  inject(fault: Fault, options: { times?: number; match?: (req: Recorded) => boolean } = {}): this {
    this.rules.push({ fault, times: options.times ?? 1, ...(options.match ? { match: options.match } : {}) });
    return this;
  }

  clearFaults(): void {
    this.rules.length = 0;
  }

  reset(): void {
    this.received.length = 0;
    this.clearFaults();
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    // Node clients drop a kept-alive socket 1 s before the server says it expires: keep it well above that.
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const type = String(req.headers["content-type"] ?? "");
    let body: unknown = raw;
    try {
      if (type.includes("json") && raw) body = JSON.parse(raw);
      else if (type.includes("x-www-form-urlencoded")) body = Object.fromEntries(new URLSearchParams(raw));
    } catch {
      body = raw;
    }
    const recorded: Recorded = { at: Date.now(), method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body, raw };
    this.received.push(recorded);
    try {
      const rule = this.faultable(recorded) ? this.rules.find((r) => r.times > 0 && (!r.match || r.match(recorded))) : undefined;
      if (rule) {
        rule.times -= 1;
        if (rule.times <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
        if (rule.fault.kind === "timeout") {
          // The provider took the request and did its work; only its answer never comes back.
          if (rule.fault.accepted) await this.handle(recorded, res);
          this.held.add(res);
          res.on("close", () => this.held.delete(res));
          if (rule.fault.ms !== undefined) setTimeout(() => res.destroy(), rule.fault.ms);
          return;
        }
        return this.send(res, this.faultReply(rule.fault, recorded));
      }
      const reply = await this.handle(recorded, res);
      if (reply && this.replyDelayMs > 0) await new Promise((r) => setTimeout(r, this.replyDelayMs));
      if (reply) this.send(res, reply);
    } catch (error) {
      this.send(res, { status: 500, body: { error: String(error) } });
    }
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
  }
}
