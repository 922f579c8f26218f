/**
 * "Which documents do I need?": free text goes to the catalog search, whose answer (match,
 * choices, out of scope, no match: src/catalog/search/answer.ts) the bot renders:
 * - a confident match shows the procedure: its name, a three-line summary (where; how long and how
 *   much; by post or not), the documents, then where the facts come from. A question that asks
 *   specific things (fee, time, where, by post, through someone else) gets each of them, under the
 *   procedure's name; one that asks nothing specific, or asks for the documents, gets it all;
 *   The words asking about an aspect are content the search does not explain: the question is read
 *   once more without them, and that reading counts when it names the same procedure more surely;
 * - close matches, and the variants of a procedure the search cannot choose between (then the
 *   search's next best other procedures, said to be others), are offered as buttons, best first; a question about something no commune handles says where to go (and
 *   one that also asks about a commune procedure gets that answered, then where to go for the
 *   other); no match says so.
 * A follow-up that says only how it differs from the procedure under discussion ("cấp lại vì bị
 * mất") is read once more after that procedure's name; a procedure that reading is sure of — else
 * the one of its family whose name holds every word that differs ("còn gia hạn thì …" after the
 * temporary residence) — is offered beside the one under discussion.
 * Follow-ups (fee, time, where, by post, whether one must be there or can do it from home — with
 * the mobile-registration procedure where the catalog has one —, doing it late: what the data says
 * of it, and where to ask about a fine it does not name) stay on the procedure being discussed;
 * asked with none under discussion, they get the question "which procedure?" (the choices on
 * screen offered again, labelled as they were). A question that
 * mentions a foreigner, answered with a procedure that has no foreign element, says so under the
 * name and offers the foreign-element procedure when the catalog has it.
 * The words are read with the bot's vocabulary (bots/intents): words of the procedure's own name
 * ("phí" in "mai táng phí", "hộ" in "hộ kinh doanh") never count as a question about it.
 */
import type { CatalogService } from "../../src/catalog/catalog-service.js";
import type { ProcedureView } from "../../src/catalog/repository.js";
import type { SearchAnswer } from "../../src/catalog/search/answer.js";
import { searchData } from "../../src/catalog/search/data.js";
import { tokenize } from "../../src/catalog/search/tokenize.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature, TurnContext } from "../engine/engine.js";
import type { Button } from "../engine/types.js";
import { Utterance } from "../intents/match.js";
import { ASPECTS, COMPOUNDS, INTENTS, type Aspect } from "../intents/vocabulary.js";
import { botText } from "../messages/vi.js";

/** A top answer this sure, and this far ahead of the next, is shown directly. */
const CONFIDENT = 0.7;
const LEAD = 0.2;
const COMMON = ["1.001193", "1.000894", "1.004873", "2.000815", "1.004194", "1.004222"];
const OTHER_BUTTONS: Button[][] = [[{ label: "Hỏi thủ tục khác", data: "ask-docs" }, { label: botText.menuButton, data: "menu" }]];

/** The aspects a question asks about `p`, in the order they are answered (none: it asks for the procedure as a whole). */
export function aspectsAsked(text: string, ...about: (Pick<ProcedureView, "name" | "aliases"> | undefined)[]): Aspect[] {
  return aspectsAskedOutside(text, [0, 0], about);
}

/** `aspectsAsked`, of the words outside tokens [from, to) (the question around a case: before its "nếu", from its "thì" on). */
function aspectsAskedOutside(text: string, [from, to]: readonly [number, number], about: readonly (Pick<ProcedureView, "name" | "aliases"> | undefined)[]): Aspect[] {
  const u = new Utterance(text, COMPOUNDS);
  // the words that ask, before the names' words are units: an alias's own question is not a name
  const asking = u.wordsOf([...ASPECTS.map((a) => INTENTS[a]), INTENTS.aspectOnly]);
  for (const p of about) if (p) u.addNameWords([p.name, ...p.aliases], asking);
  const said = (intent: (typeof INTENTS)[keyof typeof INTENTS]) => [...u.wordsOf([intent])].some((i) => i < from || i >= to);
  let asked = ASPECTS.filter((a) => said(INTENTS[a]));
  // "có thời hạn bao lâu" asks how long the paper is valid: the processing time only where its own words are said outside that
  if (asked.includes("validity")) {
    const validity = u.wordsOf([INTENTS.validity]);
    if (![...u.wordsOf([INTENTS.time])].some((i) => !validity.has(i) && (i < from || i >= to))) asked = asked.filter((a) => a !== "time");
  }
  // "được bao nhiêu tiền" asks what the citizen receives: the fee only where its own words are said too
  return asked.includes("amount") && !said(INTENTS.feeOwnWords) ? asked.filter((a) => a !== "fee") : asked;
}

