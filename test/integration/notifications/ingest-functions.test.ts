/**
 * The ingest reads and writes through two PL/pgSQL functions of the migrations
 * (`dossier_ingest_read`, `dossier_ingest_write`), whose statements are planned once per
 * connection. A plan cached while the tables were small must still find rows by their keys once
 * the tables have grown (a sequential scan per call would cost more with every row stored), and
 * a replay inside a group of single events is still a duplicate, nothing doubled.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utcTypes } from "../../../src/db/pool.js";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
import { DossierIngestService, LITERAL_MAX, NOTICE_CHANNEL } from "../../../src/dossiers/ingest-service.js";
import { cloneTestDatabase } from "../../support/databases.js";

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let ingest: DossierIngestService;

beforeAll(async () => {
  database = await cloneTestDatabase();
  // One connection: the ingest's plans are this connection's, and so are the counts read below
  // (track_functions counts the calls of PL/pgSQL functions).
  pool = new pg.Pool({ connectionString: database.url, max: 1, types: utcTypes, options: "-c TimeZone=UTC -c track_functions=pl" });
  ingest = new DossierIngestService(pool);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

let sequence = 0;
const event = (overrides: Record<string, unknown> = {}) => {
  sequence += 1;
  return dossierEventSchema.parse({
    eventId: `fn-${sequence}`,
    dossierCode: `H15.50.05.13-261201-${String(sequence).padStart(6, "0")}`,
    status: "RECEIVED",
    occurredAt: "2026-11-20T09:15:00+07:00",
    procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
    applicant: { fullName: "Trần Thị Bình", phone: `0913${String(sequence).padStart(6, "0")}` },
    communeCode: "29955",
    channel: "COUNTER",
    ...overrides,
  });
};

/**
 * Rows read from each table the ingest reads (by sequential scans and through indexes), and calls
 * of its functions, as flushed by the one connection.
 */
async function counts(): Promise<{ rowsRead: Record<string, number>; calls: Record<string, number> }> {
  // Stats are flushed when the connection goes idle after this statement; read in the next one.
  await pool.query("SELECT pg_stat_force_next_flush()");
  const tables = await pool.query<{ relname: string; read: string }>(
    `SELECT relname, seq_tup_read + coalesce(idx_tup_fetch, 0) AS read FROM pg_stat_user_tables
      WHERE relname IN ('Dossier', 'DossierEvent', 'Citizen', 'AdminUnit', 'Procedure', 'Notice')`,
  );
  const functions = await pool.query<{ funcname: string; calls: string }>(`SELECT funcname, calls FROM pg_stat_user_functions WHERE funcname LIKE 'dossier_ingest_%'`);
  return {
    rowsRead: Object.fromEntries(tables.rows.map((r) => [r.relname, Number(r.read)])),
    calls: Object.fromEntries(functions.rows.map((r) => [r.funcname, Number(r.calls)])),
  };
}

const storedEvents = async (eventIds: string[]) =>
  (await pool.query<{ eventId: string; notices: number }>(
    `SELECT e."eventId", (SELECT count(*)::int FROM "Notice" n WHERE n."eventId" = e.id) AS notices FROM "DossierEvent" e WHERE e."eventId" = ANY($1::text[])`,
    [eventIds],
  )).rows.sort(byEventId);
const byEventId = (a: { eventId: string }, b: { eventId: string }) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

