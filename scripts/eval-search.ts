/**
 * Evaluates the procedure-catalog search (the answer `ask` gives) on the dev questions and the
 * held-out questions, side by side, against the targets of issue 8 §2.
 *
 *   npm run eval:search                         dev misses, then both sets' figures
 *   npm run eval:search -- --dev-only           the dev set alone (the held-out file is not read): use while tuning
 *   npm run eval:search -- --show-holdout-misses   also the held-out misses (do not use while tuning)
 *   npm run eval:search -- --dev-only --by-batch   also the dev figures per batch (the `style` prefix: dev2-, dev3-, …; "base" for the rest)
 *
 * The misses of the newest blind dev batches (UNSEEN_BATCHES) are not printed: they are kept as
 * checks nobody has tuned on, seen through their figures only (`--by-batch`) until they are moved
 * out of the list. `--show-unseen-misses` prints them too (then they are no longer unseen: move
 * them out of the list).
 *
 * Files: test/fixtures/search/dev.json (tuned on) and test/fixtures/search/holdout.json (written
 * blind, never tuned on; its questions are not printed). Each is a JSON array of
 * { q, expect: code | code[] | null, kind, style }; an array means any of those codes is right.
 * Exits with 1 when a held-out target is missed.
 */
import { readProcedureAliases } from "../src/catalog/source.js";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { askCatalog, buildSearchIndex, type CatalogSearchIndex, type SearchableProcedure } from "../src/catalog/search/index.js";
import type { SearchAnswer } from "../src/catalog/search/answer.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEV_PATH = resolve(repoRoot, "test/fixtures/search/dev.json");
export const HOLDOUT_PATH = resolve(repoRoot, "test/fixtures/search/holdout.json");

const Question = z.object({
  q: z.string(),
  expect: z.union([z.string(), z.array(z.string()).min(1), z.null()]),
  kind: z.enum(["curated", "portal", "out-of-scope", "absurd", "unrelated"]),
  style: z.string().optional(),
});
export type EvalQuestion = z.infer<typeof Question>;

/** Dev batches whose questions are not printed (see the header). */
export const UNSEEN_BATCHES: readonly string[] = ["dev29", "dev30"];

export const TARGETS = { top1: 0.9, top3: 0.97, noMatch: 0.9, falseMatchOutOfScope: 0.05 } as const;

interface CatalogEntry {
  code: string;
  name: string;
  field?: string | null;
  aliases?: string[];
  documents?: { name: string }[];
}

function readEntries(path: string, origin: "CURATED" | "PORTAL"): SearchableProcedure[] {
  const entries = JSON.parse(readFileSync(path, "utf8")) as CatalogEntry[];
  return entries.map((e) => ({
    code: e.code,
    name: e.name,
    field: e.field ?? null,
    aliases: e.aliases ?? [],
    documentNames: (e.documents ?? []).map((d) => d.name),
    origin,
  }));
}

/** The catalog as `seed` publishes it: the curated procedures, then the portal's list for every other code. */
export function loadCatalog(): SearchableProcedure[] {
  // the aliases of prisma/seed/data/procedure-aliases/ are added to both, as `seed` does
  const extra = readProcedureAliases();
  const withExtra = (p: SearchableProcedure): SearchableProcedure => ({ ...p, aliases: [...p.aliases, ...(extra.get(p.code) ?? [])] });
  const curated = readEntries(resolve(repoRoot, "prisma/seed/data/procedures.json"), "CURATED").map(withExtra);
  const codes = new Set(curated.map((p) => p.code));
  const portal = readEntries(resolve(repoRoot, "prisma/seed/data/procedures-commune.json"), "PORTAL")
    .filter((p) => !codes.has(p.code))
    .map(withExtra);
  return [...curated, ...portal];
}

export function loadQuestions(path: string): EvalQuestion[] {
  return z.array(Question).parse(JSON.parse(readFileSync(path, "utf8")));
}

