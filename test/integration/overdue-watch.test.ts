/**
 * The overdue watch (issue 10 §3), every part real: PostgreSQL, Redis, BullMQ, the HTTP console,
 * telegraf long-polling the fake Telegram Bot API.
 *
 * - The hourly job marks the dossiers due within one working day with no result, across a weekend
 *   and a holiday of the stored calendar (CalendarDay rows this test writes), clears the others,
 *   and gives the same marks when two runs overlap.
 * - The console's home page lists the unit's watched dossiers first.
 * - A staff member links their Telegram with a one-time code from the console; wrong, expired,
 *   replaced and reused codes are refused alike; a chat has a few tries; unlinking from the console.
 * - The 07:30 digest: one Telegram message per linked member of a unit with watched dossiers, once a
 *   day, none on a day off.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Telegraf } from "telegraf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramBot } from "../../bots/adapters/telegram.js";
import { createBot } from "../../bots/bot.js";
import { JOB } from "../../queues/names.js";
import { botServices } from "../support/app.js";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { staffClient } from "../support/staff-client.js";

let s: NotifyStack;
let telegram: Telegraf;

beforeAll(async () => {
  s = await startNotifyStack({ worker: false, env: { TRUST_PROXY: "127.0.0.1", TELEGRAM_BOT_USERNAME: "motcua_test_bot" } });
  const engine = createBot({ redis: s.ctx.redis, services: botServices(s.ctx), logger: s.ctx.logger, prefix: s.env.QUEUE_PREFIX });
  telegram = createTelegramBot({ token: s.telegram.token, apiRoot: s.telegram.url, engine, logger: s.ctx.logger });
  void telegram.launch();
  // A holiday on Monday 8 March 2027 (after a Friday and a weekend); a stored calendar may already hold rows.
  await s.ctx.db.calendarDay.upsert({
    where: { date: new Date("2027-03-08T00:00:00Z") },
    create: { date: new Date("2027-03-08T00:00:00Z"), kind: "HOLIDAY", name: "Ngày nghỉ (thử nghiệm)", source: "test" },
    update: { kind: "HOLIDAY" },
  });
  s.ctx.calendar.invalidate();
});
afterAll(async () => {
  telegram?.stop("test over");
  await s?.close();
});

const { req, signedIn } = staffClient(() => s, "203.0.113.77");
const vn = (iso: string) => new Date(`${iso}+07:00`);
const uniqueName = (stem: string) => `${stem}.${randomBytes(3).toString("hex")}`;

async function member(role: "commune_staff" | "post_office_staff", unitCode: string, fullName = "Nguyễn Thị Lan") {
  const username = uniqueName(role.split("_")[0]!);
  const { id, oneTimePassword } = await s.ctx.staffAccounts.create({ username, fullName, role, unitCode });
  return { id, ...(await signedIn(username, oneTimePassword)) };
}

/** A dossier as upstream sends it. */
async function dossier(o: { communeCode?: string; status?: string; dueAt?: string | null; phone?: string }): Promise<string> {
  const e = s.event({
    communeCode: o.communeCode ?? "29955",
    status: o.status ?? "RECEIVED",
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    applicant: { fullName: "Trần Văn Bình", phone: o.phone ?? `0912${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}` },
    ...(o.dueAt === null ? { dueAt: undefined } : { dueAt: o.dueAt ?? "2027-03-20T17:00:00+07:00" }),
  });
  const res = await s.post("/api/v1/dossier-events", e);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return e.dossierCode as string;
}

const watchedCodes = async (codes: string[]) =>
  (await s.ctx.db.dossier.findMany({ where: { code: { in: codes }, watchedAt: { not: null } }, select: { code: true } })).map((d) => d.code).sort();

// Friday 5 March 2027, 10:00 in Vietnam. The next working day is Tuesday 9 (weekend, then the holiday).
const FRIDAY = vn("2027-03-05T10:00:00");
const d: Record<string, string> = {};