describe("the ingest's functions", () => {
  it("do the work: one read and one write per transaction; plans cached on small tables still find rows by key once the tables have grown", async () => {
    const first = [event(), event()];
    const before = await counts();
    const result = await ingest.ingest(first, {});
    expect(result.accepted).toBe(2);
    const after = await counts();
    expect((after.calls.dossier_ingest_read ?? 0) - (before.calls.dossier_ingest_read ?? 0)).toBe(1);
    expect((after.calls.dossier_ingest_write ?? 0) - (before.calls.dossier_ingest_write ?? 0)).toBe(1);

    // The tables grow well past what the plans were made for.
    await pool.query(`INSERT INTO "Citizen" (id, "updatedAt") VALUES ('00000000-0000-4000-8000-000000000001', now())`);
    await pool.query(
      `INSERT INTO "Dossier" (id, code, "applicantId", status, "statusAt", "updatedAt")
         SELECT gen_random_uuid(), 'GROWN-' || g, '00000000-0000-4000-8000-000000000001', 'RECEIVED', now(), now() FROM generate_series(1, 20000) g`,
    );
    await pool.query(
      `INSERT INTO "DossierEvent" (id, origin, "eventId", "dossierId", status, "occurredAt", payload)
         SELECT gen_random_uuid(), 'upstream', 'grown-' || d.code, d.id, 'RECEIVED', now(), '{}' FROM "Dossier" d WHERE d.code LIKE 'GROWN-%'`,
    );
    const grown = await counts();
    // Known dossiers (their events later in time, a new name for a citizen), new ones, a replay of a stored event.
    const later = first.map((e) => ({ ...e, eventId: `${e.eventId}-later`, status: "PROCESSING" as const, occurredAt: new Date("2026-11-21T02:00:00Z"), applicantName: "Trần Thị Bích" }));
    const second = await ingest.ingest([...later, event(), first[0]!], {});
    expect(second).toMatchObject({ accepted: 3, duplicates: 1 });
    const end = await counts();
    expect(end.calls.dossier_ingest_read! - grown.calls.dossier_ingest_read!).toBe(1);
    // A few rows per event, however many the tables hold.
    const read = Object.entries(end.rowsRead).map(([table, n]) => [table, n - grown.rowsRead[table]!] as const);
    expect(read).toHaveLength(6);
    expect(read.filter(([, n]) => n >= 30)).toEqual([]);
    const renamed = await pool.query(`SELECT count(*)::int AS n FROM "Citizen" WHERE "fullName" = 'Trần Thị Bích'`);
    expect(renamed.rows[0].n).toBe(2);
  });

  it("a replay inside a group of single events is a duplicate, with nothing doubled: of a stored event, and of an event of the same group", async () => {
    const stored = event();
    await ingest.ingestOne(stored, {});
    const fresh = event();
    const others = [event(), event()];
    // Submitted in one moment: one group, one transaction.
    const before = await counts();
    const results = await Promise.all([stored, fresh, others[0]!, fresh, others[1]!, stored].map((e) => ingest.ingestOne(e, {})));
    const after = await counts();
    expect(after.calls.dossier_ingest_write! - before.calls.dossier_ingest_write!).toBe(1);
    expect(results.map((r) => r.results[0]!.outcome)).toEqual(["duplicate", "accepted", "accepted", "duplicate", "accepted", "duplicate"]);
    expect(results.map((r) => r.results[0]!.notices)).toEqual([0, 1, 1, 0, 1, 0]);
    expect(await storedEvents([stored, fresh, ...others].map((e) => e.eventId))).toEqual(
      [stored, fresh, ...others].map((e) => ({ eventId: e.eventId, notices: 1 })).sort(byEventId),
    );
  });

  // A batch's write is large enough to go as a parameter, its COMMIT sent after it.
  const held = async (events: { eventId: string; dossierCode: string; phone: string | null }[]) =>
    (await pool.query<{ events: number; dossiers: number; citizens: number; notices: number }>(
      `SELECT (SELECT count(*)::int FROM "DossierEvent" WHERE "eventId" = ANY($1::text[])) AS events,
              (SELECT count(*)::int FROM "Dossier" WHERE code = ANY($2::text[])) AS dossiers,
              (SELECT count(*)::int FROM "Citizen" WHERE phone = ANY($3::text[])) AS citizens,
              (SELECT count(*)::int FROM "Notice" n JOIN "DossierEvent" e ON e.id = n."eventId" WHERE e."eventId" = ANY($1::text[])) AS notices`,
      [events.map((e) => e.eventId), events.map((e) => e.dossierCode), events.map((e) => e.phone)],
    )).rows[0]!;

  it("a batch of 1,000 (its rows sent as a parameter): stored whole, with a notice each and the notices' ids to wake the relay", async () => {
    const batch = Array.from({ length: 1000 }, () => event());
    expect(JSON.stringify(batch).length).toBeGreaterThan(LITERAL_MAX);
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const woken: string[] = [];
    listener.on("notification", (n) => woken.push(...(n.payload ?? "").split(",").filter(Boolean)));
    await listener.query(`LISTEN "${NOTICE_CHANNEL}"`);
    const before = await counts();
    const result = await ingest.ingest(batch, { batch: true });
    const after = await counts();
    const until = Date.now() + 10_000;
    while (woken.length < 1000 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await listener.end();
    const notices = await pool.query<{ id: string }>(`SELECT n.id FROM "Notice" n JOIN "DossierEvent" e ON e.id = n."eventId" WHERE e."eventId" = ANY($1::text[])`, [batch.map((e) => e.eventId)]);
    expect(woken.sort()).toEqual(notices.rows.map((r) => r.id).sort());
    expect(result.accepted).toBe(1000);
    expect(after.calls.dossier_ingest_write! - before.calls.dossier_ingest_write!).toBe(1);
    expect(await held(batch)).toEqual({ events: 1000, dossiers: 1000, citizens: 1000, notices: 1000 });
    // The transaction is over: the connection is idle, not in a transaction.
    const { rows } = await pool.query(`SELECT now() = statement_timestamp() AS fresh`);
    expect(rows[0].fresh).toBe(true);
  });

  it("a group of single events (its rows written into the query): the relay is woken with its notices' ids, after the commit, in the same round trip", async () => {
    const group = [event(), event(), event()];
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const woken: string[] = [];
    listener.on("notification", (n) => woken.push(...(n.payload ?? "").split(",").filter(Boolean)));
    await listener.query(`LISTEN "${NOTICE_CHANNEL}"`);
    // The queries the ingest sends (its connection's round trips), counted around it.
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = proto.query;
    let sent = 0;
    proto.query = function (this: unknown, ...args: unknown[]) {
      sent += 1;
      return query.apply(this, args);
    };
    let results;
    try {
      results = await Promise.all(group.map((e) => ingest.ingestOne(e, {})));
    } finally {
      proto.query = query;
    }
    const until = Date.now() + 10_000;
    while (woken.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await listener.end();
    expect(sent).toBe(2);
    expect(results.map((r) => r.results[0]!.notices)).toEqual([1, 1, 1]);
    const notices = await pool.query<{ id: string }>(`SELECT n.id FROM "Notice" n JOIN "DossierEvent" e ON e.id = n."eventId" WHERE e."eventId" = ANY($1::text[])`, [group.map((e) => e.eventId)]);
    expect(woken.sort()).toEqual(notices.rows.map((r) => r.id).sort());
    const { rows } = await pool.query(`SELECT now() = statement_timestamp() AS fresh`);
    expect(rows[0].fresh).toBe(true);
  });

  it("a batch of 1,000 whose write PostgreSQL refuses at its last row (a NUL, which the HTTP edge would have refused) stores nothing: no event, dossier, citizen or notice", async () => {
    const batch = Array.from({ length: 1000 }, () => event());
    batch[999] = { ...batch[999]!, note: "a\u0000b" };
    await expect(ingest.ingest(batch, { batch: true })).rejects.toThrow();
    expect(await held(batch)).toEqual({ events: 0, dossiers: 0, citizens: 0, notices: 0 });
    // The connection was rolled back and serves the next batch.
    const next = Array.from({ length: 1000 }, () => event());
    expect((await ingest.ingest(next, { batch: true })).accepted).toBe(1000);
    expect(await held(next)).toEqual({ events: 1000, dossiers: 1000, citizens: 1000, notices: 1000 });
  });
});
