/**
 * An attacker's pass over the staff console and announcements (issue 9): a hostile citizen, an
 * officer of another unit, a post office clerk and a careless officer, over real HTTP, PostgreSQL
 * and Redis. Each test is one way in that must stay shut.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { NEW_PASSWORD, staffClient } from "../support/staff-client.js";
import { motcua } from "../support/cli.js";

const COMMUNE = "29955"; // Phường Hồng Ngự, Đồng Tháp
const OTHER = "28249"; // Phường Đạo Thạnh, Đồng Tháp: another commune, another unit for its own staff

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false, env: { TRUST_PROXY: "127.0.0.1", RATE_LIMITS: "off" } });
});
afterAll(() => s.close());

const { req, login, freshIp, signedIn } = staffClient(() => s, "203.0.113.251");

/** A member who has signed in and chosen their own password: their session and its CSRF token. */
async function member(unitCode: string, fullName = "Nguyễn Thị Lan", role: "commune_staff" | "post_office_staff" = "commune_staff") {
  const username = `atk.${randomBytes(4).toString("hex")}`;
  const { oneTimePassword } = await s.ctx.staffAccounts.create({ username, fullName, role, unitCode });
  const { session, csrf } = await signedIn(username, oneTimePassword);
  const user = await s.ctx.db.staffUser.findUniqueOrThrow({ where: { username } });
  return { id: user.id, username, session, csrf };
}

async function hamlet(communeCode: string, name: string): Promise<string> {
  const h = await s.ctx.db.hamlet.create({ data: { communeCode, name, searchName: `${name.toLowerCase()}-${randomBytes(3).toString("hex")}` } });
  return h.id;
}

/** Telegram subscribers of a hamlet, written straight to the tables (as the bot leaves them). */
async function subscribers(hamletId: string, n: number): Promise<void> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await s.ctx.pool.query(
    `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "displayName", "consentAt", reachable, "lastInteractionAt", "updatedAt")
     SELECT t.id, 'TELEGRAM', t.ext, 'Cư dân thử', now(), true, now(), now() FROM unnest($1::uuid[], $2::text[]) AS t(id, ext)`,
    [ids, ids.map(() => String(7_000_000_000 + Math.floor(Math.random() * 1e9)))],
  );
  await s.ctx.pool.query(
    `INSERT INTO "Subscription" (id, kind, "identityId", "communeCode", "hamletId") SELECT gen_random_uuid(), 'AREA', t.id, $2, $3 FROM unnest($1::uuid[]) AS t(id)`,
    [ids, COMMUNE, hamletId],
  );
}

