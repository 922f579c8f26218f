import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchResultSchema } from "../../src/http/routes/procedures.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { randomIp } from "../support/web-chat.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const get = async (path: string) => {
  const res = await fetch(t.baseUrl + path);
  return { status: res.status, body: (await res.json()) as any };
};

describe("HTTP API", () => {
  it("answers /healthz and /readyz when PostgreSQL and Redis are up", async () => {
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await get("/readyz")).toEqual({ status: 200, body: { status: "ready", checks: { postgres: "ok", redis: "ok" } } });
  });

  it("serves an OpenAPI document describing the catalog routes", async () => {
    const { status, body } = await get("/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(["/api/v1/procedures", "/api/v1/procedures/{code}", "/readyz"]));
  });

  it("ranks procedures for a citizen's question, best first", async () => {
    const { status, body } = await get(`/api/v1/procedures?q=${encodeURIComponent("làm giấy khai sinh cho con")}`);
    expect(status).toBe(200);
    expect(body.results[0]).toMatchObject({ code: "1.001193", name: "Đăng ký khai sinh" });
    const scores = body.results.map((r: { score: number }) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s).toBeGreaterThan(0), expect(s).toBeLessThanOrEqual(1);
  });

  it("understands questions typed without diacritics", async () => {
    const { body } = await get(`/api/v1/procedures?q=${encodeURIComponent("xin giay doc than")}`);
    expect(body.results[0].code).toBe("1.004873");
  });

  it("says the kind of answer: match, choices, out of scope (with where to go) or no match, keeping results", async () => {
    const ask = async (q: string, limit?: number) => {
      const { status, body } = await get(`/api/v1/procedures?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ""}`);
      expect(status, q).toBe(200);
      return searchResultSchema.parse(body);
    };
    const match = await ask("làm giấy khai sinh cho con", 2);
    expect(match.kind).toBe("match");
    expect(match.results[0]).toMatchObject({ code: "1.001193", variant: "Trong nước" });
    expect(match.results.length).toBeLessThanOrEqual(2);

    const choices = await ask("làm thẻ căn cước", 2);
    expect(choices).toMatchObject({ kind: "choices", prompt: expect.stringMatching(/căn cước/) });
    // every variant, even past the limit, each with its label
    expect(choices.results.map((r) => r.code)).toEqual(expect.arrayContaining(["1.014061", "1.014062", "1.014063", "1.014064"]));
    for (const r of choices.results) expect(r.variant).toBeTruthy();

    const passport = await ask("làm hộ chiếu đi nước ngoài");
    expect(passport).toMatchObject({ kind: "out-of-scope", topic: "Hộ chiếu", results: [] });
    if (passport.kind === "out-of-scope") expect(passport.whereToGo).toMatch(/xuất nhập cảnh/);

    expect(await ask("giá vàng hôm nay")).toEqual({ kind: "no-match", results: [] });
  });

  it("refuses an empty, blank or 2,000-character query with a clear error", async () => {
    for (const q of ["", "   "]) {
      const { status, body } = await get(`/api/v1/procedures?q=${encodeURIComponent(q)}`);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "q" });
      expect(body.error.message).toMatch(/trống|empty/);
    }
    const long = await get(`/api/v1/procedures?q=${"a".repeat(2000)}`);
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "q" });
    expect(long.body.error.message).toMatch(/1000/);
    const limit = await get(`/api/v1/procedures?q=khai%20sinh&limit=abc`);
    expect(limit.status).toBe(400);
    expect(limit.body.error.field).toBe("limit");
  });

  it("lists the catalog when no question is given", async () => {
    const { status, body } = await get("/api/v1/procedures");
    expect(status).toBe(200);
    expect(body.procedures.length).toBeGreaterThanOrEqual(28);
  });

  it("returns a procedure with its ordered documents", async () => {
    const { status, body } = await get("/api/v1/procedures/1.001193");
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: "1.001193", name: "Đăng ký khai sinh", postalReturn: true, reviewStatus: "PUBLISHED" });
    expect(body.documents.map((d: { position: number }) => d.position)).toEqual(body.documents.map((_: unknown, i: number) => i + 1));
    expect(body.documents[0]).toMatchObject({ name: "Tờ khai đăng ký khai sinh", originals: 1, copies: 0 });
    expect(body.sources.length).toBeGreaterThan(0);
  });

  it("serves the fee in the words citizens are told (never 'Miễn phí' where the note says the province sets it), the source's text under feeAsPublished", async () => {
    const { status, body } = await get("/api/v1/procedures/1.000094");
    expect(status).toBe(200);
    expect(body.feeAsPublished).toMatch(/^Miễn phí \(Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh/);
    expect(body.fee).toMatch(/^Mức lệ phí do Hội đồng nhân dân cấp tỉnh quyết định; Cổng Dịch vụ công quốc gia không nêu số tiền, ông\/bà vui lòng hỏi bộ phận một cửa\./);
    expect(body.fee).not.toMatch(/^Miễn phí/);
    // a fee without such a note is served as it is
    const birth = await get("/api/v1/procedures/1.001193");
    expect(birth.body.fee).toBe(birth.body.feeAsPublished);
  });

  it("answers 404 for an unknown code and 400 for a malformed one", async () => {
    const unknown = await get("/api/v1/procedures/9.999999");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");
    expect(unknown.body.error.message).toContain("9.999999");
    const malformed = await get("/api/v1/procedures/khai-sinh");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe("code");
  });

  it("finds communes by name with or without diacritics and tone placement", async () => {
    const a = await get(`/api/v1/admin-units?q=${encodeURIComponent("phong hòa")}&level=commune&province=82`);
    const b = await get(`/api/v1/admin-units?q=${encodeURIComponent("Phong Hoà")}&level=commune&province=82`);
    const c = await get(`/api/v1/admin-units?q=phong%20hoa&level=commune&province=82`);
    expect(a.body.results[0]).toMatchObject({ code: "30235", provinceName: expect.stringContaining("Đồng Tháp") });
    expect(b.body.results[0].code).toBe("30235");
    expect(c.body.results[0].code).toBe("30235");
  });

  it("answers JSON 404 for unknown routes", async () => {
    const { status, body } = await get("/nope");
    expect(status).toBe(404);
    expect(body.error.code).toBe("NOT_FOUND");
  });
});

