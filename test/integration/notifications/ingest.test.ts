import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

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

describe("POST /api/v1/dossier-events", () => {
  it("accepts an event: creates the dossier, the citizen, the history and one notice, in one go", async () => {
    const e = s.event({ applicant: { fullName: "Trần Thị Bình", phone: "0987 654 321" } });
    const res = await s.post("/api/v1/dossier-events", e);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0, eventId: e.eventId, duplicate: false, applied: true, notices: 1 });
    const dossier = await s.ctx.db.dossier.findUnique({ where: { code: e.dossierCode as string }, include: { applicant: true, events: true, notices: true } });
    expect(dossier).toMatchObject({ status: "RECEIVED", procedureCode: "1.001193", communeCode: "29955", channel: "COUNTER" });
    expect(dossier?.applicant).toMatchObject({ phone: "+84987654321", fullName: "Trần Thị Bình" });
    expect(dossier?.dueAt?.toISOString()).toBe("2026-11-25T10:00:00.000Z");
    expect(dossier?.receivedAt?.toISOString()).toBe("2026-11-20T02:15:00.000Z");
    expect(dossier?.events).toHaveLength(1);
    expect(dossier?.notices).toHaveLength(1);
    expect(dossier?.notices[0]).toMatchObject({ type: "RECEIVED", status: "QUEUED", citizenId: dossier?.applicantId });
    expect(dossier?.notices[0]?.variables).toMatchObject({ dossierCode: e.dossierCode, dueDate: "25/11/2026", receivedDate: "20/11/2026", citizenName: "Trần Thị Bình" });
  });

  it("is idempotent on eventId: a repeat changes nothing", async () => {
    const e = s.event();
    await s.post("/api/v1/dossier-events", e);
    const before = await counts();
    // The same event, spelled differently (spaces, the phone's punctuation), is the same content.
    const phone = (e.applicant as { phone: string }).phone;
    const again = await s.post("/api/v1/dossier-events", { ...e, eventId: ` ${e.eventId} `, applicant: { fullName: "  Nguyễn Văn An ", phone: `${phone.slice(0, 4)} ${phone.slice(4, 7)}.${phone.slice(7)}` } });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, duplicate: true, notices: 0 });
    expect(await counts()).toEqual(before);
    expect((await s.ctx.db.dossier.findUnique({ where: { code: e.dossierCode as string } }))?.status).toBe("RECEIVED");
  });

  it("never moves the status back for an older event, but keeps it in the history", async () => {
    const code = (s.event().dossierCode as string);
    await s.post("/api/v1/dossier-events", s.event({ dossierCode: code, status: "RESULT_READY", occurredAt: "2026-11-22T10:00:00+07:00" }));
    const late = await s.post("/api/v1/dossier-events", s.event({ dossierCode: code, status: "PROCESSING", occurredAt: "2026-11-21T10:00:00+07:00" }));
    expect(late.body).toMatchObject({ accepted: 1, applied: false, notices: 0 });
    const d = await s.ctx.db.dossier.findUnique({ where: { code }, include: { events: { orderBy: { occurredAt: "asc" } } } });
    expect(d?.status).toBe("RESULT_READY");
    expect(d?.events.map((e) => [e.status, e.applied])).toEqual([
      ["PROCESSING", false],
      ["RESULT_READY", true],
    ]);
  });

  it("accepts the national status codes 1–10", async () => {
    const e = s.event({ status: undefined, statusCode: 9 });
    const res = await s.post("/api/v1/dossier-events", e);
    expect(res.status).toBe(202);
    expect((await s.ctx.db.dossier.findUnique({ where: { code: e.dossierCode as string } }))?.status).toBe("RESULT_READY");
  });

  it("refuses a malformed event with 400 naming the field, storing nothing", async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string][] = [
      [{ status: "DONE" }, "status"],
      [{ occurredAt: "yesterday" }, "occurredAt"],
      [{ dossierCode: "not a code" }, "dossierCode"],
      [{ applicant: { fullName: "A", phone: "12345" } }, "applicant.phone"],
      [{ eventId: "" }, "eventId"],
      [{ status: undefined }, "status"],
      [{ statusCode: 42, status: undefined }, "statusCode"],
      [{ channel: "FAX" }, "channel"],
    ];
    for (const [override, field] of cases) {
      const res = await s.post("/api/v1/dossier-events", s.event(override));
      expect(res.status, JSON.stringify(override)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.field, JSON.stringify(res.body)).toMatch(new RegExp(`${field.replace(".", "\\.")}$`));
    }
    const notJson = await s.post("/api/v1/dossier-events", "{not json");
    expect(notJson.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("reads a time without offset as Vietnam time, and an appointment date alone as 17:00 that day", async () => {
    const e = s.event({ occurredAt: "2026-11-20T09:15:00", dueAt: "2026-11-25" });
    expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
    const d = await s.ctx.db.dossier.findUnique({ where: { code: e.dossierCode as string } });
    expect(d?.statusAt.toISOString()).toBe("2026-11-20T02:15:00.000Z");
    expect(d?.dueAt?.toISOString()).toBe("2026-11-25T10:00:00.000Z");
    expect((await s.post("/api/v1/dossier-events", s.event({ occurredAt: "2026-11-20" }))).status).toBe(400);
    expect((await s.post("/api/v1/dossier-events", s.event({ occurredAt: "2026-13-45T99:00:00+07:00" }))).status).toBe(400);
  });

  it("keeps an event whose commune code is unknown, without the commune", async () => {
    const e = s.event({ communeCode: "99999" });
    const res = await s.post("/api/v1/dossier-events", e);
    expect(res.status).toBe(202);
    expect(res.body.notices).toBe(1);
    const d = await s.ctx.db.dossier.findUnique({ where: { code: e.dossierCode as string }, include: { events: true } });
    expect(d?.communeCode).toBeNull();
    expect(d?.events[0]?.payload).toMatchObject({ unknownCommuneCode: "99999" });
    expect((await s.post("/api/v1/dossier-events", s.event({ communeCode: "9999" }))).status).toBe(400); // malformed: not 5 digits
  });

  it("ignores unknown fields", async () => {
    const res = await s.post("/api/v1/dossier-events", { ...s.event(), extra: { anything: 1 }, priority: "high" });
    expect(res.status).toBe(202);
  });

  it("answers 401 without a valid key, and stores nothing", async () => {
    const before = await counts();
    for (const headers of [{ authorization: "" }, { authorization: "Bearer mck_wrong" }, { authorization: "Basic abc" }]) {
      const res = await s.post("/api/v1/dossier-events", s.event(), headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("UNAUTHORIZED");
    }
    expect(await counts()).toEqual(before);
  });
});