async function draftFor(who: { session: string; csrf: string }, fields: Record<string, unknown> = {}) {
  const res = await req("POST", "/api/v1/broadcasts", { session: who.session, csrf: who.csrf, json: { communeCode: COMMUNE, title: "Tiêm chủng", body: "Sáng thứ Bảy tại trạm y tế.", ...fields } });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

describe("redirects", () => {
  it("the sign-in page's next=/..//evil: a signed-in member is never sent to another site", async () => {
    const m = await member(COMMUNE);
    for (const next of ["/..//evil.example", "/.//evil.example/x", "/staff/../..//evil.example"]) {
      const res = await req("GET", `/staff/login?next=${encodeURIComponent(next)}`, { session: m.session });
      expect(res.status).toBe(303);
      const location = res.headers.get("location")!;
      expect(new URL(location, "https://motcua.example").host, `${next} → ${location}`).toBe("motcua.example");
    }
  });
});

describe("sessions", () => {
  it("a cookie value chosen before sign-in is never the session afterwards (no fixation)", async () => {
    const m = await member(COMMUNE);
    const planted = randomBytes(32).toString("base64url");
    const res = await req("POST", "/api/v1/auth/login", { json: { username: m.username, password: NEW_PASSWORD }, cookies: { motcua_staff: planted }, ip: freshIp() });
    expect(res.status).toBe(200);
    expect(res.session).toBeDefined();
    expect(res.session).not.toBe(planted);
    expect((await req("GET", "/api/v1/auth/me", { session: planted })).status).toBe(401);
  });

  it("a disabled member's page still open cannot post its form (the right token, the old cookie): to the sign-in page, nothing stored", async () => {
    const m = await member(COMMUNE);
    await s.ctx.staffAccounts.disable(m.username);
    const before = await s.ctx.db.hamlet.count({ where: { communeCode: COMMUNE } });
    const res = await req("POST", "/staff/hamlets", { session: m.session, form: { _csrf: m.csrf, communeCode: COMMUNE, name: "Khóm Ma" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/staff\/login/);
    expect(await s.ctx.db.hamlet.count({ where: { communeCode: COMMUNE } })).toBe(before);
  });

  it("Redis emptied of this deployment's keys mid-session: the session is gone (sign in again), never a 500", async () => {
    const m = await member(COMMUNE);
    const keys = await s.ctx.redis.keys(`${s.env.QUEUE_PREFIX}:staff-*`);
    expect(keys.length).toBeGreaterThan(0);
    await s.ctx.redis.del(...keys);
    expect((await req("GET", "/api/v1/auth/me", { session: m.session })).status).toBe(401);
    const page = await req("GET", "/staff/broadcasts", { session: m.session });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toMatch(/^\/staff\/login/);
    expect((await login(m.username, NEW_PASSWORD)).status).toBe(200);
  });

  it("another member's CSRF token does not pass for my session", async () => {
    const a = await member(COMMUNE);
    const b = await member(COMMUNE);
    const res = await req("POST", "/api/v1/broadcasts", { session: a.session, csrf: b.csrf, json: { communeCode: COMMUNE, title: "x", body: "y" } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("CSRF_FAILED");
  });
});

describe("CSRF through content-type tricks", () => {
  it("a cross-site text/plain or multipart post with the session cookie and no token stores nothing", async () => {
    const m = await member(COMMUNE);
    const before = await s.ctx.db.hamlet.count({ where: { communeCode: COMMUNE } });
    const plain = await req("POST", `/api/v1/hamlets/import?communeCode=${COMMUNE}&commit=true`, { session: m.session, raw: { type: "text/plain", body: "Khóm Giả Mạo" } });
    expect(plain.status).toBe(403);
    const plainJson = await req("POST", "/api/v1/broadcasts", { session: m.session, raw: { type: "text/plain", body: JSON.stringify({ communeCode: COMMUNE, title: "x", body: "y" }) } });
    expect([403, 415]).toContain(plainJson.status);
    const fd = new FormData();
    fd.set("communeCode", COMMUNE);
    fd.set("name", "Khóm Multipart");
    const multi = await req("POST", "/staff/hamlets", { session: m.session, raw: { type: "multipart/form-data", body: fd } });
    expect([403, 415]).toContain(multi.status);
    const form = await req("POST", "/staff/hamlets", { session: m.session, form: { communeCode: COMMUNE, name: "Khóm Không Token" } });
    expect(form.status).toBe(403);
    expect(await s.ctx.db.hamlet.count({ where: { communeCode: COMMUNE } })).toBe(before);
    expect(await s.ctx.db.broadcast.count({ where: { title: "x" } })).toBe(0);
  });
});

describe("sign-in", () => {
  it("a locked username stays locked under another spelling (case, spaces, the Kelvin sign K)", async () => {
    const username = `kiet.${randomBytes(3).toString("hex")}`;
    const { oneTimePassword } = await s.ctx.staffAccounts.create({ username, fullName: "Lê Kiệt", role: "commune_staff", unitCode: COMMUNE });
    for (let i = 0; i < 5; i += 1) expect((await login(username, "sai-mat-khau")).status).toBe(401);
    for (const variant of [username.toUpperCase(), ` ${username} `, `\u212A${username.slice(1)}`]) {
      expect((await login(variant, oneTimePassword)).status, variant).toBe(429);
    }
  });
});

describe("lock-out and Redis", () => {
  it("a locked username and a held address stay refused after Redis is emptied (FLUSHDB, a restart without persistence): the failures are counted in PostgreSQL", async () => {
    const username = `flush.${randomBytes(3).toString("hex")}`;
    const { oneTimePassword } = await s.ctx.staffAccounts.create({ username, fullName: "Phạm Văn Xả", role: "commune_staff", unitCode: COMMUNE });
    for (let i = 0; i < 5; i += 1) expect((await login(username, `sai-${i}`)).status).toBe(401);
    const ip = freshIp();
    for (let i = 0; i < 20; i += 1) expect((await login(`doan.${i}.${randomBytes(2).toString("hex")}`, "doan-sai", ip)).status).toBe(401);
    const keys = await s.ctx.redis.keys(`${s.env.QUEUE_PREFIX}:*`);
    if (keys.length > 0) await s.ctx.redis.del(...keys);
    const locked = await login(username, oneTimePassword, freshIp());
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    expect((await login(username, oneTimePassword, ip)).status).toBe(429);
    // A reset lifts the username's lock, as before.
    const { oneTimePassword: again } = await s.ctx.staffAccounts.resetPassword(username);
    expect((await login(username, again, freshIp())).status).toBe(200);
  });
});

describe("lock-out under a burst", () => {
  it("forty wrong passwords fired at once for one username get at most 5 tries at the password; the right one is then refused", async () => {
    const username = `burst.${randomBytes(3).toString("hex")}`;
    const { oneTimePassword } = await s.ctx.staffAccounts.create({ username, fullName: "Trần Văn Bão", role: "commune_staff", unitCode: COMMUNE });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(username, `doan-sai-${i}`)));
    const tried = answers.filter((r) => r.status === 401).length;
    expect(answers.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expect(tried).toBeLessThanOrEqual(5);
    expect((await login(username, oneTimePassword)).status).toBe(429);
  });

  it("forty wrong passwords fired at once from one address get at most 20 tries, whatever usernames", async () => {
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(`ai.do.${i}.${randomBytes(2).toString("hex")}`, "doan-sai", ip)));
    expect(answers.filter((r) => r.status === 401).length).toBeLessThanOrEqual(20);
  });
});

describe("the address a failure is counted under", () => {
  it("rotating through one IPv6 /64 (via the trusted proxy) is one address: refused after 20 failures", async () => {
    const net = `2001:db8:${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;
    for (let i = 1; i <= 20; i += 1) expect((await login(`v6.${i}.${randomBytes(2).toString("hex")}`, "doan-sai", `${net}::${i.toString(16)}`)).status).toBe(401);
    expect((await login("v6.last", "doan-sai", `${net}:ffff:ffff:ffff:ffff`)).status).toBe(429);
  });

  it("without TRUST_PROXY, X-Forwarded-For is not believed: a new spoofed address each time is still the one peer", async () => {
    const direct = await startNotifyStack({ worker: false, env: { STAFF_SIGNIN_IP_FAILURES: "3" } });
    try {
      const attempt = (i: number) =>
        fetch(`${direct.baseUrl}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `192.0.2.${i}`, "x-real-ip": `192.0.2.${i}` },
          body: JSON.stringify({ username: `spoof.${i}`, password: "doan-sai" }),
        });
      for (let i = 1; i <= 3; i += 1) expect((await attempt(i)).status).toBe(401);
      expect((await attempt(4)).status).toBe(429);
    } finally {
      await direct.close();
    }
  });
});

