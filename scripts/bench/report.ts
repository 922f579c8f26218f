/**
 * `npm run bench:report` (issue 10 §8): the monthly report for a province of 100 communes with
 * 500,000 dossiers received in the month.
 *
 *   1. A database of the run's own (motcua_bench_<random>, migrated and seeded with the
 *      administrative units; dropped at the end, on failure and on Ctrl-C too).
 *   2. Seeded in SQL (generate_series, no rows through Node): a province's first 100 communes,
 *      500,000 dossiers received in the month (counter/online/post) and 100,000 in the month
 *      before; per dossier its RECEIVED event, a result returned for about 70% (RETURNED, or
 *      DELIVERED through the post), one notice with one or two attempts (Telegram, Zalo OA, ZNS,
 *      SMS; delivered, failed after a fallback, unknown); a hand-over for half, an apology for 1%,
 *      a booking for 5%; two announcements per commune with 100 notices each.
 *   3. The report runs in a child process of its own (as the API would run it, through
 *      MonthlyReportService): the JSON figures, then the figures again and the XLSX. The child
 *      prints its own peak RSS (VmHWM, the whole Node process) — PostgreSQL's memory is the
 *      server's, not counted.
 *
 * Targets: ≤ 10 s and ≤ 300 MB peak RSS. BENCH_DOSSIERS (500000) or --dossiers=N changes the size.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { monthBounds, monthOf } from "../../src/reports/monthly-report.js";
import { projectRoot } from "../../src/paths.js";
import { line, throwawayBenchDatabase, type BenchDatabase } from "./support.js";

const arg = process.argv.slice(2).find((a) => a.startsWith("--dossiers="));
const DOSSIERS = Number(arg ? arg.slice("--dossiers=".length) : (process.env.BENCH_DOSSIERS ?? 500_000));
if (!Number.isInteger(DOSSIERS) || DOSSIERS <= 0) throw new Error("--dossiers / BENCH_DOSSIERS must be a whole number > 0");
const COMMUNES = 100;
const TARGET_S = 10;
const TARGET_MB = 300;

const say = (text: string) => console.log(text);

/** The month before the current one (a whole month, in the past). */
function previousMonth(): { month: string; before: string } {
  const now = monthOf(new Date());
  const [y, m] = now.split("-").map(Number) as [number, number];
  const prev = (yy: number, mm: number) => (mm === 1 ? `${yy - 1}-12` : `${yy}-${String(mm - 1).padStart(2, "0")}`);
  const month = prev(y, m);
  const [py, pm] = month.split("-").map(Number) as [number, number];
  return { month, before: prev(py, pm) };
}