export interface EvalFigures {
  questions: number;
  answerable: number;
  noMatchQuestions: number;
  outOfScopeQuestions: number;
  top1: number;
  top3: number;
  /** share of questions expecting no procedure that got none (out of scope or no match) */
  noMatch: number;
  /** share of kind "out-of-scope" questions that got any procedure */
  falseMatchOutOfScope: number;
  /** the top answer's score and whether it was right, for every question that got a procedure */
  answered: { score: number; correct: boolean }[];
  /** per kind of question: how many, and how many got the right answer (top-1, or no procedure) */
  byKind: Map<string, { n: number; right: number }>;
  misses: { q: string; expect: EvalQuestion["expect"]; kind: string; got: string }[];
}

export function describeAnswer(a: SearchAnswer): string {
  switch (a.kind) {
    case "match":
      return a.results.map((r) => `${r.code} (${r.score.toFixed(2)})`).join(", ");
    case "choices":
      return `choices: ${a.results.map((r) => `${r.code} [${r.variant ?? ""}]`).join(", ")}`;
    case "out-of-scope":
      return `out of scope: ${a.topic}`;
    case "no-match":
      return "no match";
  }
}

export function evaluate(index: CatalogSearchIndex, questions: readonly EvalQuestion[]): EvalFigures {
  let answerable = 0, top1 = 0, top3 = 0, noMatchQ = 0, noMatchOk = 0, oosQ = 0, oosMatched = 0;
  const misses: EvalFigures["misses"] = [];
  const answered: EvalFigures["answered"] = [];
  const byKind: EvalFigures["byKind"] = new Map();
  for (const { q, expect, kind } of questions) {
    const answer = askCatalog(index, q);
    const results = answer.kind === "match" || answer.kind === "choices" ? answer.results : [];
    const right = expect === null ? [] : Array.isArray(expect) ? expect : [expect];
    if (results[0]) answered.push({ score: results[0].score, correct: right.includes(results[0].code) });
    if (kind === "out-of-scope") {
      oosQ++;
      if (results.length > 0) oosMatched++;
    }
    const k = byKind.get(kind) ?? { n: 0, right: 0 };
    byKind.set(kind, k);
    k.n++;
    if (expect === null ? results.length === 0 : right.includes(results[0]?.code ?? "")) k.right++;
    if (expect === null) {
      noMatchQ++;
      if (results.length === 0) noMatchOk++;
      else misses.push({ q, expect, kind, got: describeAnswer(answer) });
      continue;
    }
    answerable++;
    const rank = results.findIndex((r) => right.includes(r.code));
    if (rank === 0) top1++;
    else misses.push({ q, expect, kind, got: describeAnswer(answer) });
    if (rank >= 0 && rank < 3) top3++;
  }
  const share = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  return {
    questions: questions.length,
    answerable,
    noMatchQuestions: noMatchQ,
    outOfScopeQuestions: oosQ,
    top1: share(top1, answerable),
    top3: share(top3, answerable),
    noMatch: share(noMatchOk, noMatchQ),
    falseMatchOutOfScope: oosQ === 0 ? 0 : oosMatched / oosQ,
    answered,
    byKind,
    misses,
  };
}