describe("readiness when Redis is down", () => {
  it("answers 503 and names the missing service", async () => {
    const down = await startTestApp({ REDIS_URL: "redis://127.0.0.1:1" });
    try {
      const res = await fetch(`${down.baseUrl}/readyz`);
      const body = (await res.json()) as { checks: { postgres: string; redis: string } };
      expect(res.status).toBe(503);
      expect(body.checks.postgres).toBe("ok");
      expect(body.checks.redis).toMatch(/^unavailable/);
    } finally {
      await down.close();
    }
  });
});

describe("the catalog search's rate limit", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ PROCEDURES_RATE_LIMIT: "3" });
  });
  afterAll(() => limited.close());

  it("answers 429 with Retry-After past the limit for one address, serves other addresses, and never counts a look-up by code", async () => {
    const ask = (ip: string, path = `/api/v1/procedures?q=${encodeURIComponent("đăng ký khai sinh")}`) => fetch(limited.baseUrl + path, { headers: { "x-forwarded-for": ip } });
    const ip = randomIp();
    for (let i = 0; i < 3; i += 1) expect((await ask(ip)).status).toBe(200);
    const refused = await ask(ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.error.message).toMatch(/^Quá nhiều yêu cầu trong một phút; vui lòng thử lại sau \d+ giây/);
    // a procedure read by its code is not counted; another address is served
    expect((await ask(ip, "/api/v1/procedures/1.001193")).status).toBe(200);
    expect((await ask(randomIp())).status).toBe(200);
  });
});
