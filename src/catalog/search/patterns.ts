/**
 * A small pattern language over syllable tokens, used by the lexicon:
 *
 *   khai sinh            the syllables, matched without diacritics
 *   =chó                 this exact word with its marks (only when the citizen typed marks)
 *   (cưới|lấy vợ)        one of the alternatives (each may have several syllables)
 *   (đã|mới)?  word?     optional
 *   @PERSON              one of the phrases of a word class defined in the lexicon
 *   *                    any one token
 *   [ ... ]              the part of the match the rule acts on (the rest is context); at most
 *                        once, at the top level. Without brackets the rule acts on the whole match.
 */
import { toneSignature } from "../../text/vietnamese.js";
import { syllableKey, type Token } from "./tokenize.js";

/** Alternatives made only of plain words, stored as a trie (the common, fast case). */
interface TrieNode {
  /** an alternative ends here */
  end: boolean;
  /** by key */
  next: Map<string, TrieNode>;
  /** by tone signature, for words that must carry their marks (null: none) */
  toned: Map<string, TrieNode> | null;
}

type Atom =
  | { kind: "word"; key: string }
  | { kind: "toned"; tone: string }
  | { kind: "any" }
  | { kind: "alt"; alts: Slot[][] }
  | { kind: "trie"; root: TrieNode; keys: Set<string> | null };

/** Turn alternatives of plain word sequences into a trie; null if some alternative is not plain. */
function toTrie(alts: readonly Slot[][]): Atom | null {
  const root: TrieNode = { end: false, next: new Map(), toned: null };
  const firstKeys = new Set<string>();
  for (const alt of alts) {
    let node = root;
    for (const [i, slot] of alt.entries()) {
      if (slot.optional) return null;
      const atom = slot.atom;
      if (atom.kind !== "word" && atom.kind !== "toned") return null;
      if (i === 0) firstKeys.add(atom.kind === "word" ? atom.key : syllableKey(atom.tone.replace(/\d$/, "")));
      const edges = atom.kind === "word" ? node.next : (node.toned ??= new Map());
      const edge = atom.kind === "word" ? atom.key : atom.tone;
      let child = edges.get(edge);
      if (!child) edges.set(edge, (child = { end: false, next: new Map(), toned: null }));
      node = child;
    }
    node.end = true;
  }
  return { kind: "trie", root, keys: root.end ? null : firstKeys };
}

interface Slot {
  atom: Atom;
  optional: boolean;
  /** can match nothing (optional, or an alternative that can be empty) */
  nullable: boolean;
}

export interface Pattern {
  slots: Slot[];
  /** keys a match can start with (null: any token) */
  first: ReadonlySet<string> | null;
  /** slot indices delimiting the focus: [focusFrom, focusTo) */
  focusFrom: number;
  focusTo: number;
}

export interface PatternMatch {
  end: number;
  focusStart: number;
  focusEnd: number;
}

export type WordClasses = Readonly<Record<string, readonly string[]>>;

function lex(source: string): string[] {
  return source.match(/[()|?*[\]]|[^\s()|?*[\]]+/gu) ?? [];
}

/** Word classes compile once: they are referred to by many patterns. */
const classCache = new WeakMap<WordClasses, Map<string, Atom>>();

function classAtom(name: string, classes: WordClasses, source: string): Atom {
  let cache = classCache.get(classes);
  if (!cache) classCache.set(classes, (cache = new Map()));
  let atom = cache.get(name);
  if (!atom) {
    const members = classes[name];
    if (!members) throw new Error(`unknown word class @${name} in: ${source}`);
    const alts = members.map((m) => compilePattern(m, classes).slots);
    atom = toTrie(alts) ?? { kind: "alt", alts };
    cache.set(name, atom);
  }
  return atom;
}

