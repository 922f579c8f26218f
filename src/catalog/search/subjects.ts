/**
 * Questions that only borrow a procedure's words for something no procedure is for (issue 8 §2):
 * a birth registered for a cat, a poor-household status for an ant's nest, a will of a dog, a
 * father sold to buy a house, a marriage to oneself, a dinosaur. The words live in
 * data/subjects.json; this reads where they stand in the question:
 *
 * - a being or thing "cho …" / "của …" (perhaps after a classifier or a number: "cho hai con …")
 *   is what the procedure is asked for; one that opens the question and is then referred to
 *   ("… cho nó", "… cho hắn", "công nhận nó …") too, and so is one that opens it and then wants or
 *   asks ("con mèo … muốn …");
 * - a being that did something ("bị chó cắn", "cây đổ") is a circumstance, not the subject, and
 *   so, in a long story, is one merely mentioned (not asked for, paired or referred to);
 * - a word that only looks like a being's name typed without marks names none ("con ca" is
 *   also "con cả"), nor does one right after a settlement or an administrative unit: it begins
 *   a place's name ("bản Heo …", "xóm Gà").
 */
import { sameToneKey, searchData, type Phrase } from "./data.js";
import { phraseAt, saysPhrase, writtenWithMarks, type ReadQuery } from "./query.js";
import type { Token } from "./tokenize.js";

/** The procedure the search found best, as far as this needs it. */
export interface SubjectDoc {
  /** keys of its name and aliases */
  strongKeys: string[][];
  /** keys of its name and field (what it is about: livestock, forestry, vehicles; people with merits…) */
  aboutKeys: string[][];
}

/** How many classifiers or numbers may stand between "cho" / "của" and the being ("cho hai con …"). */
const MAX_CLASSIFIERS = 2;
/** How far after a being a verb of what it did may stand ("chó dại cắn"). */
const AGENT_VERB_WITHIN = 2;
/** A question of at least this many words tells a story: a being merely mentioned in it is a circumstance (absurdSubject). */
const STORY_WORDS = 30;

/**
 * Whether the phrase is typed at i as the table writes it: the same keys, and each word either
 * typed without marks or with the phrase's own ("cua" and "của" are "của"; "chó" is not "cho").
 */
function typedAt(phrase: Phrase, tokens: readonly Token[], i: number): boolean {
  const { keys } = phrase;
  if (keys.length === 0 || i < 0 || i + keys.length > tokens.length) return false;
  for (let j = 0; j < keys.length; j++) {
    const t = tokens[i + j]!;
    if (t.key !== keys[j]) return false;
    if (!t.marked) continue;
    const tone = keys.length === 1 ? phrase.tone : phrase.tones?.[j];
    if (tone !== null && tone !== undefined && sameToneKey(t.tone) !== sameToneKey(tone)) return false;
  }
  return true;
}

const anyTypedAt = (list: readonly Phrase[], tokens: readonly Token[], i: number): boolean => list.some((p) => typedAt(p, tokens, i));

/**
 * Whether a word that names no being, typed so, takes the last word of the span ("con ca" of
 * "con cả", "cá" of "cá nhân", "dan" of "cho dân"; not "ca betta", a fish).
 */
function plainReading(tokens: readonly Token[], at: number, len: number): boolean {
  const last = at + len - 1;
  // in a message typed with marks, a word typed without them is meant so: it is not a reading
  // that has marks ("con ma" there is the ghost, not "con mà")
  const written = writtenWithMarks(tokens);
  for (const r of searchData().plainReadings) {
    const exact = written && (r.tones ?? [r.tone ?? ""]).some((tone, k) => tone !== r.keys[k]);
    for (let j = Math.max(0, last - r.keys.length + 1); j <= last; j++) {
      if (!typedAt(r, tokens, j)) continue;
      if (exact && r.keys.some((k, n) => !tokens[j + n]!.marked && (r.tones?.[n] ?? r.tone) !== k)) continue;
      // a function word's look-alike ("mà", "khi", "bỏ") is followed by a clause, never by a
      // place, a purpose or a demonstrative: "con ma trong …", "con bo de …", "con ma do" name the being
      if (!written && anyTypedAt(searchData().beingFollowers, tokens, j + r.keys.length)) continue;
      return true;
    }
  }
  return false;
}

