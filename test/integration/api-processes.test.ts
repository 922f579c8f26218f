/**
 * `serve --role api` with API_PROCESSES=2: a cluster primary and two API processes on one port,
 * each naming itself (its pid) in its log lines; the primary ready once both listen; SIGTERM ends
 * them all with 0. A bad value stops at once with the setting named.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motcua, motcuaBin as bin } from "../support/cli.js";
import { cloneTestDatabase } from "../support/databases.js";



async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One request on a connection of its own (the primary hands out connections in turn). */
function request(port: number, method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: url, agent: false, headers: { connection: "close", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("serve --role api with API_PROCESSES", () => {
  let db: Awaited<ReturnType<typeof cloneTestDatabase>>;
  beforeAll(async () => {
    db = await cloneTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("refuses a value that is not a whole number from 1 to 32, naming the setting", async () => {
    for (const value of ["0", "abc", "33"]) {
      const out = await motcua(["serve", "--role", "api", "--port", "0"], { DATABASE_URL: db.url, API_PROCESSES: value });
      expect(out.code).toBe(78);
      expect(out.stderr).toContain(`API_PROCESSES must be a whole number from 1 to 32, or "auto" (one per CPU core) (got "${value}")`);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("refuses it for a role other than api, in one line", async () => {
    const out = await motcua(["serve", "--role", "all", "--port", "0"], { DATABASE_URL: db.url, API_PROCESSES: "2" });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe("API_PROCESSES=2 applies only to serve --role api (got --role all): unset it or set API_PROCESSES=1 for this role");
  });

  it("serves from two processes on one port, ingests, and stops them all on SIGTERM with 0", async () => {
    const key = (await motcua(["keys", "create", "--role", "integration", "--name", "cluster"], { DATABASE_URL: db.url })).stdout.trim().split("\n").at(-1)!;
    expect(key).toMatch(/^mck_/);
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [bin, "serve", "--role", "api", "--port", String(port)], {
      env: { ...process.env, DATABASE_URL: db.url, API_PROCESSES: "2", LOG_LEVEL: "info", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const lines: Record<string, unknown>[] = [];
    let buffered = "";
    let onLine: (() => void) | undefined;
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      for (const part of parts) if (part.startsWith("{")) lines.push(JSON.parse(part) as Record<string, unknown>);
      onLine?.();
    });
    const until = (test: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (test()) {
            onLine = undefined;
            resolve();
          } else if (child.exitCode !== null) reject(new Error(`serve ended with ${child.exitCode}`));
        };
        onLine = check;
        check();
      });
    try {
      // The primary's ready line comes once both processes listen. Each process writes its own
      // "listening" line to the same pipe, so that line may come just after the primary's: wait for all three.
      const listeners = () => lines.filter((l) => typeof l.msg === "string" && l.msg.startsWith("motcua API listening on") && typeof l.pid === "number");
      await until(() => lines.some((l) => typeof l.msg === "string" && l.msg.includes("(2 processes, API_PROCESSES=2)")) && new Set(listeners().map((l) => l.pid)).size >= 2);
      const apiPids = new Set(listeners().map((l) => l.pid as number));
      expect(apiPids.size).toBe(2);
      expect(apiPids.has(child.pid!)).toBe(false);

      // Requests on connections of their own are answered by both processes.
      const answeredBy = () => new Set(lines.filter((l) => l.msg === "request completed" && typeof l.pid === "number").map((l) => l.pid as number));
      for (let i = 0; i < 20 && answeredBy().size < 2; i += 1) {
        expect((await request(port, "GET", "/readyz")).status).toBe(200);
        await until(() => lines.filter((l) => l.msg === "request completed").length > i);
      }
      expect([...answeredBy()].sort()).toEqual([...apiPids].sort());

      // Ingestion works in either process.
      for (let i = 0; i < 2; i += 1) {
        const answer = await request(
          port,
          "POST",
          "/api/v1/dossier-events",
          { authorization: `Bearer ${key}`, "content-type": "application/json" },
          JSON.stringify({
            eventId: `cluster-${i}`,
            dossierCode: `H15.50.05.13-261120-90${i}`,
            status: "RECEIVED",
            occurredAt: "2026-11-20T09:15:00+07:00",
            procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
            applicant: { fullName: "Nguyễn Văn An", phone: `091290000${i}` },
            communeCode: "29955",
            channel: "COUNTER",
            dueAt: "2026-11-25T17:00:00+07:00",
          }),
        );
        expect(answer.status, answer.body).toBe(202);
      }

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      for (const pid of apiPids) expect(alive(pid)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      for (const l of lines) if (typeof l.pid === "number" && alive(l.pid)) process.kill(l.pid, "SIGKILL");
    }
  });
});
