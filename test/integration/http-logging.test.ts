/**
 * The request log of a real server, written by pino to a stream the test reads: no phone number
 * from a query string reaches it, in any encoding, and `request completed` carries the real status.
 */
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAppContext, type AppContext } from "../../src/app/context.js";
import { parseEnv } from "../../src/config/env.js";
import { buildHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logging/logger.js";

const lines: string[] = [];
let ctx: AppContext;
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  const env = parseEnv({ ...process.env, PORT: "0" });
  ctx = createAppContext(env, createLogger({ level: "info", destination }));
  app = await buildHttpServer(ctx);
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await app.close();
  await ctx.close();
});

/** The log lines of one request (matched on its request id), once its `request completed` line is written. */
async function logOf(path: string): Promise<{ status: number; entries: Record<string, unknown>[]; text: string }> {
  const before = lines.length;
  const res = await fetch(`${baseUrl}${path}`);
  await res.arrayBuffer();
  const parsed = () => lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
  // Fastify writes `request completed` when the response has finished on the server's side.
  await vi.waitFor(() => expect(parsed().some((e) => e.msg === "request completed")).toBe(true));
  // The text searched for digits leaves out the clock's (time, responseTime), which hold digits of their own.
  const text = parsed()
    .map(({ time: _time, responseTime: _took, ...rest }) => JSON.stringify(rest))
    .join("\n");
  return { status: res.status, entries: parsed(), text };
}

const phones: { query: string; digits: string[] }[] = [
  { query: "q=%2B84912340001", digits: ["84912340001", "912340001", "340001"] },
  { query: "q=sdt0912340007", digits: ["0912340007", "912340007", "0007"] },
  { query: "q=0912%20340%20007", digits: ["0912", "340", "007"] },
  { query: "q=0912.340.008", digits: ["0912", "340", "008"] },
  { query: "q=%30%39%31%32%33%34%30%30%30%39", digits: ["%30%39", "0912340009", "0009"] },
  { query: "q=84912340010&limit=3", digits: ["84912340010", "340010"] },
  { query: "q=so+dien+thoai+0912-340-011", digits: ["0912", "340", "011"] },
];

describe("request log", () => {
  it.each(phones)("a phone in ?$query never reaches the log", async ({ query, digits }) => {
    const { entries, text } = await logOf(`/api/v1/procedures?${query}`);
    expect(entries.some((e) => e.msg === "incoming request")).toBe(true);
    for (const d of digits) expect(text).not.toContain(d);
  });

  it("masks a phone written into the path, encoded or glued to letters", async () => {
    const { entries, text } = await logOf("/api/v1/procedures/sdt%30912340012");
    expect(entries.find((e) => e.msg === "incoming request")).toMatchObject({ req: { url: "/api/v1/procedures/sdt091***012" } });
    expect(text).not.toContain("0912340012");
    expect(text).not.toContain("%30912340012");
  });

  it("a request to no route logs no phone either", async () => {
    const { status, text } = await logOf("/api/v1/no-such-route/sdt%30912340013?q=%2B84912340014");
    expect(status).toBe(404);
    for (const d of ["0912340013", "84912340014", "0014"]) expect(text).not.toContain(d);
  });

  it("logs the route it served", async () => {
    const { entries } = await logOf("/api/v1/procedures?q=khai%20sinh");
    const incoming = entries.find((e) => e.msg === "incoming request") as { req: { method: string; url: string } };
    expect(incoming.req.method).toBe("GET");
    expect(incoming.req.url).toMatch(/^\/api\/v1\/procedures/);
  });

  it("writes the real status code on `request completed`", async () => {
    const ok = await logOf("/api/v1/procedures?q=khai%20sinh");
    expect(ok.status).toBe(200);
    expect(ok.entries.find((e) => e.msg === "request completed")).toMatchObject({ res: { statusCode: 200 } });
    const missing = await logOf("/api/v1/procedures/9.999999");
    expect(missing.status).toBe(404);
    expect(missing.entries.find((e) => e.msg === "request completed")).toMatchObject({ res: { statusCode: 404 } });
    const refused = await logOf(`/api/v1/procedures?q=${"a".repeat(1200)}`);
    expect(refused.status).toBe(400);
    expect(refused.entries.find((e) => e.msg === "request completed")).toMatchObject({ res: { statusCode: 400 } });
  });
});
