/**
 * The search's inverted index: BM25+ over a few fields, exact terms only (no prefix or fuzzy
 * matching: the query side repairs typing slips itself, query.ts and typos.ts).
 *
 * It scores exactly as MiniSearch 7 did (the library it replaces, same arithmetic in the same
 * order, so the same questions get the same answers): k 1.2, b 0.7, d 0.5; a field's length is
 * how many distinct terms it has; a document's score is the sum over the query's terms (in
 * order) of the sum over fields (in order) of term boost × field boost × BM25+, times how many of
 * the query's terms it matches. It keeps only what the search needs: a map from term to the
 * documents (ids in the order added) and term counts of each field, built in one pass without the
 * radix tree prefix search needs (which was the largest part of building the index).
 */

const K = 1.2;
const B = 0.7;
const D = 0.5;

interface Postings {
  /** document ids, ascending (documents are added in id order) */
  docs: number[];
  /** how many times the term occurs in the field of each of those documents */
  counts: number[];
}

export interface Bm25Hit {
  id: number;
  score: number;
}

export class Bm25Index {
  /** per field: term → postings */
  private readonly postings: Map<string, Postings>[];
  /** per document, per field: how many distinct terms (document id × fields + field) */
  private readonly lengths: number[] = [];
  /** per field: the average length, updated as MiniSearch updates it (the same rounding) */
  private readonly averageLength: number[];
  private count = 0;

  constructor(private readonly fieldCount: number) {
    this.postings = Array.from({ length: fieldCount }, () => new Map());
    this.averageLength = Array.from({ length: fieldCount }, () => 0);
  }

  /** Adds the next document (its id is the number of documents added before it): each field's terms, repeats counting. */
  add(fields: readonly (readonly string[])[]): number {
    const id = this.count;
    for (let f = 0; f < this.fieldCount; f++) {
      const map = this.postings[f]!;
      let distinct = 0;
      for (const term of fields[f] ?? []) {
        let p = map.get(term);
        if (p === undefined) map.set(term, (p = { docs: [], counts: [] }));
        const last = p.docs.length - 1;
        if (last >= 0 && p.docs[last] === id) p.counts[last]! += 1;
        else {
          p.docs.push(id);
          p.counts.push(1);
          distinct += 1;
        }
      }
      this.lengths.push(distinct);
      this.averageLength[f] = (this.averageLength[f]! * id + distinct) / (id + 1);
    }
    this.count += 1;
    return id;
  }

  /**
   * The documents matching any of the terms, best first (equal scores in the order first matched).
   * `boost` weighs each field; `termBoost` each term.
   */
  search(terms: readonly string[], boost: readonly number[], termBoost: (term: string) => number): Bm25Hit[] {
    const n = this.count;
    const total = new Float64Array(n);
    const matched = new Int32Array(n);
    const order: number[] = [];
    const termScore = new Float64Array(n);
    const inTerm = new Uint8Array(n);
    const touched: number[] = [];
    const seenTerms = new Set<string>();
    for (const term of terms) {
      const weight = termBoost(term);
      const repeated = seenTerms.has(term);
      seenTerms.add(term);
      touched.length = 0;
      for (let f = 0; f < this.fieldCount; f++) {
        const p = this.postings[f]!.get(term);
        if (p === undefined) continue;
        const matching = p.docs.length;
        const average = this.averageLength[f]!;
        const fieldBoost = boost[f] ?? 1;
        const idf = Math.log(1 + (n - matching + 0.5) / (matching + 0.5));
        for (let i = 0; i < matching; i++) {
          const doc = p.docs[i]!;
          const tf = p.counts[i]!;
          const length = this.lengths[doc * this.fieldCount + f]!;
          const raw = idf * (D + (tf * (K + 1)) / (tf + K * (1 - B + (B * length) / average)));
          const weighted = weight * fieldBoost * raw;
          if (inTerm[doc] === 0) {
            inTerm[doc] = 1;
            touched.push(doc);
            termScore[doc] = weighted;
          } else termScore[doc] = termScore[doc]! + weighted;
        }
      }
      for (const doc of touched) {
        if (matched[doc] === 0) {
          order.push(doc);
          total[doc] = termScore[doc]!;
          matched[doc] = 1;
        } else {
          total[doc] = total[doc]! + termScore[doc]!;
          if (!repeated) matched[doc] = matched[doc]! + 1;
        }
        inTerm[doc] = 0;
      }
    }
    return order.map((id) => ({ id, score: total[id]! * matched[id]! })).sort((a, b) => b.score - a.score);
  }
}