describe("another unit", () => {
  it("an officer of another commune reaches none of this commune's announcements or hamlets, by page or API, nor through hamletIds or merge", async () => {
    const mine = await member(COMMUNE);
    const other = await member(OTHER);
    const theirHamlet = await hamlet(OTHER, "Ấp Bên Kia");
    const myHamlet = await hamlet(COMMUNE, "Khóm Bên Này");
    const id = await draftFor(mine, { hamletIds: [myHamlet] });
    for (const url of [`/api/v1/broadcasts/${id}`, `/api/v1/broadcasts/${id}/preview`, `/api/v1/broadcasts/${id}/unreached`]) {
      expect((await req("GET", url, { session: other.session })).status, url).toBe(404);
    }
    for (const url of [`/staff/broadcasts/${id}`, `/staff/broadcasts/${id}/edit`, `/staff/broadcasts/${id}/unreached`]) {
      const page = await req("GET", url, { session: other.session });
      expect(page.status, url).toBe(404);
      expect(page.text).not.toContain("Tiêm chủng");
    }
    expect((await req("PATCH", `/api/v1/broadcasts/${id}`, { session: other.session, csrf: other.csrf, json: { title: "Bị sửa" } })).status).toBe(404);
    for (const action of ["send", "approve", "cancel"]) {
      expect((await req("POST", `/api/v1/broadcasts/${id}/${action}`, { session: other.session, csrf: other.csrf })).status, action).toBe(404);
      expect((await req("POST", `/staff/broadcasts/${id}/${action}`, { session: other.session, form: { _csrf: other.csrf } })).status, action).toBe(404);
    }
    expect((await req("POST", `/staff/broadcasts/${id}/edit`, { session: other.session, form: { _csrf: other.csrf, title: "Bị sửa", body: "x" } })).status).toBe(404);
    // Their hamlet on my announcement: refused, nothing stored.
    expect((await req("PATCH", `/api/v1/broadcasts/${id}`, { session: mine.session, csrf: mine.csrf, json: { hamletIds: [theirHamlet] } })).status).toBe(400);
    expect((await req("POST", "/api/v1/broadcasts", { session: mine.session, csrf: mine.csrf, json: { communeCode: COMMUNE, title: "x1", body: "y", hamletIds: [theirHamlet] } })).status).toBe(400);
    expect((await req("POST", "/api/v1/broadcasts", { session: other.session, csrf: other.csrf, json: { communeCode: COMMUNE, title: "x2", body: "y" } })).status).toBe(403);
    expect(await s.ctx.db.broadcastHamlet.count({ where: { hamletId: theirHamlet } })).toBe(0);
    // Hamlets: merge either way, rename, confirm, import into my commune.
    expect((await req("POST", `/api/v1/hamlets/${theirHamlet}/merge`, { session: mine.session, csrf: mine.csrf, json: { intoId: myHamlet } })).status).toBe(404);
    expect((await req("POST", `/api/v1/hamlets/${myHamlet}/merge`, { session: mine.session, csrf: mine.csrf, json: { intoId: theirHamlet } })).status).toBe(404);
    expect((await req("POST", `/api/v1/hamlets/${myHamlet}/merge`, { session: other.session, csrf: other.csrf, json: { intoId: theirHamlet } })).status).toBe(404);
    expect((await req("PATCH", `/api/v1/hamlets/${myHamlet}`, { session: other.session, csrf: other.csrf, json: { name: "Đổi" } })).status).toBe(404);
    expect((await req("POST", `/staff/hamlets/${myHamlet}/rename`, { session: other.session, form: { _csrf: other.csrf, name: "Đổi" } })).status).toBe(404);
    expect((await req("POST", `/staff/hamlets/${myHamlet}/merge`, { session: other.session, form: { _csrf: other.csrf, intoId: theirHamlet } })).status).toBe(404);
    expect((await req("POST", "/api/v1/hamlets/import", { session: other.session, csrf: other.csrf, json: { communeCode: COMMUNE, csv: "Khóm Lạ", commit: true } })).status).toBe(403);
    expect((await req("GET", `/staff/hamlets?communeCode=${COMMUNE}`, { session: other.session })).status).toBe(403);
    expect(await s.ctx.db.hamlet.count({ where: { id: { in: [myHamlet, theirHamlet] } } })).toBe(2);
    expect((await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } })).title).toBe("Tiêm chủng");
  });

  it("a post office clerk of the province reaches no announcement or hamlet", async () => {
    const clerk = await member("82", "Bưu tá", "post_office_staff");
    const mine = await member(COMMUNE);
    const id = await draftFor(mine);
    expect((await req("GET", `/api/v1/broadcasts/${id}`, { session: clerk.session })).status).toBe(403);
    expect((await req("POST", `/api/v1/broadcasts/${id}/cancel`, { session: clerk.session, csrf: clerk.csrf })).status).toBe(403);
    expect((await req("GET", `/staff/broadcasts/${id}`, { session: clerk.session })).status).toBe(403);
    expect((await req("GET", "/api/v1/hamlets?communeCode=" + COMMUNE, { session: clerk.session })).status).toBe(403);
  });
});

