/**
 * An admin corrects procedures without a release: `motcua procedures export` writes them as JSON,
 * the admin edits the file, `motcua procedures import` checks every record (zod; any error and
 * nothing is stored), shows the difference field by field, asks, then saves them in one
 * transaction — marking each procedure corrected (`correctedAt`, `correctedBy`) and recording a
 * ProcedureRevision (who, when, before, after). `seed` never overwrites a corrected procedure.
 */
import { z } from "zod";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import { normalizeInput } from "../text/vietnamese.js";
import { isPublicSource, issuePath } from "./source.js";

/**
 * The longest a text of a procedure may be, and the most items a list may hold: ten times the
 * longest the catalog has (a document's name of 4,700 characters; 55 documents), so a real
 * correction always fits and a runaway file (a note of 50 MB) is refused before anything is written.
 */
export const MAX_TEXT = 20_000;
export const MAX_ITEMS = 500;
/** zod's own messages (a wrong type, an unknown key) in Vietnamese, as the rest of what an import says. */
const VIETNAMESE_ISSUES = z.locales.vi().localeError;
/** Characters no procedure's text has: control characters (line breaks and tabs are read as spaces) and invisible ones. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const readable = (schema: z.ZodString) =>
  schema
    .max(MAX_TEXT, `tối đa ${MAX_TEXT} ký tự`)
    .refine((v) => !CONTROL.test(v), "không được chứa ký tự điều khiển")
    .refine((v) => !INVISIBLE.test(v), "không được chứa ký tự ẩn (khoảng trắng không độ rộng, ký tự đảo chiều chữ)");

const text = z.string().transform(normalizeInput).pipe(readable(z.string().min(1, "không được để trống")));
const optionalText = z
  .string()
  .nullable()
  .transform((v) => (v === null || normalizeInput(v) === "" ? null : normalizeInput(v)))
  .pipe(readable(z.string()).nullable());
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_ITEMS, `tối đa ${MAX_ITEMS} mục`);

const documentSchema = z.strictObject({
  name: text,
  formNumber: optionalText,
  originals: z.number().int().min(0),
  copies: z.number().int().min(0),
  note: optionalText,
});

/** One procedure as exported and imported (the API's field names). Unknown keys are refused. */
export const correctionSchema = z.strictObject({
  code: z.string().regex(/^\d\.\d{6}$/, "phải là mã thủ tục quốc gia, ví dụ 1.001193"),
  name: text,
  field: text,
  level: text,
  agency: optionalText,
  processingTime: optionalText,
  fee: optionalText,
  postalSubmission: z.boolean().nullable(),
  postalReturn: z.boolean().nullable(),
  documents: list(documentSchema),
  toShow: list(text),
  legalBasis: list(text),
  aliases: list(text),
  notes: list(text),
  sources: list(text.refine(isPublicSource, "phải là một địa chỉ http(s) hoặc tên một văn bản công khai (không ghi chú nội bộ)")),
  confidence: z.enum(["HIGH", "MEDIUM", "LOW"]),
  reviewStatus: z.enum(["PUBLISHED", "NEEDS_REVIEW", "WITHDRAWN"]),
  dataAsOf: optionalText,
  /**
   * When the record was last corrected as the export saw it (null: never): the version the file
   * was made from. A record whose procedure was corrected again since is refused, so replaying an
   * old export never silently undoes a newer correction. Absent in a hand-written record.
   */
  correctedAt: z.iso.datetime({ offset: true, message: "phải là correctedAt mà tệp xuất đã ghi (thời điểm ISO 8601) hoặc null" }).nullable().optional(),
});

export type CorrectionRecord = z.output<typeof correctionSchema>;