describe("the hourly watch", () => {
  it("marks the dossiers due by the end of the next working day with no result, across a weekend and a holiday", async () => {
    d.dueTuesday = await dossier({ dueAt: "2027-03-09T17:00:00+07:00" }); // within: the weekend and the holiday are not working days
    d.dueWednesday = await dossier({ status: "PROCESSING", dueAt: "2027-03-10T17:00:00+07:00" }); // two working days away
    d.lateOne = await dossier({ dueAt: "2027-03-04T17:00:00+07:00", phone: "0912345678" }); // overdue 1 working day
    d.lateFour = await dossier({ status: "SUPPLEMENT_REQUIRED", dueAt: "2027-03-01T17:00:00+07:00" }); // overdue 4 working days
    d.ready = await dossier({ status: "RESULT_READY", dueAt: "2027-03-04T17:00:00+07:00" });
    d.refused = await dossier({ status: "REFUSED", dueAt: "2027-03-04T17:00:00+07:00" });
    d.delivered = await dossier({ status: "DELIVERED", dueAt: "2027-03-04T17:00:00+07:00" });
    d.apologised = await dossier({ dueAt: "2027-03-03T17:00:00+07:00" }); // moved to the 12th by an apology
    d.noDue = await dossier({ dueAt: null });
    d.otherUnit = await dossier({ communeCode: "28249", dueAt: "2027-03-04T17:00:00+07:00" });
    d.stale = await dossier({ dueAt: "2027-03-25T17:00:00+07:00" }); // marked by an earlier run, no longer due soon
    await s.ctx.db.dossier.update({ where: { code: d.apologised }, data: { newDueAt: vn("2027-03-12T17:00:00") } });
    await s.ctx.db.dossier.update({ where: { code: d.stale }, data: { watchedAt: vn("2027-03-01T10:00:00") } });
    const all = Object.values(d);

    const first = await s.ctx.overdueWatch.mark(FRIDAY);
    expect(first.horizon.toISOString()).toBe(vn("2027-03-10T00:00:00").toISOString());
    expect(await watchedCodes(all)).toEqual([d.dueTuesday, d.lateOne, d.lateFour, d.otherUnit].sort());
    const marked = await s.ctx.db.dossier.findUnique({ where: { code: d.lateOne }, select: { watchedAt: true } });
    expect(marked?.watchedAt?.toISOString()).toBe(FRIDAY.toISOString());

    // Without the holiday, Monday is the next working day: Tuesday's dossier is not due within one.
    await s.ctx.db.calendarDay.delete({ where: { date: new Date("2027-03-08T00:00:00Z") } });
    s.ctx.calendar.invalidate();
    await s.ctx.overdueWatch.mark(FRIDAY);
    expect(await watchedCodes(all)).toEqual([d.lateOne, d.lateFour, d.otherUnit].sort());
    await s.ctx.db.calendarDay.create({ data: { date: new Date("2027-03-08T00:00:00Z"), kind: "HOLIDAY", name: "Ngày nghỉ (thử nghiệm)", source: "test" } });
    s.ctx.calendar.invalidate();

    // Two runs at once take turns and leave the same marks; a third changes nothing.
    const both = await Promise.all([s.ctx.overdueWatch.mark(FRIDAY), s.ctx.overdueWatch.mark(FRIDAY)]);
    expect(both.map((r) => r.marked).sort()).toEqual([0, 1]); // Tuesday's dossier, marked once
    expect(await watchedCodes(all)).toEqual([d.dueTuesday, d.lateOne, d.lateFour, d.otherUnit].sort());
    expect(await s.ctx.overdueWatch.mark(FRIDAY)).toMatchObject({ marked: 0, cleared: 0 });
    // On Saturday the window still ends with Tuesday (Monday is the holiday).
    await s.ctx.overdueWatch.mark(vn("2027-03-06T09:00:00"));
    expect(await watchedCodes(all)).toEqual([d.dueTuesday, d.lateOne, d.lateFour, d.otherUnit].sort());
  });

  it("tells how late each is in working days, for the unit only, most overdue first", async () => {
    const mine = await s.ctx.overdueWatch.watchedInUnit("29955", FRIDAY);
    const rows = mine.dossiers.filter((x) => Object.values(d).includes(x.code));
    expect(rows.map((x) => [x.code, x.label])).toEqual([
      [d.lateFour, "Quá hạn 4 ngày làm việc"],
      [d.lateOne, "Quá hạn 1 ngày làm việc"],
      [d.dueTuesday, "Đến hạn trong 1 ngày làm việc"],
    ]);
    expect(rows.find((x) => x.code === d.lateOne)?.applicant).toEqual({ fullName: "Trần Văn Bình", phone: "…78" });
    expect((await s.ctx.overdueWatch.watchedInUnit("28249", FRIDAY)).dossiers.map((x) => x.code)).toContain(d.otherUnit);
    expect((await s.ctx.overdueWatch.watchedInUnit("28249", FRIDAY)).dossiers.map((x) => x.code)).not.toContain(d.lateOne);
    // A province sees its communes'.
    const province = (await s.ctx.overdueWatch.watchedInUnit("82", FRIDAY)).dossiers.map((x) => x.code);
    expect(province).toEqual(expect.arrayContaining([d.lateOne, d.otherUnit]));
  });

  it("clears the mark once a dossier has its result", async () => {
    const e = s.event({ dossierCode: d.dueTuesday, status: "RESULT_READY", occurredAt: new Date().toISOString(), communeCode: "29955" });
    expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
    // Left out of the unit's list at once, before the next run…
    expect((await s.ctx.overdueWatch.watchedInUnit("29955", FRIDAY)).dossiers.map((x) => x.code)).not.toContain(d.dueTuesday);
    // …and unmarked by it.
    await s.ctx.overdueWatch.mark(FRIDAY);
    expect(await watchedCodes(Object.values(d))).toEqual([d.lateOne, d.lateFour, d.otherUnit].sort());
  });
});