/** A case of the procedure under discussion: its words' positions [from, to), and those of them that say what the case is. */
export interface Case {
  from: number;
  to: number;
  content: ReadonlySet<number>;
  /**
   * Whether a word of state says it ("chưa", "đã", "bị"…), or it follows a question about an
   * aspect ("phải đến à, nếu" …): else the case is one only where the procedure under discussion,
   * read with it, is still the one meant ("nhà thuê").
   */
  stated: boolean;
}

/**
 * The case a message states as a condition ("nếu" … "chưa kết hôn" … "thì sao", "trường hợp"
 * … "đã ly hôn", "nếu" … "nhà thuê", or … "đã 15 tuổi" … "thì"): the words from the condition's
 * opening to "thì" (or the end). None when the case is a wish ("nếu muốn" …: a request), has
 * neither an opening nor a word of state ("tạm trú" … "thì"), or is made only of words that ask
 * about an aspect or surround one ("nộp online", "quá hạn": the aspects answer those).
 */
export function caseOf(said: Utterance): Case | null {
  const after = said.after(INTENTS.condition);
  // else a condition opened after a question ("cả hai phải đến à, nếu" …)
  const inside = after === null ? [...said.wordsOf([INTENTS.conditionInside])].sort((a, b) => a - b) : [];
  let opened = after !== null ? said.tokens.length - after.length : null;
  if (opened === null && inside.length) {
    let end = inside[0]!;
    while (inside.includes(end)) end += 1;
    opened = end;
  }
  const ends = [...said.wordsOf([INTENTS.caseEnd])].sort((a, b) => a - b);
  const from = opened ?? 0;
  if (opened === null && ends.length === 0) return null;
  const to = ends.find((i) => i >= from) ?? said.tokens.length;
  const within = (at: ReadonlySet<number>) => [...at].some((i) => i >= from && i < to);
  const askedFirst = after === null && inside.length > 0 && [...said.wordsOf(ASPECTS.map((a) => INTENTS[a]))].some((i) => i < inside[0]!);
  const stated = askedFirst || within(said.wordsOf([INTENTS.state]));
  if (to <= from || (opened === null && !stated) || within(said.wordsOf([INTENTS.wanting]))) return null;
  const plain = said.wordsOf([...ASPECTS.map((a) => INTENTS[a]), INTENTS.aspectOnly, INTENTS.state, INTENTS.condition, INTENTS.conditionInside]);
  const content = new Set(Array.from({ length: to - from }, (_, k) => from + k).filter((i) => !plain.has(i)));
  return content.size ? { from, to, content, stated } : null;
}

/**
 * Whether what a stated case is about, the words before its first word of state ("thẻ atm" of "thẻ
 * atm bị nuốt thì làm sao"), read alone, is a matter out of scope: a new question about that matter,
 * not a case of the procedure under discussion (unlike "nếu đã ly hôn", whose state word comes first).
 */
async function subjectOutOfScope(catalog: CatalogService, said: Utterance): Promise<boolean> {
  const theCase = caseOf(said);
  if (!theCase) return false;
  const states = [...said.wordsOf([INTENTS.state])].filter((i) => i >= theCase.from && i < theCase.to);
  const stateAt = Math.min(...states);
  if (!Number.isFinite(stateAt) || stateAt <= theCase.from) return false;
  const subject = textUntil(said.text, stateAt);
  return subject !== null && (await askCatalog(catalog, new Utterance(subject, COMPOUNDS))).kind === "out-of-scope";
}