export function compilePattern(source: string, classes: WordClasses): Pattern {
  const parts = lex(source);
  let pos = 0;
  let focusFrom = -1;
  let focusTo = -1;

  function parseSequence(stop: ReadonlySet<string>): Slot[] {
    const slots: Slot[] = [];
    while (pos < parts.length && !stop.has(parts[pos]!)) {
      const part = parts[pos++]!;
      let atoms: Atom[];
      if (part === "[" || part === "]") {
        if (stop.size > 0) throw new Error(`focus brackets inside a group: ${source}`);
        if (part === "[") focusFrom = slots.length;
        else focusTo = slots.length;
        continue;
      }
      if (part === "(") {
        const alts: Slot[][] = [];
        for (;;) {
          alts.push(parseSequence(new Set(["|", ")"])));
          const sep = parts[pos++];
          if (sep === ")") break;
          if (sep !== "|") throw new Error(`unbalanced pattern: ${source}`);
        }
        atoms = [toTrie(alts) ?? { kind: "alt", alts }];
      } else if (part === "*") {
        atoms = [{ kind: "any" }];
      } else if (part.startsWith("@")) {
        atoms = [classAtom(part.slice(1), classes, source)];
      } else if (part.startsWith("=")) {
        atoms = [{ kind: "toned", tone: toneSignature(part.slice(1)) }];
      } else {
        // a lexicon word may itself contain several syllables once keyed ("hoá-đơn")
        atoms = part
          .split(/[^\p{L}\p{M}\p{N}]+/u)
          .filter((w) => w !== "")
          .map((w) => ({ kind: "word", key: syllableKey(w) }) as const);
      }
      const optional = parts[pos] === "?";
      if (optional) pos++;
      atoms.forEach((atom, i) => {
        const slot: Slot = { atom, optional: optional && atoms.length === 1 && i === 0, nullable: false };
        slot.nullable = nullable(slot);
        slots.push(slot);
      });
    }
    return slots;
  }

  const slots = parseSequence(new Set());
  if (pos !== parts.length) throw new Error(`unbalanced pattern: ${source}`);
  if ((focusFrom < 0) !== (focusTo < 0) || focusTo < focusFrom) throw new Error(`bad focus brackets: ${source}`);
  const first = firstKeys(slots, 0);
  return focusFrom < 0 ? { slots, first, focusFrom: 0, focusTo: slots.length } : { slots, first, focusFrom, focusTo };
}

function nullable(slot: Omit<Slot, "nullable">): boolean {
  const atom = slot.atom;
  return (
    slot.optional ||
    (atom.kind === "alt" && atom.alts.some((a) => a.length === 0 || a.every(nullable))) ||
    (atom.kind === "trie" && atom.root.end)
  );
}

/** The keys a match of slots[si..] can start with; null when any token can start it. */
function firstKeys(slots: readonly Slot[], si: number): Set<string> | null {
  const keys = new Set<string>();
  for (let i = si; i < slots.length; i++) {
    const slot = slots[i]!;
    const atom = slot.atom;
    if (atom.kind === "any") return null;
    if (atom.kind === "trie") {
      for (const k of atom.keys ?? []) keys.add(k);
    } else if (atom.kind === "word") keys.add(atom.key);
    else if (atom.kind === "toned") keys.add(syllableKey(atom.tone.replace(/\d$/, "")));
    else {
      for (const alt of atom.alts) {
        const f = firstKeys(alt, 0);
        if (f === null) return null;
        for (const k of f) keys.add(k);
      }
    }
    if (!slot.nullable) return keys;
  }
  return keys;
}

/** Every syllable key a pattern can match (for the typo-correction vocabulary). */
export function patternKeys(pattern: Pattern, into: Set<string>): void {
  slotKeys(pattern.slots, into);
}

function slotKeys(slots: readonly Slot[], into: Set<string>): void {
  for (const slot of slots) {
    const atom = slot.atom;
    if (atom.kind === "word") into.add(atom.key);
    else if (atom.kind === "alt") for (const alt of atom.alts) slotKeys(alt, into);
    else if (atom.kind === "trie") trieKeys(atom.root, into);
  }
}

function trieKeys(node: TrieNode, into: Set<string>): void {
  for (const [edge, child] of node.next) {
    into.add(edge);
    trieKeys(child, into);
  }
  for (const child of node.toned?.values() ?? []) trieKeys(child, into);
}

/** Tokens a match may not use (claimed by an earlier rule); null: all usable. */
export type Blocked = readonly boolean[] | null;

