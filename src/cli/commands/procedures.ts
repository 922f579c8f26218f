import { parseArgs } from "node:util";
import { MAX_QUERY_LENGTH } from "../../catalog/catalog-service.js";
import type { Env } from "../../config/env.js";
import { createDb } from "../../db/client.js";
import { CatalogService } from "../../catalog/catalog-service.js";
import { PrismaProcedureRepository } from "../../catalog/repository.js";
import { AppError, ValidationError } from "../../errors.js";
import { ensureSchemaCurrent } from "../../db/migration-status.js";
import { requireDatabase } from "../../db/bootstrap.js";

const USAGE = 'usage: motcua procedures search "<câu hỏi>" [--limit N] [--json] | motcua procedures show <mã> [--json]';

export async function runProcedures(env: Env, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { limit: { type: "string", default: "5" }, json: { type: "boolean", default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [sub, ...words] = positionals;
  const text = words.join(" ").trim();
  if ((sub !== "search" && sub !== "show") || text === "") throw new ValidationError(USAGE);
  if (text.length > MAX_QUERY_LENGTH) throw new ValidationError(`Câu hỏi dài quá ${MAX_QUERY_LENGTH} ký tự (the question is longer than ${MAX_QUERY_LENGTH} characters).`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 20) throw new ValidationError("--limit must be a whole number from 1 to 20");

  await requireDatabase(env.DATABASE_URL); // reads never create the database
  await ensureSchemaCurrent(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL);
  try {
    if ((await db.procedure.count()) === 0) throw new AppError("SEED_INVALID", "The procedure catalog is empty; run `npx motcua seed` (or `npm run demo`) to load it.");
    const catalog = new CatalogService(new PrismaProcedureRepository(db));
    if (sub === "search") {
      const results = await catalog.search(text, limit);
      if (values.json) console.log(JSON.stringify({ results }, null, 2));
      else if (results.length === 0) console.log("Không tìm thấy thủ tục phù hợp với câu hỏi này (no matching procedure).");
      else results.forEach((r, i) => console.log(`${i + 1}. ${r.code}  ${r.name}  (${r.score.toFixed(2)})`));
      return 0;
    }
    const procedure = await catalog.get(text);
    if (!procedure) {
      console.error(`Không có thủ tục mã ${text} trong danh mục (no procedure with code ${text}).`);
      return 1;
    }
    if (values.json) {
      console.log(JSON.stringify(procedure, null, 2));
      return 0;
    }
    console.log(`${procedure.code} ${procedure.name}${procedure.reviewStatus === "NEEDS_REVIEW" ? "  [chưa xác minh đầy đủ]" : ""}`);
    console.log(`Cơ quan: ${procedure.agency}\nThời hạn: ${procedure.processingTime}\nLệ phí: ${procedure.fee}`);
    console.log("Giấy tờ cần nộp:");
    for (const d of procedure.documents) {
      const counts = [d.originals ? `${d.originals} bản chính` : "", d.copies ? `${d.copies} bản sao` : ""].filter(Boolean).join(", ");
      console.log(`  ${d.position}. ${d.name}${counts ? ` (${counts})` : ""}${d.note ? ` — ${d.note}` : ""}`);
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}