describe("the two-person rule", () => {
  it("approving: two API keys of one staff member count as one person", async () => {
    const lan = await member(COMMUNE, "Nguyễn Thị Lan");
    const k1 = await s.ctx.apiKeys.create({ name: "Lan (máy 1)", role: "COMMUNE_STAFF", unitCode: COMMUNE });
    const k2 = await s.ctx.apiKeys.create({ name: "Lan (máy 2)", role: "COMMUNE_STAFF", unitCode: COMMUNE });
    await s.ctx.db.apiKey.updateMany({ where: { name: { in: ["Lan (máy 1)", "Lan (máy 2)"] } }, data: { staffUserId: lan.id } });
    const created = await req("POST", "/api/v1/broadcasts", { key: k1.key, json: { communeCode: COMMUNE, title: "Khẩn: lũ", body: "Di dời ngay.", urgent: true } });
    expect(created.status).toBe(201);
    expect((await req("POST", `/api/v1/broadcasts/${created.body.id}/send`, { key: k1.key })).body.status).toBe("AWAITING_APPROVAL");
    expect((await req("POST", `/api/v1/broadcasts/${created.body.id}/approve`, { key: k2.key })).status).toBe(403);
    expect((await req("POST", `/api/v1/broadcasts/${created.body.id}/approve`, { session: lan.session, csrf: lan.csrf })).status).toBe(403);
    expect((await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id: created.body.id } })).status).toBe("AWAITING_APPROVAL");
    // Written and sent in the console, approved with one of her keys: still her.
    const inConsole = await draftFor(lan, { urgent: true, title: "Khẩn: bão" });
    expect((await req("POST", `/api/v1/broadcasts/${inConsole}/send`, { session: lan.session, csrf: lan.csrf })).body.status).toBe("AWAITING_APPROVAL");
    expect((await req("POST", `/api/v1/broadcasts/${inConsole}/approve`, { key: k2.key })).status).toBe(403);
    // Someone else's key is another person.
    const k3 = await s.ctx.apiKeys.create({ name: "Cán bộ khác", role: "COMMUNE_STAFF", unitCode: COMMUNE });
    expect((await req("POST", `/api/v1/broadcasts/${inConsole}/approve`, { key: k3.key })).status).toBe(200);
  });

  it("a key made with `keys create --staff` is the member's own (her role and unit): it cannot approve what she sent from the console", async () => {
    const lan = await member(COMMUNE, "Nguyễn Thị Lan");
    const cli = (args: string[]) => motcua(args, { DATABASE_URL: s.databaseUrl, QUEUE_PREFIX: s.env.QUEUE_PREFIX });
    const made = await cli(["keys", "create", "--staff", lan.username, "--name", "Lan (điện thoại)"]);
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim().split("\n").at(-1)!.trim();
    expect(await s.ctx.db.apiKey.findFirstOrThrow({ where: { name: "Lan (điện thoại)" } })).toMatchObject({ staffUserId: lan.id, role: "COMMUNE_STAFF", unitCode: COMMUNE });
    const urgent = await draftFor(lan, { urgent: true, title: "Khẩn: triều cường" });
    expect((await req("POST", `/api/v1/broadcasts/${urgent}/send`, { session: lan.session, csrf: lan.csrf })).body.status).toBe("AWAITING_APPROVAL");
    expect((await req("POST", `/api/v1/broadcasts/${urgent}/approve`, { key })).status).toBe(403);
    // an unknown or disabled account, or a role or unit other than the account's, makes no key
    const count = await s.ctx.db.apiKey.count();
    for (const [args, message] of [
      [["--staff", "khong.co.ai", "--name", "x"], /không có tài khoản cán bộ đang hoạt động/],
      [["--staff", lan.username, "--name", "x", "--unit", OTHER], /--unit 28249 khác với tài khoản/],
      [["--staff", lan.username, "--name", "x", "--role", "admin"], /--role admin khác với tài khoản/],
      [["--staff", lan.username], /--name là bắt buộc/],
    ] as [string[], RegExp][]) {
      const out = await cli(["keys", "create", ...args]);
      expect(out.code, args.join(" ")).toBe(1);
      expect(out.stderr).toMatch(message);
    }
    expect(await s.ctx.db.apiKey.count()).toBe(count);
  });

  it("attack: a colleague who changed an urgent draft's text before it was sent is one of its authors: she cannot approve what she wrote; a third officer can", async () => {
    const lan = await member(COMMUNE, "Nguyễn Thị Lan");
    const hoa = await member(COMMUNE, "Trần Thị Hoa");
    const minh = await member(COMMUNE, "Lê Văn Minh");
    const id = await draftFor(lan, { urgent: true, title: "Khẩn: cắt điện", body: "Cắt điện sáng mai từ 7 giờ." });
    // Hoa rewrites Lan's draft; Lan, whose page still shows her own text, sends it.
    expect((await req("PATCH", `/api/v1/broadcasts/${id}`, { session: hoa.session, csrf: hoa.csrf, json: { body: "Sơ tán ngay khỏi khu vực." } })).status).toBe(200);
    expect((await req("POST", `/api/v1/broadcasts/${id}/send`, { session: lan.session, csrf: lan.csrf })).body.status).toBe("AWAITING_APPROVAL");
    const byEditor = await req("POST", `/api/v1/broadcasts/${id}/approve`, { session: hoa.session, csrf: hoa.csrf });
    expect(byEditor.status).toBe(403);
    expect((await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } })).status).toBe("AWAITING_APPROVAL");
    expect((await req("POST", `/api/v1/broadcasts/${id}/approve`, { session: minh.session, csrf: minh.csrf })).status).toBe(200);
  });

  it("attack: a disabled member's own API key stops working too, like her sessions; another member's key goes on", async () => {
    const lan = await member(COMMUNE, "Nguyễn Thị Lan");
    const hers = await s.ctx.apiKeys.create({ name: "Lan (máy tính ở nhà)", role: "COMMUNE_STAFF", unitCode: COMMUNE });
    const other = await s.ctx.apiKeys.create({ name: "Cán bộ còn làm", role: "COMMUNE_STAFF", unitCode: COMMUNE });
    await s.ctx.db.apiKey.updateMany({ where: { id: hers.id }, data: { staffUserId: lan.id } });
    expect(await s.ctx.db.apiKey.findUniqueOrThrow({ where: { id: hers.id } })).toMatchObject({ revokedAt: null });
    expect(await s.ctx.staffAccounts.disable(lan.username)).toBe(true);
    expect((await req("GET", "/api/v1/broadcasts", { key: hers.key })).status).toBe(401);
    const before = await s.ctx.db.broadcast.count();
    expect((await req("POST", "/api/v1/broadcasts", { key: hers.key, json: { communeCode: COMMUNE, title: "Sau khi nghỉ việc", body: "…" } })).status).toBe(401);
    expect(await s.ctx.db.broadcast.count()).toBe(before);
    expect((await req("GET", "/api/v1/broadcasts", { key: other.key })).status).toBe(200);
  });

  it("twenty approvals at once by the second officer start the announcement once", async () => {
    const a = await member(COMMUNE);
    const b = await member(COMMUNE, "Cán bộ thứ hai");
    const id = await draftFor(a, { urgent: true, title: "Khẩn hai mươi" });
    await req("POST", `/api/v1/broadcasts/${id}/send`, { session: a.session, csrf: a.csrf });
    const answers = await Promise.all(Array.from({ length: 20 }, () => req("POST", `/api/v1/broadcasts/${id}/approve`, { session: b.session, csrf: b.csrf })));
    expect(answers.map((r) => r.status).filter((st) => st !== 200)).toEqual([]);
    const row = await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } });
    expect(row.startedAt).not.toBeNull();
    const notices = await s.ctx.db.notice.groupBy({ by: ["identityId"], where: { broadcastId: id }, _count: { _all: true } });
    expect(notices.every((n) => n._count._all === 1)).toBe(true);
  });
});