/** The message's typed words split before its token `at` (null where its words and tokens do not line up there). */
function splitAt(text: string, at: number): [string, string] | null {
  const words = text.split(/\s+/).filter((w) => w !== "");
  let seen = 0;
  for (let j = 0; j < words.length; j += 1) {
    if (seen === at) return [words.slice(0, j).join(" "), words.slice(j).join(" ")];
    seen += tokenize(words[j]!).length;
    if (seen > at) return null;
  }
  return null;
}
/** The message's text before its token `at`, as typed. */
const textUntil = (text: string, at: number): string | null => splitAt(text, at)?.[0] ?? null;
/** The message's text from its token `at` on, as typed. */
const textFrom = (text: string, at: number): string | null => splitAt(text, at)?.[1] ?? null;

const pairsOf = (keys: readonly string[]): Set<string> => new Set(keys.slice(1).map((k, i) => `${keys[i]} ${k}`));
const { stopWords, stopTones, generic } = searchData();
/** A function word of the search, read with its tone where it is typed with one ("chữ" is not "chú"). */
const isStopWord = (t: { key: string; tone: string; marked: boolean }): boolean => (t.marked ? stopTones.has(t.tone) : stopWords.has(t.key));

/**
 * Whether two procedures are of one family: their names share a pair of words that is not one of
 * every field's ("khai sinh", "tranh chấp đất đai"; not "đăng ký"). A case of one is offered the
 * other only then: "Khai báo tạm vắng" is no case of the marriage registration.
 */
function akin(a: ProcedureView, b: ProcedureView): boolean {
  const theirs = pairsOf(tokenize(b.name).map((t) => t.key));
  return [...pairsOf(tokenize(a.name).map((t) => t.key))].some((pair) => theirs.has(pair) && !generic.has(pair));
}

/**
 * The facts of `p`'s data (botText.factsOf) that speak of the case: those sharing the most pairs of
 * syllables with it, counting only pairs with a word that says what the case is ("ly hôn", "kết
 * hôn", not "không có") and not of the procedure's own name ("đăng ký"); where no pair is shared,
 * those sharing the most of the words that say what the case is ("nhà thuê": "chỗ ở thuê"). A pair
 * counts only where it tells facts apart (in two of them at most), a word only where it is in one
 * fact and not a function word.
 */
export function caseFacts(p: ProcedureView, said: Utterance, c: Case): string[] {
  const nameKeys = tokenize(p.name).map((t) => t.key);
  const name = pairsOf(nameKeys);
  const pairs = new Set<string>();
  for (let i = c.from; i + 1 < c.to; i += 1) {
    const pair = `${said.tokens[i]!.key} ${said.tokens[i + 1]!.key}`;
    if ((c.content.has(i) || c.content.has(i + 1)) && !name.has(pair)) pairs.add(pair);
  }
  const words = new Set([...c.content].map((i) => said.tokens[i]!.key).filter((k) => !nameKeys.includes(k)));
  const facts = botText.factsOf(p).map((fact) => {
    const keys = tokenize(fact).map((t) => t.key);
    return { fact, keys: new Set(keys), pairs: pairsOf(keys) };
  });
  const sharing = (score: (f: (typeof facts)[number]) => number): string[] => {
    const scored = facts.map((f) => ({ fact: f.fact, score: score(f) }));
    const best = Math.max(0, ...scored.map((s) => s.score));
    return best === 0 ? [] : [...new Set(scored.filter((s) => s.score === best).map((s) => s.fact))];
  };
  // a pair or word in more than two facts ("hai bên", "người") says nothing of which of them speak of the case
  const tellingPairs = [...pairs].filter((w) => facts.filter((f) => f.pairs.has(w)).length <= 2);
  const byPairs = sharing((f) => tellingPairs.filter((w) => f.pairs.has(w)).length);
  if (byPairs.length) return byPairs;
  // one word alone is weaker evidence: in one fact only, and not a function word of the search
  const telling = [...words].filter((w) => !stopWords.has(w) && facts.filter((f) => f.keys.has(w)).length === 1);
  return sharing((f) => telling.filter((w) => f.keys.has(w)).length);
}

/**
 * The catalog's answer to a question, read once more without the words that ask about an aspect
 * (the fee's, the time's, "bưu điện"…: bots/intents/vocabulary.ts): words the catalog does not
 * explain make the search less sure of the procedure the question names. The second reading is
 * taken when it names the same procedure more surely, or when the whole question left the search
 * unsure and the second is sure of one of the procedures the whole question found; never another.
 */
