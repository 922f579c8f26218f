/**
 * Commune staff record a dossier's status from its page (the walk from receipt to result through
 * the console): an event of the unit's own through the one ingest path, so the citizen is told as
 * for upstream's events. A double click is one event; bad input, another unit's dossier, a clerk
 * of the post office or a missing CSRF token change nothing.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";
import type { NotifyStack } from "../support/notify-stack.js";
import { staffClient } from "../support/staff-client.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
const tag = String(Math.floor(Math.random() * 9000) + 1000);
const code = (n: number) => `H15.50.05.13-26112${n}-${tag}`;
const client = staffClient(() => ({ baseUrl: t.baseUrl }) as NotifyStack, "198.51.100.210");
let officer: { session: string; csrf: string };
let otherOfficer: { session: string; csrf: string };
let clerk: { session: string; csrf: string };

const eventIdOnPage = (html: string) => /name="statusEventId" value="([^"]+)"/.exec(html)?.[1];

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `dsf${randomBytes(4).toString("hex")}` });
  const make = async (username: string, role: "commune_staff" | "post_office_staff", unitCode: string) => {
    const a = await t.ctx.staffAccounts.create({ username: `${username}.${tag}`, fullName: "Nguyễn Thị Lan", role, unitCode });
    return client.signedIn(a.username, a.oneTimePassword);
  };
  officer = await make("lan", "commune_staff", "29955");
  otherOfficer = await make("mai", "commune_staff", "28249");
  clerk = await make("hoa", "post_office_staff", "82");
  await t.ctx.ingest.ingest(
    [dossierEventSchema.parse({ eventId: `dsf-${tag}`, dossierCode: code(1), status: "RECEIVED", occurredAt: new Date(Date.now() - 3600_000).toISOString(), procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, applicant: { fullName: "Nguyễn Văn An", phone: "0912000301" }, communeCode: "29955", dueAt: new Date(Date.now() + 3 * 86400_000).toISOString() })],
    { source: "UPSTREAM" },
  );
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe("the dossier page's status form", () => {
  it("POST /staff/dossiers/:code/status: the officer records the result ready; the citizen gets the notice; a double click is one event; bad input, CSRF, another commune's officer and the post office change nothing", async () => {
    const page = await client.req("GET", `/staff/dossiers/${code(1)}`, { session: officer.session });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Cập nhật trạng thái");
    const statusEventId = eventIdOnPage(page.text)!;
    expect(statusEventId).toMatch(/^console-/);
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: code(1) } });
    const count = () => t.ctx.db.dossierEvent.count({ where: { dossierId: dossier.id } });
    const before = await count();

    // Refused, nothing stored.
    const bad = await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form: { _csrf: officer.csrf, status: "DELAYED", statusNote: "", statusEventId } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("chọn một trạng thái");
    const nul = await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form: { _csrf: officer.csrf, status: "RESULT_READY", statusNote: "a\u0000b", statusEventId } });
    expect(nul.status).toBe(400);
    const reversed = await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form: { _csrf: officer.csrf, status: "RESULT_READY", statusNote: "Đã có \u202ekết quả", statusEventId } });
    expect(reversed.status).toBe(400);
    expect(reversed.text).toContain("ký tự ẩn");
    expect((await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form: { status: "RESULT_READY", statusNote: "", statusEventId } })).status).toBe(403);
    expect((await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: otherOfficer.session, form: { _csrf: otherOfficer.csrf, status: "RESULT_READY", statusNote: "", statusEventId } })).status).toBe(404);
    expect((await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "RESULT_READY", statusNote: "", statusEventId } })).status).toBe(403);
    expect(await count()).toBe(before);

    // Sent twice at once (a double click): one event, one notice.
    const form = { _csrf: officer.csrf, status: "RESULT_READY", statusNote: "Mời ông/bà đến nhận kết quả", statusEventId };
    const [a, b] = await Promise.all([0, 1].map(() => client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form })));
    expect([a!.status, b!.status]).toEqual([303, 303]);
    expect(await count()).toBe(before + 1);
    const d = await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } });
    expect(d.status).toBe("RESULT_READY");
    const event = await t.ctx.db.dossierEvent.findFirstOrThrow({ where: { dossierId: dossier.id, eventId: statusEventId }, include: { notices: true } });
    expect(event).toMatchObject({ origin: "unit:29955", source: "STAFF", note: "Mời ông/bà đến nhận kết quả" });
    expect(event.notices.map((n) => n.type)).toEqual(["RESULT_READY"]);

    const after = await client.req("GET", a!.headers.get("location")!, { session: officer.session });
    expect(after.text).toContain("Đã cập nhật trạng thái hồ sơ");
    // The same form posted again later (a reload): still one event.
    expect((await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form })).status).toBe(303);
    expect(await count()).toBe(before + 1);
    // The same form sent again with another status (Back, then another choice, or a second tab):
    // not the event stored under its id; said on the form, nothing stored, no success shown.
    const reused = await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form: { ...form, status: "RETURNED" } });
    expect(reused.status).toBe(409);
    expect(reused.text).toContain("Biểu mẫu này đã được dùng để ghi trạng thái «Đã có kết quả»; lần gửi này không được lưu.");
    expect(reused.text).not.toContain("Đã cập nhật trạng thái hồ sơ");
    expect((await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form: { ...form, statusNote: "Một ghi chú khác" } })).status).toBe(409);
    expect(await count()).toBe(before + 1);
    expect((await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } })).status).toBe("RESULT_READY");
    // Taking the result back (found by the attack pass): said on the form, nothing stored.
    const back = await client.req("POST", `/staff/dossiers/${code(1)}/status`, { session: officer.session, form: { _csrf: officer.csrf, status: "PROCESSING", statusNote: "", statusEventId: eventIdOnPage(after.text)! } });
    expect(back.status).toBe(409);
    expect(back.text).toContain("kết quả đã được ghi nhận");
    expect(await count()).toBe(before + 1);
    expect((await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } })).status).toBe("RESULT_READY");
  });
});