export interface RecordProblem {
  index: number;
  code: string | null;
  problems: string[];
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface PlannedCorrection {
  code: string;
  name: string;
  changes: FieldChange[];
  before: CorrectionRecord;
  after: CorrectionRecord;
}

export interface CorrectionPlan {
  corrections: PlannedCorrection[];
  unchanged: string[];
}

const include = { documents: { orderBy: { position: "asc" as const } } };

type StoredProcedure = NonNullable<Awaited<ReturnType<Db["procedure"]["findUnique"]>>> & {
  documents: { name: string; formNumber: string | null; originals: number; copies: number; note: string | null }[];
};

function toCorrectionRecord(p: StoredProcedure): CorrectionRecord {
  return {
    code: p.code,
    name: p.name,
    field: p.field,
    level: p.level,
    agency: p.agency,
    processingTime: p.processingTime,
    fee: p.fee,
    postalSubmission: p.postalSubmission,
    postalReturn: p.postalReturn,
    documents: p.documents.map((d) => ({ name: d.name, formNumber: d.formNumber, originals: d.originals, copies: d.copies, note: d.note })),
    toShow: p.toShow,
    legalBasis: p.legalBasis,
    aliases: p.aliases,
    notes: p.notes,
    sources: p.sources,
    confidence: p.confidence,
    reviewStatus: p.reviewStatus,
    dataAsOf: p.dataAsOf,
    correctedAt: p.correctedAt?.toISOString() ?? null,
  };
}

/** The procedures as an admin edits them: every one (`all`), or the codes given, in code order. */
export async function exportProcedures(db: Db, codes: string[] | "all"): Promise<CorrectionRecord[]> {
  const rows = await db.procedure.findMany({ where: codes === "all" ? {} : { code: { in: codes } }, include, orderBy: { code: "asc" } });
  if (codes !== "all") {
    const missing = codes.filter((c) => !rows.some((r) => r.code === c));
    if (missing.length) throw new AppError("NOT_FOUND", `Không có thủ tục mã ${missing.join(", ")} trong danh mục (no procedure with code ${missing.join(", ")}).`);
  }
  return rows.map(toCorrectionRecord);
}

/** Checks every record of an import file; the file is one record or an array of them. */
export interface ParsedCorrection {
  /** Its position in the file (0-based). */
  index: number;
  record: CorrectionRecord;
}

export function parseCorrections(raw: unknown): { records: ParsedCorrection[]; problems: RecordProblem[] } {
  const items = Array.isArray(raw) ? raw : [raw];
  const records: ParsedCorrection[] = [];
  const problems: RecordProblem[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const code = typeof (item as { code?: unknown } | null)?.code === "string" ? (item as { code: string }).code : null;
    const parsed = correctionSchema.safeParse(item, { error: VIETNAMESE_ISSUES });
    if (!parsed.success) {
      problems.push({ index, code, problems: parsed.error.issues.map((i) => `${issuePath(i.path) || "bản ghi"}: ${i.message}`) });
      return;
    }
    if (seen.has(parsed.data.code)) {
      problems.push({ index, code, problems: [`mã ${parsed.data.code} có hai lần trong tệp`] });
      return;
    }
    seen.add(parsed.data.code);
    records.push({ index, record: parsed.data });
  });
  if (items.length === 0) problems.push({ index: -1, code: null, problems: ["tệp không có thủ tục nào"] });
  return { records, problems };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sameInstant = (a: string | null, b: string | null): boolean => (a === null || b === null ? a === b : new Date(a).getTime() === new Date(b).getTime());

/** Field by field; documents position by position ("documents[2].note"). */
export function diffRecords(before: CorrectionRecord, after: CorrectionRecord): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of Object.keys(correctionSchema.shape) as (keyof CorrectionRecord)[]) {
    if (key === "documents" || key === "correctedAt") continue;
    if (!same(before[key], after[key])) changes.push({ field: key, before: before[key], after: after[key] });
  }
  const n = Math.max(before.documents.length, after.documents.length);
  for (let i = 0; i < n; i += 1) {
    const b = before.documents[i];
    const a = after.documents[i];
    if (!b || !a) {
      changes.push({ field: `documents[${i + 1}]`, before: b ?? null, after: a ?? null });
      continue;
    }
    for (const key of ["name", "formNumber", "originals", "copies", "note"] as const) {
      if (!same(b[key], a[key])) changes.push({ field: `documents[${i + 1}].${key}`, before: b[key], after: a[key] });
    }
  }
  return changes;
}

