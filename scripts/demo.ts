/**
 * `npm run demo`: prepares the database (creates, migrates, seeds), creates an integration key,
 * starts every role in one process (sandbox mode unless provider credentials are set) and prints
 * where to look.
 */
import { loadEnv } from "../src/config/env.js";
import { migrateDatabase } from "../src/cli/commands/migrate.js";
import { runSeed } from "../src/cli/commands/seed.js";
import { runServe } from "../src/cli/commands/serve.js";
import { ensureRedis } from "../src/db/bootstrap.js";
import { createDatabase, createDb } from "../src/db/client.js";
import { CalendarService } from "../src/calendar/calendar-service.js";
import { demoDueAt, seedDemoDossiers } from "./demo-dossiers.js";
import { seedDemoSubscribers } from "./demo-subscribers.js";
import { ApiKeyService } from "../src/auth/api-keys.js";
import { configuredChannels } from "../src/config/env.js";
import { Redis } from "ioredis";
import { StaffAccounts, staffAccountsOptions } from "../src/auth/staff-accounts.js";
import { generateOneTimePassword } from "../src/auth/passwords.js";

/** The demo's staff accounts, made on the first run and given new passwords on every run. */
const DEMO_STAFF = [
  { username: "demo.xa", fullName: "Nguyễn Thị Lan", role: "COMMUNE_STAFF", unitCode: "29955", what: "cán bộ Phường Hồng Ngự, Đồng Tháp (29955)" },
  { username: "demo.xa2", fullName: "Trần Văn Bình", role: "COMMUNE_STAFF", unitCode: "29955", what: "cán bộ thứ hai của Phường Hồng Ngự (duyệt thông báo khẩn)" },
  { username: "demo.buudien", fullName: "Lê Thị Hoa", role: "POST_OFFICE_STAFF", unitCode: "82", what: "nhân viên bưu điện tỉnh Đồng Tháp (82)" },
] as const;

async function demoStaffAccounts(env: ReturnType<typeof loadEnv>, db: ReturnType<typeof createDb>): Promise<{ username: string; password: string; what: string }[]> {
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const accounts = new StaffAccounts(db, redis, staffAccountsOptions(env));
    const out = [];
    for (const a of DEMO_STAFF) {
      const existing = await db.staffUser.findUnique({ where: { username: a.username } });
      if (!existing) await accounts.create({ username: a.username, fullName: a.fullName, role: a.role, unitCode: a.unitCode });
      else await db.staffUser.update({ where: { id: existing.id }, data: { fullName: a.fullName, role: a.role, unitCode: a.unitCode } });
      const password = generateOneTimePassword();
      await accounts.setPasswordForDemo(a.username, password);
      out.push({ username: a.username, password, what: a.what });
    }
    return out;
  } finally {
    redis.disconnect();
  }
}

try {
  const env = loadEnv();
  await ensureRedis(env.REDIS_URL);
  const applied = await migrateDatabase(env);
  console.log(applied.length ? `migrations applied: ${applied.join(", ")}` : "database schema is up to date");
  await runSeed(env);
  const db = createDb(env.DATABASE_URL);
  const { key } = await new ApiKeyService(db).create({ name: `demo ${new Date().toISOString()}`, role: "INTEGRATION" });
  const staff = await demoStaffAccounts(env, db);
  await db.$disconnect();
  const database = createDatabase(env.DATABASE_URL, { max: 2 });
  const samples = await seedDemoDossiers(database.pool);
  // The event printed below is due in 3 working days, at 17:00 (never on a Sunday or a holiday).
  const dueAt = demoDueAt(await new CalendarService(database.pool).calendar(), 3);
  const configured = configuredChannels(env);
  const residents = await seedDemoSubscribers(database.pool, { telegram: !configured.telegram, zalo: !configured.zalo });
  await database.close();
  const base = env.PUBLIC_BASE_URL;
  const sandboxed = Object.entries(configured).filter(([, on]) => !on).map(([n]) => n);
  const event = JSON.stringify({
    eventId: `demo-${Date.now()}`,
    dossierCode: "H15.50.05.13-261124-0001",
    status: "RECEIVED",
    occurredAt: new Date().toISOString(),
    procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
    applicant: { fullName: "Nguyễn Văn An", phone: "0912345678" },
    communeCode: "29955",
    channel: "COUNTER",
    dueAt: dueAt.toISOString(),
  });
  const banner = (address: string) =>
    console.log(`
────────────────────────────────────────────────────────────────────────────
 motcua is running at ${address} (${sandboxed.length === 4 ? "sandbox mode: no message leaves this machine" : `sandbox for: ${sandboxed.join(", ") || "none"}`})
   Health:          ${base}/readyz
   API reference:   ${base}/openapi.json
   Ask the catalog: curl '${base}/api/v1/procedures?q=lam%20giay%20khai%20sinh%20cho%20con'
   One procedure:   curl ${base}/api/v1/procedures/1.001193
   Web chat:        ${base}/chat   (ask "làm giấy khai sinh cần gì", or track a sample dossier below)

 Demo staff accounts for the console at ${base}/staff (new passwords on every demo run; no password change asked):
${staff.map((a) => `   ${a.username.padEnd(14)} ${a.password}   ${a.what}`).join("\n")}

 Sample dossiers to track in the chat (send the code, then the 4 digits):
${samples.map((s) => `   ${s.code}   digits ${s.digits}   ${s.what}`).join("\n")}

 An integration key for the upstream event API was created for this demo:
   ${key}

 Send a dossier event, then see the notice the citizen got${sandboxed.includes("sms") ? " (the SMS lands in the sandbox)" : ""}:
   curl -X POST ${base}/api/v1/dossier-events -H 'Authorization: Bearer ${key}' \\
        -H 'Content-Type: application/json' -d '${event}'
   curl ${base}/api/v1/sandbox/messages${sandboxed.length < 4 ? "   (channels with credentials send for real instead)" : ""}

 Announcements: ${residents.seeded ? `${residents.telegram} Telegram and ${residents.zalo} Zalo demo residents of Phường Hồng Ngự (${residents.hamlets.join(", ")}) subscribe to them` : residents.reason}.
   Staff console:   ${base}/staff   ·   public page: ${base}/xa/29955
 Stop with Ctrl+C.
────────────────────────────────────────────────────────────────────────────`);
  process.exitCode = await runServe(env, { role: "all", onListening: banner });
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