describe("POST /api/v1/dossier-events/batch", () => {
  it("accepts up to 1,000 events, reporting duplicates, applying each dossier's events in time order", async () => {
    const code = s.event().dossierCode as string;
    const first = s.event({ dossierCode: code, status: "RECEIVED", occurredAt: "2026-11-20T08:00:00+07:00" });
    const events = [
      s.event({ dossierCode: code, status: "RESULT_READY", occurredAt: "2026-11-21T08:00:00+07:00" }),
      first,
      first,
      ...Array.from({ length: 50 }, () => s.event()),
    ];
    const res = await s.post("/api/v1/dossier-events/batch", { events });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 52, duplicates: 1 });
    expect(res.body.results[2]).toMatchObject({ eventId: first.eventId, outcome: "duplicate" });
    expect((await s.ctx.db.dossier.findUnique({ where: { code } }))?.status).toBe("RESULT_READY");
    const again = await s.post("/api/v1/dossier-events/batch", { events });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 53 });
  });

  it("refuses the whole batch when one event is malformed, naming it", async () => {
    const before = await counts();
    const res = await s.post("/api/v1/dossier-events/batch", { events: [s.event(), s.event({ occurredAt: "not a date" })] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("events[1].occurredAt");
    // every issue is named as the field is
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toEqual(["events[1].occurredAt"]);
    expect(await counts()).toEqual(before);
    // 1,000 events, the last one bad (a NUL, a day that does not exist, a wrong type, an id the batch already used for other content).
    const thousand = Array.from({ length: 1000 }, () => s.event());
    for (const [bad, field, code] of [
      [{ ...thousand[999]!, note: "a\u0000b" }, "events[999].note", "VALIDATION_FAILED"],
      [{ ...thousand[999]!, occurredAt: "2026-02-31T09:15" }, "events[999].occurredAt", "VALIDATION_FAILED"],
      [{ ...thousand[999]!, status: 9 }, "events[999].status", "VALIDATION_FAILED"],
      [{ ...thousand[0]!, status: "PROCESSING" }, "events[999].eventId", "CONFLICT"],
    ] as const) {
      const one = await s.post("/api/v1/dossier-events/batch", { events: [...thousand.slice(0, 999), bad] });
      expect(one.status, field).toBe(code === "CONFLICT" ? 409 : 400);
      expect(one.body.error).toMatchObject({ code, field });
    }
    expect(await counts()).toEqual(before);
    const empty = await s.post("/api/v1/dossier-events/batch", { events: [] });
    expect(empty.status).toBe(400);
    const tooMany = await s.post("/api/v1/dossier-events/batch", { events: Array.from({ length: 1001 }, () => s.event()) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.field).toBe("events");
  });
});