/** The start of the classifiers and numbers just before `at` ("ba chiếc" of "cho ba chiếc …"). */
function classifiersBefore(tokens: readonly Token[], at: number): number {
  const { subjectClassifiers } = searchData();
  let j = at;
  for (let n = 0; n < MAX_CLASSIFIERS && j > 0; n++) {
    const prev = tokens[j - 1]!;
    if (/^\d+$/.test(prev.key) || anyTypedAt(subjectClassifiers, tokens, j - 1)) j--;
    else break;
  }
  return j;
}

/** Whether the being at the span did something: "bị chó cắn", "cây đổ đè" (a circumstance). */
function agent(tokens: readonly Token[], at: number, len: number): boolean {
  const { agentBefore, agentVerbs } = searchData();
  const start = classifiersBefore(tokens, at);
  if (start > 0 && anyTypedAt(agentBefore, tokens, start - 1)) return true;
  for (let j = at + len; j < Math.min(tokens.length, at + len + AGENT_VERB_WITHIN); j++) if (agentVerbs.some((v) => phraseAt(v, tokens, j))) return true;
  return false;
}

/** Whether the span is what a procedure is asked for: after "cho" / "của" (the phrase may begin with it: "cho chiếc"). */
function asked(tokens: readonly Token[], at: number, phrase: Phrase): boolean {
  const { subjectMarkers, goodsBefore } = searchData();
  let marker = -1;
  if (phrase.keys.length > 1 && anyTypedAt(subjectMarkers, tokens, at)) marker = at;
  else {
    const start = classifiersBefore(tokens, at);
    if (start > 0 && anyTypedAt(subjectMarkers, tokens, start - 1)) marker = start - 1;
  }
  if (marker < 0) return false;
  // goods or services for the being ("thức ăn cho …"): sold for it, not a procedure asked for it
  return !goodsBefore.some((g) => typedAt(g, tokens, marker - g.keys.length));
}

/** How far into the question a call to those asked may end ("bà con ơi, …"): what follows opens it. */
const VOCATIVE_WITHIN = 5;

/**
 * Whether the being at `at` opens the question: perhaps after a classifier, an opener ("nhà
 * chuột …", "lũ …") or a call to those asked that ends in a vocative ("bà con ơi", then "cái …").
 */
function opens(tokens: readonly Token[], at: number): boolean {
  const { subjectOpeners, vocatives } = searchData();
  let open = 0;
  for (let j = 0; j < Math.min(tokens.length, VOCATIVE_WITHIN); j++) if (anyTypedAt(vocatives, tokens, j)) open = j + 1;
  const start = classifiersBefore(tokens, at);
  return start === open || subjectOpeners.some((o) => o.keys.length === start - open && typedAt(o, tokens, open));
}

/**
 * Whether the span opens the question (perhaps after a classifier, or after an opener: "nhà
 * chuột …") and is then referred to as what the procedure is for ("… cho nó").
 */
function opensAndReferred(tokens: readonly Token[], at: number, len: number): boolean {
  if (!opens(tokens, at)) return false;
  return referredAfter(tokens, at + len);
}

/** Whether a pronoun standing for a being or thing ("nó") comes at or after `from` (only: one after "cho" / "của", "cho nó"). */
function referredAfter(tokens: readonly Token[], from: number, onlyAsked = false): boolean {
  const { subjectPronouns, subjectMarkers } = searchData();
  const pronouns = onlyAsked ? subjectPronouns.filter((p) => subjectMarkers.some((m) => m.keys.length < p.keys.length && m.keys.every((k, i) => p.keys[i] === k))) : subjectPronouns;
  for (let j = from; j < tokens.length; j++) if (anyTypedAt(pronouns, tokens, j)) return true;
  return false;
}