export function heldOutTargetsMet(f: EvalFigures): boolean {
  return f.top1 >= TARGETS.top1 && f.top3 >= TARGETS.top3 && f.noMatch >= TARGETS.noMatch && f.falseMatchOutOfScope <= TARGETS.falseMatchOutOfScope;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function main(): void {
  const devOnly = process.argv.includes("--dev-only");
  const showHoldoutMisses = process.argv.includes("--show-holdout-misses");
  const byBatch = process.argv.includes("--by-batch");
  if (devOnly && showHoldoutMisses) throw new Error("--dev-only and --show-holdout-misses exclude each other");
  const index = buildSearchIndex(loadCatalog());
  const devQuestions = loadQuestions(DEV_PATH);
  const dev = evaluate(index, devQuestions);
  // --dev-only: the held-out file is not even read
  const holdout = !devOnly && existsSync(HOLDOUT_PATH) ? evaluate(index, loadQuestions(HOLDOUT_PATH)) : null;

  const unseen = process.argv.includes("--show-unseen-misses") ? new Set<string>() : new Set(devQuestions.filter((q) => UNSEEN_BATCHES.includes(batchOf(q))).map((q) => q.q));
  const hidden = dev.misses.filter((m) => unseen.has(m.q)).length;
  for (const m of dev.misses) {
    if (unseen.has(m.q)) continue;
    const expected = m.expect === null ? "no procedure" : Array.isArray(m.expect) ? m.expect.join(" | ") : m.expect;
    console.log(`MISS  ${JSON.stringify(m.q)} [${m.kind}]\n      expected ${expected}, got ${m.got}`);
  }
  if (hidden > 0) console.log(`(${hidden} misses of ${UNSEEN_BATCHES.join(", ")} not printed: the newest blind batches, kept unseen)`);
  if (dev.misses.length > 0) console.log("");
  if (holdout && showHoldoutMisses) {
    for (const m of holdout.misses) console.log(`HELD-OUT MISS  ${JSON.stringify(m.q)} [${m.kind}] got ${m.got}`);
    console.log("");
  }

  const col = (s: string, w = 14): string => s.padStart(w);
  console.log(`${"".padEnd(36)}${col("dev")}${col("held-out")}${col("target")}`);
  const row = (label: string, get: (f: EvalFigures) => string, target: string): void =>
    console.log(`${label.padEnd(36)}${col(get(dev))}${col(holdout ? get(holdout) : "—")}${col(target)}`);
  row("questions", (f) => `${f.questions}`, "");
  row("  answerable / expecting none", (f) => `${f.answerable} / ${f.noMatchQuestions}`, "");
  row("top-1", (f) => pct(f.top1), `≥ ${pct(TARGETS.top1)}`);
  row("top-3", (f) => pct(f.top3), `≥ ${pct(TARGETS.top3)}`);
  row("correct no-match", (f) => pct(f.noMatch), `≥ ${pct(TARGETS.noMatch)}`);
  row("false matches on out-of-scope", (f) => `${pct(f.falseMatchOutOfScope)} of ${f.outOfScopeQuestions}`, `≤ ${pct(TARGETS.falseMatchOutOfScope)}`);

  for (const kind of ["curated", "portal", "out-of-scope", "absurd", "unrelated"]) {
    const show = (f: EvalFigures): string => {
      const k = f.byKind.get(kind);
      return k ? `${k.right}/${k.n}` : "—";
    };
    row(`  right answers, ${kind}`, show, "");
  }
  console.log("\ncalibration of the top answer on dev (score band: answers, share right)");
  for (const [lo, hi] of [[0, 0.5], [0.5, 0.7], [0.7, 0.85], [0.85, 1.01]] as const) {
    const band = dev.answered.filter((a) => a.score >= lo && a.score < hi);
    const right = band.filter((a) => a.correct).length;
    console.log(`  ${`${lo.toFixed(2)}–${Math.min(1, hi).toFixed(2)}`.padEnd(10)} ${String(band.length).padStart(4)}  ${band.length ? pct(right / band.length) : "-"}`);
  }

  if (byBatch) printByBatch(index, devQuestions);

  if (!holdout) {
    console.log(devOnly ? "\n--dev-only: the held-out set was not read." : `\n${HOLDOUT_PATH} is not there yet: dev figures only.`);
    return;
  }
  if (!heldOutTargetsMet(holdout)) {
    console.log("\nHELD-OUT TARGET MISSED");
    process.exitCode = 1;
  }
}

/** The batch a dev question came from: its `style` prefix ("dev5-colloquial" → "dev5"), or "base". */
export function batchOf(q: EvalQuestion): string {
  return /^(dev\d+)-/.exec(q.style ?? "")?.[1] ?? "base";
}

function printByBatch(index: CatalogSearchIndex, questions: readonly EvalQuestion[]): void {
  const batches = [...new Set(questions.map(batchOf))].sort();
  console.log(`\ndev figures per batch${"".padEnd(10)}${["questions", "top-1", "top-3", "no-match", "oos false"].map((h) => h.padStart(11)).join("")}`);
  for (const b of batches) {
    const f = evaluate(index, questions.filter((q) => batchOf(q) === b));
    const cells = [`${f.questions}`, pct(f.top1), pct(f.top3), pct(f.noMatch), pct(f.falseMatchOutOfScope)];
    console.log(`  ${b.padEnd(29)}${cells.map((c) => c.padStart(11)).join("")}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
