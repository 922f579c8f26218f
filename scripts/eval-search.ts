/**
 * Evaluates the procedure-catalog search on a file of questions with expected answers.
 *
 *   npx tsx scripts/eval-search.ts [queries.json]
 *
 * The file (default test/fixtures/queries-dev.json) is a JSON array of { q, expect }, where
 * expect is a procedure code or null ("no procedure in the catalog fits"). Prints each miss, then
 * the figures; exits with 1 if a target is missed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import type { SearchableProcedure } from "../src/catalog/search/index.js";
import { buildTieredIndex, searchTiered, type TieredProcedure, type TieredSearchIndex } from "../src/catalog/search/tiered.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface EvalQuery {
  q: string;
  expect: string | null;
}

export interface EvalFigures {
  answerable: number;
  noMatchQuestions: number;
  top1: number;
  top3: number;
  noMatchAnswered: number;
  falseMatchRate: number;
  wrongTop1: number;
  /** the top answer's score and whether it was right, for every question that got an answer */
  answered: { score: number; correct: boolean }[];
  misses: { q: string; expect: string | null; got: { code: string; score: number }[] }[];
}

interface CatalogEntry {
  code: string;
  name: string;
  field?: string | null;
  aliases?: string[];
  documents?: { name: string }[];
}

function readEntries(path: string, origin: TieredProcedure["origin"]): TieredProcedure[] {
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

/**
 * The catalog as `seed` publishes it: the curated procedures, then the portal's commune-level
 * list for every other code (or one file, when a path is given).
 */
export function loadCatalog(path?: string): TieredProcedure[] {
  if (path) return readEntries(path, "CURATED");
  const curated = readEntries(resolve(repoRoot, "prisma/seed/data/procedures.json"), "CURATED");
  const codes = new Set(curated.map((p) => p.code));
  const portal = readEntries(resolve(repoRoot, "prisma/seed/data/procedures-commune.json"), "PORTAL").filter((p) => !codes.has(p.code));
  return [...curated, ...portal];
}

export function loadQueries(path: string): EvalQuery[] {
  return JSON.parse(readFileSync(resolve(process.cwd(), path), "utf8")) as EvalQuery[];
}

export function evaluate(index: TieredSearchIndex, queries: readonly EvalQuery[]): EvalFigures {
  let answerable = 0, top1 = 0, top3 = 0, wrongTop1 = 0, noMatch = 0, noMatchAnswered = 0, falseMatches = 0;
  const misses: EvalFigures["misses"] = [];
  const answered: EvalFigures["answered"] = [];
  for (const { q, expect } of queries) {
    const results = searchTiered(index, q);
    const got = results.map((r) => ({ code: r.code, score: r.score }));
    if (results[0]) answered.push({ score: results[0].score, correct: results[0].code === expect });
    if (expect === null) {
      noMatch++;
      if (results.length === 0) noMatchAnswered++;
      else {
        falseMatches++;
        misses.push({ q, expect, got });
      }
      continue;
    }
    answerable++;
    const rank = results.findIndex((r) => r.code === expect);
    if (rank === 0) top1++;
    else {
      if (results.length > 0) wrongTop1++;
      misses.push({ q, expect, got });
    }
    if (rank >= 0 && rank < 3) top3++;
  }
  const share = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  return {
    answerable,
    noMatchQuestions: noMatch,
    top1: share(top1, answerable),
    top3: share(top3, answerable),
    noMatchAnswered: share(noMatchAnswered, noMatch),
    falseMatchRate: share(falseMatches, noMatch) * (noMatch === 0 ? 0 : 1),
    wrongTop1: share(wrongTop1, answerable) * (answerable === 0 ? 0 : 1),
    answered,
    misses,
  };
}

export const TARGETS = { top1: 0.95, top3: 0.99, noMatchAnswered: 0.9 } as const;

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function main(): void {
  const queryPath = process.argv[2] ?? resolve(repoRoot, "test/fixtures/queries-dev.json");
  const catalog = loadCatalog();
  const started = performance.now();
  buildTieredIndex(catalog);
  const firstBuildMs = performance.now() - started; // includes the JIT warming up
  const rebuilt = performance.now();
  const index = buildTieredIndex(catalog);
  const buildMs = performance.now() - rebuilt;
  const queries = loadQueries(queryPath);

  const t0 = performance.now();
  const figures = evaluate(index, queries);
  const perQueryMs = (performance.now() - t0) / Math.max(1, queries.length);

  for (const m of figures.misses) {
    const got = m.got.length === 0 ? "no match" : m.got.map((g) => `${g.code} (${g.score.toFixed(2)})`).join(", ");
    console.log(`MISS  ${JSON.stringify(m.q)}\n      expected ${m.expect ?? "no match"}, got ${got}`);
  }
  if (figures.misses.length > 0) console.log("");
  const curatedCount = catalog.filter((p) => p.origin === "CURATED").length;
  console.log(`catalog                           ${catalog.length} procedures (${curatedCount} curated, searched first; ${catalog.length - curatedCount} from the portal)`);
  console.log(`questions                         ${queries.length} (${figures.answerable} answerable, ${figures.noMatchQuestions} no-match)`);
  console.log(`top-1 accuracy                    ${pct(figures.top1)}  (target ≥ ${pct(TARGETS.top1)})`);
  console.log(`top-3 accuracy                    ${pct(figures.top3)}  (target ≥ ${pct(TARGETS.top3)})`);
  console.log(`no-match answered "no match"      ${pct(figures.noMatchAnswered)}  (target ≥ ${pct(TARGETS.noMatchAnswered)})`);
  console.log(`false-match rate                  ${pct(figures.falseMatchRate)}`);
  console.log(`wrong top-1 on answerable         ${pct(figures.wrongTop1)}`);
  console.log(
    `index build ${firstBuildMs.toFixed(1)} ms (first in this process), ${buildMs.toFixed(1)} ms (rebuild); search ${perQueryMs.toFixed(2)} ms/question`,
  );
  console.log("\ncalibration of the top answer (score band: answers, share right)");
  for (const [lo, hi] of [[0, 0.6], [0.6, 0.8], [0.8, 1.01]] as const) {
    const band = figures.answered.filter((a) => a.score >= lo && a.score < hi);
    const right = band.filter((a) => a.correct).length;
    const label = `${lo === 0 ? "below" : lo.toFixed(2)}–${hi > 1 ? "1.00" : hi.toFixed(2)}`.replace("below–", "< ");
    console.log(`  ${label.padEnd(10)} ${String(band.length).padStart(4)}  ${band.length ? pct(right / band.length) : "-"}`);
  }

  const missed =
    figures.top1 < TARGETS.top1 || figures.top3 < TARGETS.top3 || figures.noMatchAnswered < TARGETS.noMatchAnswered;
  if (missed) {
    console.log("\nTARGET MISSED");
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