function usable(blocked: Blocked, i: number): boolean {
  return blocked === null || !blocked[i];
}

function trieEnds(root: TrieNode, tokens: readonly Token[], at: number, blocked: Blocked): number[] {
  const ends: number[] = [];
  if (root.end) ends.push(at);
  trieWalk(root, tokens, at, blocked, ends);
  return ends;
}

function trieWalk(node: TrieNode, tokens: readonly Token[], pos: number, blocked: Blocked, ends: number[]): void {
  const token = tokens[pos];
  if (token === undefined || !usable(blocked, pos)) return;
  const byKey = node.next.get(token.key);
  if (byKey !== undefined) {
    if (byKey.end) ends.push(pos + 1);
    trieWalk(byKey, tokens, pos + 1, blocked, ends);
  }
  if (node.toned !== null && token.marked) {
    const byTone = node.toned.get(token.tone);
    if (byTone !== undefined) {
      if (byTone.end) ends.push(pos + 1);
      trieWalk(byTone, tokens, pos + 1, blocked, ends);
    }
  }
}

function atomEnds(atom: Atom, tokens: readonly Token[], at: number, blocked: Blocked): number[] {
  if (atom.kind === "trie") return trieEnds(atom.root, tokens, at, blocked);
  if (at >= tokens.length || !usable(blocked, at)) return atom.kind === "alt" ? altEnds(atom.alts, tokens, at, blocked) : [];
  const token = tokens[at]!;
  switch (atom.kind) {
    case "word":
      return token.key === atom.key ? [at + 1] : [];
    case "toned":
      return token.marked && token.tone === atom.tone ? [at + 1] : [];
    case "any":
      return [at + 1];
    case "alt":
      return altEnds(atom.alts, tokens, at, blocked);
  }
}

function altEnds(alts: readonly Slot[][], tokens: readonly Token[], at: number, blocked: Blocked): number[] {
  const ends: number[] = [];
  for (const alt of alts) ends.push(...sequenceEnds(alt, 0, tokens, at, blocked));
  return ends;
}

function sequenceEnds(slots: readonly Slot[], si: number, tokens: readonly Token[], at: number, blocked: Blocked): number[] {
  if (si === slots.length) return [at];
  const slot = slots[si]!;
  const ends: number[] = [];
  for (const next of atomEnds(slot.atom, tokens, at, blocked)) {
    if (next === at) continue; // an empty alternative behaves as optional, below
    ends.push(...sequenceEnds(slots, si + 1, tokens, next, blocked));
  }
  if (slot.nullable) ends.push(...sequenceEnds(slots, si + 1, tokens, at, blocked));
  return ends;
}

interface Walk {
  pattern: Pattern;
  tokens: readonly Token[];
  blocked: Blocked;
  at: number;
  best: PatternMatch | null;
}

function walk(w: Walk, si: number, pos: number, fs: number, fe: number): void {
  const { slots, focusFrom, focusTo } = w.pattern;
  if (si === focusFrom) fs = pos;
  if (si === focusTo) fe = pos;
  if (si === slots.length) {
    if (pos > w.at && fe > fs && (w.best === null || pos > w.best.end)) w.best = { end: pos, focusStart: fs, focusEnd: fe };
    return;
  }
  const slot = slots[si]!;
  for (const next of atomEnds(slot.atom, w.tokens, pos, w.blocked)) if (next > pos) walk(w, si + 1, next, fs, fe);
  if (slot.nullable) walk(w, si + 1, pos, fs, fe);
}

/**
 * The longest match of the pattern starting at `at` (null if none). Tokens marked in `blocked`
 * cannot be matched; an empty match never counts, nor one whose focus is empty.
 */
export function matchAt(pattern: Pattern, tokens: readonly Token[], at: number, blocked: Blocked): PatternMatch | null {
  const start = tokens[at];
  if (start === undefined || (pattern.first !== null && !pattern.first.has(start.key))) return null;
  const w: Walk = { pattern, tokens, blocked, at, best: null };
  walk(w, 0, at, at, at);
  return w.best;
}
