/**
 * Single events that arrive together are written together (group commit, `ingestOne`): every
 * guarantee of the one-event path holds for each of them — idempotency on the event id, each
 * dossier's events applied in time order, the unit check, and a refused event storing nothing
 * and failing no other.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../../src/auth/guard.js";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
});
afterAll(() => s.close());

const parse = (raw: Record<string, unknown>) => dossierEventSchema.parse(raw);
const stored = async (code: string) =>
  s.ctx.db.dossier.findUnique({ where: { code }, include: { events: { orderBy: { occurredAt: "asc" } }, notices: true } });

describe("single events arriving together", () => {
  it("POST /api/v1/dossier-events: twenty concurrent sendings of one event store one event and one notice", async () => {
    const e = s.event();
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.post("/api/v1/dossier-events", e)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(19);
    const d = await stored(e.dossierCode as string);
    expect(d?.events).toHaveLength(1);
    expect(d?.notices).toHaveLength(1);
    // The same, submitted in one moment to the service (certainly one group).
    const f = parse(s.event());
    const results = await Promise.all(Array.from({ length: 10 }, () => s.ctx.ingest.ingestOne(f, {})));
    expect(results.filter((r) => r.accepted === 1)).toHaveLength(1);
    expect(results.filter((r) => r.duplicates === 1)).toHaveLength(9);
    const g = await stored(f.dossierCode);
    expect(g?.events).toHaveLength(1);
    expect(g?.notices).toHaveLength(1);
  });

  it("writes events submitted in one moment in one transaction, each dossier's in time order whatever the order they came in", async () => {
    const code = s.event().dossierCode as string;
    const late = parse(s.event({ dossierCode: code, status: "RESULT_READY", occurredAt: "2026-11-22T10:00:00+07:00" }));
    const first = parse(s.event({ dossierCode: code, status: "RECEIVED", occurredAt: "2026-11-20T08:00:00+07:00" }));
    const middle = parse(s.event({ dossierCode: code, status: "PROCESSING", occurredAt: "2026-11-21T09:00:00+07:00" }));
    const others = Array.from({ length: 10 }, () => parse(s.event()));
    const results = await Promise.all([late, first, ...others, middle].map((e) => s.ctx.ingest.ingestOne(e, {})));
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    const d = await stored(code);
    expect(d?.status).toBe("RESULT_READY");
    expect(d?.statusAt.toISOString()).toBe("2026-11-22T03:00:00.000Z");
    expect(d?.events.map((e) => e.status)).toEqual(["RECEIVED", "PROCESSING", "RESULT_READY"]);
    // One transaction: the events share its time.
    const all = await s.ctx.db.dossierEvent.findMany({ where: { eventId: { in: [late, first, middle, ...others].map((e) => e.eventId) } } });
    expect(all).toHaveLength(13);
    expect(new Set(all.map((e) => e.receivedAt.toISOString())).size).toBe(1);
    // An older event sent afterwards changes nothing on the dossier.
    const older = await s.ctx.ingest.ingestOne(parse(s.event({ dossierCode: code, status: "PROCESSING", occurredAt: "2026-11-21T12:00:00+07:00" })), {});
    expect(older.results[0]).toMatchObject({ outcome: "accepted", applied: false, notices: 0 });
    expect((await stored(code))?.status).toBe("RESULT_READY");
  });

  it("requests racing to create one dossier, or one new citizen, make one of each and keep every event", async () => {
    for (let round = 0; round < 5; round++) {
      const phone = `0913${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
      const code = s.event().dossierCode as string;
      const one = parse(s.event({ dossierCode: code, applicant: { fullName: "Lê Văn Cường", phone }, occurredAt: "2026-11-20T08:00:00+07:00" }));
      const two = parse(s.event({ dossierCode: code, applicant: { fullName: "Lê Văn Cường", phone }, status: "PROCESSING", occurredAt: "2026-11-20T09:00:00+07:00" }));
      const other = parse(s.event({ applicant: { fullName: "Lê Văn Cường", phone } }));
      // Separate requests (not one group): each its own transaction.
      const results = await Promise.all([one, two, other].map((e) => s.ctx.ingest.ingest([e], {})));
      expect(results.map((r) => r.accepted)).toEqual([1, 1, 1]);
      const citizens = await s.ctx.db.citizen.findMany({ where: { phone: `+84${phone.slice(1)}` } });
      expect(citizens).toHaveLength(1);
      const d = await stored(code);
      expect(d?.events.map((e) => e.status)).toEqual(["RECEIVED", "PROCESSING"]);
      expect(d?.status).toBe("PROCESSING");
      expect(d?.applicantId).toBe(citizens[0]!.id);
      expect((await stored(other.dossierCode))?.applicantId).toBe(citizens[0]!.id);
    }
  });

  it("stores text as sent, quotes, backslashes and dollar signs included", async () => {
    // (`$q$`, `$q1$`: the literal's first tags, which the text then must not end)
    const odd = `it's "quoted" \\ $1 $$ $q0$ $q$ $q1$ $$;COMMIT; DROP TABLE "Notice";-- ' ) ;`;
    const e = parse(s.event({ eventId: `odd-$1-'"-${Date.now()}`, note: odd, applicant: { fullName: `Ngô $$ 'Thị' \\ Hà`, phone: "0915 000 111" } }));
    const [result] = await Promise.all([s.ctx.ingest.ingestOne(e, {}), s.ctx.ingest.ingestOne(parse(s.event()), {})]);
    expect(result).toMatchObject({ accepted: 1 });
    const d = await stored(e.dossierCode);
    expect(d?.events[0]).toMatchObject({ eventId: e.eventId, note: odd });
    expect((d?.events[0]?.payload as { note: string }).note).toBe(odd);
    expect((await s.ctx.db.citizen.findUnique({ where: { id: d!.applicantId } }))?.fullName).toBe(`Ngô $$ 'Thị' \\ Hà`);
    expect(await s.ctx.db.notice.count()).toBeGreaterThan(0);
  });

  it("POST /api/v1/dossier-events: a NUL byte or a year-9999 date sent among good events at the same moment is refused alone, with nothing stored", async () => {
    const good = Array.from({ length: 6 }, () => s.event());
    const nul = s.event({ applicant: { fullName: "Nguyễn\u0000Văn A", phone: "0912345678" } });
    const far = s.event({ occurredAt: "9999-12-31T23:59:00+07:00" });
    const answers = await Promise.all([...good.slice(0, 3), nul, far, ...good.slice(3)].map((e) => s.post("/api/v1/dossier-events", e)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 400, 400, 202, 202, 202]);
    for (const e of good) expect((await stored(e.dossierCode as string))?.events).toHaveLength(1);
    for (const e of [nul, far]) expect(await stored(e.dossierCode as string)).toBeNull();
  });

  it("an event id reused with other content is refused alone: the others of its group are stored", async () => {
    const taken = parse(s.event());
    await s.ctx.ingest.ingestOne(taken, {});
    const reused = parse(s.event({ eventId: taken.eventId, dossierCode: taken.dossierCode, status: "RESULT_READY", occurredAt: "2026-11-21T08:00:00+07:00" }));
    const good = [parse(s.event()), parse(s.event()), parse(s.event())];
    const settled = await Promise.allSettled([good[0]!, reused, good[1]!, good[2]!].map((e) => s.ctx.ingest.ingestOne(e, {})));
    expect(settled.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    for (const e of good) expect((await stored(e.dossierCode))?.events).toHaveLength(1);
    const d = await stored(taken.dossierCode);
    expect(d?.status).toBe("RECEIVED");
    expect(d?.events).toHaveLength(1);
    expect(d?.notices).toHaveLength(1);
  });

  it("another unit's dossier is refused alone, with nothing stored for it; the unit's own events of the group are stored", async () => {
    // Dossiers sent by upstream: two of Phường Đạo Thạnh (28249), one of Phường Hồng Ngự (29955).
    const ours = [parse(s.event({ communeCode: "28249" })), parse(s.event({ communeCode: "28249" }))];
    const theirs = parse(s.event({ communeCode: "29955" }));
    for (const e of [...ours, theirs]) await s.ctx.ingest.ingest([e], {});
    const lan: Principal = { kind: "session", id: "staff-lan", name: "Chị Lan", role: "COMMUNE_STAFF", unitCode: "28249" };
    const update = (code: string) => parse({ eventId: `staff-${code}`, dossierCode: code, status: "PROCESSING", occurredAt: new Date(Date.now() - 1000).toISOString() }); // staff date a step when they record it
    const settled = await Promise.allSettled([ours[0]!.dossierCode, theirs.dossierCode, ours[1]!.dossierCode].map((c) => s.ctx.ingest.ingestOne(update(c), { principal: lan })));
    expect(settled.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: "FORBIDDEN" });
    for (const e of ours) expect((await stored(e.dossierCode))?.status).toBe("PROCESSING");
    const d = await stored(theirs.dossierCode);
    expect(d?.status).toBe("RECEIVED");
    expect(d?.events).toHaveLength(1);
    expect(d?.notices).toHaveLength(1);
  });
});

describe("single events arriving together, attacked over HTTP", () => {
  const postWith = async (key: string, body: unknown) => {
    const res = await fetch(`${s.baseUrl}/api/v1/dossier-events`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it("a new event id sent twice at the same moment with different content: the first is stored, the other is a 409, the rest of the group stored", async () => {
    const e = s.event();
    const other = { ...e, status: "PROCESSING" };
    const good = Array.from({ length: 5 }, () => s.event());
    const answers = await Promise.all([e, ...good, other].map((x) => s.post("/api/v1/dossier-events", x)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202, 409]);
    expect(answers[6]!.body.error).toMatchObject({ code: "CONFLICT", field: "eventId" });
    const d = await stored(e.dossierCode as string);
    expect([d?.status, d?.events.length, d?.notices.length]).toEqual(["RECEIVED", 1, 1]);
    for (const g of good) expect((await stored(g.dossierCode as string))?.events).toHaveLength(1);
  });

  it("sixty replays of one event through three upstream keys (three groups racing), among other new events: one stored, one notice, every answer a 202", async () => {
    const keys = [s.key, (await s.ctx.apiKeys.create({ name: "upstream 2", role: "INTEGRATION" })).key, (await s.ctx.apiKeys.create({ name: "upstream 3", role: "INTEGRATION" })).key];
    const e = s.event();
    const sends: Promise<{ status: number; body: any }>[] = [];
    const others: Record<string, unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      sends.push(postWith(keys[i % 3]!, e));
      if (i % 4 === 0) {
        const o = s.event();
        others.push(o);
        sends.push(postWith(keys[i % 3]!, o));
      }
    }
    const answers = await Promise.all(sends);
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(answers.filter((a) => a.body.eventId === e.eventId && a.body.duplicate === false)).toHaveLength(1);
    const d = await stored(e.dossierCode as string);
    expect([d?.events.length, d?.notices.length]).toEqual([1, 1]);
    for (const o of others) expect((await stored(o.dossierCode as string))?.events).toHaveLength(1);
  });

  it("forty events of one dossier sent at once in a random order, as single events through two keys and inside batches: every one kept, the newest one's status stays", async () => {
    const second = (await s.ctx.apiKeys.create({ name: "upstream thứ hai", role: "INTEGRATION" })).key;
    const code = s.event().dossierCode as string;
    const statuses = ["RECEIVED", "PROCESSING", "SUPPLEMENT_REQUIRED", "PROCESSING", "PAYMENT_REQUIRED", "PROCESSING", "RESULT_READY", "RETURNED"];
    const events = Array.from({ length: 40 }, (_, i) => s.event({ dossierCode: code, status: statuses[i % statuses.length], occurredAt: new Date(Date.UTC(2026, 10, 20, 1, i)).toISOString() }));
    const shuffled = events.map((e, i) => ({ e, i, r: Math.random() })).sort((a, b) => a.r - b.r);
    const answers = await Promise.all(
      shuffled.map(({ e, i }) =>
        i % 5 === 0
          ? fetch(`${s.baseUrl}/api/v1/dossier-events/batch`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${second}` }, body: JSON.stringify({ events: [e, s.event()] }) }).then((r) => ({ status: r.status }))
          : postWith(i % 2 ? s.key : second, e),
      ),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const d = await stored(code);
    expect(d?.events).toHaveLength(40);
    expect([d?.status, d?.statusAt.toISOString()]).toEqual(["RETURNED", events[39]!.occurredAt]);
  });

  it("an integration key of one unit, sending another unit's dossier among its own at the same moment: that one is a 403 with nothing stored, its own are stored; in a batch of 1,000, nothing is", async () => {
    const theirs = s.event({ communeCode: "29955" });
    expect((await s.post("/api/v1/dossier-events", theirs)).status).toBe(202);
    const scoped = (await s.ctx.apiKeys.create({ name: "hệ thống xã Đạo Thạnh", role: "INTEGRATION", unitCode: "28249" })).key;
    const ours = Array.from({ length: 4 }, () => s.event({ communeCode: "28249" }));
    const at = new Date(Date.now() - 1000).toISOString();
    const quiet = s.event({ dossierCode: theirs.dossierCode, status: "REFUSED", occurredAt: at, communeCode: undefined });
    const moved = s.event({ dossierCode: theirs.dossierCode, status: "REFUSED", occurredAt: at, communeCode: "28249" });
    const answers = await Promise.all([ours[0], quiet, ours[1], moved, ours[2], ours[3]].map((x) => postWith(scoped, x)));
    expect(answers.map((a) => a.status)).toEqual([202, 403, 202, 403, 202, 202]);
    for (const o of ours) expect((await stored(o.dossierCode as string))?.events).toHaveLength(1);
    const d = await stored(theirs.dossierCode as string);
    expect([d?.status, d?.communeCode, d?.events.length, d?.notices.length]).toEqual(["RECEIVED", "29955", 1, 1]);
    const before = await s.ctx.db.dossierEvent.count();
    const batch = await fetch(`${s.baseUrl}/api/v1/dossier-events/batch`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${scoped}` },
      body: JSON.stringify({ events: [...Array.from({ length: 999 }, () => s.event({ communeCode: "28249" })), quiet] }),
    });
    expect(batch.status).toBe(403);
    expect(((await batch.json()) as any).error.field).toBe("events[999].dossierCode");
    expect(await s.ctx.db.dossierEvent.count()).toBe(before);
  });
});