describe("the console's home page", () => {
  const now: Record<string, string> = {};

  it("GET /staff: a commune's staff see their unit's watched dossiers first (code, procedure, masked applicant, due date, lateness, link); another unit's are not there", async () => {
    const t = Date.now();
    now.late = await dossier({ dueAt: new Date(t - 8 * 86_400_000).toISOString(), phone: "0912000199" });
    now.soon = await dossier({ dueAt: new Date(t + 30 * 60_000).toISOString() });
    now.far = await dossier({ dueAt: new Date(t + 40 * 86_400_000).toISOString() });
    now.other = await dossier({ communeCode: "28249", dueAt: new Date(t - 8 * 86_400_000).toISOString() });
    await s.ctx.overdueWatch.mark();

    const staff = await member("commune_staff", "29955");
    const page = await req("GET", "/staff", { session: staff.session });
    expect(page.status).toBe(200);
    const html = page.text;
    const section = html.indexOf("Hồ sơ sắp đến hạn hoặc quá hạn");
    expect(section).toBeGreaterThan(0);
    expect(section).toBeLessThan(html.indexOf("Thông báo đang chờ xử lý")); // first on the page
    expect(html).toContain(`href="/staff/dossiers/${encodeURIComponent(now.late)}"`);
    expect(html).toContain(`href="/staff/dossiers/${encodeURIComponent(now.soon)}"`);
    expect(html).not.toContain(now.far);
    expect(html).not.toContain(now.other);
    expect(html).toMatch(/Quá hạn \d+ ngày làm việc/);
    expect(html).toContain("Đến hạn trong 1 ngày làm việc");
    expect(html).toContain("Đăng ký khai sinh");
    expect(html).toContain("Trần Văn Bình");
    expect(html).toContain("…99");
    expect(html).not.toContain("0912000199");
    expect(html).toContain('href="/staff/telegram"');

    // The other commune's staff see theirs, and not this one's.
    const other = await member("commune_staff", "28249");
    const theirs = (await req("GET", "/staff", { session: other.session })).text;
    expect(theirs).toContain(now.other);
    expect(theirs).not.toContain(now.late);
    // Post office staff read no dossiers: no such section.
    const post = await member("post_office_staff", "82");
    expect((await req("GET", "/staff", { session: post.session })).text).not.toContain("Hồ sơ sắp đến hạn hoặc quá hạn");
  });
});

// ───────────────────────── The Telegram link ─────────────────────────

