/**
 * One owner for the notice lifecycle: no file but src/notifications/notice-store.ts writes a
 * "Notice" or "NoticeAttempt" row, in SQL or through Prisma.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
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
});
