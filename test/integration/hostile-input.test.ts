/**
 * Hostile input refused, nothing stored (issue 7 §4): impossible dates, text PostgreSQL cannot
 * hold, status codes that are not 1–10, an older event trying to rewrite a dossier, and an event
 * id reused for other content.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../support/app.js";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
});
afterAll(() => s.close());

const counts = async () => ({
  events: await s.ctx.db.dossierEvent.count(),
  dossiers: await s.ctx.db.dossier.count(),
  notices: await s.ctx.db.notice.count(),
  citizens: await s.ctx.db.citizen.count(),
});

/** Sends exact JSON text (JSON.stringify would escape a lone surrogate the same way, but this says what goes out). */
function postText(path: string, text: string, headers: Record<string, string> = {}, baseUrl = s.baseUrl): Promise<{ status: number; body: any }> {
  const url = new URL(baseUrl + path);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${s.key}`, ...headers } },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (data += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : null }));
      },
    );
    req.on("error", reject);
    req.end(Buffer.from(text, "utf8"));
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("dates that cannot be true are refused", () => {
  it("occurredAt in the future (over 5 minutes), or before 2000; dueAt/newDueAt over 5 years ahead: 400 naming the field, nothing stored", async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string][] = [
      [{ occurredAt: "9999-12-31T23:59:00+07:00" }, "occurredAt"],
      [{ occurredAt: iso(Date.now() + 10 * 60_000) }, "occurredAt"],
      [{ occurredAt: "1999-12-31T09:00:00+07:00" }, "occurredAt"],
      [{ occurredAt: "0001-01-01T00:00:00Z" }, "occurredAt"],
      [{ dueAt: "9999-12-31" }, "dueAt"],
      [{ dueAt: iso(Date.now() + 6 * 365 * 86_400_000) }, "dueAt"],
      [{ newDueAt: "2999-01-01T17:00:00+07:00" }, "newDueAt"],
      [{ dueAt: "1970-01-01" }, "dueAt"],
    ];
    for (const [override, field] of cases) {
      const res = await s.post("/api/v1/dossier-events", s.event(override));
      expect(res.status, JSON.stringify(override)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
    }
    const batch = await s.post("/api/v1/dossier-events/batch", { events: [s.event(), s.event({ occurredAt: "9999-01-01T00:00:00Z" })] });
    expect(batch.status).toBe(400);
    expect(batch.body.error.field).toBe("events[1].occurredAt");
    expect(await counts()).toEqual(before);
  });

  it("a day the calendar does not have (31 February, 29 February of 2026, 24:00), in every spelling: 400 naming the field, not the day it rolls over to", async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string][] = [
      [{ occurredAt: "2026-02-31T09:15" }, "occurredAt"],
      [{ occurredAt: "2026-02-29T09:15:00" }, "occurredAt"],
      [{ occurredAt: "2026-11-20T24:00" }, "occurredAt"],
      [{ occurredAt: "2026-02-30T10:00:00+07:00" }, "occurredAt"],
      [{ occurredAt: "1900-01-01T00:00:00+07:00" }, "occurredAt"],
      [{ dueAt: "2027-02-29" }, "dueAt"],
      [{ dueAt: "2026-04-31" }, "dueAt"],
      [{ newDueAt: "2026-06-31T17:00" }, "newDueAt"],
    ];
    for (const [override, field] of cases) {
      const res = await s.post("/api/v1/dossier-events", s.event(override));
      expect(res.status, JSON.stringify(override)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
    }
    expect(await counts()).toEqual(before);
    // A leap day that exists, without seconds and without an offset, is Vietnam's 29 February.
    const leap = s.event({ occurredAt: "2024-02-29T09:15", dueAt: "2028-02-29" });
    expect((await s.post("/api/v1/dossier-events", leap)).status).toBe(202);
    const stored = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: leap.dossierCode as string } });
    expect([stored.statusAt.toISOString(), stored.dueAt?.toISOString()]).toEqual(["2024-02-29T02:15:00.000Z", "2028-02-29T10:00:00.000Z"]);
  });

  it("one instant in other offsets is the same event: a replay spelled +14:00, -10:00 or Z is a duplicate; an event at the same instant as the latest one applies", async () => {
    const e = s.event({ occurredAt: "2026-11-20T09:15:00+07:00" });
    expect((await s.post("/api/v1/dossier-events", e)).body).toMatchObject({ accepted: 1, applied: true });
    for (const occurredAt of ["2026-11-20T16:15:00+14:00", "2026-11-19T16:15:00-10:00", "2026-11-20T02:15:00Z", "2026-11-20T02:15:00.000000Z", "2026-11-20T09:15"]) {
      expect((await s.post("/api/v1/dossier-events", { ...e, occurredAt })).body, occurredAt).toMatchObject({ accepted: 0, duplicates: 1, duplicate: true });
    }
    // The same instant spelled in another offset, another event id: it applies (not older than the latest).
    const same = s.event({ dossierCode: e.dossierCode, status: "PROCESSING", occurredAt: "2026-11-19T21:15:00-05:00" });
    expect((await s.post("/api/v1/dossier-events", same)).body).toMatchObject({ accepted: 1, applied: true });
    // A millisecond earlier, in yet another offset: kept in the history, the status stays.
    const older = s.event({ dossierCode: e.dossierCode, status: "REFUSED", occurredAt: "2026-11-20T12:14:59.999+10:00" });
    expect((await s.post("/api/v1/dossier-events", older)).body).toMatchObject({ accepted: 1, applied: false, notices: 0 });
    const d = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: e.dossierCode as string }, include: { events: true } });
    expect([d.status, d.statusAt.toISOString(), d.events.length]).toEqual(["PROCESSING", "2026-11-20T02:15:00.000Z", 3]);
  });

  it("still takes an event a little ahead of this clock (under 5 minutes) and an appointment a few years ahead", async () => {
    const res = await s.post("/api/v1/dossier-events", s.event({ occurredAt: iso(Date.now() + 60_000), dueAt: iso(Date.now() + 4 * 365 * 86_400_000) }));
    expect(res.status).toBe(202);
  });
});

describe("text PostgreSQL cannot hold is refused, not a 500", () => {
  const NUL = "\u0000";
  const LONE = "\ud800";

  it("a NUL or a lone surrogate anywhere in an event: 400 naming the field, nothing stored", async () => {
    const before = await counts();
    const cases: [(bad: string) => Record<string, unknown>, string][] = [
      [(bad) => ({ eventId: `evt-${bad}` }), "eventId"],
      [(bad) => ({ applicant: { fullName: `Nguyễn ${bad}An`, phone: "0912345678" } }), "applicant.fullName"],
      [(bad) => ({ note: `ghi chú ${bad}` }), "note"],
      [(bad) => ({ procedure: { code: "1.001193", name: `Khai sinh${bad}` } }), "procedure.name"],
      [(bad) => ({ extra: { [`k${bad}`]: 1 } }), "extra"],
    ];
    for (const bad of [NUL, LONE]) {
      for (const [override, field] of cases) {
        const res = await postText("/api/v1/dossier-events", JSON.stringify(s.event(override(bad))));
        expect(res.status, `${field} ${JSON.stringify(bad)}`).toBe(400);
        expect(res.body.error.code).toBe("VALIDATION_FAILED");
        expect(res.body.error.field).toMatch(new RegExp(`^${field.replace(".", "\\.")}`));
      }
    }
    // The JSON escape written by hand (what an attacker sends), in the batch route.
    const batch = await postText("/api/v1/dossier-events/batch", `{"events":[${JSON.stringify(s.event())},${JSON.stringify(s.event({ note: "x" })).replace('"note":"x"', '"note":"a\\u0000b"')}]}`);
    expect(batch.status).toBe(400);
    expect(batch.body.error.field).toBe("events[1].note");
    const lone = await postText("/api/v1/dossier-events/batch", `{"events":[${JSON.stringify(s.event({ note: "x" })).replace('"note":"x"', '"note":"\\udc00"')}]}`);
    expect(lone.status).toBe(400);
    expect(lone.body.error.field).toBe("events[0].note");
    expect(await counts()).toEqual(before);
  });

  it("10 kB in any text field of an event: 400 naming it, nothing stored; bidi and zero-width marks, a BOM, U+FFFF, a line separator and SQL metacharacters in every text field are stored as sent, and a replay is a duplicate", async () => {
    const before = await counts();
    const big = "Ấ".repeat(10_000);
    const cases: [Record<string, unknown>, string][] = [
      [{ eventId: big }, "eventId"],
      [{ note: big }, "note"],
      [{ applicant: { fullName: big, phone: "0912345678" } }, "applicant.fullName"],
      [{ procedure: { code: big } }, "procedure.code"],
      [{ procedure: { code: "1.001193", name: big } }, "procedure.name"],
      [{ dossierCode: `H15.${"5".repeat(10_000)}-261120-0001` }, "dossierCode"],
      [{ communeCode: big }, "communeCode"],
      [{ applicant: { phone: big } }, "applicant.phone"],
    ];
    for (const [override, field] of cases) {
      const res = await s.post("/api/v1/dossier-events", s.event(override));
      expect(res.status, field).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
    }
    expect(await counts()).toEqual(before);
    const odd = "\u202Eevil\u202C \u200B\u200F\u061C \uFEFF \uFFFF \u2028 ' \" \\ ; -- $$ $q$ %s ${x} `x` \u{1F600}";
    const e = s.event({ eventId: `w-${odd}`, note: odd, applicant: { fullName: odd, phone: "0912000555" }, procedure: { code: "1.0'; --", name: odd } });
    const [first, , replay] = await Promise.all([s.post("/api/v1/dossier-events", e), s.post("/api/v1/dossier-events", s.event()), s.post("/api/v1/dossier-events", e)]);
    expect([first.status, replay.status]).toEqual([202, 202]);
    expect([first.body.duplicate, replay.body.duplicate].sort()).toEqual([false, true]);
    const d = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: e.dossierCode as string }, include: { events: true, applicant: true } });
    expect([d.events.length, d.events[0]!.eventId, d.events[0]!.note, d.applicant.fullName, d.procedureName, d.procedureCode]).toEqual([1, e.eventId, odd, odd, odd, null]);
    expect((d.events[0]!.payload as { procedureCode: string }).procedureCode).toBe("1.0'; --");
    expect((await s.post("/api/v1/dossier-events", e)).body).toMatchObject({ duplicates: 1, duplicate: true });
  });

  it("other JSON routes and query strings answer 400, not 500", async () => {
    const web = await startTestApp({ DATABASE_URL: s.databaseUrl, QUEUE_PREFIX: `h${Date.now().toString(36)}` });
    try {
      const chat = await postText("/api/v1/chat", JSON.stringify({ conversationId: "hostile-1", text: `xin chào${NUL}` }), {}, web.baseUrl);
      expect(chat.status).toBe(400);
      expect(chat.body.error.field).toBe("text");
      const chatLone = await postText("/api/v1/chat", JSON.stringify({ conversationId: `hostile${LONE}`, text: "menu" }), {}, web.baseUrl);
      expect(chatLone.status).toBe(400);
      expect(chatLone.body.error.field).toBe("conversationId");
    } finally {
      await web.close();
    }
    const post = (await s.ctx.apiKeys.create({ name: "bưu điện", role: "POST_OFFICE_STAFF", unitCode: "82" })).key;
    const move = await postText("/api/v1/bookings/BD-ABCDEF/status", JSON.stringify({ status: "CONFIRMED", note: `x${NUL}` }), { authorization: `Bearer ${post}` });
    expect(move.status).toBe(400);
    expect(move.body.error.field).toBe("note");
    const poisoned = await postText("/api/v1/dossier-events", JSON.stringify(s.event()).replace(/^\{/, '{"__proto__":{"status":"REFUSED"},'));
    expect(poisoned.status).toBe(400);
    expect(poisoned.body.error.field).toBe("body");
    for (const path of ["/api/v1/procedures?q=khai%00sinh", "/api/v1/admin-units?q=%00", "/api/v1/procedures/1.0%0001193"]) {
      const res = await fetch(s.baseUrl + path);
      expect(res.status, path).toBe(400);
    }
  });

  it("a procedure code that is not one — NUL, traversal, full-width digits, a newline, 5,000 characters, bytes that are not UTF-8 — is refused in the API's own error shape", async () => {
    const codes = ["1.001193%00", "..%2F..%2Fetc%2Fpasswd", "1.001193%2F..", "%EF%BC%91.001193", "1.001193%0A", "1.001193%20", "__proto__", "constructor", "1.0011933"];
    for (const code of codes) {
      const res = await fetch(`${s.baseUrl}/api/v1/procedures/${code}`);
      expect(res.status, code).toBe(400);
      expect((await res.json()).error.field, code).toBe("code");
    }
    // Refused by Fastify's router before any route: the same shape, naming the path (it was Fastify's own {"error":"Bad Request","code":"FST_ERR_…"}).
    for (const [path, status] of [[`/api/v1/procedures/${"x".repeat(5000)}`, 414], ["/api/v1/procedures/%C0%AE%C0%AE", 400], ["/api/v1/dossiers/%E0%A4%A", 400]] as const) {
      const res = await fetch(s.baseUrl + path);
      expect(res.status, path.slice(0, 40)).toBe(status);
      const body = await res.json();
      expect(body.error, path.slice(0, 40)).toMatchObject({ code: "VALIDATION_FAILED", field: "path", message: expect.stringMatching(/^Địa chỉ yêu cầu không hợp lệ/) });
    }
    // The code as the catalog has it still answers (an encoded dot is a dot).
    expect((await fetch(`${s.baseUrl}/api/v1/procedures/1%2E001193`)).status).toBe(200);
  });
});

describe("JSON nested too deeply is refused, not a 500", () => {
  it("10,000 nested arrays or 200,000 nested objects in an event: 400 naming the body, nothing stored; 50 levels still pass", async () => {
    const before = await counts();
    const deepArrays = JSON.stringify(s.event()).replace(/\}$/, `,"extra":${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    const deepObjects = `{"a":`.repeat(200_000) + "1" + "}".repeat(200_000);
    for (const text of [deepArrays, deepObjects]) {
      const res = await postText("/api/v1/dossier-events", text);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "body" });
    }
    // A public route too: the Zalo webhook's body is read before its signature is checked.
    const zalo = await postText("/webhooks/zalo", `{"event_name":"follow","x":${"[".repeat(10_000)}${"]".repeat(10_000)}}`, { authorization: "" });
    expect(zalo.status).toBe(400);
    expect(await counts()).toEqual(before);
    // Brackets inside strings do not count; an unknown field 50 levels deep is still only ignored.
    const fine = JSON.stringify({ ...s.event(), note: "[".repeat(500) }).replace(/\}$/, `,"extra":${"[".repeat(50)}${"]".repeat(50)}}`);
    expect((await postText("/api/v1/dossier-events", fine)).status).toBe(202);
  });

  it("a chat message nested 20,000 levels deep: 400 naming the body", async () => {
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const web = await startTestApp({ DATABASE_URL: s.databaseUrl, QUEUE_PREFIX: `d${Date.now().toString(36)}` });
    try {
      const chat = await postText("/api/v1/chat", `{"conversationId":${deep},"text":"xin chào"}`, {}, web.baseUrl);
      expect(chat.status).toBe(400);
      expect(chat.body.error.field).toBe("body");
    } finally {
      await web.close();
    }
  });
});