async function askCatalog(catalog: CatalogService, said: Utterance): Promise<SearchAnswer> {
  const found = await catalog.ask(said.text, 3);
  if (found.kind !== "match") return found;
  const asking = said.wordsOf(ASPECTS.map((a) => INTENTS[a]));
  if (asking.size === 0) return found;
  // the message's words (as typed, with their marks) whose every syllable asks about an aspect are left out
  const words = said.text.split(/\s+/).filter((w) => w !== "");
  const sizes = words.map((w) => tokenize(w).length);
  if (sizes.reduce((a, b) => a + b, 0) !== said.tokens.length) return found;
  let at = 0;
  const kept = words.filter((_, j) => {
    const from = at;
    at += sizes[j]!;
    return sizes[j] === 0 || !Array.from({ length: sizes[j]! }, (_, k) => from + k).every((i) => asking.has(i));
  });
  if (kept.length === 0 || kept.length === words.length) return found;
  const bare = await catalog.ask(kept.join(" "), 3);
  const [top] = found.results;
  if (bare.kind !== "match" || top === undefined || bare.results[0] === undefined) return found;
  if (bare.results[0].code === top.code) return bare.results[0].score > top.score ? bare : found;
  // Several questions at once ("mất bao lâu, bao nhiêu tiền, nộp ở đâu…") outweigh the few words
  // that name the procedure: where the whole question leaves the search unsure and the bare one
  // makes it sure of a procedure the whole question also found, the bare one counts.
  const sureOfBare = confidentCode(bare);
  return confidentCode(found) === null && sureOfBare !== null && found.results.some((r) => r.code === sureOfBare) ? bare : found;
}

/** The code of the answer's top result when the search is sure of it. */
function confidentCode(answer: SearchAnswer): string | null {
  if (answer.kind !== "match") return null;
  const [top, second] = answer.results;
  return top && top.score >= CONFIDENT && (!second || top.score - second.score >= LEAD) ? top.code : null;
}

const FOREIGN = "co yeu to nuoc ngoai";
const MOBILE = "luu dong";
/** A name's key, kept per name (each question with a foreign element compares it with the whole catalog's). */
const nameKeys = new Map<string, string>();
const nameKey = (name: string): string => {
  let key = nameKeys.get(name);
  if (key === undefined) {
    key = searchKey(name).replace(/^thu tuc /, "");
    if (nameKeys.size >= 10_000) nameKeys.clear();
    nameKeys.set(name, key);
  }
  return key;
};

/** A question that also named something no commune handles ("hộ chiếu" beside a commune procedure): where to go for it. */
function alsoOutOfScope(ctx: TurnContext, found: SearchAnswer): void {
  if ((found.kind === "match" || found.kind === "choices") && found.alsoOutOfScope) ctx.reply({ text: botText.alsoOutOfScope(found.alsoOutOfScope.topic, found.alsoOutOfScope.whereToGo) });
}

/** A name's syllable keys in order, kept per name (a follow-up compares them with the whole catalog's). */
const nameSyllables = new Map<string, readonly string[]>();
const syllablesOf = (name: string): readonly string[] => {
  let keys = nameSyllables.get(name);
  if (keys === undefined) {
    keys = tokenize(name).map((t) => t.key);
    if (nameSyllables.size >= 10_000) nameSyllables.clear();
    nameSyllables.set(name, keys);
  }
  return keys;
};
/** Whether `run` is in `keys`, its syllables in a row. */
const holdsRun = (keys: readonly string[], run: readonly string[]): boolean => keys.some((_, i) => run.every((k, j) => keys[i + j] === k));
/** A sibling's name adds at most this many words to the procedure's and the differing ones: a longer one is another matter (a joint procedure). */
const SIBLING_MORE_WORDS = 5;

