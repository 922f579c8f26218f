/**
 * Fits the constants of the sibling and variant steps of the catalog search (SiblingTuning in
 * src/catalog/search/index.ts) on the dev questions, keeping blind batches out of the fit:
 *
 *   npx tsx scripts/fit-siblings.ts                  the batches kept out are the unseen ones (UNSEEN_BATCHES)
 *   npx tsx scripts/fit-siblings.ts --keep-out dev5  dev5 too (comma-separated for several)
 *
 * The unseen batches are always kept out: a fit on them would make them seen.
 *
 * Prints the figures (top-1 / top-3 / correct no-match / out-of-scope false matches) of the
 * product's constants, of each constant moved alone over a grid, then a 5-fold cross-validation of
 * a coordinate search over the grid on the other questions (a move must gain 2 questions on the
 * training folds: target = top-1 + top-3 / 2 + correct no-match − 2 × out-of-scope false matches),
 * and what the search chooses on all of them, with its figures on the batches kept out. The
 * held-out file is never read. Each configuration takes a few seconds (the index is built once).
 */
import { askCatalog, buildSearchIndex, SIBLING_TUNING, withSiblingTuning, type SiblingTuning } from "../src/catalog/search/index.js";
import { batchOf, DEV_PATH, loadCatalog, loadQuestions, UNSEEN_BATCHES, type EvalQuestion } from "./eval-search.js";

const GRID: { [K in keyof SiblingTuning]: number[] } = {
  closeRank: [0.1, 0.2, 0.3, 0.4, 0.5],
  closeMax: [3, 4, 6, 10],
  siblingShare: [0.4, 0.5, 0.6, 0.7, 0.8],
  differenceWeight: [0, 0.15, 0.25, 0.35, 0.45, 0.6],
  unsaidWeight: [0, 0.15, 0.3, 0.45],
  variantClearlyAhead: [0, 0.05, 0.15, 0.25, 0.4],
  saidOverPlain: [0, 0.1, 0.2, 0.3, 0.45],
};

const keepOutAt = process.argv.indexOf("--keep-out");
const keptOutBatches = new Set([...UNSEEN_BATCHES, ...(keepOutAt > 0 ? process.argv[keepOutAt + 1]!.split(",") : [])]);
const keptOut = [...keptOutBatches].join("+");
const index = buildSearchIndex(loadCatalog());
const questions = loadQuestions(DEV_PATH);
const fitted = questions.map((q) => !keptOutBatches.has(batchOf(q)));

/** Per question: top-1 (1) and top-3 (2) for an answerable one; correct no-match (1) and out-of-scope false match (2) for one expecting none. */
function outcome(tuning: SiblingTuning, q: EvalQuestion): number {
  const answer = askCatalog(withSiblingTuning(index, tuning), q.q);
  const results = answer.kind === "match" || answer.kind === "choices" ? answer.results : [];
  if (q.expect === null) return (results.length === 0 ? 1 : 0) | (q.kind === "out-of-scope" && results.length > 0 ? 2 : 0);
  const right = Array.isArray(q.expect) ? q.expect : [q.expect];
  const rank = results.findIndex((r) => right.includes(r.code));
  return (rank === 0 ? 1 : 0) | (rank >= 0 && rank < 3 ? 2 : 0);
}

const cache = new Map<string, number[]>();
function run(tuning: SiblingTuning): number[] {
  const key = JSON.stringify(tuning);
  let out = cache.get(key);
  if (out === undefined) cache.set(key, (out = questions.map((q) => outcome(tuning, q))));
  return out;
}

function counts(out: number[], pick: (i: number) => boolean) {
  const c = { answerable: 0, top1: 0, top3: 0, none: 0, noMatch: 0, oos: 0, oosFalse: 0 };
  questions.forEach((q, i) => {
    if (!pick(i)) return;
    const o = out[i]!;
    if (q.expect === null) {
      c.none++;
      if (o & 1) c.noMatch++;
      if (q.kind === "out-of-scope") {
        c.oos++;
        if (o & 2) c.oosFalse++;
      }
    } else {
      c.answerable++;
      if (o & 1) c.top1++;
      if (o & 2) c.top3++;
    }
  });
  return c;
}

const target = (out: number[], pick: (i: number) => boolean): number => {
  const c = counts(out, pick);
  return c.top1 + c.top3 / 2 + c.noMatch - 2 * c.oosFalse;
};
const pct = (a: number, b: number): string => (b === 0 ? "-" : ((100 * a) / b).toFixed(1)).padStart(5);
const figures = (out: number[], pick: (i: number) => boolean): string => {
  const c = counts(out, pick);
  return `${pct(c.top1, c.answerable)} ${pct(c.top3, c.answerable)} ${pct(c.noMatch, c.none)} ${pct(c.oosFalse, c.oos)}`;
};
const row = (label: string, out: number[]): void => console.log(`${label.padEnd(28)} fitted ${figures(out, (i) => fitted[i]!)}   ${keptOut} ${figures(out, (i) => !fitted[i]!)}`);

function descend(pick: (i: number) => boolean): SiblingTuning {
  let best: SiblingTuning = { ...SIBLING_TUNING };
  let bestTarget = target(run(best), pick);
  for (let round = 0; round < 3; round++) {
    let moved = false;
    for (const [k, values] of Object.entries(GRID) as [keyof SiblingTuning, number[]][]) {
      for (const v of values) {
        const t = { ...best, [k]: v };
        const got = target(run(t), pick);
        if (got >= bestTarget + 2) [best, bestTarget, moved] = [t, got, true];
      }
    }
    if (!moved) break;
  }
  return best;
}

console.log(`figures: top-1 top-3 no-match oos-false (%), on the fitted questions and on ${keptOut} (kept out)`);
const base = run({ ...SIBLING_TUNING });
row("product constants", base);
for (const [k, values] of Object.entries(GRID) as [keyof SiblingTuning, number[]][]) {
  for (const v of values) if (v !== SIBLING_TUNING[k]) row(`  ${k} = ${v}`, run({ ...SIBLING_TUNING, [k]: v }));
}

const FOLDS = 5;
const fold = questions.map((_, i) => (i * 7919) % FOLDS);
const crossValidated = new Array<number>(questions.length).fill(0);
for (let k = 0; k < FOLDS; k++) {
  const chosen = descend((i) => fitted[i]! && fold[i] !== k);
  const out = run(chosen);
  questions.forEach((_, i) => {
    if (fitted[i] && fold[i] === k) crossValidated[i] = out[i]!;
  });
  console.log(`fold ${k} chooses ${JSON.stringify(chosen)}`);
}
console.log(`cross-validated (fitted questions): ${figures(crossValidated, (i) => fitted[i]!)}   product constants: ${figures(base, (i) => fitted[i]!)}`);
const chosen = descend((i) => fitted[i]!);
console.log(`chosen on all fitted questions: ${JSON.stringify(chosen)}`);
row("chosen", run(chosen));
