/**
 * Staff accounts, sign-in and the console shell (issue 9 §1) over real HTTP, PostgreSQL and Redis:
 * the CLI, signing in and the cookie, the session as a principal of the one guard (judged like an
 * API key of the same role and unit), the password-change gate, CSRF on session writes, lock-out
 * per username and per address, idle expiry, signing out, and the console's pages.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motcua } from "../support/cli.js";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { NEW_PASSWORD, staffClient, type StaffRole } from "../support/staff-client.js";

const IDLE_SECONDS = 300;

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false, env: { TRUST_PROXY: "127.0.0.1", STAFF_SESSION_IDLE_SECONDS: String(IDLE_SECONDS) } });
});
afterAll(() => s.close());

const { req, login, freshIp, signedIn } = staffClient(() => s, "203.0.113.250");

type Role = StaffRole;
const uniqueName = (stem: string) => `${stem}.${randomBytes(3).toString("hex")}`;

async function account(role: Role, unitCode: string | null, name = "Nguyễn Thị Lan") {
  const username = uniqueName(role.split("_")[0]!);
  const { oneTimePassword } = await s.ctx.staffAccounts.create({ username, fullName: name, role, unitCode });
  return { username, oneTimePassword };
}

/** A member who has signed in and chosen their own password: their session and its CSRF token. */
async function member(role: Role, unitCode: string | null, name?: string) {
  const { username, oneTimePassword } = await account(role, unitCode, name);
  return signedIn(username, oneTimePassword);
}

async function upstreamDossier(communeCode: string): Promise<string> {
  const e = s.event({ communeCode });
  expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
  return e.dossierCode as string;
}

const redisKeys = (pattern: string) => s.ctx.redis.keys(`${s.env.QUEUE_PREFIX}:${pattern}`);

describe("signing in (POST /api/v1/auth/login)", () => {
  it("answers the member, role, unit, mustChangePassword and a CSRF token, and sets an HttpOnly, SameSite=Lax session cookie on Path=/", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955", "Trần Văn Bình");
    const res = await login(username.toUpperCase(), oneTimePassword);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username, fullName: "Trần Văn Bình", role: "COMMUNE_STAFF", unit: { code: "29955", name: expect.stringContaining("Hồng Ngự") }, mustChangePassword: true });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.setCookies.find((c) => c.startsWith("motcua_staff="))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).not.toMatch(/; Secure/i); // plain http here
    expect(res.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Redis holds a hash of the session id, never the id itself.
    const keys = await redisKeys("staff-session:*");
    expect(keys.some((k) => k.endsWith(res.session!))).toBe(false);
    expect((await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } })).lastSignInAt).not.toBeNull();
  });

  it("marks the cookie Secure when the request came over HTTPS (through the trusted proxy)", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const res = await req("POST", "/api/v1/auth/login", { json: { username, password: oneTimePassword }, ip: freshIp(), headers: { "x-forwarded-proto": "https" } });
    expect(res.status).toBe(200);
    expect(res.setCookies.find((c) => c.startsWith("motcua_staff="))).toMatch(/; Secure/i);
  });

  it("gives the same 401 for a wrong password, an unknown username and a disabled account, and no cookie", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const disabled = await account("commune_staff", "29955");
    await s.ctx.staffAccounts.disable(disabled.username);
    const wrong = await login(username, "not-the-password");
    const unknown = await login(`nobody.${randomBytes(3).toString("hex")}`, oneTimePassword);
    const off = await login(disabled.username, disabled.oneTimePassword);
    for (const res of [wrong, unknown, off]) {
      expect(res.status).toBe(401);
      expect(res.session).toBeUndefined();
    }
    expect(unknown.body).toEqual(wrong.body);
    expect(off.body).toEqual(wrong.body);
    expect(wrong.body.error.code).toBe("UNAUTHORIZED");
  });

  it("takes JSON only: a form posted from another site cannot sign anyone in", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const res = await req("POST", "/api/v1/auth/login", { form: { username, password: oneTimePassword }, ip: freshIp() });
    expect(res.status).toBe(400);
    expect(res.session).toBeUndefined();
  });

  it("locks a username after 5 failures for 15 minutes (429 with Retry-After, even with the right password), the same for an unknown one, and lets it in once the lock ends", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const ghost = `ghost.${randomBytes(3).toString("hex")}`;
    for (let i = 0; i < 5; i++) {
      expect((await login(username, `wrong-${i}`)).status).toBe(401);
      expect((await login(ghost, `wrong-${i}`)).status).toBe(401);
    }
    const locked = await login(username, oneTimePassword);
    expect(locked.status).toBe(429);
    expect(locked.session).toBeUndefined();
    expect(locked.body.error.message).toMatch(/^Đăng nhập sai quá nhiều lần; vui lòng thử lại sau 15 phút/);
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    const ghostLocked = await login(ghost, "anything");
    expect(ghostLocked.status).toBe(429);
    expect(ghostLocked.body).toEqual(locked.body);
    // The lock ends 15 minutes after the failure that locked it (here made to be over now).
    const lock = await s.ctx.db.lookupFailure.findUniqueOrThrow({ where: { scope_key: { scope: "STAFF_SIGNIN_USER", key: username } } });
    expect(Date.now() - lock.windowStart.getTime()).toBeLessThan(60_000);
    await s.ctx.db.lookupFailure.update({ where: { scope_key: { scope: "STAFF_SIGNIN_USER", key: username } }, data: { windowStart: new Date(Date.now() - 901_000) } });
    const after = await login(username, oneTimePassword);
    expect(after.status).toBe(200);
  });

  it("refuses an address after 20 failed sign-ins, whatever username it tries, while other addresses go on", async () => {
    const ip = freshIp();
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    for (let i = 0; i < 20; i++) expect((await login(`guess${i}.${randomBytes(2).toString("hex")}`, "password1", ip)).status).toBe(401);
    const held = await login(username, oneTimePassword, ip);
    expect(held.status).toBe(429);
    expect(Number(held.headers.get("retry-after"))).toBeGreaterThan(0);
    // said of the address, not of her account (a colleague on the same network tried the names)
    expect(held.body.error.message).toMatch(/^Máy hoặc mạng này vừa có quá nhiều lần đăng nhập sai/);
    expect((await login(username, oneTimePassword, freshIp())).status).toBe(200);
  });
});