/**
 * Whether the being at the span opens the question and a procedure is then asked for it (a dog
 * that tore a paper, then "… của nó"): what it did first is what the question tells of it, not a
 * circumstance of someone else's matter (agent).
 */
function opensAndAskedFor(tokens: readonly Token[], at: number, len: number): boolean {
  if (!opens(tokens, at)) return false;
  return referredAfter(tokens, at + len, true);
}

/** How many words may stand between a being that opens the question and its verb of wanting ("đàn vịt ngoài ao định …"). */
const WISH_WITHIN = 3;
/** The same, when what it wants is what only a person has (a will): its age and where it lives may come first. */
const OWNED_WISH_WITHIN = 6;

/**
 * Whether the being at the span opens the question (as for opensAndReferred) and a verb of
 * wanting or asking follows within a few words: the being is the one who asks (ducks on the pond
 * that "định" open a shop), whatever procedure the rest names — unlike a being those asking keep
 * or sell (bird keepers founding an association), or one that did something (agent).
 */
function opensAndWishes(tokens: readonly Token[], at: number, len: number, within = WISH_WITHIN): boolean {
  const { beingWishes } = searchData();
  if (!opens(tokens, at)) return false;
  for (let j = at + len; j <= Math.min(tokens.length - 1, at + len + within); j++) if (anyTypedAt(beingWishes, tokens, j)) return true;
  return false;
}

/**
 * Whether the words at `at` are what a procedure is asked for: right after "cho" / "của" (perhaps
 * after a classifier or a number: "cho chiếc …", "của hai …"), not goods sold for it ("thức ăn cho …")
 * nor where someone is let go ("cho" a child "đi …").
 */
export function askedFor(tokens: readonly Token[], at: number): boolean {
  const { subjectMarkers, goodsBefore, goingVerbs } = searchData();
  // (a verb of going after them, "cho" a child "đi …": someone let go somewhere, what the paper asked is for)
  if (anyTypedAt(goingVerbs, tokens, at)) return false;
  const start = classifiersBefore(tokens, at);
  const marker = start - 1;
  if (marker < 0 || !anyTypedAt(subjectMarkers, tokens, marker)) return false;
  return !goodsBefore.some((g) => typedAt(g, tokens, marker - g.keys.length));
}

/**
 * Whether a one-word being or thing is typed at i without marks, right after a classifier ("dan
 * vit", "bay ga"), in a message typed without marks: the classifier says a being or thing follows,
 * so its letters name it (alone, "vit" or "ga" may be any word), unless they spell a function word.
 */
function afterClassifier(phrase: Phrase, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  // (not a function word's letters: "giay to cho" is "giấy tờ cho", not a nest's dog)
  if (phrase.keys.length !== 1 || t === undefined || t.marked || t.key !== phrase.keys[0] || i === 0 || writtenWithMarks(tokens) || searchData().stopWords.has(t.key)) return false;
  return anyTypedAt(searchData().nounClassifiers, tokens, i - 1);
}

/**
 * Whether a phrase of function words' letters ("con ma") is typed at i without marks, in a message
 * typed without marks, and followed by a place, a purpose or a demonstrative (data/subjects.json
 * beingFollowers: a ghost "… trong" a house, "… đó"): a function word ("còn mà") is followed by a
 * clause, so the letters name the being. A being of one word must follow a classifier ("con bo"
 * then "trong chuồng"): without one, "bo" is as often the father ("bố"), whose name a household
 * book holds.
 */
function followedAsBeing(phrase: Phrase, tokens: readonly Token[], i: number): boolean {
  if (!phraseAt(phrase, tokens, i) || writtenWithMarks(tokens)) return false;
  // (a one-word being after a classifier: "con bo" then "trong …"; without one, "bo" is as often the father)
  if (phrase.keys.length === 1 && (i === 0 || !anyTypedAt(searchData().nounClassifiers, tokens, i - 1))) return false;
  return anyTypedAt(searchData().beingFollowers, tokens, i + phrase.keys.length);
}

