/**
 * Repairs of what citizens type, applied to query tokens that are not in the vocabulary (the
 * syllables of the catalog and of the lexicon):
 *
 * - VNI / Telex remnants: tone and vowel keys left in the word when the input method was off
 *   ("sinhf", "kys", "ddawng", "sinh2"; Telex's keys read as the marks they type);
 * - a letter typed twice ("trrú", "tạmm"), the marks typed kept;
 * - missing spaces: "khaisinh", "dangky", "hokhau" split into known syllables;
 * - regional spellings that make two words a known pair: "tạm chú" → "tạm trú", "khai xinh" →
 *   "khai sinh" (tr/ch, s/x, d/gi/r/v, l/n at the start; c/t, n/ng, n/nh at the end), keeping
 *   the tone typed ("rước" is not "được"), never a word that already makes a known pair with the
 *   word after it ("rước kiệu");
 * - typos: one edit (insert, delete, substitute, swap) away from a known syllable, for words of
 *   four letters or more. A word that is itself a possible Vietnamese syllable is only corrected
 *   when it is typed without marks, by two adjacent letters swapped, and the correction forms a
 *   known word pair with a neighbour ("khia sinh" → "khai sinh"), so that real words we do not
 *   know ("tuần", "gạch", "ngoi" of "ngôi nhà", not "nghi") are left alone; or, typed with marks,
 *   when a letter added makes a word of the tone typed that forms a known pair ("căn cướ");
 * - slips of the finger of a word typed with marks: a letter replaced by its neighbour on the
 *   keyboard, or i for y, making a word the catalog writes with those very marks that forms a known
 *   pair — for a word that is no syllable ("hộy"), or a known one typed with marks the catalog never
 *   writes it with and pairing with neither neighbour ("ngàng nghề", "thế chấo").
 */
import { canonicalSyllable, isVietnameseSyllable } from "../../text/vietnamese.js";
import type { Token } from "./tokenize.js";

export interface Vocabulary {
  words: ReadonlySet<string>;
  /** known adjacent pairs, "khai sinh" */
  bigrams: ReadonlySet<string>;
  /** how many procedures use a word (to prefer common corrections) */
  frequency: ReadonlyMap<string, number>;
  /** words the catalog's names and aliases write without marks ("gia" of "gia hạn"): typed so in a question written with marks, they are that word */
  flat?: ReadonlySet<string>;
  /** the words the catalog writes with marks, by tone signature ("lấn"): typed so, a word is that word, never a regional respelling of another */
  written?: ReadonlySet<string>;
  /** the tones (0 level, 1 sắc, 2 huyền, 3 hỏi or ngã, 5 nặng) the catalog writes each word with, by key ("duoc" → 5, "được") */
  tonesOf?: ReadonlyMap<string, ReadonlySet<number>>;
}

/** The tone of a tone signature ("đươc5" → 5; a word without a tone mark → 0). */
export const toneOf = (signature: string): number => Number(/\d$/.exec(signature)?.[0] ?? 0);

/** Undo Telex / VNI keystrokes left in a diacritic-free syllable. */
export function decodeTypingRemnants(key: string): string {
  let s = key;
  // (VNI puts its digits after a letter; a word starting with digits is an amount: "200k", "50tr")
  if (/^\d/.test(s)) return s;
  if (/\d/.test(s) && /[a-z]/.test(s)) s = s.replace(/\d/g, ""); // VNI: sinh2, d9ang
  s = s.replace(/^dd/, "d");
  s = s.replace(/uow/g, "uo").replace(/([aou])w/g, "$1").replace(/w/g, "u");
  s = s.replace(/aa/g, "a").replace(/ee/g, "e").replace(/oo(?!ng|c)/g, "o");
  // f, j, r, s, x, z are never written after the vowel of a Vietnamese syllable: tone keys
  const v = /[aeiouy]/.exec(s);
  if (v) s = s.slice(0, v.index + 1) + s.slice(v.index + 1).replace(/[fjrsxz]/g, "");
  return canonicalSyllable(s);
}

function known(piece: string, vocab: Vocabulary): string | null {
  const direct = canonicalSyllable(piece);
  if (vocab.words.has(direct)) return direct;
  const decoded = decodeTypingRemnants(piece);
  if (decoded !== direct && decoded.length > 0 && vocab.words.has(decoded)) return decoded;
  // "oo" before "ng" or "c" is a rhyme of its own ("xoong"), and Telex's "ô" too ("coong", "ddoocj"): the word the catalog knows
  const circumflex = piece.includes("oo") ? decodeTypingRemnants(piece.replace(/oo/g, "o")) : direct;
  if (circumflex !== direct && circumflex.length > 0 && vocab.words.has(circumflex)) return circumflex;
  return null;
}

