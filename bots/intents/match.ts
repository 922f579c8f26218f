/**
 * Intents matched on the same accent-aware tokens as the catalog search (src/catalog/search/
 * tokenize.ts), not on regular expressions over text stripped of its marks:
 *
 * - a phrase of the vocabulary (bots/intents/vocabulary.ts) matches syllable by syllable on the
 *   diacritic-free key; where the citizen typed a tone mark and the vocabulary has one, the tones
 *   must agree too ("làm hộ" is not "làm hồ"); unmarked typing matches by key alone;
 * - compound words ("hồ sơ", "hộ khẩu", "hộ kinh doanh", "mai táng phí", or words of the procedure
 *   under discussion) are units: a phrase never matches part of one, nor runs across one's edge
 *   ("làm hộ" is not in "làm hồ sơ" even typed "lam ho so"; "phí" is not in "mai táng phí").
 */
import { tokenize, type Token } from "../../src/catalog/search/tokenize.js";
import { canonicalSyllable } from "../../src/text/vietnamese.js";

/** A phrase of the vocabulary, tokenized once. */
export interface Phrase {
  readonly text: string;
  readonly tokens: readonly Token[];
}

/** Alternatives for one position of a pattern (each a phrase). */
export type Alternatives = readonly string[];
/** One position of a pattern: alternatives, an optional one, any number of them, or a gap of any words. */
export type Slot = Alternatives | { readonly optional: Alternatives } | { readonly many: Alternatives } | "…";
/** A sequence of slots, found anywhere in the message, at its start, or as the whole of it. */
export interface Pattern {
  readonly at?: "anywhere" | "start" | "whole";
  readonly slots: readonly Slot[];
}
/** An intent: any of its patterns (a plain string is one phrase found anywhere). */
export type IntentSpec = readonly (string | Pattern)[];

const phraseCache = new Map<string, Phrase>();
export function phrase(text: string): Phrase {
  let p = phraseCache.get(text);
  if (!p) {
    p = { text, tokens: tokenize(text) };
    phraseCache.set(text, p);
  }
  return p;
}

/**
 * Whether a typed token is the vocabulary's token: same key, and the same tone when both carry
 * marks. In a message typed with marks (`strict`), a word typed without any is taken as written:
 * "bao" there is "bao", not "bảo".
 */
function sameWord(typed: Token, wanted: Token, strict: boolean): boolean {
  if (typed.key !== wanted.key) return false;
  if (!wanted.marked) return true;
  if (!typed.marked) return !strict;
  // The same vowels with the tone mark left out ("kêt" for "kết") is a slip, not another word;
  // other vowels ("căn" for "cần") or another tone ("hồ" for "hộ") are another word.
  const [typedBase, typedTone] = splitTone(typed.tone);
  const [wantedBase, wantedTone] = splitTone(wanted.tone);
  return typedBase === wantedBase && (typedTone === wantedTone || typedTone === "");
}

function splitTone(signature: string): [base: string, tone: string] {
  const tone = /\d$/.test(signature) ? signature.slice(-1) : "";
  // "ký" and "kí" are one word (canonicalSyllable), "đ" is compared by the key already
  return [canonicalSyllable((tone ? signature.slice(0, -1) : signature).replace(/đ/g, "d")), tone];
}

/** A compound word (a phrase may contain it whole) or a run of a procedure's name (a phrase may not even equal it). */
type Span = readonly [start: number, end: number, name: boolean];

/** A citizen's message, tokenized once, with the compound words found in it. */
export class Utterance {
  readonly tokens: readonly Token[];
  private readonly strict: boolean;
  private readonly compounds: Span[] = [];

  constructor(
    readonly text: string,
    compounds: Iterable<string> = [],
  ) {
    this.tokens = tokenize(text);
    // typed with marks: most words carry them (a Vietnamese keyboard), so an unmarked word is meant so
    this.strict = this.tokens.filter((t) => t.marked).length * 2 > this.tokens.length;
    for (const c of compounds) this.addCompound(c);
  }

  /** Marks every occurrence of `words` as one unit. */
  addCompound(words: string): void {
    const p = phrase(words);
    if (p.tokens.length < 2) return;
    for (let i = 0; i + p.tokens.length <= this.tokens.length; i += 1) {
      if (p.tokens.every((t, j) => sameWord(this.tokens[i + j]!, t, this.strict))) this.compounds.push([i, i + p.tokens.length, false]);
    }
  }

