/**
 * The dossier-event ingest attacked over HTTP: bad events arriving in the same moment as good ones
 * (group commit), the same id replayed or reused with other content, a lone event answered, a
 * batch's write failing or its connection dying before COMMIT (all or nothing, and the pool's
 * connections clean afterwards).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
let admin: pg.Client;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
  admin = new pg.Client({ connectionString: s.databaseUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await s?.close();
});

/** POST with a time-out: a request left hanging fails the test instead of stalling it. */
type Answer = { status: number; body: any };
async function post(path: string, body: unknown, key = s.key): Promise<Answer> {
  const res = await fetch(s.baseUrl + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const storedEvents = async (ids: string[]) =>
  (await admin.query<{ eventId: string; note: string | null }>(`SELECT "eventId", note FROM "DossierEvent" WHERE "eventId" = ANY($1::text[])`, [ids])).rows;
const storedDossiers = async (codes: string[]) => Number((await admin.query(`SELECT count(*) FROM "Dossier" WHERE code = ANY($1::text[])`, [codes])).rows[0].count);

/** The app's connections left inside a transaction (none should be, between requests). */
const inTransaction = async () =>
  Number(
    (await admin.query(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`)).rows[0]
      .count,
  );

describe("single events in one moment, good and bad together", () => {
  it("each bad one refused with nothing stored, each good one stored once, no request left hanging", async () => {
    // A dossier of another unit, and one of the staff key's own unit.
    const theirs = s.event({ communeCode: "29955" });
    const ours = s.event({ communeCode: "28249" });
    expect((await post("/api/v1/dossier-events", theirs)).status).toBe(202);
    expect((await post("/api/v1/dossier-events", ours)).status).toBe(202);
    const staff = (await s.ctx.apiKeys.create({ name: "cán bộ xã", role: "COMMUNE_STAFF", unitCode: "28249" })).key;
    const staffEvent = (dossierCode: unknown, eventId: string) => ({ eventId, dossierCode, status: "PROCESSING", occurredAt: new Date(Date.now() - 1000).toISOString() }); // staff date a step when they record it

    const good = Array.from({ length: 12 }, () => s.event());
    const replayed = s.event();
    const reused = { ...replayed, note: "nội dung khác" };
    const nul = s.event({ note: "a\u0000b" });
    const future = s.event({ occurredAt: "9999-12-31T23:59:00+07:00" });
    const staffOk = staffEvent(ours.dossierCode, `st-ok-${Date.now()}`);
    const staffTheirs = staffEvent(theirs.dossierCode, `st-theirs-${Date.now()}`);
    const staffUnknown = staffEvent("H15.50.05.13-000000-99999", `st-unknown-${Date.now()}`);

    const sends = [
      ...good.map((e) => post("/api/v1/dossier-events", e)),
      ...Array.from({ length: 5 }, () => post("/api/v1/dossier-events", replayed)),
      post("/api/v1/dossier-events", reused),
      post("/api/v1/dossier-events", nul),
      post("/api/v1/dossier-events", future),
      post("/api/v1/dossier-events", staffOk, staff),
      post("/api/v1/dossier-events", staffTheirs, staff),
      post("/api/v1/dossier-events", staffUnknown, staff),
      ...Array.from({ length: 3 }, () => post("/api/v1/dossier-events", replayed)),
    ];
    const answers = await Promise.all(sends);
    const [goods, replays1, replays2] = [answers.slice(0, 12), answers.slice(12, 17), answers.slice(23)];
    const [reusedA, nulA, futureA, staffOkA, staffTheirsA, staffUnknownA] = answers.slice(17, 23) as [Answer, Answer, Answer, Answer, Answer, Answer];
    expect(goods.map((a) => a.status)).toEqual(Array(12).fill(202));
    const replays = [...replays1, ...replays2];
    expect(replays.map((a) => a.status)).toEqual(Array(8).fill(202));
    // The reused id: either it came first (accepted, and then every replay a duplicate… of other
    // content: 409) or after (409). Exactly one of the two contents is stored.
    const stored = await storedEvents([replayed.eventId as string]);
    expect(stored).toHaveLength(1);
    if (stored[0]!.note === "nội dung khác") {
      expect(reusedA.status).toBe(202);
    } else {
      expect(reusedA.status).toBe(409);
      expect(replays.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    }
    expect([nulA.status, futureA.status, staffOkA.status, staffTheirsA.status, staffUnknownA.status]).toEqual([400, 400, 202, 403, 403]);
    expect(await storedEvents([nul.eventId, future.eventId, staffTheirs.eventId, staffUnknown.eventId] as string[])).toEqual([]);
    expect(await storedDossiers([nul.dossierCode, future.dossierCode, staffUnknown.dossierCode] as string[])).toBe(0);
    expect(await storedEvents([...good.map((e) => e.eventId as string), staffOk.eventId])).toHaveLength(13);
    expect(await storedDossiers(good.map((e) => e.dossierCode as string))).toBe(12);
    expect(Number((await admin.query(`SELECT count(*) FROM "Notice" n JOIN "DossierEvent" e ON e.id = n."eventId" WHERE e."eventId" = ANY($1::text[])`, [good.map((e) => e.eventId)])).rows[0].count)).toBe(12);
  });

  it("a lone event is answered, and so are 9 sent together (fewer than a busy group's ten)", async () => {
    const lone = s.event();
    expect((await post("/api/v1/dossier-events", lone)).status).toBe(202);
    const nine = Array.from({ length: 9 }, () => s.event());
    expect((await Promise.all(nine.map((e) => post("/api/v1/dossier-events", e)))).map((a) => a.status)).toEqual(Array(9).fill(202));
    // While a long batch holds a connection, 9 single events of one sender still complete.
    const batch = post("/api/v1/dossier-events/batch", { events: Array.from({ length: 1000 }, () => s.event()) });
    const more = Array.from({ length: 9 }, () => s.event());
    const answers = await Promise.all(more.map((e) => post("/api/v1/dossier-events", e)));
    expect(answers.map((a) => a.status)).toEqual(Array(9).fill(202));
    expect((await batch).status).toBe(202);
    expect(await storedEvents([lone, ...nine, ...more].map((e) => e.eventId as string))).toHaveLength(19);
  });
});

describe("a batch's write failing in PostgreSQL, or its connection dying before COMMIT", () => {
  // A trigger standing in for what zod cannot see: an event whose note says so makes PostgreSQL
  // refuse the row, or ends the connection from inside the write.
  beforeAll(async () => {
    await admin.query(`
      CREATE FUNCTION attack_event_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.note = 'attack:refuse' THEN RAISE EXCEPTION 'refused by the attack trigger';
        ELSIF NEW.note = 'attack:kill' THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5);
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER attack_event_row BEFORE INSERT ON "DossierEvent" FOR EACH ROW EXECUTE FUNCTION attack_event_row();`);
  });
  afterAll(async () => {
    await admin.query(`DROP TRIGGER attack_event_row ON "DossierEvent"; DROP FUNCTION attack_event_row()`);
  });

  const batchOf = (n: number, bad: number | null, note: string) => Array.from({ length: n }, (_, i) => s.event(i === bad ? { note } : {}));
  const expectNothing = async (events: Record<string, unknown>[]) => {
    expect(await storedEvents(events.map((e) => e.eventId as string))).toEqual([]);
    expect(await storedDossiers(events.map((e) => e.dossierCode as string))).toBe(0);
  };
  const expectWhole = async (events: Record<string, unknown>[]) => {
    expect(await storedEvents(events.map((e) => e.eventId as string))).toHaveLength(events.length);
    expect(await storedDossiers(events.map((e) => e.dossierCode as string))).toBe(events.length);
  };

  it("batches around the 64 KB write, and of 1,000 refused at the first, middle or last row: all or nothing, and the next request served", async () => {
    // About 1.7 KB of write per event: 64 KB lies between 30 and 45 events.
    for (const n of [30, 36, 37, 38, 39, 40, 45]) {
      const ok = batchOf(n, null, "");
      expect((await post("/api/v1/dossier-events/batch", { events: ok })).status, `${n} events`).toBe(202);
      await expectWhole(ok);
      const bad = batchOf(n, n - 1, "attack:refuse");
      expect((await post("/api/v1/dossier-events/batch", { events: bad })).status, `${n} events, the last refused`).toBe(500);
      await expectNothing(bad);
    }
    for (const at of [0, 500, 999]) {
      const bad = batchOf(1000, at, "attack:refuse");
      expect((await post("/api/v1/dossier-events/batch", { events: bad })).status, `refused at ${at}`).toBe(500);
      await expectNothing(bad);
      expect(await inTransaction()).toBe(0);
      // Every connection of the pool serves the next requests (none was left in a failed transaction).
      const next = Array.from({ length: 12 }, () => s.event());
      expect((await Promise.all(next.map((e) => post("/api/v1/dossier-events", e)))).map((a) => a.status)).toEqual(Array(12).fill(202));
      await expectWhole(next);
    }
  });

  it("the connection ended inside the write (large and small): nothing stored, the answer comes, the pool serves on", async () => {
    for (const [n, at] of [[1000, 999], [1000, 0], [5, 4]] as const) {
      const bad = batchOf(n, at, "attack:kill");
      const answer = await post("/api/v1/dossier-events/batch", { events: bad });
      expect(answer.status, `${n} events, killed at ${at}`).toBeGreaterThanOrEqual(500);
      await expectNothing(bad);
      const next = Array.from({ length: 12 }, () => s.event());
      expect((await Promise.all(next.map((e) => post("/api/v1/dossier-events", e)))).map((a) => a.status)).toEqual(Array(12).fill(202));
      const batch = batchOf(1000, null, "");
      expect((await post("/api/v1/dossier-events/batch", { events: batch })).status).toBe(202);
      await expectWhole([...next, ...batch]);
    }
  });

  it("the connection lost between the large write and its COMMIT: nothing stored, the answer comes, the pool serves on", async () => {
    const service = s.ctx.ingest as unknown as { pool: pg.Pool };
    const real = service.pool;
    let armed = true;
    // The connection handed to the ingest: when it is about to send the COMMIT after a write, it dies.
    service.pool = {
      connect: async () => {
        const client = await real.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
          // (the COMMIT goes with the relay's wake-up after it: "COMMIT;\nSELECT pg_notify(…)")
          if (armed && typeof args[0] === "string" && args[0].startsWith("COMMIT")) {
            armed = false;
            (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
          }
          return query(...args);
        };
        return client;
      },
    } as unknown as pg.Pool;
    try {
      const bad = batchOf(1000, null, "");
      const answer = await post("/api/v1/dossier-events/batch", { events: bad });
      expect(armed).toBe(false);
      expect(answer.status).toBeGreaterThanOrEqual(500);
      // PostgreSQL rolls back a transaction whose client went away (once its backend has seen it).
      for (let i = 0; i < 100 && (await admin.query(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`)).rows[0].count !== "0"; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await expectNothing(bad);
    } finally {
      service.pool = real;
    }
    const next = batchOf(1000, null, "");
    expect((await post("/api/v1/dossier-events/batch", { events: next })).status).toBe(202);
    await expectWhole(next);
  });

  it("the COMMIT carried out but its answer lost: the client sees a 5xx, the event is stored once with its notice once, and sending it again is a harmless duplicate", async () => {
    const service = s.ctx.ingest as unknown as { pool: pg.Pool };
    const real = service.pool;
    let armed = true;
    // The write and its COMMIT reach PostgreSQL and are carried out; the connection dies before the answer is read.
    service.pool = {
      connect: async () => {
        const client = await real.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        (client as unknown as { query: unknown }).query = async (...args: unknown[]) => {
          const text = typeof args[0] === "string" ? args[0] : "";
          if (armed && text.includes("dossier_ingest_write") && /;\nCOMMIT\b/.test(text)) {
            armed = false;
            await query(...args);
            (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
            throw new Error("Connection terminated unexpectedly");
          }
          return query(...args);
        };
        return client;
      },
    } as unknown as pg.Pool;
    const event = s.event();
    try {
      const first = await post("/api/v1/dossier-events", event);
      expect(armed).toBe(false);
      expect(first.status).toBeGreaterThanOrEqual(500);
    } finally {
      service.pool = real;
    }
    const notices = async () =>
      Number((await admin.query(`SELECT count(*) FROM "Notice" n JOIN "Dossier" d ON d.id = n."dossierId" WHERE d.code = $1`, [event.dossierCode])).rows[0].count);
    expect(await storedEvents([event.eventId as string])).toHaveLength(1);
    expect(await notices()).toBe(1);
    // The sender cannot know it was stored: it sends again (as after any 5xx), and is told it is a repeat.
    const again = await post("/api/v1/dossier-events", event);
    expect(again).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1 } });
    expect(await storedEvents([event.eventId as string])).toHaveLength(1);
    expect(await notices()).toBe(1);
  });
});
