/**
 * `npm run demo` (bin/demo.js: scripts/demo.ts as compiled in dist/) in a child process of its own, on a port that is already taken:
 * it says so and ends with exit code 1, instead of keeping its connections (and itself) alive.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let taken: Server;
let port = 0;

beforeAll(async () => {
  database = await cloneTestDatabase();
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  port = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => taken.close(r));
  await database.drop();
});

async function runDemo(): Promise<{ code: number | null; stderr: string }> {
  // As `npm run demo` runs it: the compiled demo (dist/demo.js), no TypeScript loader.
  const child = spawn(process.execPath, [path.join(projectRoot, "bin", "demo.js")], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), HOST: "127.0.0.1", QUEUE_PREFIX: `demo${randomBytes(4).toString("hex")}`, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  child.stdout.resume();
  // Seeding and start-up take a few seconds (much more on a loaded machine); a demo that stays
  // alive is killed after 100 s.
  const code = await new Promise<number | null>((resolve) => {
    const limit = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 100_000);
    child.once("exit", (exitCode) => {
      clearTimeout(limit);
      resolve(exitCode);
    });
  });
  return { code, stderr };
}

describe("npm run demo", () => {
  it("on a port already in use: says so and exits with 1", async () => {
    const { code, stderr } = await runDemo();
    expect(stderr).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(code).toBe(1);
    // Its sample dossiers were seeded first, on the desk's working days: every event on one, and
    // every appointment at 17:00 (Vietnam) on one, by the seeded calendar — never a weekend or a holiday.
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      const { rows } = await pool.query<{ what: string; day: string; dow: number; hhmm: string; holiday: boolean }>(
        `WITH t AS (
           SELECT 'due ' || code AS what, ("dueAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at FROM "Dossier" WHERE code LIKE 'H15.50.05.13-2611%-01%'
           UNION ALL
           SELECT 'event ' || e."eventId", (e."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Ho_Chi_Minh' FROM "DossierEvent" e WHERE e."eventId" LIKE 'demo-H15.%')
         SELECT what, to_char(at, 'YYYY-MM-DD') AS day, extract(isodow FROM at)::int AS dow, to_char(at, 'HH24:MI') AS hhmm,
                EXISTS (SELECT 1 FROM "CalendarDay" c WHERE c.date = at::date AND c.kind = 'HOLIDAY') AS holiday
           FROM t`,
      );
      expect(rows.filter((r) => r.what.startsWith("due "))).toHaveLength(4);
      expect(rows.filter((r) => r.what.startsWith("event "))).toHaveLength(9);
      for (const r of rows) {
        expect(r.dow <= 5 && !r.holiday, `${r.what} on ${r.day}`).toBe(true);
        if (r.what.startsWith("due ")) expect(r.hhmm, r.what).toBe("17:00");
      }
    } finally {
      await pool.end();
    }
  });

  it("runs again on the database it already set up (its sample dossiers are left as they are)", async () => {
    // The first test's run seeded the samples; a later run (another day, other dates) must not trip over them.
    const { code, stderr } = await runDemo();
    expect(stderr).not.toMatch(/đã được dùng|already used/);
    // The demo residents who subscribed to the demo commune's announcements are there once.
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      const rows = await pool.query<{ channel: string; n: number }>(
        `SELECT i.channel::text AS channel, count(*)::int AS n FROM "Subscription" s JOIN "ChannelIdentity" i ON i.id = s."identityId"
          WHERE s.kind = 'AREA' AND s."communeCode" = '29955' AND s."cancelledAt" IS NULL AND i."displayName" IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      expect(rows.rows).toEqual([{ channel: "TELEGRAM", n: 160 }, { channel: "ZALO_OA", n: 160 }]);
    } finally {
      await pool.end();
    }
    expect(stderr).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(code).toBe(1);
  });
});