let chatSeq = 0;
function chat() {
  const user = { id: 880000 + ++chatSeq * 17 + Math.floor(Math.random() * 10), is_bot: false, first_name: "Cán bộ" };
  let messageId = 1;
  /** Sends one message and returns the bot's answers to it. */
  const says = async (text: string) => {
    const before = s.telegram.sent.filter((m) => m.chatId === String(user.id)).length;
    const updateId = await s.telegram.pushUpdate({ message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: "private" }, from: user, text } });
    await s.waitFor(
      async () => s.telegram.received.some((r) => /\/getUpdates$/.test(r.path) && Number((r.body as { offset?: unknown } | null)?.offset ?? 0) > updateId),
      "the bot to finish its turn",
    );
    const mine = s.telegram.sent.filter((m) => m.chatId === String(user.id)).slice(before);
    expect(mine.length).toBeGreaterThan(0);
    return mine.map((m) => m.text ?? "").join("\n");
  };
  return { id: String(user.id), says };
}

async function newCode(who: { session: string; csrf: string }): Promise<string> {
  const res = await req("POST", "/staff/telegram/code", { session: who.session, csrf: who.csrf, form: {} });
  expect(res.status, res.text).toBe(200);
  const code = /data-link-code>(\d{8})</.exec(res.text)?.[1];
  expect(code).toBeDefined();
  return code!;
}

const linkedChat = async (id: string) => (await s.ctx.db.staffUser.findUnique({ where: { id }, select: { telegramChatId: true } }))?.telegramChatId ?? null;
const REFUSED = /Mã liên kết không đúng, đã dùng hoặc đã hết hạn/;