describe("an applicant's phone is a Vietnamese number", () => {
  it("refuses a foreign number (an SMS abroad is not what the citizen's notice is), nothing stored", async () => {
    const before = await counts();
    for (const phone of ["+14155550100", "+447911123456", "0014155550100"]) {
      const res = await s.post("/api/v1/dossier-events", s.event({ applicant: { fullName: "Nguyễn Văn An", phone } }));
      expect(res.status, phone).toBe(400);
      expect(res.body.error.field).toBe("applicant.phone");
    }
    expect(await counts()).toEqual(before);
    for (const phone of ["0912345678", "+84912345678", "84 912 345 678"]) {
      expect((await s.post("/api/v1/dossier-events", s.event({ applicant: { fullName: "Nguyễn Văn An", phone } }))).status, phone).toBe(202);
    }
  });
});

describe("statusCode is an integer 1–10 or its decimal string", () => {
  it("refuses true, [9], \"0x9\", \" 9 \", \"\", null, 9.5, 0, 11 and \"09\"; takes 9 and \"9\"", async () => {
    const before = await counts();
    for (const statusCode of [true, [9], "0x9", " 9 ", "", null, 9.5, 0, 11, "09", "1e1", {}]) {
      const res = await s.post("/api/v1/dossier-events", s.event({ status: undefined, statusCode }));
      expect(res.status, JSON.stringify(statusCode)).toBe(400);
      expect(res.body.error.field).toBe("statusCode");
    }
    expect(await counts()).toEqual(before);
    for (const statusCode of [9, "9", 10, "1"]) {
      expect((await s.post("/api/v1/dossier-events", s.event({ status: undefined, statusCode }))).status, JSON.stringify(statusCode)).toBe(202);
    }
  });
});