/** What the import would change; records for codes not in the catalog are problems. */
export async function planCorrections(db: Db, records: ParsedCorrection[]): Promise<{ plan: CorrectionPlan; problems: RecordProblem[] }> {
  const current = new Map((await exportProcedures(db, "all")).map((r) => [r.code, r]));
  const correctors = new Map((await db.procedure.findMany({ where: { correctedAt: { not: null } }, select: { code: true, correctedBy: true } })).map((p) => [p.code, p.correctedBy]));
  const plan: CorrectionPlan = { corrections: [], unchanged: [] };
  const problems: RecordProblem[] = [];
  records.forEach(({ index, record: after }) => {
    const before = current.get(after.code);
    if (!before) {
      problems.push({ index, code: after.code, problems: [`không có thủ tục mã ${after.code} trong danh mục (nhập tệp để sửa thủ tục đã có, không để thêm thủ tục mới)`] });
      return;
    }
    if (after.correctedAt !== undefined && !sameInstant(after.correctedAt, before.correctedAt ?? null)) {
      problems.push({
        index,
        code: after.code,
        problems: [
          `correctedAt: thủ tục đã được hiệu đính lúc ${before.correctedAt ?? "?"}${correctors.get(after.code) ? ` bởi ${correctors.get(after.code)}` : ""}, sau khi xuất tệp này (${after.correctedAt ?? "khi đó chưa hiệu đính lần nào"}); hãy xuất lại và sửa trên tệp mới — tệp cũ sẽ xóa mất bản hiệu đính mới hơn`,
        ],
      });
      return;
    }
    const changes = diffRecords(before, after);
    if (changes.length === 0) plan.unchanged.push(after.code);
    else plan.corrections.push({ code: after.code, name: before.name, changes, before, after });
  });
  return { plan, problems };
}

/**
 * Saves every planned correction in one transaction, with a revision each: the documents of all
 * of them deleted and written in one statement each, the revisions in one, and one update per
 * procedure — a correction of the whole catalog (`export --all`) is some 450 statements, given
 * minutes rather than Prisma's default 5 seconds for the transaction.
 */
export async function applyCorrections(db: Db, corrections: PlannedCorrection[], changedBy: string, now = new Date()): Promise<void> {
  if (corrections.length === 0) return;
  await db.$transaction(
    async (tx) => {
      // The difference shown (and confirmed) was planned against each procedure as it was then: a
      // correction saved since — another admin's import while this one waited for its "y", or one
      // running beside it — is refused here, the rows locked, so it is never silently undone.
      const codes = corrections.map((c) => c.code).sort();
      const locked = await tx.$queryRaw<{ code: string; correctedAt: Date | null; correctedBy: string | null }[]>`
        SELECT code, "correctedAt", "correctedBy" FROM "Procedure" WHERE code = ANY(${codes}::text[]) ORDER BY code FOR UPDATE`;
      const stored = new Map(locked.map((p) => [p.code, p]));
      const moved = corrections.filter((c) => {
        const p = stored.get(c.code);
        return !p || !sameInstant(p.correctedAt?.toISOString() ?? null, c.before.correctedAt ?? null);
      });
      if (moved.length) {
        const said = moved.map((c) => {
          const p = stored.get(c.code);
          return p ? `${c.code} (hiệu đính lúc ${p.correctedAt?.toISOString() ?? "?"}${p.correctedBy ? ` bởi ${p.correctedBy}` : ""})` : `${c.code} (không còn trong danh mục)`;
        });
        throw new AppError(
          "CONFLICT",
          `Chưa lưu: ${said.join(", ")} đã được người khác hiệu đính sau khi đọc phần khác biệt ở trên; hãy xuất lại và sửa trên tệp mới — chưa lưu gì.`,
        );
      }
      await tx.procedureDocument.deleteMany({ where: { procedureCode: { in: corrections.map((c) => c.code) } } });
      for (const c of corrections) {
        const { documents: _documents, code: _code, ...fields } = c.after;
        await tx.procedure.update({ where: { code: c.code }, data: { ...fields, correctedAt: now, correctedBy: changedBy } });
      }
      await tx.procedureDocument.createMany({ data: corrections.flatMap((c) => c.after.documents.map((d, i) => ({ ...d, position: i + 1, procedureCode: c.code }))) });
      await tx.procedureRevision.createMany({ data: corrections.map((c) => ({ procedureCode: c.code, changedBy, changedAt: now, before: c.before, after: c.after })) });
    },
    { maxWait: 30_000, timeout: 10 * 60_000 },
  );
}

/** One line per problem, as the README shows them: `bản ghi N (code): field: problem`. */
export function describeProblems(problems: RecordProblem[]): string[] {
  return problems.flatMap((p) => p.problems.map((problem) => `bản ghi ${p.index + 1}${p.code ? ` (${p.code})` : ""}: ${problem}`));
}

const show = (v: unknown): string => (v === null || v === undefined ? "(trống)" : JSON.stringify(v));

export function describePlan(plan: CorrectionPlan): string[] {
  const lines: string[] = [];
  for (const c of plan.corrections) {
    lines.push(`${c.code} ${c.name}`);
    for (const ch of c.changes) lines.push(`  ${ch.field}: ${show(ch.before)} → ${show(ch.after)}`);
  }
  if (plan.unchanged.length) lines.push(`không đổi: ${plan.unchanged.join(", ")}`);
  return lines;
}
