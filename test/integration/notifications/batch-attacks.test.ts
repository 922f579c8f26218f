/**
 * A job of up to 50 notices attacked through the providers' answers: one notice's odd answer (an
 * id PostgreSQL cannot store, a segment count out of range, Telegram's `ok` without a message id)
 * must leave the other notices of its batch recorded as they went, and must itself never be sent
 * twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  // No ZNS template: a citizen known by phone only is reached by SMS. The worker starts once the
  // events are in, so that their notices go out as one job.
  s = await startNotifyStack({ worker: false, env: { ZNS_TEMPLATES: "", WORKER_CONCURRENCY: "50" } });
});
afterAll(() => s?.close());
afterEach(() => {
  s.twilio.clearFaults();
  s.telegram.clearFaults();
});

type Row = { phone: string; status: string; attempts: { status: string; providerMessageId: string | null }[] };
async function noticesOf(dossierCodes: string[]): Promise<Row[]> {
  const rows = await s.ctx.pool.query<Row>(
    `SELECT z.phone, n.status,
            COALESCE((SELECT json_agg(json_build_object('status', a.status, 'providerMessageId', a."providerMessageId")) FROM "NoticeAttempt" a WHERE a."noticeId" = n.id), '[]') AS attempts
       FROM "Notice" n JOIN "Dossier" d ON d.id = n."dossierId" JOIN "Citizen" z ON z.id = n."citizenId"
      WHERE d.code = ANY($1::text[])`,
    [dossierCodes],
  );
  return rows.rows;
}

describe("one notice's odd provider answer in a job of 50", () => {
  it("an SMS id with a NUL and a segment count of 10^10: the 49 others recorded sent, that one too (without the id), none sent twice", async () => {
    const events = Array.from({ length: 50 }, () => s.event());
    expect((await s.post("/api/v1/dossier-events/batch", { events })).status).toBe(202);
    const poisoned = (events[17]!.applicant as { phone: string }).phone.replace(/^0/, "+84");
    // Twilio's answer to that one message, in its own shape, with what PostgreSQL cannot take.
    s.twilio.inject(
      {
        kind: "http",
        status: 201,
        body: { sid: "SM\u0000poisoned", account_sid: "AC1", to: poisoned, body: "x", status: "queued", num_segments: "10000000000", date_created: new Date().toUTCString(), uri: "/x.json" },
      },
      { match: (req) => req.method === "POST" && (req.body as { To?: string }).To === poisoned },
    );
    await s.startWorker();
    const codes = events.map((e) => e.dossierCode as string);
    const rows = await s.waitFor(async () => {
      const r = await noticesOf(codes);
      return r.length === 50 && r.every((n) => n.status !== "QUEUED" && n.status !== "SENDING") && r;
    }, "every notice settled");
    // Each notice went out once, and is recorded as it went: sent, one attempt, never "maybe sent".
    // (DELIVERED once the fake's receipt has come.)
    const went = (status: string) => (status === "DELIVERED" ? "SENT" : status);
    expect(rows.map((n) => [went(n.status), n.attempts.map((a) => went(a.status))])).toEqual(Array(50).fill(["SENT", ["SENT"]]));
    const bad = rows.find((n) => n.phone === poisoned)!;
    expect(bad.attempts[0]!.providerMessageId).toBeNull();
    expect(rows.filter((n) => n.attempts[0]!.providerMessageId?.startsWith("SM"))).toHaveLength(49);
    const posts = s.twilio.received.filter((r) => r.method === "POST");
    expect(new Set(posts.map((r) => (r.body as { To: string }).To)).size).toBe(50);
    expect(posts).toHaveLength(50);
  });

  it("Telegram's {ok:true} with a null message id: not delivered but unknown, never sent again; the notices around it delivered", async () => {
    const chats = Array.from({ length: 10 }, (_, i) => String(7_100_000 + Math.floor(Math.random() * 1e5) * 10 + i));
    const events = [];
    for (const chat of chats) {
      const event = s.event();
      const phone = (event.applicant as { phone: string }).phone.replace(/^0/, "+84");
      await s.ctx.db.citizen.create({ data: { phone, fullName: "Trần Thị Bình", identities: { create: [{ channel: "TELEGRAM", externalId: chat, consentAt: new Date() }] } } });
      events.push(event);
    }
    const odd = chats[4]!;
    s.telegram.inject({ kind: "http", status: 200, body: { ok: true, result: { message_id: null, chat: { id: Number(odd) } } } }, { match: (req) => String((req.body as { chat_id?: unknown }).chat_id) === odd });
    expect((await s.post("/api/v1/dossier-events/batch", { events })).status).toBe(202);
    if (!s.worker) await s.startWorker();
    const codes = events.map((e) => e.dossierCode as string);
    const rows = await s.waitFor(async () => {
      const r = await s.ctx.pool.query<{ status: string; chat: string; attempts: { status: string; outcome: string | null }[] }>(
        `SELECT n.status, (SELECT a.recipient FROM "NoticeAttempt" a WHERE a."noticeId" = n.id LIMIT 1) AS chat,
                COALESCE((SELECT json_agg(json_build_object('status', a.status, 'outcome', a.outcome)) FROM "NoticeAttempt" a WHERE a."noticeId" = n.id), '[]') AS attempts
           FROM "Notice" n JOIN "Dossier" d ON d.id = n."dossierId" WHERE d.code = ANY($1::text[])`,
        [codes],
      );
      return r.rows.length === 10 && r.rows.every((n) => n.status === "DELIVERED" || n.attempts[0]?.outcome === "unknown") && r.rows;
    }, "every notice delivered or its outcome unknown");
    const bad = rows.find((n) => n.chat === odd)!;
    expect(bad).toMatchObject({ status: "UNCONFIRMED", attempts: [{ status: "UNCONFIRMED", outcome: "unknown" }] });
    expect(rows.filter((n) => n.status === "DELIVERED")).toHaveLength(9);
    // Once to each chat, the odd one included: a send that may have gone is never repeated.
    await new Promise((r) => setTimeout(r, 1500));
    const sends = s.telegram.received.filter((r) => r.path.endsWith("/sendMessage")).map((r) => String((r.body as { chat_id: unknown }).chat_id));
    expect(sends.filter((c) => chats.includes(c)).sort()).toEqual([...chats].sort());
  });

  it("a notice whose stored variables cannot make its text (null, none for a booking, {} for a dossier status) fails alone, once, and nothing is sent for it; the notices around it go out", async () => {
    const events = Array.from({ length: 6 }, () => s.event());
    expect((await s.post("/api/v1/dossier-events/batch", { events })).status).toBe(202);
    const codes = events.map((e) => e.dossierCode as string);
    // Three notices of these citizens written as no version of the service writes them.
    const odd = (
      await s.ctx.pool.query<{ id: string }>(
        `INSERT INTO "Notice" (id, type, "citizenId", "dossierId", "channelPlan", variables, "dedupeKey", "updatedAt")
         SELECT gen_random_uuid(), t.type, n."citizenId", n."dossierId", '{}', t.vars, 'attack:' || gen_random_uuid(), now()
           FROM (SELECT DISTINCT ON (n."dossierId") n.* FROM "Notice" n JOIN "Dossier" d ON d.id = n."dossierId" WHERE d.code = ANY($1::text[]) ORDER BY n."dossierId") n
           JOIN (VALUES (0, 'RESULT_READY', 'null'::jsonb), (1, 'BOOKING_UPDATE', '{}'::jsonb), (2, 'RECEIVED', '{}'::jsonb)) AS t(k, type, vars) ON true
          LIMIT 3
         RETURNING id`,
        [codes.slice(0, 1)],
      )
    ).rows.map((r) => r.id);
    expect(odd).toHaveLength(3);
    if (!s.worker) await s.startWorker();
    const rows = await s.waitFor(async () => {
      const r = await s.ctx.pool.query<{ id: string; status: string; lastError: string | null; attempts: number }>(
        `SELECT n.id, n.status, n."lastError", (SELECT count(*)::int FROM "NoticeAttempt" a WHERE a."noticeId" = n.id) AS attempts
           FROM "Notice" n JOIN "Dossier" d ON d.id = n."dossierId" WHERE d.code = ANY($1::text[])`,
        [codes],
      );
      return r.rows.length === 9 && r.rows.every((n) => !["QUEUED", "SENDING"].includes(n.status)) && r.rows;
    }, "every notice settled");
    for (const id of odd) expect(rows.find((n) => n.id === id)).toMatchObject({ status: "FAILED", attempts: 0, lastError: expect.stringMatching(/^the notice's text could not be made/) });
    // The reason names what is missing ({} made "hồ sơ undefined", sent as it was).
    expect(rows.find((n) => n.id === odd[2])!.lastError).toMatch(/RECEIVED notice .*dossierCode/);
    const texts = s.telegram.received.filter((r) => r.path.endsWith("/sendMessage")).map((r) => String((r.body as { text: unknown }).text));
    expect(texts.filter((t) => t.includes("undefined"))).toEqual([]);
    expect(rows.filter((n) => !odd.includes(n.id)).map((n) => n.status).every((st) => st === "SENT" || st === "DELIVERED")).toBe(true);
  });
});