describe("linking a staff member's Telegram", () => {
  it("GET /staff/telegram: a signed-in commune staff member's own page; signed out → sign-in; post office staff 403; an API key (no one's chat) 403", async () => {
    const signedOut = await req("GET", "/staff/telegram");
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/staff/login?next=%2Fstaff%2Ftelegram");
    const post = await member("post_office_staff", "82");
    expect((await req("GET", "/staff/telegram", { session: post.session })).status).toBe(403);
    const { key } = await s.ctx.apiKeys.create({ name: "commune key", role: "COMMUNE_STAFF", unitCode: "29955" });
    expect((await req("GET", "/staff/telegram", { key })).status).toBe(403);
    const staff = await member("commune_staff", "29955");
    const page = await req("GET", "/staff/telegram", { session: staff.session });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Telegram của bạn chưa được liên kết.");
    expect(page.text).toContain('action="/staff/telegram/code"');
    expect(page.text).toContain('aria-current="page">Telegram</a>');
  });

  it("POST /staff/telegram/code: a one-time code shown once (only its sha256 stored, 15 minutes); CSRF-checked; a few per hour; post office staff 403", async () => {
    const staff = await member("commune_staff", "29955", "Lê Thị Hoa");
    const noCsrf = await req("POST", "/staff/telegram/code", { session: staff.session, form: {} });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.text).toContain("Biểu mẫu đã hết hạn");
    expect((await s.ctx.db.staffUser.findUnique({ where: { id: staff.id } }))?.telegramLinkCodeHash).toBeNull();
    const post = await member("post_office_staff", "82");
    expect((await req("POST", "/staff/telegram/code", { session: post.session, csrf: post.csrf, form: {} })).status).toBe(403);

    const before = Date.now();
    const res = await req("POST", "/staff/telegram/code", { session: staff.session, csrf: staff.csrf, form: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const code = /data-link-code>(\d{8})</.exec(res.text)![1]!;
    expect(res.text).toContain(`/lienket ${code}`);
    expect(res.text).toContain(`https://t.me/motcua_test_bot?start=staff_${code}`);
    const row = await s.ctx.db.staffUser.findUnique({ where: { id: staff.id } });
    expect(row?.telegramLinkCodeHash).toBe(createHash("sha256").update(code).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(code);
    const ttl = row!.telegramLinkCodeExpiresAt!.getTime() - before;
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    // The page later says a code is pending, without showing it.
    const later = await req("GET", "/staff/telegram", { session: staff.session });
    expect(later.text).toContain("Một mã đã tạo còn hiệu lực");
    expect(later.text).not.toContain(code);
    // Five an hour: the sixth is refused (429 with Retry-After), and the last code still stands.
    for (let i = 0; i < 4; i++) await newCode(staff);
    const last = (await s.ctx.db.staffUser.findUnique({ where: { id: staff.id } }))?.telegramLinkCodeHash;
    const sixth = await req("POST", "/staff/telegram/code", { session: staff.session, csrf: staff.csrf, form: {} });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sixth.text).toContain("Bạn đã tạo quá nhiều mã liên kết");
    expect((await s.ctx.db.staffUser.findUnique({ where: { id: staff.id } }))?.telegramLinkCodeHash).toBe(last);
  });

  it("links the chat that sends the right code; refuses wrong, replaced, expired and reused codes alike", async () => {
    const lan = await member("commune_staff", "29955", "Phạm Thị Lan");
    const x = chat();
    // Wrong code: refused, nothing linked, no word about any account.
    expect(await x.says("/lienket 12345678")).toMatch(REFUSED);
    // A replaced code (a newer one was made) no longer works.
    const replaced = await newCode(lan);
    const code = await newCode(lan);
    expect(await x.says(`/lienket ${replaced}`)).toMatch(REFUSED);
    expect(await linkedChat(lan.id)).toBeNull();
    // The right one links this chat, and the answer names the account.
    const ok = await x.says(`/lienket ${code}`);
    expect(ok).toContain("Đã liên kết Telegram này với tài khoản cán bộ Phạm Thị Lan (Phường Hồng Ngự)");
    expect(await linkedChat(lan.id)).toBe(x.id);
    const row = await s.ctx.db.staffUser.findUnique({ where: { id: lan.id } });
    expect(row?.telegramLinkCodeHash).toBeNull();
    expect(row?.telegramLinkedAt).not.toBeNull();
    expect(await s.ctx.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: "TELEGRAM", externalId: x.id } } })).not.toBeNull();
    // Used once: from another chat it is refused, and Lan's link stays with the first chat.
    const y = chat();
    expect(await y.says(`/lienket ${code}`)).toMatch(REFUSED);
    expect(await linkedChat(lan.id)).toBe(x.id);
    // Expired: refused.
    const hoa = await member("commune_staff", "29955", "Võ Thị Hoa");
    const old = await newCode(hoa);
    await s.ctx.db.staffUser.update({ where: { id: hoa.id }, data: { telegramLinkCodeExpiresAt: new Date(Date.now() - 1000) } });
    expect(await y.says(`/lienket ${old}`)).toMatch(REFUSED);
    expect(await linkedChat(hoa.id)).toBeNull();
    // The page now says Lan is linked.
    expect((await req("GET", "/staff/telegram", { session: lan.session })).text).toContain("Telegram của bạn đã được liên kết");
  });

  it("a code links the account that made it, whoever sends it; the deep link works; one chat links one account", async () => {
    const an = await member("commune_staff", "29955", "Đỗ Văn An");
    const binh = await member("commune_staff", "28249", "Hồ Thị Bình");
    const z = chat();
    const binhsCode = await newCode(binh);
    // Through the deep link t.me/<bot>?start=staff_<code>.
    expect(await z.says(`/start staff_${binhsCode}`)).toContain("tài khoản cán bộ Hồ Thị Bình");
    expect(await linkedChat(binh.id)).toBe(z.id);
    expect(await linkedChat(an.id)).toBeNull();
    // The same chat linked to An now: it moves from Bình to An.
    const ansCode = await newCode(an);
    expect(await z.says(`liên kết ${ansCode}`)).toContain("tài khoản cán bộ Đỗ Văn An");
    expect(await linkedChat(an.id)).toBe(z.id);
    expect(await linkedChat(binh.id)).toBeNull();
    // A citizen's "liên kết Zalo" is not the command.
    expect(await z.says("liên kết zalo")).not.toMatch(REFUSED);
  });

  it("limits the tries of one chat: after five, even a right code waits", async () => {
    const cuong = await member("commune_staff", "29955", "Mai Văn Cường");
    const w = chat();
    for (let i = 0; i < 5; i++) expect(await w.says(`/lienket ${String(10_000_000 + i)}`)).toMatch(REFUSED);
    const code = await newCode(cuong);
    expect(await w.says(`/lienket ${code}`)).toMatch(/Bạn đã gửi sai mã liên kết quá nhiều lần\. Vui lòng thử lại sau \d+ phút\./);
    expect(await linkedChat(cuong.id)).toBeNull();
    // Redis emptied of this deployment's keys (a flush, a failover to an empty replica) gives the chat no tries back.
    const keys = await s.ctx.redis.keys(`${s.env.QUEUE_PREFIX}*tglink*`);
    if (keys.length) await s.ctx.redis.del(...keys);
    expect(await w.says(`/lienket ${code}`)).toMatch(/quá nhiều lần/);
    expect(await linkedChat(cuong.id)).toBeNull();
    // Another chat is not held by it.
    expect(await chat().says(`/lienket ${code}`)).toContain("Mai Văn Cường");
  });

  it("POST /staff/telegram/unlink: unlinks one's own chat only (CSRF-checked); post office staff 403", async () => {
    const one = await member("commune_staff", "29955", "Tạ Văn Một");
    const two = await member("commune_staff", "29955", "Tạ Văn Hai");
    const [c1, c2] = [chat(), chat()];
    await c1.says(`/lienket ${await newCode(one)}`);
    await c2.says(`/lienket ${await newCode(two)}`);
    expect(await linkedChat(one.id)).toBe(c1.id);
    expect((await req("POST", "/staff/telegram/unlink", { session: one.session, form: {} })).status).toBe(403);
    expect(await linkedChat(one.id)).toBe(c1.id);
    const post = await member("post_office_staff", "82");
    expect((await req("POST", "/staff/telegram/unlink", { session: post.session, csrf: post.csrf, form: {} })).status).toBe(403);
    const res = await req("POST", "/staff/telegram/unlink", { session: one.session, csrf: one.csrf, form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/telegram?ok=unlinked");
    expect(await linkedChat(one.id)).toBeNull();
    expect(await linkedChat(two.id)).toBe(c2.id); // the colleague's link is untouched
    expect((await req("GET", "/staff/telegram?ok=unlinked", { session: one.session })).text).toContain("Đã hủy liên kết Telegram");
    await s.ctx.db.staffUser.update({ where: { id: two.id }, data: { active: false } }); // out of the digest below
  });
});