  /**
   * Marks as units the runs of two or more words the message shares with a procedure's name or
   * aliases (so "phí" in "hỗ trợ mai táng phí" is part of the name, not a question about the fee).
   * A run made only of words at `asking` (the words that ask something) is no part of a name: an
   * alias that itself asks ("… cần giấy gì") does not hide the same question in the message.
   */
  addNameWords(names: Iterable<string>, asking: ReadonlySet<number> = new Set()): void {
    for (const [i, end] of this.nameRuns(names)) {
      if (Array.from({ length: end - i }, (_, k) => i + k).every((k) => asking.has(k))) continue;
      this.compounds.push([i, end, true]);
    }
  }

  /** The positions of the message's words that are in runs of two or more words of one of `names`. */
  nameWords(names: Iterable<string>): Set<number> {
    const at = new Set<number>();
    for (const [i, end] of this.nameRuns(names)) for (let k = i; k < end; k += 1) at.add(k);
    return at;
  }

  private nameRuns(names: Iterable<string>): [number, number][] {
    const runs: [number, number][] = [];
    for (const name of names) {
      const n = phrase(name).tokens;
      for (let i = 0; i < this.tokens.length; i += 1) {
        for (let k = 0; k < n.length; k += 1) {
          let len = 0;
          while (i + len < this.tokens.length && k + len < n.length && sameWord(this.tokens[i + len]!, n[k + len]!, this.strict)) len += 1;
          if (len >= 2) runs.push([i, i + len]);
        }
      }
    }
    return runs;
  }

  /** Whether `words` matches at token `at` (returns the end index), respecting compounds. */
  private phraseAt(words: string, at: number): number | null {
    const p = phrase(words).tokens;
    if (p.length === 0 || at + p.length > this.tokens.length) return null;
    for (let j = 0; j < p.length; j += 1) if (!sameWord(this.tokens[at + j]!, p[j]!, this.strict)) return null;
    const end = at + p.length;
    // Never a part of a compound word, nor across its edge: disjoint from it, or containing it
    // whole (and more than the name's own words: "giấy tờ" in "chứng thực bản sao giấy tờ" is the name).
    for (const [a, b, name] of this.compounds) {
      const disjoint = end <= a || at >= b;
      const contains = at <= a && b <= end && !(name && at === a && end === b);
      if (!disjoint && !contains) return null;
    }
    return end;
  }

  /** Ends of the matches of `slots[s…]` starting at token `at`. */
  private match(slots: readonly Slot[], s: number, at: number): number[] {
    if (s === slots.length) return [at];
    const slot = slots[s]!;
    const ends: number[] = [];
    if (slot === "…") {
      for (let k = at; k <= this.tokens.length; k += 1) ends.push(...this.match(slots, s + 1, k));
      return ends;
    }
    const alternatives = "optional" in slot ? slot.optional : "many" in slot ? slot.many : (slot as Alternatives);
    if ("optional" in slot || "many" in slot) ends.push(...this.match(slots, s + 1, at));
    for (const words of alternatives) {
      const end = this.phraseAt(words, at);
      if (end === null) continue;
      if ("many" in slot) ends.push(...this.match(slots, s, end));
      else ends.push(...this.match(slots, s + 1, end));
    }
    return ends;
  }

  /** Whether the pattern (or phrase) is in the message. */
  matches(pattern: string | Pattern): boolean {
    return this.spans(pattern, true).length > 0;
  }

  /** Where the pattern matches, as [start, end) token spans (the first one only when `first`). */
  private spans(pattern: string | Pattern, first = false): [number, number][] {
    const p: Pattern = typeof pattern === "string" ? { slots: [[pattern]] } : pattern;
    const at = p.at ?? "anywhere";
    const starts = at === "anywhere" ? this.tokens.map((_, i) => i) : [0];
    const found: [number, number][] = [];
    for (const start of starts) {
      const ends = this.match(p.slots, 0, start).filter((end) => at !== "whole" || end === this.tokens.length);
      for (const end of ends) {
        found.push([start, end]);
        if (first) return found;
      }
    }
    return found;
  }

  /** The words after the intent, when the message starts with it ("/lienket 1234" → "1234"); null when it does not. */
  after(intent: IntentSpec): Token[] | null {
    for (const pattern of intent) {
      const p: Pattern = typeof pattern === "string" ? { slots: [[pattern]] } : pattern;
      const [span] = this.spans({ ...p, at: "start" }, true);
      if (span) return this.tokens.slice(span[1]);
    }
    return null;
  }

  /** The positions of the message's words that the intents' phrases take up. */
  wordsOf(intents: Iterable<IntentSpec>): Set<number> {
    const at = new Set<number>();
    for (const intent of intents) for (const pattern of intent) for (const [start, end] of this.spans(pattern)) for (let k = start; k < end; k += 1) at.add(k);
    return at;
  }

  /** Whether any pattern of the intent is in the message. */
  is(intent: IntentSpec): boolean {
    return intent.some((p) => this.matches(p));
  }
}