/**
 * Whether the word at i begins a place's name: right after a settlement or an administrative
 * unit ("bản Heo …", "ấp Cá …", "xóm Gà"), typed so, a being's word names the place, not the being.
 */
function placeNameAt(tokens: readonly Token[], i: number): boolean {
  return searchData().placeWords.some((w) => typedAt(w, tokens, i - w.keys.length));
}

/**
 * Whether the being at the span is what a food or product is made of, or what a hobby keeps (a
 * word of data/subjects.json madeOfBefore right before it, perhaps before a classifier: "chả" then
 * a fish, "chơi" then plants): the workshop makes the product and the club keeps the hobby, and
 * the being is asked for nothing (the product may be: "cho" a fish cake).
 */
function madeOfAt(tokens: readonly Token[], at: number): boolean {
  const start = classifiersBefore(tokens, at);
  // (unless the product itself is what the procedure is asked for: "cho" a fish cake)
  return searchData().madeOfBefore.some((w) => typedAt(w, tokens, start - w.keys.length) && !askedFor(tokens, start - w.keys.length));
}

/**
 * Whether the being at the span begins with a word typed without marks that spells a paper's
 * classifier (data/subjects.json paperClassifiers: "to" of a nest is also "tờ", a sheet), and the
 * question uses the same letters elsewhere before a word that begins no being: it counts its papers
 * by that classifier ("tờ" of a card, then a new one), so these letters are a paper too.
 */
function paperReading(list: readonly Phrase[], tokens: readonly Token[], at: number): boolean {
  const first = tokens[at]!;
  if (first.marked || !searchData().paperClassifiers.some((c) => typedAt(c, tokens, at))) return false;
  return tokens.some((t, j) => j !== at && t.key === first.key && !t.marked && j + 1 < tokens.length && !list.some((p) => p.keys.length > 1 && typedAt(p, tokens, j)) && !list.some((p) => typedAt(p, tokens, j + 1)));
}

type Where = (tokens: readonly Token[], at: number, phrase: Phrase) => boolean;

/** Whether one of the phrases (beings, things) is named in the question where `where` says, not as a plain word or an agent. */
function named(list: readonly Phrase[], tokens: readonly Token[], keys: ReadonlySet<string>, where: Where): boolean {
  for (const p of list) {
    if (!p.keys.every((k) => keys.has(k))) continue;
    for (let i = 0; i + p.keys.length <= tokens.length; i++) {
      if (!phraseAt(p, tokens, i, true) && !afterClassifier(p, tokens, i) && !followedAsBeing(p, tokens, i)) continue;
      if (plainReading(tokens, i, p.keys.length) || (agent(tokens, i, p.keys.length) && !opensAndAskedFor(tokens, i, p.keys.length)) || placeNameAt(tokens, i) || madeOfAt(tokens, i) || paperReading(list, tokens, i)) continue;
      if (where(tokens, i, p)) return true;
    }
  }
  return false;
}

/**
 * Whether the span comes right after what only a person has (a signature, a fingerprint, a will
 * said with "của"), perhaps after a classifier: a parrot's signature is certified by no procedure,
 * whatever procedure the other words find.
 */
const ownedAt: Where = (tokens, at) => {
  const start = classifiersBefore(tokens, at);
  return searchData().personOwned.some((o) => typedAt(o, tokens, start - o.keys.length));
};

/**
 * Whether the being at the span opens the question and what only a person has is then said of it
 * by a pronoun ("chữ ký", then "của nó"): the parrot that opens the question is whose signature is meant.
 */
const opensAndOwnedLater: Where = (tokens, at, phrase) => {
  if (!opens(tokens, at)) return false;
  const { subjectPronouns, personOwned } = searchData();
  for (let j = at + phrase.keys.length; j < tokens.length; j++) {
    if (anyTypedAt(subjectPronouns, tokens, j) && personOwned.some((o) => typedAt(o, tokens, j - o.keys.length))) return true;
  }
  return false;
};