describe("an event older than the dossier's latest changes nothing on it", () => {
  it("is kept in the history, but the commune, dates, channel, procedure and the citizen's name stay", async () => {
    const code = s.event().dossierCode as string;
    const phone = "0912555111";
    await s.post("/api/v1/dossier-events", s.event({ dossierCode: code, occurredAt: "2026-11-20T09:00:00+07:00", applicant: { fullName: "Trần Văn Bình", phone }, communeCode: "29955", channel: "COUNTER", dueAt: "2026-11-27" }));
    await s.post("/api/v1/dossier-events", s.event({ dossierCode: code, status: "PROCESSING", occurredAt: "2026-11-22T09:00:00+07:00", applicant: null }));
    const before = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code }, include: { applicant: true } });
    const late = await s.post(
      "/api/v1/dossier-events",
      s.event({
        dossierCode: code,
        status: "SUPPLEMENT_REQUIRED",
        occurredAt: "2026-11-21T09:00:00+07:00",
        applicant: { fullName: "Kẻ Mạo Danh", phone },
        communeCode: "28249",
        channel: "POSTAL",
        dueAt: "2026-12-30",
        newDueAt: "2026-12-31",
        procedure: { code: "1.004873", name: "Thủ tục khác" },
      }),
    );
    expect(late.status).toBe(202);
    expect(late.body).toMatchObject({ accepted: 1, applied: false, notices: 0 });
    const after = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code }, include: { applicant: true, events: true } });
    for (const field of ["status", "statusAt", "communeCode", "channel", "dueAt", "newDueAt", "receivedAt", "procedureCode", "procedureName"] as const) {
      expect(after[field], field).toEqual(before[field]);
    }
    expect(after.applicant.fullName).toBe("Trần Văn Bình");
    expect(after.events).toHaveLength(3);
  });
});

