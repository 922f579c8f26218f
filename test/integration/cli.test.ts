import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";
import { motcua } from "../support/cli.js";

describe("motcua CLI", () => {
  it("runs through npx, as the README says (the launcher linked in node_modules/.bin; never fetched)", async () => {
    const { stdout } = await promisify(execFile)("npx", ["--offline", "motcua", "--help"], { cwd: projectRoot, timeout: 60_000 });
    expect(stdout.split("\n")[0]).toBe("motcua — thông báo hồ sơ một cửa và trợ lý thủ tục");
  });

  it("without a command, or with an option it does not know, prints what to type on stderr and exits 2; help exits 0; a missing file is named in words", async () => {
    const none = await motcua([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/^Chưa nêu lệnh nào\.\n\nmotcua — thông báo hồ sơ một cửa và trợ lý thủ tục\n\nCách dùng:\n/);
    const help = await motcua(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Cách dùng:$/m);
    const subHelp = await motcua(["keys", "--help"]);
    expect(subHelp.code).toBe(0);
    expect(subHelp.stdout).toMatch(/^Cách dùng:$/m);
    const missing = await motcua(["procedures", "import", "/khong-co/sua-thu-tuc.json"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("Không có tệp /khong-co/sua-thu-tuc.json: kiểm tra tên và thư mục của tệp.");
    const unknown = await motcua(["keys", "create", "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe("Không có tùy chọn --bogus. Xem: motcua help");
  });

  it("speaks Vietnamese to the administrator who creates and revokes keys", async () => {
    const role = await motcua(["keys", "create", "--role", "boss", "--name", "x"]);
    expect(role.code).toBe(1);
    expect(role.stderr).toMatch(/^--role phải là một trong: admin, integration, commune_staff, post_office_staff\.\ncách dùng: motcua keys create/);
    const name = await motcua(["keys", "create", "--role", "integration"]);
    expect(name.stderr).toMatch(/^--name là bắt buộc/);
    const unit = await motcua(["keys", "create", "--role", "commune_staff", "--name", "Cán bộ"]);
    expect(unit.stderr).toMatch(/^--unit là bắt buộc với khóa commune_staff/);
    const created = await motcua(["keys", "create", "--role", "integration", "--name", "Hệ thống một cửa tỉnh"]);
    expect(created.code).toBe(0);
    const [said, key] = created.stdout.trim().split("\n");
    const prefix = /tiền tố (\S+)\)/.exec(said!)?.[1];
    expect(said).toBe(`Đã tạo khóa integration "Hệ thống một cửa tỉnh" (tiền tố ${prefix}). Khóa chỉ hiện lúc này, hãy lưu lại:`);
    expect(key!.startsWith(prefix!)).toBe(true);
    expect((await motcua(["keys", "revoke", prefix!])).stdout.trim()).toBe(`Đã thu hồi 1 khóa có tiền tố ${prefix}.`);
    const again = await motcua(["keys", "revoke", prefix!]);
    expect(again.code).toBe(1);
    expect(again.stdout.trim()).toBe(`Không có khóa nào đang dùng có tiền tố ${prefix}.`);
  });

  it("searches the catalog from the shell", async () => {
    const out = await motcua(["procedures", "search", "xin giấy độc thân"]);
    expect(out.code).toBe(0);
    expect(out.stdout.split("\n")[0]).toMatch(/^1\. 1\.004873 {2}Cấp Giấy xác nhận tình trạng hôn nhân {2}\(0\.\d\d|1\.00\)/);
  });

  it("searches over one connection to PostgreSQL, which also checks the database and its migrations", async () => {
    // Counts the sockets the process opens (a search opens none but PostgreSQL's).
    const counter = `import net from "node:net"; const sockets = new WeakSet(); let opened = 0; const connect = net.Socket.prototype.connect;
      net.Socket.prototype.connect = function (...args) { if (!sockets.has(this)) { sockets.add(this); opened += 1; } return connect.apply(this, args); };
      process.on("exit", () => process.stderr.write("sockets opened: " + opened + "\\n"));`;
    const out = await motcua(["procedures", "search", "xin giấy độc thân"], {}, { node: ["--import", `data:text/javascript,${encodeURIComponent(counter)}`] });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^1\. 1\.004873 /);
    expect(out.stderr).toMatch(/^sockets opened: 1$/m);
  });

  it("prints JSON on request and says so honestly when nothing fits", async () => {
    const json = await motcua(["procedures", "search", "--json", "dang ky ket hon"]);
    expect(JSON.parse(json.stdout).results[0].code).toBe("1.000894");
    const none = await motcua(["procedures", "search", "thời tiết ngày mai thế nào"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/Không tìm thấy thủ tục phù hợp/);
  });

  it("says where to go for what no commune handles, and asks which variant when several fit", async () => {
    const away = await motcua(["procedures", "search", "đổi giấy phép lái xe máy"]);
    expect(away.code).toBe(0);
    expect(away.stdout).toMatch(/^Việc này không làm tại xã \(.+\): .+/);
    expect(away.stdout).not.toMatch(/^1\./m);
    const asJson = JSON.parse((await motcua(["procedures", "search", "--json", "làm hộ chiếu"])).stdout) as { kind: string; whereToGo: string; results: unknown[] };
    expect(asJson).toMatchObject({ kind: "out-of-scope", results: [] });
    expect(asJson.whereToGo.length).toBeGreaterThan(10);
  });

  it("shows one procedure with its documents", async () => {
    const out = await motcua(["procedures", "show", "2.000815"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Chứng thực bản sao/);
    expect(out.stdout).toMatch(/Giấy tờ cần nộp:\n {2}1\./);
  });

  it("refuses an empty or over-long question", async () => {
    const empty = await motcua(["procedures", "search", "  "]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/cách dùng: motcua procedures search/);
    const long = await motcua(["procedures", "search", "a".repeat(2000)]);
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/dài quá 1000 ký tự/);
  });

  it("names a malformed setting and stops, without a stack trace", async () => {
    const out = await motcua(["procedures", "search", "khai sinh"], { PORT: "abc", REDIS_URL: "http://nope" });
    expect(out.code).toBe(78);
    expect(out.stderr).toMatch(/PORT must be a number/);
    expect(out.stderr).toMatch(/REDIS_URL must be a Redis URL/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it("says in one sentence when PostgreSQL is missing", async () => {
    const out = await motcua(["migrate"], { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/motcua" });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toMatch(/^PostgreSQL is not reachable at 127\.0\.0\.1:1 \(from DATABASE_URL\)\. Install and start it .*apt-get install postgresql/);
    // How to start it whatever PostgreSQL version the distribution installs (a cluster named by one version is not there on another).
    expect(out.stderr).toContain("sudo service postgresql start");
    expect(out.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("says in one sentence when Redis is missing", async () => {
    const out = await motcua(["serve", "--role", "api", "--port", "0"], { REDIS_URL: "redis://127.0.0.1:1" });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toMatch(/^Redis is not reachable at 127\.0\.0\.1:1 \(from REDIS_URL\)\. .*apt-get install redis-server/);
  });

  it("refuses an unknown role", async () => {
    const out = await motcua(["serve", "--role", "boss"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/--role must be one of all, api, worker, bot/);
  });

  it("migrate on an up-to-date database changes nothing", async () => {
    const out = await motcua(["migrate"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/is up to date/);
  });

  it("on a missing database, says so in one sentence and creates nothing; on an empty one, says what to run", async () => {
    // Named after this run's database, so the run's teardown drops it too if this test dies midway.
    const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_fresh_${process.pid}`;
    const at = (database: string) => Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${database}` }).toString();
    const url = at(name);
    const admin = new pg.Client({ connectionString: at("postgres") });
    await admin.connect();
    const exists = async () => (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1;
    try {
      const search = await motcua(["procedures", "search", "làm hộ chiếu"], { DATABASE_URL: url });
      expect(search.code).toBe(1);
      expect(search.stderr.trim()).toMatch(new RegExp(`^The database "${name}" does not exist on 127\\.0\\.0\\.1:5432; run \`npm run db:migrate\``));
      expect(search.stderr.trim().split("\n")).toHaveLength(1);
      expect(await exists()).toBe(false);
      const show = await motcua(["procedures", "show", "1.001193"], { DATABASE_URL: url });
      expect(show.stderr).toMatch(/does not exist/);
      const key = await motcua(["keys", "create", "--role", "integration", "--name", "upstream"], { DATABASE_URL: url });
      expect(key.code).toBe(1);
      expect(key.stderr).toMatch(/does not exist/);
      expect(await exists()).toBe(false);

      await admin.query(`CREATE DATABASE "${name}"`);
      const empty = await motcua(["procedures", "search", "làm hộ chiếu"], { DATABASE_URL: url });
      expect(empty.code).toBe(1);
      expect(empty.stderr.trim()).toMatch(new RegExp(`^The database "${name}" lacks \\d+ migration\\(s\\) .*run \`npm run db:migrate\` and then \`npx motcua seed\``));
      expect(empty.stderr.trim().split("\n")).toHaveLength(1);
      const emptyKey = await motcua(["keys", "create", "--role", "integration", "--name", "upstream"], { DATABASE_URL: url });
      expect(emptyKey.stderr).toMatch(/lacks \d+ migration/);

      expect((await motcua(["migrate"], { DATABASE_URL: url })).code).toBe(0);
      const unseeded = await motcua(["procedures", "search", "làm hộ chiếu"], { DATABASE_URL: url });
      expect(unseeded.code).toBe(1);
      expect(unseeded.stderr.trim()).toBe("Danh mục thủ tục đang trống; chạy `npx motcua seed` (hoặc `npm run demo`) để nạp.");
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