/** Whether what only a person has (a signature, a will) is said at or after `from`. */
function ownedLater(tokens: readonly Token[], from: number): boolean {
  for (let j = from; j < tokens.length; j++) if (anyTypedAt(searchData().personOwned, tokens, j)) return true;
  return false;
}

/**
 * Whether the span is the object a copy is made of (after "bản sao", "sao y"): only papers are
 * copied and certified, never a cake or a painting.
 */
const copiedAt: Where = (tokens, at) => {
  const start = classifiersBefore(tokens, at);
  return searchData().copyOf.some((c) => typedAt(c, tokens, start - c.keys.length));
};

/**
 * Whether the span comes right after the words of a matter only a person has (perhaps after a
 * classifier: "khai tử" then a phone): the thing is the object of that act, which no procedure
 * does for a thing.
 */
const actObjectAt: Where = (tokens, at) => {
  const start = classifiersBefore(tokens, at);
  return searchData().personMatters.some((m) => typedAt(m, tokens, start - m.keys.length));
};

/** Whether the span is one of the pair a marriage or a relation is asked between ("giữa" or "với", then a classifier). */
const pairedAt: Where = (tokens, at) => {
  const start = classifiersBefore(tokens, at);
  // (a classifier says a thing follows: "với" alone also joins people and their papers)
  const classified = start < at || anyTypedAt(searchData().nounClassifiers, tokens, at);
  return classified && searchData().pairMarkers.some((m) => typedAt(m, tokens, start - m.keys.length));
};

/** A person sold, pawned or bought ("bán" then "bố"): the verb typed with its marks, then the person. */
function soldPerson(tokens: readonly Token[]): boolean {
  const { verbs, persons } = searchData().soldPersons;
  for (let i = 0; i < tokens.length; i++) {
    for (const v of verbs) {
      if (!phraseAt(v, tokens, i, true) || !tokens.slice(i, i + v.keys.length).every((t) => t.marked)) continue;
      const next = i + v.keys.length;
      for (const p of persons) {
        if (!typedAt(p, tokens, next)) continue;
        // "bán con gà", "mua ba con bò": the person's word begins an animal's or a thing's name
        const { notPersons, things } = searchData();
        if ([...notPersons, ...things].some((x) => phraseAt(x, tokens, next, true) || phraseAt(x, tokens, next + p.keys.length, true))) continue;
        return true;
      }
    }
  }
  return false;
}

/**
 * Whether the question only borrows the words of `doc` (the best procedure found) for something
 * no procedure is for.
 */