const TELEX_VOWELS: readonly [RegExp, string][] = [[/uow|uwow/g, "ươ"], [/uw/g, "ư"], [/ow/g, "ơ"], [/aw/g, "ă"], [/aa/g, "â"], [/ee/g, "ê"], [/oo/g, "ô"], [/w/g, "ư"]];
const TELEX_TONES: Readonly<Record<string, string>> = { s: "1", f: "2", r: "3", x: "3", j: "5" };

/**
 * The tone signature (tokenize.ts Token.tone) of a word typed with Telex keys while the input
 * method was off ("chuwngs" → "chưng1", "ddoocj" → "đôc5", "coong" → "công"), when it has some and
 * spells `key` once decoded; else null.
 */
export function telexSignature(typed: string, key: string): string | null {
  if (!/^[a-z]+$/.test(typed)) return null;
  let s = typed.replace(/^dd/, "đ");
  for (const [from, to] of TELEX_VOWELS) s = s.replace(from, to);
  let tone = "";
  const v = /[aeiouyâăêôơư]/.exec(s);
  if (v) {
    const rest = s.slice(v.index + 1);
    for (const ch of rest) if (TELEX_TONES[ch] !== undefined) tone = TELEX_TONES[ch]!;
    s = s.slice(0, v.index + 1) + rest.replace(/[fjrsxz]/g, "");
  }
  if (s === typed) return null;
  return canonicalSyllable(stripMarks(s)) === key ? s + tone : null;
}

const stripMarks = (s: string): string => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");

/** A word with a letter typed twice over ("trrú", "tạmm", "bááo"), as a key and tone signature with each letter once, when that is a syllable; else null. */
function once(token: Token): Token | null {
  if (!/(.)\1/u.test(token.tone)) return null;
  const tone = token.tone.replace(/(.)\1+/gu, "$1");
  const key = canonicalSyllable(token.key.replace(/(.)\1+/g, "$1"));
  // (a syllable: "cc" is no "c")
  return isVietnameseSyllable(key) ? { key, tone: token.marked ? tone : key, marked: token.marked } : null;
}