export function documentsFeature(catalog: CatalogService): Feature {
  /**
   * The procedure of the same family as `current` (`akin`) whose name holds every run of words a
   * follow-up says beyond the words that ask, the function words and `current`'s own name, each
   * in a row (the extension of a temporary residence, asked with "gia hạn" after its
   * registration; the deletion, with "xóa", after the permanent residence; the re-registration,
   * with "lại", after a death's registration; the signature's certifying, with "chữ ký", after
   * the certified copy), and adds at most a few words more: the one adding the fewest; none where
   * no name holds them all, or two tie. The search, reading the follow-up after `current`'s
   * name, stays sure of `current` itself: its name outweighs the one word that differs.
   */
  const siblingByName = async (current: ProcedureView, said: Utterance): Promise<ProcedureView | undefined> => {
    const own = new Set(syllablesOf(current.name));
    const asking = said.wordsOf([...ASPECTS.map((a) => INTENTS[a]), INTENTS.aspectOnly]);
    const runs: string[][] = [];
    let last = -2;
    said.tokens.forEach((t, i) => {
      if (asking.has(i) || isStopWord(t) || own.has(t.key)) return;
      if (last === i - 1) runs[runs.length - 1]!.push(t.key);
      else runs.push([t.key]);
      last = i;
    });
    if (runs.length === 0) return undefined;
    const differing = new Set(runs.flat());
    const fits = (await catalog.list())
      .filter((q) => q.code !== current.code && runs.every((run) => holdsRun(syllablesOf(q.name), run)) && akin(q, current))
      .map((q) => ({ q, more: new Set(syllablesOf(q.name).filter((k) => !own.has(k) && !differing.has(k))).size }))
      .filter((f) => f.more <= SIBLING_MORE_WORDS)
      .sort((a, b) => a.more - b.more);
    return fits[0] && (fits.length === 1 || fits[1]!.more > fits[0].more) ? fits[0].q : undefined;
  };

  /** The same procedure with a foreign element ("Đăng ký kết hôn" → "Thủ tục đăng ký kết hôn có yếu tố nước ngoài"). */
  const foreignCounterpart = async (p: ProcedureView): Promise<ProcedureView | null> => {
    const wanted = `${nameKey(p.name)} ${FOREIGN}`;
    const all = await catalog.list();
    return all.find((q) => nameKey(q.name) === wanted) ?? all.filter((q) => nameKey(q.name).startsWith(nameKey(p.name)) && nameKey(q.name).includes(FOREIGN)).sort((a, b) => a.name.length - b.name.length)[0] ?? null;
  };

  /**
   * Whether the message says words of `code`'s name or aliases (two or more in a row) that are
   * neither words of the current procedure's name nor words asking something: "đăng ký tạm trú …
   * mất mấy ngày" names another procedure than the one under discussion; "mất bao lâu" (which the
   * search may read as "khai tử"), "nhờ người khác đi nộp" and "nộp online được không" (some alias's words) do not.
   */
  const saysNameOf = async (said: Utterance, code: string, current: ProcedureView): Promise<boolean> => {
    const other = await catalog.get(code);
    if (!other) return false;
    // words that ask something (an aspect), the words around such a question ("nộp … được không":
    // INTENTS.aspectOnly) or words mentioning a foreigner are not the procedure's name
    const notName = new Set([...said.nameWords([current.name, ...current.aliases]), ...said.wordsOf([...ASPECTS.map((a) => INTENTS[a]), INTENTS.aspectOnly, INTENTS.foreign])]);
    return [...said.nameWords([other.name, ...other.aliases])].some((i) => !notName.has(i));
  };

  /** The same procedure registered by officers at the family's place ("Đăng ký khai sinh" → "Thủ tục đăng ký khai sinh lưu động"). */
  const mobileCounterpart = async (p: ProcedureView): Promise<ProcedureView | null> => {
    if (searchKey(p.name).includes(MOBILE)) return null;
    const wanted = `${nameKey(p.name)} ${MOBILE}`;
    return (await catalog.list()).find((q) => nameKey(q.name) === wanted) ?? null;
  };

  const answer = async (ctx: TurnContext, p: ProcedureView, asked: readonly Aspect[], foreign = false): Promise<void> => {
    ctx.session.procedureCode = p.code;
    ctx.session.offered = undefined;
    ctx.session.offeredLabels = undefined;
    ctx.session.asked = undefined;
    ctx.session.askedForeign = undefined;
    let warning: string | undefined;
    const extra: Button[][] = [];
    if (foreign && !searchKey(p.name).includes("nuoc ngoai")) {
      const found = await foreignCounterpart(p);
      const counterpart = found ? { code: found.code, name: found.name.replace(/^Thủ tục (\p{L})/u, (_, c: string) => c.toUpperCase()) } : null;
      // only where the catalog has a foreign-element version: the civil-status certificate, say, is
      // the same procedure for marrying a foreigner
      if (counterpart) {
        warning = botText.foreignWarning(counterpart);
        extra.push([botText.procedureButton(counterpart)]);
      }
    }
    const specific = asked.filter((a): a is Exclude<Aspect, "docs"> => a !== "docs");
    const found = specific.includes("presence") ? await mobileCounterpart(p) : null;
    const mobile = found ? { code: found.code, name: found.name } : undefined;
    if (mobile) extra.push([botText.procedureButton(mobile)]);
    const buttons = botText.procedureButtons(p, extra);
    if (asked.length === 0 || asked.includes("docs")) {
      // The whole answer holds where, how long, how much and by post; what the citizen receives,
      // through someone else, being there (or not), doing it late and how long a paper is valid are added, each of them.
      const more = specific.filter((a) => a === "amount" || a === "proxy" || a === "presence" || a === "penalty" || a === "validity");
      // An SMS holds a few segments: the papers come before the summary, which stays a choice away.
      if (ctx.inbound.conversation.channel === "SMS") return void ctx.reply({ text: botText.documentsSms(p, specific, warning), buttons });
      ctx.reply({ text: botText.documents(p, warning), buttons: more.length ? undefined : buttons });
      if (more.length) ctx.reply({ text: botText.aspects(p, more, undefined, mobile), buttons });
      return;
    }
    ctx.reply({ text: botText.aspects(p, specific, warning, mobile), buttons });
  };

  return async (ctx, next) => {
    const m = ctx.inbound.message;
    if (m.kind === "button") {
      if (m.data.startsWith("proc:")) {
        const p = await catalog.get(m.data.slice(5));
        // one of the choices offered for a question: the question's own aspects are answered
        const chosen = ctx.session.offered?.includes(m.data.slice(5)) === true;
        const asked = chosen ? (ctx.session.asked ?? []).filter((a): a is Aspect => ASPECTS.includes(a as Aspect)) : [];
        if (p) return answer(ctx, p, asked, chosen && ctx.session.askedForeign === true);
      }
      if (m.data === "ask-docs") return void ctx.reply({ text: botText.askWhichProcedure });
      if (m.data === "common") {
        const list = (await Promise.all(COMMON.map((c) => catalog.get(c)))).filter((p): p is ProcedureView => Boolean(p));
        return void ctx.reply({ text: botText.common, buttons: botText.procedureButtonRows(list) });
      }
      const pressed = m.data.startsWith("ask-") ? (m.data.slice(4) as Aspect) : null;
      if (!pressed || !ASPECTS.includes(pressed)) return next();
      const current = ctx.session.procedureCode ? await catalog.get(ctx.session.procedureCode) : undefined;
      if (current) return answer(ctx, current, [pressed]);
      return void ctx.reply({ text: botText.askWhichProcedure });
    }
    if (m.kind !== "text") return next();

    // going back to a procedure asked earlier ("quay lại" …): the rest of the message is the question
    const back = new Utterance(m.text, COMPOUNDS).after(INTENTS.goingBack);
    const said = new Utterance((back && back.length ? textFrom(m.text, tokenize(m.text).length - back.length) : null) ?? m.text, COMPOUNDS);
    if (said.is(INTENTS.householdBook) && said.is(INTENTS.asksIfNeeded)) return void ctx.reply({ text: botText.householdBook, buttons: OTHER_BUTTONS });
    const foreign = said.is(INTENTS.foreign);
    const found = await askCatalog(catalog, said);
    const current = ctx.session.procedureCode ? await catalog.get(ctx.session.procedureCode) : undefined;
    const sure = confidentCode(found);

    // Only asking about an aspect ("mất bao lâu", "làm online được không") with no procedure under
    // discussion: which procedure? (the search would guess one from the asking words alone: "lệ
    // phí bao nhiêu" found an insurance premium). Choices still on screen are offered again, and
    // the one chosen answers what was asked.
    const covered = said.wordsOf([...ASPECTS.map((a) => INTENTS[a]), INTENTS.aspectOnly]);
    const asksOnly = said.tokens.length > 0 && said.tokens.every((_, i) => covered.has(i));
    // (however sure the search is of a procedure that has the asking words: "ủy quyền" is in certifying a signature)
    if (!current && (!sure || asksOnly)) {
      const asked = aspectsAsked(said.text);
      if (asked.length > 0 && asksOnly) {
        // offered again as they were labelled (a variant's label, else the name)
        const labels = ctx.session.offeredLabels;
        const offered = (await Promise.all((ctx.session.offered ?? []).map(async (c, i) => {
          const p = await catalog.get(c);
          return p ? { code: p.code, name: labels?.[i] ?? p.name } : null;
        }))).filter((p): p is { code: string; name: string } => p !== null);
        if (offered.length > 0) {
          ctx.session.asked = asked;
          return void ctx.reply({ text: botText.aspectOfChoice, buttons: botText.procedureButtonRows(offered) });
        }
        return void ctx.reply({ text: botText.aspectOfWhichProcedure, buttons: [[{ label: "Các thủ tục thường gặp", data: "common" }], [{ label: botText.menuButton, data: "menu" }]] });
      }
    }

    // A case of the procedure under discussion (parents "chưa kết hôn" after the birth
    // registration, "đã ly hôn" after the marriage): answered within it, whatever
    // procedure or out-of-scope topic the case's own words name — what its data says of the case,
    // the procedure made for the case where the search, reading the case after this procedure's
    // name, is sure of one, and the aspects asked of it. A foreign element has its own warning. A
    // case without a word of state ("nhà thuê") is one only where that reading is still sure of
    // the procedure under discussion (a case naming another procedure may be a new request).
    const theCase = current && !foreign && !(found.kind === "out-of-scope" && (await subjectOutOfScope(catalog, said))) ? caseOf(said) : null;
    const inContext = current && theCase ? confidentCode(await askCatalog(catalog, new Utterance(`${current.name} ${said.text}`, COMPOUNDS))) : null;
    if (current && theCase && (theCase.stated || inContext === current.code)) {
      const found = inContext !== null && inContext !== current.code ? await catalog.get(inContext) : undefined;
      const other = found && akin(found, current) ? found : undefined;
      const asked = aspectsAskedOutside(said.text, [theCase.from, theCase.to], [current]).filter((a): a is Exclude<Aspect, "docs"> => a !== "docs");
      ctx.session.offered = undefined;
      ctx.session.offeredLabels = undefined;
      const facts = caseFacts(current, said, theCase);
      return void ctx.reply({ text: botText.caseAnswer(current, facts, other, asked), buttons: botText.procedureButtons(current, other ? [[botText.procedureButton(other)]] : []) });
    }

    // A follow-up about the procedure under discussion, unless the question clearly names another
    // (the search's best is another procedure, found with some confidence, or choices, or out of
    // scope). A question made only of words that ask (whether a mandate will do, say) names none,
    // however sure the search is of a procedure that has those words (certifying a signature).
    const top = found.kind === "match" ? found.results[0] : undefined;
    const namesAnother =
      !asksOnly &&
      (found.kind === "choices" || found.kind === "out-of-scope" || (top !== undefined && current !== undefined && top.code !== current.code && (top.score >= CONFIDENT || (await saysNameOf(said, top.code, current)))));
    const offerSibling = async (current: ProcedureView, bySearch = true): Promise<boolean> => {
      const sibling = bySearch ? confidentCode(await askCatalog(catalog, new Utterance(`${current.name} ${said.text}`, COMPOUNDS))) : null;
      const other = (sibling !== null && sibling !== current.code ? await catalog.get(sibling) : undefined) ?? (await siblingByName(current, said));
      if (!other) return false;
      const offered = [other, current];
      ctx.session.offered = offered.map((p) => p.code);
      ctx.session.offeredLabels = undefined;
      ctx.session.asked = aspectsAsked(said.text, ...offered);
      ctx.session.askedForeign = foreign;
      await ctx.reply({ text: botText.withNamesInFull(botText.severalMatches, offered.map((p) => p.name)), buttons: botText.procedureButtonRows(offered) });
      return true;
    };
    if (current && !namesAnother) {
      const asked = aspectsAsked(said.text, current);
      // how it differs, and how long or how much ("cấp lại vì bị mất, mất bao lâu") in words the
      // search finds in no procedure: the procedure that differing names, if reading it after this
      // procedure's name is sure of one (below), else this procedure's answer (papers stay this
      // procedure's: see below)
      // (asking for the papers, only a procedure whose name holds every word that differs: the search's
      // reading could take "bản sao hay bản chính" for the copy of an extract)
      if (found.kind === "no-match" && !asksOnly && asked.length > 0 && (await offerSibling(current, !asked.includes("docs")))) return;
      // Asking for the documents too, with a search unsure which procedure: the choices, not a guess.
      const staysOnCurrent = top === undefined || top.code === current.code || !asked.includes("docs");
      if (asked.some((a) => a !== "docs") && staysOnCurrent) return answer(ctx, current, asked, foreign);
      // asking for the documents again and naming no procedure (what else to bring), or in words the
      // search finds in no procedure: this procedure's
      if (asked.includes("docs") && (asksOnly || found.kind === "no-match")) return answer(ctx, current, asked, foreign);
    }
    // A follow-up that says only how it differs from the procedure under discussion ("cấp lại vì
    // bị mất" after the ID card for a child, "thế cấp đổi thì sao"): alone, the search is unsure
    // (procedures sharing "cấp lại") or finds nothing; read after that procedure's name, it is sure
    // of another ("Cấp lại thẻ căn cước"). That one and the one under discussion are offered, the
    // other first, and the one chosen answers what was asked — never a guess: the question may be
    // about this procedure's own papers ("mang bản sao hay bản chính", not the copy of an extract).
    if (current && !sure && !asksOnly && (found.kind === "match" || found.kind === "no-match") && (await offerSibling(current))) return;
    switch (found.kind) {
      case "no-match":
        ctx.session.procedureCode = undefined;
        ctx.session.offered = undefined;
        ctx.session.offeredLabels = undefined;
        return void ctx.reply({ text: botText.noMatch(said.text.trim()), buttons: [[{ label: "Các thủ tục thường gặp", data: "common" }], [{ label: botText.menuButton, data: "menu" }]] });
      case "out-of-scope":
        ctx.session.procedureCode = undefined;
        ctx.session.offered = undefined;
        ctx.session.offeredLabels = undefined;
        return void ctx.reply({ text: botText.outOfScope(found.topic, found.whereToGo), buttons: [[{ label: "Các thủ tục thường gặp", data: "common" }], [{ label: botText.menuButton, data: "menu" }]] });
      case "choices":
        ctx.session.offered = found.results.map((r) => r.code);
        ctx.session.offeredLabels = found.results.map((r) => r.variant ?? r.name);
        ctx.session.asked = aspectsAsked(said.text, ...(await Promise.all(found.results.map((r) => catalog.get(r.code)))));
        ctx.session.askedForeign = foreign;
        alsoOutOfScope(ctx, found);
        return void ctx.reply({ text: botText.withNamesInFull(botText.choicesPrompt(found.prompt, found.results), found.results.map((r) => r.variant ?? r.name)), buttons: botText.choiceButtonRows(found.results) });
      case "match": {
        const p = sure ? await catalog.get(sure) : undefined;
        if (p) {
          await answer(ctx, p, aspectsAsked(said.text, p), foreign);
          return alsoOutOfScope(ctx, found);
        }
        ctx.session.offered = found.results.map((r) => r.code);
        ctx.session.offeredLabels = undefined;
        ctx.session.asked = aspectsAsked(said.text, ...(await Promise.all(found.results.map((r) => catalog.get(r.code)))));
        ctx.session.askedForeign = foreign;
        alsoOutOfScope(ctx, found);
        return void ctx.reply({ text: botText.withNamesInFull(found.results.length === 1 ? botText.oneMatch : botText.severalMatches, found.results.map((r) => r.name)), buttons: botText.procedureButtonRows(found.results) });
      }
    }
  };
}
