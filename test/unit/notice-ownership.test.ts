/**
 * One owner for the notice lifecycle: no file but src/notifications/notice-store.ts writes a
 * "Notice" or "NoticeAttempt" row, in SQL or through Prisma; and no migration does, but the
 * ingest's function, whose notice insert must stay the owner's statement word for word.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NOTICE_INSERT } from "../../src/notifications/notice-store.js";
import { projectRoot } from "../../src/paths.js";

const OWNER = path.join("src", "notifications", "notice-store.ts");
const WRITES = [
  /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(Notice|NoticeAttempt)"/i,
  /\.(notice|noticeAttempt)\s*\.\s*(create|createMany|update|updateMany|upsert|delete|deleteMany)\s*\(/,
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated" || name === "node_modules") return [];
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

describe("the notice lifecycle's one owner", () => {
  it("is the only module that writes notices and attempts", () => {
    const offenders: string[] = [];
    for (const dir of ["src", "bots", "queues"]) {
      for (const file of sources(path.join(projectRoot, dir))) {
        const rel = path.relative(projectRoot, file);
        if (rel === OWNER) continue;
        readFileSync(file, "utf8")
          .split("\n")
          .forEach((line, i) => {
            if (WRITES.some((re) => re.test(line))) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });

  it("still finds the writes it looks for (the owner has them)", () => {
    const owner = readFileSync(path.join(projectRoot, OWNER), "utf8");
    expect(WRITES[0]!.test(owner)).toBe(true);
  });

  it("no migration writes notices but the ingest's function (dossier_ingest_write), whose latest insert is the owner's own statement", () => {
    const dir = path.join(projectRoot, "prisma", "migrations");
    const writes: { migration: string; statement: string }[] = [];
    for (const migration of readdirSync(dir).sort()) {
      const file = path.join(dir, migration, "migration.sql");
      if (!existsSync(file)) continue;
      const sql = readFileSync(file, "utf8");
      for (const m of sql.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(?:Notice|NoticeAttempt)"[^;]*/gi)) writes.push({ migration, statement: m[0] });
      if (writes.some((w) => w.migration === migration)) expect(sql, migration).toMatch(/CREATE (OR REPLACE )?FUNCTION dossier_ingest_write\b/);
    }
    const norm = (t: string) => t.replace(/\s+/g, " ").trim();
    // The owner's statement with the function's argument for its parameter.
    const owner = norm(NOTICE_INSERT.replace("$1::jsonb", "w->'notices'").replace(/RETURNING id$/, 'RETURNING "Notice".id'));
    expect(writes.length).toBeGreaterThan(0);
    expect(norm(writes.at(-1)!.statement)).toBe(owner);
  });
});

