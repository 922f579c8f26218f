/**
 * The procedure catalog as compiled in prisma/seed/data/procedures.json, checked entry by entry
 * before anything is published. An entry that fails a check is not seeded, and the seed says why.
 *
 * What gets published:
 * - `confidence: high` → PUBLISHED (shown as is, with its sources and "data as of").
 * - `medium` / `low` → NEEDS_REVIEW: still answered to citizens (the alternative is no answer at
 *   all) but flagged to staff and shown with a note to confirm at the desk.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { projectRoot } from "../paths.js";
import { normalizeInput } from "../text/vietnamese.js";

export const proceduresJsonPath = path.join(projectRoot, "prisma", "seed", "data", "procedures.json");

const text = z.string().transform(normalizeInput).pipe(z.string().min(1, "must not be empty"));
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v == null || normalizeInput(v) === "" ? null : normalizeInput(v)));

const documentSchema = z.object({
  name: text,
  form: optionalText,
  original: z.number().int().min(0).default(0),
  copy: z.number().int().min(0).default(0),
  note: optionalText,
});

export const procedureEntrySchema = z.object({
  code: z.string().regex(/^\d\.\d{6}$/, "must be a national procedure code such as 1.001193"),
  name: text,
  field: text,
  level: text,
  agency: text,
  processing_time: text,
  fee: text,
  postal: z.boolean().nullable(),
  documents: z.array(documentSchema).min(1, "must list at least one document"),
  to_show: z.array(text).default([]),
  legal_basis: z.array(text).min(1, "must cite a legal basis"),
  aliases: z.array(text).default([]),
  sources: z.array(text).min(1, "must say where the facts come from"),
  confidence: z.enum(["high", "medium", "low"]),
  notes: z.array(text).default([]),
  data_as_of: optionalText,
});

export type ProcedureEntry = z.output<typeof procedureEntrySchema>;

export interface ProcedureRecord {
  code: string;
  name: string;
  field: string;
  level: string;
  /** null: the source leaves it empty (citizens are told it is unknown and where to ask). */
  agency: string | null;
  processingTime: string | null;
  fee: string | null;
  postalSubmission: boolean | null;
  postalReturn: boolean | null;
  legalBasis: string[];
  aliases: string[];
  toShow: string[];
  notes: string[];
  sources: string[];
  confidence: "HIGH" | "MEDIUM" | "LOW";
  reviewStatus: "PUBLISHED" | "NEEDS_REVIEW";
  dataAsOf: string | null;
  sourceHash: string;
  documents: { position: number; name: string; formNumber: string | null; originals: number; copies: number; note: string | null }[];
}

export interface CatalogCheck {
  accepted: ProcedureRecord[];
  rejected: { index: number; code: string | null; problems: string[] }[];
}

function toRecord(entry: ProcedureEntry): ProcedureRecord {
  const documents = entry.documents.map((d, i) => ({
    position: i + 1,
    name: d.name,
    formNumber: d.form,
    originals: d.original,
    copies: d.copy,
    note: d.note,
  }));
  const record = {
    code: entry.code,
    name: entry.name,
    field: entry.field,
    level: entry.level,
    agency: entry.agency,
    processingTime: entry.processing_time,
    fee: entry.fee,
    postalSubmission: entry.postal,
    postalReturn: entry.postal,
    legalBasis: entry.legal_basis,
    aliases: [...new Set(entry.aliases)],
    toShow: entry.to_show,
    notes: entry.notes,
    sources: entry.sources,
    confidence: entry.confidence.toUpperCase() as ProcedureRecord["confidence"],
    reviewStatus: entry.confidence === "high" ? ("PUBLISHED" as const) : ("NEEDS_REVIEW" as const),
    dataAsOf: entry.data_as_of,
    documents,
  };
  const sourceHash = createHash("sha256").update(JSON.stringify(record)).digest("hex");
  return { ...record, sourceHash };
}

/** Checks every entry; returns what can be published and what cannot (with the reasons). */
export function checkCatalog(raw: unknown): CatalogCheck {
  if (!Array.isArray(raw)) return { accepted: [], rejected: [{ index: -1, code: null, problems: ["the file must hold a JSON array"] }] };
  const accepted: ProcedureRecord[] = [];
  const rejected: CatalogCheck["rejected"] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const code = typeof (item as { code?: unknown })?.code === "string" ? (item as { code: string }).code : null;
    const parsed = procedureEntrySchema.safeParse(item);
    if (!parsed.success) {
      rejected.push({ index, code, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "entry"}: ${i.message}`) });
      return;
    }
    if (seen.has(parsed.data.code)) {
      rejected.push({ index, code, problems: [`code ${parsed.data.code} appears twice`] });
      return;
    }
    seen.add(parsed.data.code);
    accepted.push(toRecord(parsed.data));
  });
  return { accepted, rejected };
}

export async function readCatalogSource(file = proceduresJsonPath): Promise<CatalogCheck> {
  return checkCatalog(JSON.parse(await readFile(file, "utf8")));
}