// ───────────────────────── The morning digest ─────────────────────────

describe("the 07:30 digest", () => {
  it("is scheduled: hourly watch, and 07:30 Asia/Ho_Chi_Minh for the digest", async () => {
    // Unmarked, so the worker's first run (at start, with today's date) shows by marking them again.
    await s.ctx.db.dossier.updateMany({ data: { watchedAt: null } });
    const started = new Date();
    await s.startWorker();
    const schedulers = await s.ctx.queue.queue.getJobSchedulers();
    const digest = schedulers.find((j) => j.key === "overdue-digest");
    expect(digest).toMatchObject({ name: JOB.overdueDigest, pattern: "0 30 7 * * *", tz: "Asia/Ho_Chi_Minh" });
    expect(schedulers.find((j) => j.key === "overdue-watch")).toMatchObject({ name: JOB.overdueWatch, every: 3_600_000 });
    // (the worker's other hourly schedule: the deletion of rows kept only for a while)
    expect(schedulers.find((j) => j.key === "housekeeping")).toMatchObject({ name: JOB.housekeeping, every: 3_600_000 });
    // The watch ran once at start: the dossier overdue today (above) is marked again.
    await s.waitFor(async () => {
      const row = await s.ctx.db.dossier.findFirst({ where: { watchedAt: { gte: started } }, select: { id: true } });
      return row;
    }, "the watch's first run");
  });

  it("sends each linked member of a unit with watched dossiers one message a day, through the outbox; none on a day off", async () => {
    // Everyone linked so far, plus: a member of a unit with nothing watched, and post office staff with a chat (read no dossiers).
    const quiet = await member("commune_staff", "28249", "Không Có Việc");
    await s.ctx.db.dossier.updateMany({ where: { communeCode: "28249" }, data: { status: "RETURNED" } });
    const quietChat = chat();
    await quietChat.says(`/lienket ${await newCode(quiet)}`);
    const post = await s.ctx.staffAccounts.create({ username: uniqueName("post"), fullName: "Bưu Điện", role: "post_office_staff", unitCode: "82" });
    await s.ctx.db.staffUser.update({ where: { id: post.id }, data: { telegramChatId: "990001", telegramLinkedAt: new Date() } });
    const linked = await s.ctx.db.staffUser.findMany({ where: { telegramChatId: { not: null }, active: true, role: "COMMUNE_STAFF" }, select: { id: true, unitCode: true, telegramChatId: true } });
    const of29955 = linked.filter((m) => m.unitCode === "29955");
    expect(of29955.length).toBeGreaterThanOrEqual(3);

    // Saturday and the holiday Monday: nothing.
    expect(await s.ctx.overdueWatch.digest(vn("2027-03-06T07:30:00"))).toEqual({ workingDay: false, queued: 0, members: 0 });
    expect(await s.ctx.overdueWatch.digest(vn("2027-03-08T07:30:00"))).toEqual({ workingDay: false, queued: 0, members: 0 });
    expect(await s.ctx.db.notice.count({ where: { type: "STAFF_DIGEST" } })).toBe(0);

    const friday = vn("2027-03-05T07:30:00");
    const first = await s.ctx.overdueWatch.digest(friday);
    expect(first.workingDay).toBe(true);
    expect(first.queued).toBe(of29955.length);
    // A second run that day (a retry, a second worker) queues nothing more.
    expect((await s.ctx.overdueWatch.digest(new Date(friday.getTime() + 3600_000))).queued).toBe(0);
    const notices = await s.ctx.db.notice.findMany({ where: { type: "STAFF_DIGEST" }, include: { identity: true } });
    expect(notices).toHaveLength(of29955.length);
    expect(notices.every((n) => n.citizenId === null && n.identityId !== null)).toBe(true);
    expect(notices.map((n) => n.identity!.externalId).sort()).toEqual(of29955.map((m) => m.telegramChatId!).sort());

    // Delivered by the worker to each chat, once.
    for (const m of of29955) {
      const msg = await s.waitFor(async () => s.telegram.sent.find((x) => x.chatId === m.telegramChatId && /Nhắc việc ngày/.test(x.text ?? "")), `the digest to ${m.telegramChatId}`);
      expect(msg.text).toMatch(/^Nhắc việc ngày 05\/03\/2027 – Phường Hồng Ngự: \d+ hồ sơ chưa có kết quả cần chú ý/);
      expect(msg.text).toContain(`• ${d.lateFour} – Đăng ký khai sinh: hạn 01/03/2027, quá hạn 4 ngày làm việc`);
      expect(msg.text).toContain(`• ${d.lateOne} – Đăng ký khai sinh: hạn 04/03/2027, quá hạn 1 ngày làm việc`);
      expect(msg.text).not.toContain(d.otherUnit);
      expect(msg.text).not.toContain(d.dueTuesday); // its result is ready
      expect(msg.text).toContain(`Xem đầy đủ: ${s.baseUrl}/staff`);
    }
    await s.waitFor(async () => (await s.ctx.db.notice.count({ where: { type: "STAFF_DIGEST", status: "DELIVERED" } })) === of29955.length, "every digest delivered");
    await new Promise((r) => setTimeout(r, 500));
    const digests = s.telegram.sent.filter((x) => /Nhắc việc ngày/.test(x.text ?? ""));
    expect(digests).toHaveLength(of29955.length);
    expect(digests.some((x) => x.chatId === quietChat.id || x.chatId === "990001")).toBe(false);

    // The next working day (Tuesday, after the holiday) is a new digest.
    const tuesday = await s.ctx.overdueWatch.digest(vn("2027-03-09T07:30:00"));
    expect(tuesday.queued).toBe(of29955.length);
  });
});