async function seed(url: string, month: string, before: string): Promise<{ province: string; communes: number; counts: Record<string, number> }> {
  const client = new pg.Client({ connectionString: url, options: "-c TimeZone=UTC" });
  await client.connect();
  try {
    const { rows } = await client.query<{ parentCode: string; n: string }>(
      `SELECT "parentCode", count(*) AS n FROM "AdminUnit" WHERE level = 'COMMUNE' GROUP BY 1 HAVING count(*) >= $1 ORDER BY 2 DESC, 1 LIMIT 1`,
      [COMMUNES],
    );
    if (!rows[0]) throw new Error(`no province has ${COMMUNES} communes in the seeded administrative units`);
    const province = rows[0].parentCode;
    // The province's first 100 communes get the data (its other communes, if any, have none).
    await client.query(`CREATE TEMP TABLE bench_commune AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, code FROM "AdminUnit" WHERE "parentCode" = $1 AND level = 'COMMUNE' ORDER BY code LIMIT ${COMMUNES}`, [province]);
    await client.query(`SET synchronous_commit = off`);
    const ts = (d: Date) => `('${d.toISOString()}'::timestamptz AT TIME ZONE 'UTC')`;
    const start = ts(monthBounds(month).from);
    const end = ts(monthBounds(month).to);
    const startBefore = ts(monthBounds(before).from);
    const steps: [string, string][] = [
      ["citizens", `INSERT INTO "Citizen" (id, phone, "fullName", "updatedAt") SELECT gen_random_uuid(), '+8490' || lpad(g::text, 7, '0'), 'Người dân ' || g, now() FROM generate_series(1, 20000) g`],
      [
        "dossiers",
        `CREATE TEMP TABLE bench_citizen AS SELECT row_number() OVER () - 1 AS i, id FROM "Citizen";
         INSERT INTO "Dossier" (id, code, "applicantId", "communeCode", channel, "receivedAt", "dueAt", "newDueAt", status, "statusAt", "updatedAt")
         SELECT gen_random_uuid(), 'BENCH-' || g, ci.id, c.code,
                (CASE g % 10 WHEN 0 THEN 'POSTAL' WHEN 1 THEN 'POSTAL' WHEN 2 THEN 'ONLINE' WHEN 3 THEN 'ONLINE' WHEN 4 THEN 'ONLINE' ELSE 'COUNTER' END)::"SubmissionChannel",
                r.at, r.at + ((3 + g % 8) || ' days')::interval,
                CASE WHEN g % 100 = 7 THEN r.at + ((12 + g % 5) || ' days')::interval END,
                'RECEIVED', r.at, now()
           FROM generate_series(1, ${DOSSIERS + Math.round(DOSSIERS / 5)}) g
           JOIN bench_commune c ON c.i = g % ${COMMUNES}
           JOIN bench_citizen ci ON ci.i = g % 20000
           CROSS JOIN LATERAL (SELECT CASE WHEN g <= ${DOSSIERS}
                                           THEN ${start} + (((g::bigint * 7919) % 2500000) / 2500000.0) * (${end} - ${start})
                                           ELSE ${startBefore} + (((g::bigint * 7919) % 2500000) / 2500000.0) * (${start} - ${startBefore}) END AS at) r`,
      ],
      [
        "events",
        `INSERT INTO "DossierEvent" (id, origin, "eventId", "dossierId", status, "occurredAt", payload)
         SELECT gen_random_uuid(), 'upstream', 'r-' || d.code, d.id, 'RECEIVED', d."receivedAt", '{}'::jsonb FROM "Dossier" d;
         INSERT INTO "DossierEvent" (id, origin, "eventId", "dossierId", status, "occurredAt", payload)
         SELECT gen_random_uuid(), 'upstream', 'x-' || d.code, d.id,
                (CASE WHEN d.channel = 'POSTAL' THEN 'DELIVERED' ELSE 'RETURNED' END)::"DossierStatus",
                d."receivedAt" + ((1 + abs(hashtext(d.code)) % 12) || ' days')::interval, '{}'::jsonb
           FROM "Dossier" d WHERE abs(hashtext(d.code)) % 10 < 7`,
      ],
      [
        "notices",
        `INSERT INTO "Notice" (id, type, "dossierId", "channelPlan", variables, status, "dedupeKey", "createdAt", "updatedAt")
         SELECT gen_random_uuid(), 'RECEIVED', d.id, ARRAY['TELEGRAM', 'SMS']::"ChannelKind"[], '{}'::jsonb,
                (CASE abs(hashtext(d.code || 'n')) % 20 WHEN 0 THEN 'FAILED' WHEN 1 THEN 'UNCONFIRMED' WHEN 2 THEN 'SENT' ELSE 'DELIVERED' END)::"NoticeStatus",
                'bench:' || d.code, d."receivedAt" + interval '1 minute', now()
           FROM "Dossier" d;
         INSERT INTO "NoticeAttempt" (id, "noticeId", channel, "attemptNo", status, recipient, "providerMessageId", outcome, segments, "startedAt")
         SELECT gen_random_uuid(), n.id,
                (CASE abs(hashtext(n."dedupeKey")) % 4 WHEN 0 THEN 'TELEGRAM' WHEN 1 THEN 'ZALO_OA' WHEN 2 THEN 'ZNS' ELSE 'SMS' END)::"ChannelKind", 1,
                (CASE n.status WHEN 'FAILED' THEN 'FAILED' WHEN 'UNCONFIRMED' THEN 'UNCONFIRMED' ELSE n.status::text END)::"AttemptStatus",
                'r' || abs(hashtext(n."dedupeKey")) % 50000, 'p-' || n.id, CASE WHEN n.status = 'UNCONFIRMED' THEN 'unknown' WHEN n.status = 'FAILED' THEN 'fallback' END,
                1 + abs(hashtext(n."dedupeKey")) % 2, n."createdAt"
           FROM "Notice" n;
         INSERT INTO "NoticeAttempt" (id, "noticeId", channel, "attemptNo", status, "providerMessageId", outcome, segments, "startedAt")
         SELECT gen_random_uuid(), n.id, 'SMS', 2, 'FAILED', 'p2-' || n.id, 'undelivered', 2, n."createdAt" + interval '1 minute'
           FROM "Notice" n WHERE n.status = 'FAILED'`,
      ],
      [
        "zalo followers",
        `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "lastInteractionAt", "updatedAt")
         SELECT gen_random_uuid(), 'ZALO_OA', 'r' || g, ${start} - ((g % 10) || ' days')::interval, now() FROM generate_series(0, 49999) g`,
      ],
      [
        "hand-overs, apologies, bookings",
        `INSERT INTO "Handover" (id, "dossierId", "fromUnit", "toUnit", "handedBy", "receivedBy", "handedAt", result)
         SELECT gen_random_uuid(), d.id, 'Một cửa', 'Chuyên môn', 'A', 'B', d."receivedAt" + interval '1 day',
                (CASE abs(hashtext(d.code || 'h')) % 3 WHEN 0 THEN 'EARLY' WHEN 1 THEN 'ON_TIME' ELSE 'LATE' END)::"HandoverResult"
           FROM "Dossier" d WHERE abs(hashtext(d.code || 'h')) % 2 = 0;
         INSERT INTO "Apology" (id, "dossierId", reason, "previousDueAt", "newDueAt", "issuedAt", late, "issuedBy", "issuedByName")
         SELECT gen_random_uuid(), d.id, 'Cần xác minh', d."dueAt", d."newDueAt", d."receivedAt" + interval '2 days', (abs(hashtext(d.code)) % 3 = 0), 'bench', 'Cán bộ'
           FROM "Dossier" d WHERE d."newDueAt" IS NOT NULL;
         INSERT INTO "DeliveryBooking" (id, reference, kind, "dossierId", "recipientName", "recipientPhone", "communeCode", "addressLine", "timeWindow", postage, status, "completedAt", "failedAt", "createdAt", "updatedAt")
         SELECT gen_random_uuid(), 'B' || d.code, (CASE WHEN d.channel = 'POSTAL' THEN 'RESULT_DELIVERY' ELSE 'DOSSIER_COLLECTION' END)::"BookingKind", d.id, 'Người dân', '+84900000000', d."communeCode", 'Ấp 1', '8:00–11:00', 22000,
                (CASE abs(hashtext(d.code || 'b')) % 4 WHEN 0 THEN 'FAILED' WHEN 1 THEN 'REQUESTED' ELSE 'COMPLETED' END)::"BookingStatus",
                CASE WHEN abs(hashtext(d.code || 'b')) % 4 >= 2 THEN d."receivedAt" + interval '3 days' END,
                CASE WHEN abs(hashtext(d.code || 'b')) % 4 = 0 THEN d."receivedAt" + interval '3 days' END,
                d."receivedAt", now()
           FROM "Dossier" d WHERE abs(hashtext(d.code || 'b')) % 20 = 0`,
      ],
      [
        "announcements",
        `INSERT INTO "Broadcast" (id, "communeCode", title, body, status, "createdBy", "createdByName", "sentAt", "recipientsTotal", "updatedAt")
         SELECT gen_random_uuid(), c.code, 'Thông báo ' || k, 'Nội dung', 'SENT', 'bench', 'Cán bộ', ${start} + (k * 10 || ' days')::interval, 100, now()
           FROM bench_commune c CROSS JOIN generate_series(1, 2) k;
         INSERT INTO "Notice" (id, type, "broadcastId", "channelPlan", variables, status, "dedupeKey", "createdAt", "updatedAt")
         SELECT gen_random_uuid(), 'BROADCAST', b.id, ARRAY['TELEGRAM']::"ChannelKind"[], '{}'::jsonb,
                (CASE WHEN g % 10 = 0 THEN 'FAILED' ELSE 'DELIVERED' END)::"NoticeStatus", 'bench:' || b.id || ':' || g, b."sentAt", now()
           FROM "Broadcast" b CROSS JOIN generate_series(1, 100) g`,
      ],
      ["analyze", `ANALYZE`],
    ];
    for (const [name, sql] of steps) {
      const t0 = performance.now();
      await client.query(sql);
      say(`  seeded ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const counts: Record<string, number> = {};
    for (const table of ["Dossier", "DossierEvent", "Notice", "NoticeAttempt", "Handover", "Apology", "DeliveryBooking", "Broadcast"]) {
      counts[table] = Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    }
    return { province, communes: COMMUNES, counts };
  } finally {
    await client.end();
  }
}

interface RunResult {
  jsonSeconds: number;
  xlsxSeconds: number;
  xlsxBytes: number;
  peakRssMb: number;
  received: number;
  returned: number;
  notices: number;
}

/** Runs the report in a child process (report-run.ts) and reads what it prints. */
function runReport(url: string, unit: string, month: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts/bench/report-run.ts"), url, unit, month], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the report process exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1)!) as RunResult);
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function main() {
  const { month, before } = previousMonth();
  say(`bench:report — the monthly report (${month}) for a province of ${COMMUNES} communes with ${DOSSIERS.toLocaleString("en")} dossiers received in the month`);
  let database: BenchDatabase | undefined;
  const stop = async () => {
    await database?.drop().catch(() => undefined);
    process.exit(130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const t0 = performance.now();
    database = await throwawayBenchDatabase();
    say(`  database ${database.name} created and migrated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const seeded = await seed(database.url, month, before);
    say(`  rows: ${Object.entries(seeded.counts).map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ")}`);
    const result = await runReport(database.url, seeded.province, month);
    say("");
    say(`province ${seeded.province}, ${month}: ${result.received.toLocaleString("en")} received, ${result.returned.toLocaleString("en")} returned, ${result.notices.toLocaleString("en")} notices`);
    say(line("report as JSON (every figure, 100 communes)", `${result.jsonSeconds.toFixed(2)} s`, `≤ ${TARGET_S} s`, result.jsonSeconds <= TARGET_S));
    say(line("report as XLSX (figures counted again + workbook)", `${result.xlsxSeconds.toFixed(2)} s`, `≤ ${TARGET_S} s`, result.xlsxSeconds <= TARGET_S));
    say(line("XLSX size", `${(result.xlsxBytes / 1024).toFixed(0)} KB`));
    say(line("peak RSS of the report process (VmHWM)", `${result.peakRssMb.toFixed(0)} MB`, `≤ ${TARGET_MB} MB`, result.peakRssMb <= TARGET_MB));
    if (result.received !== DOSSIERS) throw new Error(`the report counted ${result.received} dossiers received, ${DOSSIERS} were seeded in the month`);
    process.exitCode = result.jsonSeconds <= TARGET_S && result.xlsxSeconds <= TARGET_S && result.peakRssMb <= TARGET_MB ? 0 : 1;
  } finally {
    if (process.env.BENCH_KEEP_DATABASE === "1" && database) say(`  database ${database.name} kept (BENCH_KEEP_DATABASE=1): ${database.url}`);
    else {
      await database?.drop();
      if (database) say(`  database ${database.name} dropped`);
    }
  }
}

await main();