describe("a session is a principal of the one guard", () => {
  it("GET /api/v1/dossiers/:code: a session reads exactly as a key of the same role and unit — its own unit's dossier, 404 for another unit's, 403 for post office staff, 401 with no or an unknown cookie", async () => {
    const own = await upstreamDossier("29955");
    const other = await upstreamDossier("28249");
    const lan = await member("commune_staff", "29955");
    const post = await member("post_office_staff", "82");
    const key = (await s.ctx.apiKeys.create({ name: "xã Hồng Ngự", role: "COMMUNE_STAFF", unitCode: "29955" })).key;
    const postKey = (await s.ctx.apiKeys.create({ name: "bưu điện Đồng Tháp", role: "POST_OFFICE_STAFF", unitCode: "82" })).key;
    for (const code of [own, other]) {
      const bySession = await req("GET", `/api/v1/dossiers/${code}`, { session: lan.session });
      const byKey = await req("GET", `/api/v1/dossiers/${code}`, { key });
      expect(bySession.status).toBe(code === own ? 200 : 404);
      expect(bySession.status).toBe(byKey.status);
      expect(bySession.body).toEqual(byKey.body);
    }
    const postSession = await req("GET", `/api/v1/dossiers/${own}`, { session: post.session });
    expect(postSession.status).toBe(403);
    expect(postSession.status).toBe((await req("GET", `/api/v1/dossiers/${own}`, { key: postKey })).status);
    expect((await req("GET", `/api/v1/dossiers/${own}`)).status).toBe(401);
    expect((await req("GET", `/api/v1/dossiers/${own}`, { session: randomBytes(32).toString("base64url") })).status).toBe(401);
  });

  it("GET /api/v1/auth/me: 401 signed out; the member with the CSRF token signed in; a staff API key is told what it is; an integration key has no console (403)", async () => {
    const lan = await member("commune_staff", "29955", "Lê Thị Lan");
    expect((await req("GET", "/api/v1/auth/me")).status).toBe(401);
    const me = await req("GET", "/api/v1/auth/me", { session: lan.session });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: lan.username, fullName: "Lê Thị Lan", role: "COMMUNE_STAFF", unit: { code: "29955" }, mustChangePassword: false, csrfToken: lan.csrf });
    const staffKey = (await s.ctx.apiKeys.create({ name: "khóa cán bộ", role: "COMMUNE_STAFF", unitCode: "29955" })).key;
    const byKey = await req("GET", "/api/v1/auth/me", { key: staffKey });
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ kind: "api-key", role: "COMMUNE_STAFF" });
    expect((await req("GET", "/api/v1/auth/me", { key: s.key })).status).toBe(403);
  });

  it("a session's writes need its CSRF token (header or _csrf field): missing or wrong is 403 CSRF_FAILED with nothing stored; the right one is let through; bearer keys need none", async () => {
    const lan = await member("commune_staff", "29955");
    const code = await upstreamDossier("29955");
    const event = (step: number) => s.event({ dossierCode: code, status: "PROCESSING", occurredAt: new Date(Date.now() - (10 - step) * 1000).toISOString(), communeCode: undefined });
    const before = await s.ctx.db.dossierEvent.count();
    const missing = await req("POST", "/api/v1/dossier-events", { session: lan.session, json: event(1) });
    const wrong = await req("POST", "/api/v1/dossier-events", { session: lan.session, csrf: randomBytes(32).toString("base64url"), json: event(2) });
    const otherSessions = await member("commune_staff", "29955");
    const someoneElses = await req("POST", "/api/v1/dossier-events", { session: lan.session, csrf: otherSessions.csrf, json: event(3) });
    for (const res of [missing, wrong, someoneElses]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("CSRF_FAILED");
    }
    expect(await s.ctx.db.dossierEvent.count()).toBe(before);
    const ok = await req("POST", "/api/v1/dossier-events", { session: lan.session, csrf: lan.csrf, json: event(4) });
    expect(ok.status, ok.text).toBe(202);
    const staffEvent = await s.ctx.db.dossierEvent.findFirstOrThrow({ where: { eventId: (await s.ctx.db.dossierEvent.findFirstOrThrow({ orderBy: { receivedAt: "desc" } })).eventId } });
    expect(staffEvent).toMatchObject({ origin: "unit:29955", source: "STAFF" });
    expect((await req("POST", "/api/v1/dossier-events", { key: s.key, json: event(5) })).status).toBe(202);
  });

  it("while the password must be changed, only the account routes work: anything else is 403 PASSWORD_CHANGE_REQUIRED, and pages go to the change page", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const first = await login(username, oneTimePassword);
    const code = await upstreamDossier("29955");
    const gated = await req("GET", `/api/v1/dossiers/${code}`, { session: first.session! });
    expect(gated.status).toBe(403);
    expect(gated.body.error.code).toBe("PASSWORD_CHANGE_REQUIRED");
    const page = await req("GET", "/staff", { session: first.session! });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/staff/password");
    expect((await req("GET", "/api/v1/auth/me", { session: first.session! })).status).toBe(200);
    expect((await req("GET", "/staff/password", { session: first.session! })).status).toBe(200);
  });

  it("POST /api/v1/auth/password: 401 signed out, 403 with an API key or without the CSRF token; checks the current password (counted toward the lock) and the policy; then ends every other session and gives a new one", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const ip = freshIp();
    const a = await login(username, oneTimePassword, ip);
    const b = await login(username, oneTimePassword, ip);
    const body = { currentPassword: oneTimePassword, newPassword: NEW_PASSWORD };
    expect((await req("POST", "/api/v1/auth/password", { json: body })).status).toBe(401);
    expect((await req("POST", "/api/v1/auth/password", { key: s.key, json: body })).status).toBe(403);
    const hashBefore = (await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } })).passwordHash;
    const noCsrf = await req("POST", "/api/v1/auth/password", { session: a.session!, json: body });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe("CSRF_FAILED");
    expect((await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } })).passwordHash).toBe(hashBefore);
    for (const [newPassword, says] of [
      ["short1", /ít nhất 10/],
      [username, /tên đăng nhập/],
      [oneTimePassword, /khác mật khẩu hiện tại/],
      ["1234567890", /phổ biến/],
    ] as const) {
      const bad = await req("POST", "/api/v1/auth/password", { session: a.session!, csrf: a.body.csrfToken, json: { currentPassword: oneTimePassword, newPassword }, ip });
      expect(bad.status, newPassword).toBe(400);
      expect(bad.body.error.message).toMatch(says);
      expect(bad.body.error.field).toBe("newPassword");
    }
    const wrongCurrent = await req("POST", "/api/v1/auth/password", { session: a.session!, csrf: a.body.csrfToken, json: { currentPassword: "not-it", newPassword: NEW_PASSWORD }, ip });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.error.field).toBe("currentPassword");
    expect((await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } })).passwordHash).toBe(hashBefore);
    const changed = await req("POST", "/api/v1/auth/password", { session: a.session!, csrf: a.body.csrfToken, json: body, ip });
    expect(changed.status).toBe(200);
    expect(changed.body.mustChangePassword).toBe(false);
    expect(changed.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(changed.session).not.toBe(a.session);
    expect(changed.body.csrfToken).not.toBe(a.body.csrfToken);
    // Both old sessions end (the other browser too); the new one works, and so does the new password.
    expect((await req("GET", "/api/v1/auth/me", { session: a.session! })).status).toBe(401);
    expect((await req("GET", "/api/v1/auth/me", { session: b.session! })).status).toBe(401);
    expect((await req("GET", "/api/v1/auth/me", { session: changed.session! })).body.mustChangePassword).toBe(false);
    expect((await login(username, oneTimePassword)).status).toBe(401);
    expect((await login(username, NEW_PASSWORD)).status).toBe(200);
  });

  it("wrong current passwords on the change route count toward the username's lock", async () => {
    const lan = await member("commune_staff", "29955");
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const res = await req("POST", "/api/v1/auth/password", { session: lan.session, csrf: lan.csrf, json: { currentPassword: `wrong-${i}`, newPassword: "Một-mật-khẩu-khác-99" }, ip });
      expect(res.status).toBe(400);
    }
    const locked = await req("POST", "/api/v1/auth/password", { session: lan.session, csrf: lan.csrf, json: { currentPassword: lan.password, newPassword: "Một-mật-khẩu-khác-99" }, ip });
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBeTruthy();
    expect((await login(lan.username, lan.password)).status).toBe(429);
  });

  it("POST /api/v1/auth/logout: 401 signed out; without the CSRF token 403 and the session lives on; with it 204, the cookie cleared and the old cookie refused", async () => {
    const lan = await member("commune_staff", "29955");
    expect((await req("POST", "/api/v1/auth/logout")).status).toBe(401);
    const noCsrf = await req("POST", "/api/v1/auth/logout", { session: lan.session });
    expect(noCsrf.status).toBe(403);
    expect((await req("GET", "/api/v1/auth/me", { session: lan.session })).status).toBe(200);
    const out = await req("POST", "/api/v1/auth/logout", { session: lan.session, csrf: lan.csrf });
    expect(out.status).toBe(204);
    expect(out.session).toBe("");
    const ended = await req("GET", "/api/v1/auth/me", { session: lan.session });
    expect(ended.status).toBe(401);
    // The old cookie is told its session ended, not that an API key is missing.
    expect(ended.body.error.message).toMatch(/^Phiên đăng nhập đã kết thúc hoặc hết hạn/);
    expect((await req("GET", "/api/v1/auth/me")).body.error.message).toMatch(/khóa API/);
  });

  it("a session slides: each request moves its end STAFF_SESSION_IDLE_SECONDS ahead; idle past it, the session is gone", async () => {
    const lan = await member("commune_staff", "29955");
    const keys = await redisKeys("staff-session:*");
    expect(keys.length).toBeGreaterThan(0);
    // Find this session's key: the one whose TTL moves when this session is used.
    for (const k of keys) await s.ctx.redis.expire(k, 20);
    expect((await req("GET", "/api/v1/auth/me", { session: lan.session })).status).toBe(200);
    const slid: string[] = [];
    for (const k of keys) if ((await s.ctx.redis.ttl(k)) > 20) slid.push(k);
    expect(slid).toHaveLength(1);
    expect(await s.ctx.redis.ttl(slid[0]!)).toBeGreaterThan(IDLE_SECONDS - 5);
    expect(await s.ctx.redis.ttl(slid[0]!)).toBeLessThanOrEqual(IDLE_SECONDS);
    // Idle time over: Redis lets the key go (made to happen now rather than in 5 minutes).
    await s.ctx.redis.pexpire(slid[0]!, 1);
    await s.waitFor(async () => (await s.ctx.redis.exists(slid[0]!)) === 0, "the session key to expire");
    expect((await req("GET", "/api/v1/auth/me", { session: lan.session })).status).toBe(401);
    expect((await req("GET", "/staff", { session: lan.session })).status).toBe(303);
  });

  it("a reset or disabled account's sessions stop at once", async () => {
    const reset = await member("commune_staff", "29955");
    const disabled = await member("commune_staff", "29955");
    await s.ctx.staffAccounts.resetPassword(reset.username);
    await s.ctx.staffAccounts.disable(disabled.username);
    expect((await req("GET", "/api/v1/auth/me", { session: reset.session })).status).toBe(401);
    expect((await req("GET", "/api/v1/auth/me", { session: disabled.session })).status).toBe(401);
  });

  it("a signed-in member is let through from an address held for wrong API keys (a shared office connection)", async () => {
    const lan = await member("commune_staff", "29955");
    const ip = freshIp();
    for (let i = 0; i < 20; i++) await req("GET", "/api/v1/bookings", { key: `mck_${randomBytes(24).toString("base64url")}`, ip });
    expect((await req("GET", "/api/v1/bookings", { ip })).status).toBe(429);
    expect((await req("GET", "/api/v1/bookings", { session: lan.session, ip })).status).toBe(200);
  });
});