/** Split a run-together word into 2–4 known syllables forming at least one known pair. */
export function splitJoined(key: string, vocab: Vocabulary): string[] | null {
  if (key.length < 4 || !/^[a-z0-9]+$/.test(key)) return null;
  let best: { pieces: string[]; score: number } | null = null;
  const walk = (from: number, pieces: string[]): void => {
    if (from === key.length) {
      if (pieces.length < 2) return;
      let pairs = 0;
      for (let i = 1; i < pieces.length; i++) if (vocab.bigrams.has(`${pieces[i - 1]} ${pieces[i]}`)) pairs++;
      if (pairs === 0) return;
      const score = pairs * 10 - pieces.length;
      if (best === null || score > best.score) best = { pieces: [...pieces], score };
      return;
    }
    if (pieces.length === 4) return;
    for (let len = 2; len <= 8 && from + len <= key.length; len++) {
      const piece = known(key.slice(from, from + len), vocab);
      if (piece === null) continue;
      pieces.push(piece);
      walk(from + len, pieces);
      pieces.pop();
    }
  };
  walk(0, []);
  return best === null ? null : (best as { pieces: string[] }).pieces;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

/** Known syllables one edit away (Damerau–Levenshtein distance 1). */
export function editNeighbours(key: string, vocab: Vocabulary): string[] {
  const out = new Set<string>();
  const consider = (c: string): void => {
    const k = canonicalSyllable(c);
    if (k !== key && vocab.words.has(k)) out.add(k);
  };
  for (let i = 0; i <= key.length; i++) {
    if (i < key.length) consider(key.slice(0, i) + key.slice(i + 1));
    if (i + 1 < key.length) consider(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
    for (const ch of ALPHABET) {
      if (i < key.length && ch !== key[i]) consider(key.slice(0, i) + ch + key.slice(i + 1));
      consider(key.slice(0, i) + ch + key.slice(i));
    }
  }
  return [...out].sort();
}

/** Known syllables two adjacent letters swapped away ("khia" → "khai"). */
export function swapNeighbours(key: string, vocab: Vocabulary): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 1 < key.length; i++) {
    const k = canonicalSyllable(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
    if (k !== key && vocab.words.has(k)) out.add(k);
  }
  return [...out].sort();
}

/** Each letter's neighbours on the keyboard's row (QWERTY), and i / y, the letters Vietnamese writes one for the other. */
const KEY_SLIPS: ReadonlyMap<string, string> = (() => {
  const slips = new Map<string, string>();
  for (const row of ["qwertyuiop", "asdfghjkl", "zxcvbnm"]) for (let i = 0; i < row.length; i++) slips.set(row[i]!, (row[i - 1] ?? "") + (row[i + 1] ?? ""));
  slips.set("i", slips.get("i")! + "y");
  slips.set("y", slips.get("y")! + "i");
  return slips;
})();

/**
 * The words the catalog writes (tone signatures, `written`) one slip of the finger away from a word
 * typed with marks, marks kept: a letter replaced by its neighbour on the keyboard ("chấo" for
 * "chấp", "ngàng" for "ngành"), or i for y ("hộy"); by their keys.
 */
export function slipNeighbours(tone: string, written: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (let i = 0; i < tone.length; i++) {
    for (const ch of KEY_SLIPS.get(tone[i]!) ?? "") {
      const t = tone.slice(0, i) + ch + tone.slice(i + 1);
      if (written.has(t)) out.add(canonicalSyllable(stripMarks(t.replace(/\d$/, ""))));
    }
  }
  return [...out].sort();
}

/** Repair the tokens that are not known syllables (known ones, numbers and 1-letter words stay). */
export function repairTokens(tokens: readonly Token[], vocab: Vocabulary): Token[] {
  const out: Token[] = [];
  tokens.forEach((token, i) => {
    const key = token.key;
    const plain = (k: string): Token => ({ key: k, tone: k, marked: token.marked });
    const prevKey = out[out.length - 1]?.key;
    const nextKey = tokens[i + 1]?.key;
    const pairs = (c: string): number => (prevKey !== undefined && vocab.bigrams.has(`${prevKey} ${c}`) ? 1 : 0) + (nextKey !== undefined && vocab.bigrams.has(`${c} ${nextKey}`) ? 1 : 0);
    // a word typed with marks, the tone typed kept, one slip of the finger away from a word the
    // catalog writes with that tone and that pairs with a neighbour ("thế chấo" is "thế chấp")
    const slipped = (): string | undefined => {
      if (!token.marked || vocab.written === undefined) return undefined;
      const found = slipNeighbours(token.tone, vocab.written).filter((c) => pairs(c) > 0);
      found.sort((a, b) => pairs(b) - pairs(a) || (vocab.frequency.get(b) ?? 0) - (vocab.frequency.get(a) ?? 0) || (a < b ? -1 : 1));
      return found[0];
    };
    if (vocab.words.has(key) || /^\d+$/.test(key) || key.length < 2) {
      // (a known word typed with marks the catalog never writes it with, that pairs with neither
      // neighbour, may be such a slip: "ngàng nghề" is "ngành nghề")
      const fix = vocab.words.has(key) && vocab.written !== undefined && !vocab.written.has(token.tone) && pairs(key) === 0 ? slipped() : undefined;
      out.push(fix === undefined ? token : plain(fix));
      return;
    }
    // a letter typed twice: the word once each, marks and all (typed without marks, a doubled
    // vowel or "dd" is first a Telex key: "ddang" is "đang")
    const single = once(token);
    if (single !== null && token.marked && vocab.words.has(single.key)) {
      out.push(single);
      return;
    }
    const decoded = known(key, vocab);
    if (decoded !== null) {
      // (Telex keys typed without the input method say the marks: "chuwngs" is "chứng")
      const tone = token.marked ? null : telexSignature(key, decoded);
      out.push(tone === null ? plain(decoded) : { key: decoded, tone, marked: true });
      return;
    }
    if (single !== null && vocab.words.has(single.key)) {
      out.push(single);
      return;
    }
    const pieces = splitJoined(key, vocab);
    if (pieces !== null) {
      out.push(...pieces.map(plain));
      return;
    }
    // a word typed with marks that is a syllable but no word of the catalog's may have a letter
    // missing: the word one letter longer, with the tone typed, that makes a pair with a neighbour
    // ("căn cướ" is "căn cước"; "bán gạch" is no "bán sách": no letter is added there)
    if (token.marked && vocab.tonesOf !== undefined && isVietnameseSyllable(key)) {
      const tone = toneOf(token.tone);
      const longer = editNeighbours(key, vocab).filter((c) => c.length === key.length + 1 && pairs(c) > 0 && vocab.tonesOf!.get(c)?.has(tone) === true);
      longer.sort((a, b) => pairs(b) - pairs(a) || (vocab.frequency.get(b) ?? 0) - (vocab.frequency.get(a) ?? 0) || (a < b ? -1 : 1));
      if (longer[0] !== undefined) {
        out.push(plain(longer[0]));
        return;
      }
    }
    // (a slip of the finger of a word that is no syllable, even a short one: "hộy" is "hội"; a
    // syllable no catalog word spells is a word the citizen meant, "có đốm" is not "có đơn")
    const fix = isVietnameseSyllable(key) ? undefined : slipped();
    if (fix !== undefined) {
      out.push(plain(fix));
      return;
    }
    if (key.length >= 4 && /^[a-z]+$/.test(key)) {
      const prev = out[out.length - 1]?.key;
      const next = tokens[i + 1]?.key;
      const support = (c: string): number =>
        (prev !== undefined && vocab.bigrams.has(`${prev} ${c}`) ? 1 : 0) +
        (next !== undefined && vocab.bigrams.has(`${c} ${next}`) ? 1 : 0);
      // a word that is itself a possible syllable is a word the citizen may have meant ("ngoi" is
      // "ngôi", "soan" "soạn"): only two letters typed the wrong way round ("khia" for "khai") is
      // taken for a slip (a regional respelling is repairPairs')
      const syllable = isVietnameseSyllable(key);
      const candidates = (syllable ? swapNeighbours(key, vocab) : editNeighbours(key, vocab))
        .map((c) => ({ c, support: support(c), freq: vocab.frequency.get(c) ?? 0 }))
        .sort((a, b) => b.support - a.support || b.freq - a.freq || (a.c < b.c ? -1 : 1));
      const best = candidates[0];
      // (a word typed with marks that is a syllable is a word the citizen meant: its letters are not
      // respelled for a pair with a neighbour, "bán gạch" is not "bán sách")
      if (best && ((best.support > 0 && !token.marked) || !syllable)) {
        out.push(plain(best.c));
        return;
      }
    }
    out.push(token);
  });
  return out;
}

const ONSET_SWAPS: readonly (readonly string[])[] = [["tr", "ch"], ["s", "x"], ["d", "gi", "r", "v"], ["l", "n"]];
const CODA_SWAPS: readonly (readonly string[])[] = [["c", "t"], ["ng", "n"], ["nh", "n"]];

/** Spellings of a syllable under the usual regional confusions (one swap at a time). */
export function regionalVariants(key: string): string[] {
  const out = new Set<string>();
  for (const group of ONSET_SWAPS) {
    for (const from of group) {
      if (!key.startsWith(from) || (from === "g" && key.startsWith("gi"))) continue;
      // "gi" + vowel: the i belongs to the onset ("gia" → "da")
      for (const to of group) if (to !== from) out.add(canonicalSyllable(to + key.slice(from.length)));
    }
  }
  for (const group of CODA_SWAPS) {
    for (const from of group) {
      if (!key.endsWith(from) || (from === "n" && /n[gh]$/.test(key))) continue;
      for (const to of group) if (to !== from) out.add(canonicalSyllable(key.slice(0, -from.length) + to));
    }
  }
  out.delete(key);
  return [...out].filter((v) => isVietnameseSyllable(v));
}

/**
 * Second pass over repaired tokens: where two neighbours are not a known pair but a regional
 * respelling of one of them makes them one, take the respelling — never of a word typed with
 * marks that the catalog writes with those very marks, nor of one that already makes a known pair
 * with its other neighbour.
 */
export function repairPairs(tokens: readonly Token[], vocab: Vocabulary, keep: (t: Token) => boolean = () => false): Token[] {
  const out = [...tokens];
  // a word typed with the marks the catalog writes it with is that word ("lấn" is not "lanh")
  const asTyped = (t: Token): boolean => t.marked && vocab.written !== undefined && vocab.written.has(t.tone);
  // a respelling changes letters, never the tone typed: "rước" is not "được" (a word the catalog
  // writes with marks is respelled only into a word it writes with that tone)
  const keepsTone = (t: Token, fix: string): boolean => {
    const tones = t.marked ? vocab.tonesOf?.get(fix) : undefined;
    return tones === undefined || tones.has(toneOf(t.tone));
  };
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1]!;
    const b = out[i]!;
    if (vocab.bigrams.has(`${a.key} ${b.key}`)) continue;
    if (keep(a) || keep(b)) continue;
    // the right word, unless it already pairs with the word after it ("ruoc kieu" is "rước kiệu":
    // the "chuc" before it does not make it "được")
    const bPairsNext = i + 1 < out.length && vocab.bigrams.has(`${b.key} ${out[i + 1]!.key}`);
    const bFix = asTyped(b) || bPairsNext ? undefined : regionalVariants(b.key).find((v) => vocab.bigrams.has(`${a.key} ${v}`) && keepsTone(b, v));
    if (bFix !== undefined) {
      out[i] = { key: bFix, tone: bFix, marked: b.marked };
      continue;
    }
    // the left word, unless it already pairs with the word before it
    if (i >= 2 && vocab.bigrams.has(`${out[i - 2]!.key} ${a.key}`)) continue;
    if (asTyped(a)) continue;
    const aFix = regionalVariants(a.key).find((v) => vocab.bigrams.has(`${v} ${b.key}`) && keepsTone(a, v));
    if (aFix !== undefined) out[i - 1] = { key: aFix, tone: aFix, marked: a.marked };
  }
  return out;
}
