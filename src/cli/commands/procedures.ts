import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { MAX_QUERY_LENGTH } from "../../catalog/catalog-service.js";
import type { Env } from "../../config/env.js";
import type { Db } from "../../db/client.js";
import { createPool } from "../../db/pool.js";
import { CatalogService } from "../../catalog/catalog-service.js";
import { PrismaProcedureRepository, SqlProcedureRepository } from "../../catalog/repository.js";
import { applyCorrections, describePlan, diffRecords, describeProblems, exportProcedures, parseCorrections, planCorrections } from "../../catalog/corrections.js";
import { AppError, ValidationError } from "../../errors.js";
import { ensureSchemaCurrent } from "../../db/migration-status.js";
import { CONNECT_TIMEOUT_MS, connectExisting, requireDatabase } from "../../db/bootstrap.js";
import { PROCEDURES_CLI_TEXT } from "../../text/cli-vi.js";

const T = PROCEDURES_CLI_TEXT;
const USAGE = T.usage;

/** How `import` asks before saving; tests give their own. */
export interface ProceduresIo {
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

const terminalIo: ProceduresIo = {
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  async confirm(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^(y|yes|c|có|co)$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  },
};

const CATALOG_EMPTY = T.catalogEmpty;

/**
 * `procedures search`: the catalog read in one SQL statement (SqlProcedureRepository), the index
 * built and the question answered — a one-shot command, so it does without Prisma's client, and
 * checks that the database exists and is migrated over the one connection it then reads with.
 */
async function runSearch(databaseUrl: string, text: string, limit: number, json: boolean): Promise<number> {
  const pool = createPool(databaseUrl, { max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    const client = await connectExisting(pool, databaseUrl); // reads never create the database
    try {
      await ensureSchemaCurrent(databaseUrl, client);
    } finally {
      client.release();
    }
    const stored = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Procedure"`);
    if (stored.rows[0]?.n === 0) throw new AppError("SEED_INVALID", CATALOG_EMPTY);
    // the same answer the bot gives: a match, variants to choose from, out of scope, or none
    const answer = await new CatalogService(new SqlProcedureRepository(pool)).ask(text, limit);
    const results = answer.kind === "match" || answer.kind === "choices" ? answer.results : [];
    if (json) console.log(JSON.stringify({ ...answer, results }, null, 2));
    else if (answer.kind === "out-of-scope") console.log(`Việc này không làm tại xã (${answer.topic}): ${answer.whereToGo}`);
    else if (results.length === 0) console.log(T.noMatch);
    else {
      if (answer.kind === "choices") console.log(answer.prompt);
      results.forEach((r, i) => console.log(`${i + 1}. ${r.code}  ${r.name}  (${r.score.toFixed(2)})${r.variant ? `  — ${r.variant}` : ""}`));
    }
    return 0;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

export async function runProcedures(env: Env, args: string[], io: ProceduresIo = terminalIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      limit: { type: "string", default: "5" },
      json: { type: "boolean", default: false },
      all: { type: "boolean", default: false },
      out: { type: "string" },
      yes: { type: "boolean", default: false },
      by: { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [sub, ...words] = positionals;
  const text = words.join(" ").trim();
  const known = ["search", "show", "export", "import", "differences", "history"];
  if (!sub || !known.includes(sub)) throw new ValidationError(USAGE);
  if ((sub === "search" || sub === "show" || sub === "import" || sub === "history") && text === "") throw new ValidationError(USAGE);
  if (sub === "export" && (values.all ? words.length > 0 : words.length === 0)) throw new ValidationError(USAGE);
  if (text.length > MAX_QUERY_LENGTH) throw new ValidationError(T.questionTooLong(MAX_QUERY_LENGTH));
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 20) throw new ValidationError(T.limitRange);

  // An import is read and checked before the database is touched: a bad file changes nothing.
  const importFile = sub === "import" ? await readImportFile(text) : undefined;

  if (sub === "search") return await runSearch(env.DATABASE_URL, text, limit, values.json);
  await requireDatabase(env.DATABASE_URL); // reads never create the database
  await ensureSchemaCurrent(env.DATABASE_URL);
  // Every other subcommand works through Prisma (loaded here: a search does without it).
  const { createDb } = await import("../../db/client.js");
  const db = createDb(env.DATABASE_URL);
  try {
    if ((await db.procedure.count()) === 0) throw new AppError("SEED_INVALID", CATALOG_EMPTY);
    if (sub === "export") {
      const records = await exportProcedures(db, values.all ? "all" : words);
      const json = `${JSON.stringify(records, null, 2)}\n`;
      if (values.out) {
        await writeFile(values.out, json, "utf8");
        console.error(T.exported(records.length, values.out));
      } else process.stdout.write(json);
      return 0;
    }
    if (sub === "import") return await runImport(db, importFile, { yes: values.yes, by: values.by }, io);
    if (sub === "differences") return await runDifferences(db, text);
    if (sub === "history") return await runHistory(db, text);

    const catalog = new CatalogService(new PrismaProcedureRepository(db));
    const procedure = await catalog.get(text);
    if (!procedure) {
      console.error(T.notInCatalog(text));
      return 1;
    }
    if (values.json) {
      console.log(JSON.stringify(procedure, null, 2));
      return 0;
    }
    const flags = [
      procedure.reviewStatus === "NEEDS_REVIEW" ? "[chưa xác minh đầy đủ]" : "",
      procedure.origin === "PORTAL" ? "[theo Cổng DVC quốc gia]" : "",
      procedure.correctedAt ? "[đã hiệu đính]" : "",
    ].filter(Boolean);
    console.log(`${procedure.code} ${procedure.name}${flags.length ? `  ${flags.join(" ")}` : ""}`);
    const shown = (v: string | null) => v ?? "(không có thông tin)";
    console.log(`Cơ quan: ${shown(procedure.agency)}\nThời hạn: ${shown(procedure.processingTime)}\nLệ phí: ${shown(procedure.fee)}`);
    console.log(procedure.documents.length ? "Giấy tờ cần nộp:" : "Giấy tờ cần nộp: (nguồn không liệt kê)");
    for (const d of procedure.documents) {
      const counts = [d.originals ? `${d.originals} bản chính` : "", d.copies ? `${d.copies} bản sao` : ""].filter(Boolean).join(", ");
      console.log(`  ${d.position}. ${d.name}${counts ? ` (${counts})` : ""}${d.note ? ` — ${d.note}` : ""}`);
    }
    const stored = await db.procedure.findUnique({ where: { code: procedure.code }, select: { portalDifferences: true } });
    const differences = (stored?.portalDifferences as { field: string }[] | null) ?? [];
    if (differences.length) console.log(`Cổng DVC quốc gia ghi khác ở ${differences.length} điểm: motcua procedures differences ${procedure.code}`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

/** The largest import file read: ten times the whole catalog's export (about 2 MB). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

async function readImportFile(file: string): Promise<unknown> {
  let content: string;
  try {
    // Read up to the limit and no further: a pipe or a device (/dev/zero) has no size to check beforehand.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_IMPORT_BYTES) {
        throw new ValidationError(T.fileTooLarge(file, MAX_IMPORT_BYTES / 1024 / 1024));
      }
      chunks.push(chunk);
    }
    content = Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(T.fileUnreadable(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new ValidationError(T.fileNotJson(file, (error as Error).message));
  }
}

async function runImport(db: Db, raw: unknown, options: { yes: boolean; by: string | undefined }, io: ProceduresIo): Promise<number> {
  const changedBy = (options.by ?? userInfo().username).trim();
  if (changedBy === "") throw new ValidationError(T.byRequired);
  const { records, problems } = parseCorrections(raw);
  const { plan, problems: unknownCodes } = await planCorrections(db, records);
  const all = [...problems, ...unknownCodes].sort((a, b) => a.index - b.index);
  if (all.length) {
    for (const line of describeProblems(all)) console.error(line);
    console.error(T.refused(all.length));
    return 1;
  }
  for (const line of describePlan(plan)) console.log(line);
  if (plan.corrections.length === 0) {
    console.log(T.nothingToChange);
    return 0;
  }
  if (!options.yes) {
    if (!io.interactive) {
      console.error(T.noTerminal);
      return 1;
    }
    if (!(await io.confirm(T.confirm(plan.corrections.length, changedBy)))) {
      console.log(T.notSaved);
      return 1;
    }
  }
  await applyCorrections(db, plan.corrections, changedBy);
  console.log(T.saved(plan.corrections.length, changedBy, plan.corrections.map((c) => c.code)));
  return 0;
}

const FIELD_LABEL: Record<string, string> = { name: "Tên", processing_time: "Thời hạn", fee: "Lệ phí", postal: "Bưu chính", documents: "Giấy tờ" };

async function runDifferences(db: Db, code: string): Promise<number> {
  const rows = await db.procedure.findMany({
    where: { origin: "CURATED", ...(code ? { code } : {}) },
    select: { code: true, name: true, portalDifferences: true },
    orderBy: { code: "asc" },
  });
  if (code && rows.length === 0) {
    console.error(T.notCurated(code));
    return 1;
  }
  let listed = 0;
  for (const r of rows) {
    const differences = (r.portalDifferences as { field: string; portal: string; curated: string }[] | null) ?? [];
    if (differences.length === 0) {
      if (code) console.log(`${r.code} ${r.name}: không ghi nhận khác biệt với bản trên Cổng DVC quốc gia (hoặc bản chép 06/2026 của Cổng không có thủ tục này).`);
      continue;
    }
    listed += 1;
    console.log(`${r.code} ${r.name}`);
    // each side as the data states it ('ghi "1", không có đơn vị', 'không nêu thời hạn'): labelled, never prefixed with a verb of ours
    for (const d of differences) console.log(`  ${FIELD_LABEL[d.field] ?? d.field} — Cổng DVC: ${d.portal}; danh mục đã kiểm: ${d.curated}`);
  }
  if (!code) console.log(`${listed} thủ tục đã kiểm có điểm khác với bản trên Cổng DVC quốc gia (bản chép 06/2026).`);
  return 0;
}

async function runHistory(db: Db, code: string): Promise<number> {
  const revisions = await db.procedureRevision.findMany({ where: { procedureCode: code }, orderBy: { changedAt: "asc" } });
  if (revisions.length === 0) {
    console.log(T.noCorrections(code));
    return 0;
  }
  for (const r of revisions) {
    console.log(`${r.changedAt.toISOString()}  ${r.changedBy}`);
    for (const ch of diffRecords(r.before as never, r.after as never)) console.log(`  ${ch.field}: ${JSON.stringify(ch.before)} → ${JSON.stringify(ch.after)}`);
  }
  return 0;
}