export function absurdSubject(q: ReadQuery, doc: SubjectDoc): boolean {
  const data = searchData();
  const { tokens } = q;
  const keys = new Set(tokens.map((t) => t.key));
  const anywhere: Where = () => true;
  // no procedure is ever about a dinosaur, a ghost or the moon, nor about a person sold
  if (named(data.fictional, tokens, keys, anywhere)) return true;
  if (soldPerson(tokens) || data.impossibleActs.some((p) => saysPhrase(q.said, p))) return true;
  // what only a person has, said of a being or a thing (a cat's signature), and a copy of a
  // thing that is no paper (a copy of a cake), whatever procedure
  if (named(data.notPersons, tokens, keys, ownedAt) || named(data.things, tokens, keys, ownedAt) || named(data.notPersons, tokens, keys, opensAndOwnedLater)) return true;
  if (named(data.notPersons, tokens, keys, copiedAt) || named(data.things, tokens, keys, copiedAt)) return true;
  // a being that opens the question wanting what only a person has (a turtle that wants to make a
  // will), whatever procedure: even one about beings or property is not done at an animal's wish
  if (named(data.notPersons, tokens, keys, (t, at, p) => opensAndWishes(t, at, p.keys.length, OWNED_WISH_WITHIN) && ownedLater(t, at + p.keys.length))) return true;
  // a procedure about a person, or a matter only a person has (a marriage asked for two pets is
  // no match, whatever procedure the other words find): a being named anywhere but as an agent
  // (a procedure about beings itself — livestock, fisheries, crops — meets a person's matter only
  // where the citizen typed it: what a synonym reads in "vịt chết", "mất mùa", "ghi sai" — a death,
  // a correction — is a circumstance of the animals or fields the procedure is about)
  const about = (list: readonly Phrase[]): boolean => list.some((p) => saysPhrase(doc.aboutKeys, p));
  const matterSaid = about(data.beingProcedures) ? [tokens.map((t) => t.key)] : q.said;
  const personal = data.personProcedures.some((p) => saysPhrase(doc.strongKeys, p) || saysPhrase(doc.aboutKeys, p)) || data.personMatters.some((p) => saysPhrase(matterSaid, p));
  // (a thing: asked for, one of the pair of a marriage between two things, or opening the
  // question and then referred to as "nó" or, unless the procedure is about things (a motorbike its owner
  // wants scrapped), wanting: a phone that died is registered dead by nobody, and a fridge asks
  // for no residence)
  // (in a long story, a being is a circumstance unless the procedure is asked for it, or it is one
  // of a pair, is referred to later as "nó", or opens the question wanting: the dogs a thief took
  // or the "cây" of a distance walked are not what is asked)
  const beingWhere: Where = tokens.length >= STORY_WORDS ? (t, at, p) => asked(t, at, p) || pairedAt(t, at, p) || referredAfter(t, at + p.keys.length) || opensAndWishes(t, at, p.keys.length) : anywhere;
  if (personal) return named(data.notPersons, tokens, keys, beingWhere) || named(data.things, tokens, keys, (t, at, p) => asked(t, at, p) || actObjectAt(t, at, p) || pairedAt(t, at, p) || opensAndReferred(t, at, p.keys.length) || (!about(data.thingProcedures) && opensAndWishes(t, at, p.keys.length)));
  // any other: a being or thing the procedure is asked for, unless the procedure is about such
  // beings (livestock, forestry…) or things (vehicles, property…) itself
  return (
    (!about(data.beingProcedures) && named(data.notPersons, tokens, keys, (t, at, p) => asked(t, at, p) || opensAndReferred(t, at, p.keys.length) || opensAndWishes(t, at, p.keys.length))) ||
    (!about(data.thingProcedures) && named(data.things, tokens, keys, (t, at, p) => asked(t, at, p) || opensAndAskedFor(t, at, p.keys.length)))
  );
}

/**
 * Whether the question is only a greeting ("chào", "hello"), perhaps addressed to the bot or the
 * staff ("bot", "ad") with function words: it asks about no procedure, whatever a word recalls
 * ("bot" typed for "bớt").
 */
export function greetingOnly(q: ReadQuery): boolean {
  const { greetings, addressees, stopWords } = searchData();
  const { tokens } = q;
  let greeted = false;
  for (let i = 0; i < tokens.length; ) {
    const g = greetings.find((p) => typedAt(p, tokens, i));
    if (g !== undefined) {
      greeted = true;
      i += g.keys.length;
      continue;
    }
    const a = addressees.find((p) => typedAt(p, tokens, i));
    if (a !== undefined) i += a.keys.length;
    else if (stopWords.has(tokens[i]!.key)) i++;
    else return false;
  }
  return greeted;
}

/**
 * Whether the question opens by asking for a suggestion ("gợi ý …", perhaps after function words
 * or a call to the bot) and names no act of a procedure (a paper, a registration, a permit): it
 * asks for advice, a film or a place to visit, which no procedure gives.
 */
export function suggestionOnly(q: ReadQuery): boolean {
  const { suggestionOpeners, procedureActs, addressees, stopWords } = searchData();
  const { tokens } = q;
  let i = 0;
  while (i < tokens.length && !anyTypedAt(suggestionOpeners, tokens, i) && (stopWords.has(tokens[i]!.key) || anyTypedAt(addressees, tokens, i))) i++;
  if (!anyTypedAt(suggestionOpeners, tokens, i)) return false;
  for (let j = 0; j < tokens.length; j++) if (anyTypedAt(procedureActs, tokens, j)) return false;
  return true;
}