describe("hostile input", () => {
  it("changing a draft with a JSON null body is a 400, not a 500", async () => {
    const m = await member(COMMUNE);
    const id = await draftFor(m);
    const res = await req("PATCH", `/api/v1/broadcasts/${id}`, { session: m.session, csrf: m.csrf, json: "null" });
    expect(res.status, res.text).toBeLessThan(500);
  });

  it("a 10 MB body is refused whole (413), on a console form and on the API, and nothing is stored", async () => {
    const m = await member(COMMUNE);
    const big = "a".repeat(10 * 1024 * 1024);
    const form = await req("POST", "/staff/broadcasts", { session: m.session, raw: { type: "application/x-www-form-urlencoded", body: `_csrf=${m.csrf}&communeCode=${COMMUNE}&title=T&body=${big}` } });
    expect(form.status).toBe(413);
    const api = await req("POST", "/api/v1/broadcasts", { session: m.session, csrf: m.csrf, json: { communeCode: COMMUNE, title: "Lớn", body: big } });
    expect(api.status).toBe(413);
    expect(await s.ctx.db.broadcast.count({ where: { title: { in: ["T", "Lớn"] } } })).toBe(0);
  });

  it("an impossible date typed in the compose form (month 13, hour 25) is a form error, not a 500", async () => {
    const m = await member(COMMUNE);
    const res = await req("POST", "/staff/broadcasts", {
      session: m.session,
      form: { _csrf: m.csrf, communeCode: COMMUNE, title: "Họp dân", body: "Tối nay.", target: "all", urgent: "0", when: "later", scheduledAt: "2026-13-45T25:99" },
    });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    for (const at of ["9999-12-31T00:00:00Z", "-000001-01-01T00:00:00Z", "2026-02-30T07:00:00+07:00"]) {
      const api = await req("POST", "/api/v1/broadcasts", { session: m.session, csrf: m.csrf, json: { communeCode: COMMUNE, title: "Hẹn", body: "x", scheduledAt: at } });
      expect(api.status, at).toBe(400);
    }
  });

  it("script in a title, a hamlet name and a display name is shown as text on every page and in the feed", async () => {
    const evilName = `<script>alert("name")</script>`;
    const m = await member(COMMUNE, evilName);
    const evilHamlet = `Khóm <img src=x onerror=alert(1)>`;
    const h = await req("POST", "/api/v1/hamlets", { session: m.session, csrf: m.csrf, json: { communeCode: COMMUNE, name: evilHamlet } });
    expect(h.status, h.text).toBe(201);
    const title = `Họp <script>alert(1)</script> & "x"`;
    const id = await draftFor(m, { title, body: `</textarea><script>alert(2)</script>`, hamletIds: [h.body.id] });
    const pages = [`/staff`, `/staff/broadcasts`, `/staff/broadcasts/${id}`, `/staff/broadcasts/${id}/edit`, `/staff/broadcasts/new?communeCode=${COMMUNE}`, `/staff/hamlets?communeCode=${COMMUNE}`];
    for (const url of pages) {
      const page = await req("GET", url, { session: m.session });
      expect(page.status, url).toBe(200);
      expect(page.text, url).not.toMatch(/<script>alert|<img src=x/i);
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
    await req("POST", `/api/v1/broadcasts/${id}/send`, { session: m.session, csrf: m.csrf });
    for (const url of [`/xa/${COMMUNE}`, `/xa/${COMMUNE}/feed.xml`, `/staff/broadcasts/${id}/unreached`]) {
      const page = await req("GET", url, { session: m.session });
      expect(page.status, url).toBe(200);
      expect(page.text, url).not.toMatch(/<script>alert|<img src=x/i);
    }
  });
});

describe("the public page", () => {
  it("shows only what went out, of that commune, and nothing about subscribers or staff", async () => {
    const a = await member(COMMUNE, "Cán bộ Bí Mật");
    const b = await member(COMMUNE);
    const o = await member(OTHER);
    const draft = await draftFor(a, { title: "Nháp chưa gửi" });
    const awaiting = await draftFor(a, { title: "Khẩn chờ duyệt", urgent: true });
    await req("POST", `/api/v1/broadcasts/${awaiting}/send`, { session: a.session, csrf: a.csrf });
    const scheduled = await draftFor(a, { title: "Hẹn giờ sau", scheduledAt: new Date(Date.now() + 86_400_000).toISOString() });
    await req("POST", `/api/v1/broadcasts/${scheduled}/send`, { session: a.session, csrf: a.csrf });
    const cancelled = await draftFor(a, { title: "Đã hủy bỏ", scheduledAt: new Date(Date.now() + 86_400_000).toISOString() });
    await req("POST", `/api/v1/broadcasts/${cancelled}/send`, { session: a.session, csrf: a.csrf });
    await req("POST", `/api/v1/broadcasts/${cancelled}/cancel`, { session: b.session, csrf: b.csrf });
    const theirs = await req("POST", "/api/v1/broadcasts", { session: o.session, csrf: o.csrf, json: { communeCode: OTHER, title: "Tin xã khác", body: "x" } });
    await req("POST", `/api/v1/broadcasts/${theirs.body.id}/send`, { session: o.session, csrf: o.csrf });
    const sent = await draftFor(a, { title: "Đã gửi đi" });
    await req("POST", `/api/v1/broadcasts/${sent}/send`, { session: a.session, csrf: a.csrf });
    expect(draft).toBeTruthy();
    for (const url of [`/xa/${COMMUNE}`, `/xa/${COMMUNE}/feed.xml`]) {
      const page = await req("GET", url);
      expect(page.status).toBe(200);
      expect(page.text).toContain("Đã gửi đi");
      for (const hidden of ["Nháp chưa gửi", "Khẩn chờ duyệt", "Hẹn giờ sau", "Đã hủy bỏ", "Tin xã khác", "Cán bộ Bí Mật"]) expect(page.text, `${url}: ${hidden}`).not.toContain(hidden);
    }
  });
});

describe("double clicks", () => {
  it("twenty sends at once make one notice per subscriber; twenty cancels at once all answer the cancelled announcement", async () => {
    const a = await member(COMMUNE);
    const h = await hamlet(COMMUNE, "Khóm Bấm Nhiều");
    await subscribers(h, 12);
    const id = await draftFor(a, { title: "Bấm hai mươi lần", hamletIds: [h] });
    const sends = await Promise.all(Array.from({ length: 20 }, () => req("POST", `/api/v1/broadcasts/${id}/send`, { session: a.session, csrf: a.csrf })));
    expect(sends.map((r) => r.status).filter((st) => st !== 200)).toEqual([]);
    expect(await s.ctx.db.notice.count({ where: { broadcastId: id } })).toBe(12);
    const perChat = await s.ctx.db.notice.groupBy({ by: ["identityId"], where: { broadcastId: id }, _count: { _all: true } });
    expect(perChat.every((n) => n._count._all === 1)).toBe(true);
    const cancels = await Promise.all(Array.from({ length: 20 }, () => req("POST", `/api/v1/broadcasts/${id}/cancel`, { session: a.session, csrf: a.csrf })));
    expect(cancels.map((r) => r.status).filter((st) => st !== 200)).toEqual([]);
    expect(cancels.every((r) => r.body.status === "CANCELLED")).toBe(true);
    expect(await s.ctx.db.notice.count({ where: { broadcastId: id, status: { not: "CANCELLED" } } })).toBe(0);
  });
});

describe("cancel", () => {
  it("nothing of an announcement is created or sent after cancel returns, when send and cancel race", async () => {
    const a = await member(COMMUNE);
    const h = await hamlet(COMMUNE, "Khóm Đua");
    await subscribers(h, 30);
    for (let round = 0; round < 5; round += 1) {
      const id = await draftFor(a, { title: `Đua ${round}`, hamletIds: [h] });
      const [, cancel] = await Promise.all([req("POST", `/api/v1/broadcasts/${id}/send`, { session: a.session, csrf: a.csrf }), req("POST", `/api/v1/broadcasts/${id}/cancel`, { session: a.session, csrf: a.csrf })]);
      expect(cancel.status).toBe(200);
      const live = await s.ctx.db.notice.count({ where: { broadcastId: id, status: { notIn: ["CANCELLED"] } } });
      expect(live, `round ${round}`).toBe(0);
    }
  });
});