describe("Vietnamese text sent decomposed (NFD, as macOS and some keyboards write it)", () => {
  it("is stored in NFC (found by the attack pass): the staff's search by name finds it, and the same event resent composed is a duplicate, not a 409", async () => {
    const key = (await s.ctx.apiKeys.create({ name: "cán bộ Hồng Ngự", role: "COMMUNE_STAFF", unitCode: "29955" })).key;
    const name = "Trần Thị Bích Ngọc";
    const e = s.event({ applicant: { fullName: name.normalize("NFD"), phone: "0912 345 997" }, procedure: { code: "1.001193", name: "Đăng ký khai sinh".normalize("NFD") }, note: "Mời ông/bà đến nhận kết quả".normalize("NFD") });
    expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
    const stored = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: e.dossierCode as string }, include: { applicant: true, events: true } });
    expect(stored.applicant.fullName).toBe(name.normalize("NFC"));
    expect(stored.events[0]!.note).toBe("Mời ông/bà đến nhận kết quả".normalize("NFC"));
    // The officer types the name as the console's keyboard gives it (NFC), or as a Mac's (NFD).
    for (const q of ["Bích Ngọc".normalize("NFC"), "Bích Ngọc".normalize("NFD")]) {
      const res = await fetch(`${s.baseUrl}/api/v1/dossiers?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await res.json()) as { dossiers: { code: string }[] };
      expect(body.dossiers.map((d) => d.code), q).toContain(e.dossierCode);
    }
    // The upstream system resends the same event, composed this time: the same content.
    const composed = { ...e, applicant: { fullName: name.normalize("NFC"), phone: "+84912345997" }, procedure: { code: "1.001193", name: "Đăng ký khai sinh".normalize("NFC") }, note: "Mời ông/bà đến nhận kết quả".normalize("NFC") };
    const again = await s.post("/api/v1/dossier-events", composed);
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});

describe("an event id used again for other content", () => {
  it("is a 409 naming it and creates no dossier; the same content stays a harmless duplicate", async () => {
    const e = s.event();
    expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
    const before = await counts();
    const otherDossier = s.event({ eventId: e.eventId });
    const res = await s.post("/api/v1/dossier-events", otherDossier);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "CONFLICT", field: "eventId" });
    expect(res.body.error.message).toContain(e.eventId as string);
    expect(await s.ctx.db.dossier.findUnique({ where: { code: otherDossier.dossierCode as string } })).toBeNull();
    expect((await s.post("/api/v1/dossier-events", { ...e, status: "RESULT_READY" })).status).toBe(409);
    // In a batch: the whole batch is refused, naming the event.
    const batch = await s.post("/api/v1/dossier-events/batch", { events: [s.event(), { ...e, note: "khác" }] });
    expect(batch.status).toBe(409);
    expect(batch.body.error.field).toBe("events[1].eventId");
    // Twice in one request with different content.
    const twin = s.event();
    const inRequest = await s.post("/api/v1/dossier-events/batch", { events: [twin, { ...twin, status: "REFUSED" }] });
    expect(inRequest.status).toBe(409);
    expect(inRequest.body.error.field).toBe("events[1].eventId");
    expect(await counts()).toEqual(before);
    const same = await s.post("/api/v1/dossier-events", e);
    expect(same.status).toBe(202);
    expect(same.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await counts()).toEqual(before);
  });

  it("two requests racing with one new id for two dossiers: one is accepted, the other is a 409, never a 500", async () => {
    const eventId = `race-${Date.now()}`;
    const [a, b] = await Promise.all([s.post("/api/v1/dossier-events", s.event({ eventId })), s.post("/api/v1/dossier-events", s.event({ eventId }))]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    expect(await s.ctx.db.dossierEvent.count({ where: { eventId } })).toBe(1);
  });
});