describe("the console's pages", () => {
  it("GET /staff: signed out, a redirect to the sign-in page (never JSON); signed in, what needs attention in the unit only, with the navigation and a sign-out form", async () => {
    const signedOut = await req("GET", "/staff");
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/staff/login");
    const deep = await req("GET", "/staff/password?x=1");
    expect(deep.headers.get("location")).toBe(`/staff/login?next=${encodeURIComponent("/staff/password?x=1")}`);

    const tag = randomBytes(3).toString("hex");
    const mk = (communeCode: string, status: "AWAITING_APPROVAL" | "SCHEDULED" | "SENDING" | "DRAFT" | "SENT", title: string) =>
      s.ctx.db.broadcast.create({ data: { communeCode, status, title: `${title} ${tag}`, body: "Nội dung", createdBy: "session:x", createdByName: "Chị Lan", urgent: status === "AWAITING_APPROVAL" } });
    const waiting = await mk("29955", "AWAITING_APPROVAL", "Cúp nước khẩn");
    await mk("29955", "SCHEDULED", "Họp tổ dân phố");
    await mk("29955", "DRAFT", "Bản nháp riêng");
    await mk("29955", "SENT", "Đã gửi xong");
    await mk("28249", "AWAITING_APPROVAL", "Của phường khác");
    const ownDossier = await upstreamDossier("29955");
    const otherDossier = await upstreamDossier("28249");
    const failed = async (dossierCode: string, lastError: string) => {
      const dossier = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: dossierCode } });
      await s.ctx.db.notice.create({ data: { type: "RESULT_READY", dossierId: dossier.id, citizenId: dossier.applicantId, channelPlan: [], variables: {}, status: "FAILED", dedupeKey: `t-${randomBytes(6).toString("hex")}`, lastError } });
    };
    await failed(ownDossier, "no channel reaches this citizen (no linked chat, no valid phone)");
    await failed(otherDossier, "every channel failed or was refused");

    const lan = await member("commune_staff", "29955", "Nguyễn Thị Lan");
    const page = await req("GET", "/staff", { session: lan.session });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.text).toContain(`href="/staff/broadcasts/${waiting.id}"`);
    expect(page.text).toContain(`Cúp nước khẩn ${tag}`);
    expect(page.text).toContain(`Họp tổ dân phố ${tag}`);
    expect(page.text).not.toContain(`Bản nháp riêng ${tag}`);
    expect(page.text).not.toContain(`Đã gửi xong ${tag}`);
    expect(page.text).not.toContain(`Của phường khác ${tag}`);
    expect(page.text.indexOf(`Họp tổ dân phố ${tag}`)).toBeLessThan(page.text.indexOf(`Cúp nước khẩn ${tag}`)); // newest first
    expect(page.text).toContain(ownDossier);
    expect(page.text).not.toContain(otherDossier);
    expect(page.text).toContain("Không có kênh nào liên lạc được người dân");
    expect(page.text).toMatch(/href="\/staff\/broadcasts"/);
    expect(page.text).toMatch(/href="\/staff\/hamlets"/);
    expect(page.text).toContain(`name="_csrf" value="${lan.csrf}"`);
    expect(page.text).toContain('action="/staff/logout"');
    expect(page.text).toContain("Nguyễn Thị Lan");

    const missing = await req("GET", "/staff/khong-co-trang-nay", { session: lan.session });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/text\/html/);
    expect(missing.text).toContain("Không tìm thấy");

    const post = await member("post_office_staff", "82");
    const postPage = await req("GET", "/staff", { session: post.session });
    expect(postPage.status).toBe(200);
    expect(postPage.text).not.toContain(`Cúp nước khẩn ${tag}`);
    expect(postPage.text).not.toContain(ownDossier);
    expect(postPage.text).not.toMatch(/href="\/staff\/broadcasts"/);

  });

  it("GET /staff/password: signed out, to the sign-in page with next; signed in, the form with the CSRF token and labelled fields", async () => {
    const out = await req("GET", "/staff/password");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe(`/staff/login?next=${encodeURIComponent("/staff/password")}`);
    const lan = await member("commune_staff", "29955");
    const page = await req("GET", "/staff/password", { session: lan.session });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`name="_csrf" value="${lan.csrf}"`);
    for (const id of ["currentPassword", "newPassword", "confirmPassword"]) expect(page.text).toContain(`<label for="${id}"`);
  });

  it("POST /staff/password: without the form's token 403 and nothing changed; mismatched or weak passwords shown in an error summary; right, a new session and back to /staff", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const first = await login(username, oneTimePassword);
    const signedOut = await req("POST", "/staff/password", { form: { currentPassword: oneTimePassword, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD } });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/staff/login");
    const before = (await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } })).passwordHash;
    const noToken = await req("POST", "/staff/password", { session: first.session!, form: { currentPassword: oneTimePassword, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD } });
    expect(noToken.status).toBe(403);
    expect(noToken.headers.get("content-type")).toMatch(/text\/html/);
    expect(noToken.text).toContain("Biểu mẫu đã hết hạn");
    expect((await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } })).passwordHash).toBe(before);
    const csrf = first.body.csrfToken as string;
    const mismatch = await req("POST", "/staff/password", { session: first.session!, form: { _csrf: csrf, currentPassword: oneTimePassword, newPassword: NEW_PASSWORD, confirmPassword: "khác" } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('href="#confirmPassword"');
    const weak = await req("POST", "/staff/password", { session: first.session!, form: { _csrf: csrf, currentPassword: oneTimePassword, newPassword: "ngan", confirmPassword: "ngan" } });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('href="#newPassword"');
    expect(weak.text).toContain("ít nhất 10 ký tự");
    const ok = await req("POST", "/staff/password", { session: first.session!, form: { _csrf: csrf, currentPassword: oneTimePassword, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/staff?passwordChanged=1");
    expect(ok.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const home = await req("GET", "/staff?passwordChanged=1", { session: ok.session! });
    expect(home.status).toBe(200);
    expect(home.text).toContain("Đã đổi mật khẩu");
    expect((await req("GET", "/staff", { session: first.session! })).status).toBe(303);
  });

  it("POST /staff/logout: signed out, to the sign-in page; without the form's token 403 and still signed in; with it, signed out and the old cookie refused", async () => {
    expect((await req("POST", "/staff/logout", { form: {} })).headers.get("location")).toBe("/staff/login");
    const lan = await member("commune_staff", "29955");
    expect((await req("POST", "/staff/logout", { session: lan.session, form: {} })).status).toBe(403);
    expect((await req("GET", "/staff", { session: lan.session })).status).toBe(200);
    const out = await req("POST", "/staff/logout", { session: lan.session, form: { _csrf: lan.csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/staff/login?signedOut=1");
    expect(out.session).toBe("");
    expect((await req("GET", "/staff", { session: lan.session })).status).toBe(303);
  });

  it("the sign-in page: a form with labelled fields; signs in and goes to `next` (a local path only), or says what went wrong", async () => {
    const lan = await member("commune_staff", "29955");
    const page = await req("GET", "/staff/login?next=/staff/hamlets");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="username"');
    expect(page.text).toContain('<label for="password"');
    expect(page.text).toContain('name="next" value="/staff/hamlets"');
    const token = page.setCookies.find((c) => c.startsWith("motcua_login="))!.split(";")[0]!.slice("motcua_login=".length);
    const form = (extra: Record<string, string>) => ({ _csrf: token, username: lan.username, password: lan.password, ...extra });
    const ip = freshIp();
    const forged = await req("POST", "/staff/login", { form: { username: lan.username, password: lan.password, next: "/staff" }, ip });
    expect(forged.status).toBe(403);
    expect(forged.session).toBeUndefined();
    const wrong = await req("POST", "/staff/login", { form: form({ password: "sai-mat-khau", next: "/staff/hamlets" }), cookies: { motcua_login: token }, ip });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain("Tên đăng nhập hoặc mật khẩu không đúng");
    expect(wrong.text).toContain('href="#password"');
    const ok = await req("POST", "/staff/login", { form: form({ next: "/staff/hamlets" }), cookies: { motcua_login: token }, ip });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/staff/hamlets");
    expect(ok.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const evil of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const res = await req("POST", "/staff/login", { form: form({ next: evil }), cookies: { motcua_login: token }, ip });
      expect(res.headers.get("location"), evil).toBe("/staff");
    }
    // Signed in already: the sign-in page sends on to next.
    const again = await req("GET", "/staff/login?next=/staff/broadcasts", { session: ok.session! });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/staff/broadcasts");
  });

  it("a first sign-in through the page goes to the change-password page", async () => {
    const { username, oneTimePassword } = await account("commune_staff", "29955");
    const page = await req("GET", "/staff/login");
    const token = page.setCookies.find((c) => c.startsWith("motcua_login="))!.split(";")[0]!.slice("motcua_login=".length);
    const res = await req("POST", "/staff/login", { form: { _csrf: token, username, password: oneTimePassword, next: "/staff" }, cookies: { motcua_login: token }, ip: freshIp() });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/password");
  });
});

describe("another console page (the announcements) under a real session", () => {
  it("shows the console header (navigation, the member, sign-out with the token) and takes a form only with the session's token", async () => {
    const lan = await member("commune_staff", "29955", "Nguyễn Thị Lan");
    const list = await req("GET", "/staff/broadcasts", { session: lan.session });
    expect(list.status).toBe(200);
    expect(list.text).toMatch(/href="\/staff\/broadcasts" aria-current="page"/);
    expect(list.text).toContain(`name="_csrf" value="${lan.csrf}"`);
    expect(list.text).toContain("Nguyễn Thị Lan");
    const form = { communeCode: "29955", title: `Họp tổ ${randomBytes(3).toString("hex")}`, body: "Tối thứ Sáu 19 giờ.", target: "all", urgent: "0", when: "now" };
    const before = await s.ctx.db.broadcast.count();
    const forged = await req("POST", "/staff/broadcasts", { session: lan.session, form });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("Biểu mẫu đã hết hạn");
    expect(await s.ctx.db.broadcast.count()).toBe(before);
    const ok = await req("POST", "/staff/broadcasts", { session: lan.session, form: { ...form, _csrf: lan.csrf } });
    expect(ok.status, ok.text.slice(0, 500)).toBe(303);
    const made = await s.ctx.db.broadcast.findFirstOrThrow({ where: { title: form.title } });
    expect(made.createdByName).toBe("Nguyễn Thị Lan");
    expect(made.createdBy).toContain((await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username: lan.username } })).id);
    // A post office clerk's session is refused the page, as a page.
    const post = await member("post_office_staff", "82");
    const refused = await req("GET", "/staff/broadcasts", { session: post.session });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toMatch(/text\/html/);
  });
});

const cli = (args: string[]) => motcua(args, { DATABASE_URL: s.databaseUrl, QUEUE_PREFIX: s.env.QUEUE_PREFIX });
const lastLine = (text: string) => text.trim().split("\n").at(-1)!.trim();

describe("motcua staff (CLI)", () => {
  it("creates an account with a one-time password alone on the last line; the first sign-in must change it", async () => {
    const username = uniqueName("can.bo");
    const out = await cli(["staff", "create", "--username", username, "--name", "Phạm Thị Hoa", "--role", "commune_staff", "--unit", "29955"]);
    expect(out.code, out.stderr).toBe(0);
    const password = lastLine(out.stdout);
    expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const row = await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } });
    expect(row).toMatchObject({ fullName: "Phạm Thị Hoa", role: "COMMUNE_STAFF", unitCode: "29955", active: true, mustChangePassword: true });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(password);
    const signed = await login(username, password);
    expect(signed.status).toBe(200);
    expect(signed.body.mustChangePassword).toBe(true);
    const admin = await cli(["staff", "create", "--username", uniqueName("quan.tri"), "--name", "Quản trị", "--role", "admin"]);
    expect(admin.code, admin.stderr).toBe(0);
  });

  it("refuses bad input with a clear message and a non-zero exit, storing nothing", async () => {
    const count = await s.ctx.db.staffUser.count();
    const taken = (await account("commune_staff", "29955")).username;
    const cases: [string[], RegExp][] = [
      [["--username", uniqueName("a"), "--name", "A", "--role", "commune_staff", "--unit", "99999"], /không có đơn vị hành chính mã này/],
      [["--username", uniqueName("a"), "--name", "A", "--role", "post_office_staff"], /--unit là bắt buộc/],
      [["--username", uniqueName("a"), "--name", "A", "--role", "integration", "--unit", "29955"], /--role phải là/],
      [["--username", "Ab", "--name", "A", "--role", "commune_staff", "--unit", "29955"], /tên đăng nhập gồm 3–32/],
      [["--username", taken, "--name", "A", "--role", "commune_staff", "--unit", "29955"], /đã có/],
      [["--name", "A", "--role", "commune_staff", "--unit", "29955"], /--username là bắt buộc/],
    ];
    for (const [args, message] of cases) {
      const out = await cli(["staff", "create", ...args]);
      expect(out.code, args.join(" ")).not.toBe(0);
      expect(out.stderr).toMatch(message);
    }
    expect(await s.ctx.db.staffUser.count()).toBe(count + 1);
    const unknown = await cli(["staff", "disable", "khong.co.ai"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/Không có tài khoản/);
  }, 120_000);

  it("reset-password prints a new one-time password on the last line and ends the account's sessions; disable ends them at once and refuses sign-in", async () => {
    const lan = await member("commune_staff", "29955");
    const reset = await cli(["staff", "reset-password", lan.username]);
    expect(reset.code, reset.stderr).toBe(0);
    const otp = lastLine(reset.stdout);
    expect(otp).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect((await req("GET", "/api/v1/auth/me", { session: lan.session })).status).toBe(401);
    expect((await login(lan.username, lan.password)).status).toBe(401);
    const again = await login(lan.username, otp);
    expect(again.status).toBe(200);
    expect(again.body.mustChangePassword).toBe(true);

    const disabled = await cli(["staff", "disable", lan.username]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect((await req("GET", "/api/v1/auth/me", { session: again.session! })).status).toBe(401);
    expect((await login(lan.username, otp)).status).toBe(401);
    expect((await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username: lan.username } })).active).toBe(false);
  });
});
