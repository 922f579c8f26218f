/**
 * The search's reviewed data tables (src/catalog/search/data/*.json), read and checked once:
 * abbreviations, stop words, synonyms, out-of-scope topics, variant groups and the absurd-subject
 * rule. Domain knowledge lives there, not in code; each file's "about" says who wrote it and why.
 */
import { z } from "zod";
import abbreviationsJson from "./data/abbreviations.json" with { type: "json" };
import outOfScopeJson from "./data/out-of-scope.json" with { type: "json" };
import stopWordsJson from "./data/stopwords.json" with { type: "json" };
import subjectsJson from "./data/subjects.json" with { type: "json" };
import synonymsJson from "./data/synonyms.json" with { type: "json" };
import variantsJson from "./data/variants.json" with { type: "json" };
import { ValidationError } from "../../errors.js";
import { toneSignature } from "../../text/vietnamese.js";
import { tokenize, wordsOf, type Token } from "./tokenize.js";

const about = z.string().min(1);

const AbbreviationsFile = z.object({ about, entries: z.record(z.string(), z.string().min(1)), closingTags: z.array(z.object({ word: z.string().min(1), means: z.string().min(1), after: z.array(z.string().min(1)).min(1), lastUnlessAfter: z.array(z.string().min(1)).optional() })).optional(), afterWords: z.array(z.object({ word: z.string().min(1), means: z.string().min(1), after: z.array(z.string().min(1)).min(1) })).optional() });
const QuantityIdiom = z.object({ word: z.string().min(1), before: z.array(z.string().min(1)), number: z.boolean().optional(), amounts: z.array(z.string().min(1)).optional(), unlessPrev: z.array(z.string().min(1)).optional(), evenAfterPrev: z.array(z.string().min(1)).optional(), unlessNumberAfter: z.boolean().optional() });
/** stopwords.json plainFunctionWords, plainContentWords: a word, and the words before it ('before') or after it ('after', unless one of 'unlessNext' follows) that make it so. */
const PlainWord = z
  .object({ word: z.string().min(1), before: z.array(z.string().min(1)).min(1).optional(), after: z.array(z.string().min(1)).min(1).optional(), unlessNext: z.array(z.string().min(1)).optional(), first: z.boolean().optional() })
  .refine((w) => (w.before === undefined) !== (w.after === undefined), { message: "a plain word has either 'before' or 'after'" });
const StopWordsFile = z.object({
  about,
  words: z.array(z.string().min(1)),
  purposeMarkers: z.array(z.string().min(1)),
  needMarkers: z.array(z.string().min(1)).optional(),
  hearsayMarkers: z.array(z.string().min(1)).optional(),
  backReferences: z.array(z.string().min(1)).optional(),
  contrastMarkers: z.array(z.string().min(1)).optional(),
  channels: z.object({ markers: z.array(z.string().min(1)).min(1), ways: z.array(z.string().min(1)).min(1) }).optional(),
  genericWords: z.array(z.string().min(1)),
  nameTails: z.array(z.string().min(1)),
  plainVariantWords: z.array(z.string().min(1)).optional(),
  failedAttemptMarkers: z.array(z.string().min(1)).optional(),
  doneStepMarkers: z.array(z.string().min(1)).optional(),
  doneAfterMarkers: z.array(z.string().min(1)).optional(),
  doneStepNotAfter: z.array(z.string().min(1)).optional(),
  markerLookalikes: z.array(z.string().min(1)).optional(),
  quantityIdioms: z.array(QuantityIdiom).optional(),
  plainFunctionWords: z.array(PlainWord).optional(),
  plainContentWords: z.array(PlainWord).optional(),
});
const SynonymsFile = z.object({
  about,
  entries: z.array(
    z.object({
      say: z.array(z.string().min(1)).min(1),
      means: z.string().min(1),
      keep: z.boolean().optional(),
      weight: z.number().positive().max(1).optional(),
      unlessNext: z.array(z.string()).optional(),
      unlessPrev: z.array(z.string()).optional(),
      after: z.array(z.string().min(1)).optional(),
      yieldTo: z.array(z.string().min(1)).optional(),
      yieldAlways: z.array(z.string().min(1)).optional(),
      note: z.string().min(1),
    }),
  ),
});
const OutOfScopeFile = z.object({
  about,
  topics: z.array(z.object({ topic: z.string().min(1), terms: z.array(z.string().min(1)).min(1), whereToGo: z.string().min(1) })),
  negation: z.object({ negators: z.array(z.string().min(1)), between: z.array(z.string().min(1)), papers: z.array(z.string().min(1)).optional(), papersNote: z.string().optional(), questionTags: z.array(z.string().min(1)).optional(), questionTagsNote: z.string().optional(), listJoiners: z.array(z.string().min(1)).optional(), listJoinersNote: z.string().optional() }).optional(),
  unrelatedAbout: z.string().optional(),
  partyProceduresAbout: z.string().optional(),
  partyProcedures: z.array(z.object({ name: z.string().min(1), said: z.array(z.string().min(1)).min(1) })).optional(),
  unrelatedCauses: z.array(z.string().min(1)).optional(),
  unrelated: z.array(z.object({ topic: z.string().min(1), terms: z.array(z.string().min(1)).min(1) })).optional(),
  agenciesAbout: z.string().optional(),
  agencies: z.array(z.object({ topic: z.string().min(1), terms: z.array(z.string().min(1)).min(1), whereToGo: z.string().min(1) })).optional(),
  agencyAsks: z.object({ before: z.array(z.string().min(1)), after: z.array(z.string().min(1)), storyAfter: z.array(z.string().min(1)).optional() }).optional(),
  requestedAfter: z.array(z.string().min(1)).optional(),
  requestedOpening: z.array(z.string().min(1)).optional(),
  purposeAsked: z.array(z.string().min(1)).optional(),
  requestedCompounds: z.array(z.string().min(1)).optional(),
  permissionAfter: z.array(z.string().min(1)).optional(),
  amountAfter: z.array(z.string().min(1)).optional(),
  subjectActs: z.array(z.string().min(1)).optional(),
  subjectActsAbout: z.string().optional(),
  subjectOwners: z.array(z.string().min(1)).optional(),
  clauseSubjectActs: z.array(z.string().min(1)).optional(),
  clauseSubjectActsAbout: z.string().optional(),
  registering: z.array(z.string().min(1)).optional(),
  requestJoiners: z.array(z.string().min(1)).optional(),
  requestAlternatives: z.array(z.string().min(1)).optional(),
});
const Range = z.object({ min: z.number().int().optional(), max: z.number().int().optional() });
const Condition = z.union([z.array(z.string().min(1)).min(1), z.object({ age: Range }), z.object({ since: Range }), z.object({ denied: z.array(z.string().min(1)).min(1) })]);
const VariantsFile = z.object({
  about,
  exclusive: z.array(z.object({ id: z.string().min(1), values: z.array(z.object({ label: z.string().min(1), says: z.array(z.string().min(1)), names: z.array(z.string().min(1)) })).min(2) })).optional(),
  benefitActs: z.array(z.string().min(1)).optional(),
  lifecycleActs: z.array(z.string().min(1)).optional(),
  endingActs: z.array(z.string().min(1)).optional(),
  endingSays: z.array(z.string().min(1)).optional(),
  groups: z.array(
    z.object({
      id: z.string().min(1),
      prompt: z.string().min(1),
      says: z.array(z.string().min(1)).optional(),
      default: z.string().optional(),
      members: z
        .array(
          z.object({
            code: z.string().min(1),
            label: z.string().min(1),
            priority: z.number().optional(),
            selectedOnly: z.boolean().optional(),
            when: z.array(z.array(Condition).min(1)).optional(),
          }),
        )
        .min(2),
    }),
  ),
});
const phrases = z.array(z.string().min(1));
const SubjectsFile = z.object({
  about,
  personProcedures: phrases,
  personMatters: phrases.optional(),
  notPersons: phrases,
  things: phrases.optional(),
  fictional: phrases.optional(),
  subjectMarkers: phrases.optional(),
  subjectClassifiers: phrases.optional(),
  nounClassifiers: phrases.optional(),
  subjectPronouns: phrases.optional(),
  subjectOpeners: phrases.optional(),
  beingWishes: phrases.optional(),
  vocatives: phrases.optional(),
  greetings: phrases.optional(),
  addressees: phrases.optional(),
  suggestionOpeners: phrases.optional(),
  procedureActs: phrases.optional(),
  beingProcedures: phrases.optional(),
  thingProcedures: phrases.optional(),
  agentBefore: phrases.optional(),
  agentVerbs: phrases.optional(),
  plainReadings: phrases.optional(),
  goodsBefore: phrases.optional(),
  madeOfBefore: phrases.optional(),
  paperClassifiers: phrases.optional(),
  goingVerbs: phrases.optional(),
  soldPersons: z.object({ verbs: phrases, persons: phrases }).optional(),
  impossibleActs: phrases.optional(),
  personOwned: phrases.optional(),
  copyOf: phrases.optional(),
  pairMarkers: phrases.optional(),
  placeWords: phrases.optional(),
  beingFollowers: phrases.optional(),
});

/** The tables as imported (so that a build bundles them), by name, with the schema each must meet. */
const tables = {
  abbreviations: [AbbreviationsFile, abbreviationsJson],
  stopwords: [StopWordsFile, stopWordsJson],
  synonyms: [SynonymsFile, synonymsJson],
  "out-of-scope": [OutOfScopeFile, outOfScopeJson],
  variants: [VariantsFile, variantsJson],
  subjects: [SubjectsFile, subjectsJson],
} as const satisfies Record<string, readonly [z.ZodType, unknown]>;

/**
 * Checks the tables against their schemas; throws a ValidationError naming the file and the
 * problems. The tables are part of the program, not input: they are checked where it is built
 * (scripts/build.mjs refuses to build dist/, what every role and the CLI run, with a bad table)
 * and by the unit tests (test/unit/search-tables.test.ts, in CI), not at every start, where zod
 * compiling and running these schemas was about a sixth of reading the tables.
 */
export function checkSearchTables(overrides: Partial<Record<keyof typeof tables, unknown>> = {}): void {
  for (const [name, [schema, json]] of Object.entries(tables)) {
    const result = schema.safeParse(name in overrides ? overrides[name as keyof typeof tables] : json);
    if (!result.success) throw new ValidationError(`src/catalog/search/data/${name}.json: ${z.prettifyError(result.error)}`, result.error.issues);
  }
}

/** A table as its schema types it (checked by checkSearchTables when the program is built and tested). */
function read<T>(_schema: z.ZodType<T>, json: unknown): T {
  return json as T;
}

/** A phrase in matching form: folded keys, and tone signatures for a one-word phrase. */
export interface Phrase {
  keys: string[];
  /** tone signature of a one-syllable phrase: such a phrase matches only a word typed with these marks (or an unmarked word when it has none) */
  tone: string | null;
  /** "a + b": the phrase holds when each part is said somewhere (keys is then empty) */
  parts?: Phrase[];
  /** for a phrase of several words: each word's tone signature */
  tones?: string[];
  /** whether the phrase is written with marks somewhere (else it may be typed without them) */
  written?: boolean;
}

const KY_SPELLING = /^((?:qu|ch|gh|gi|kh|ng|nh|ph|th|tr|[bcdghklmnprstvx]))y(\d?)$/u;

/**
 * A tone signature with the kí / ký spelling unified. (Only a signature ending in "y", or in "y"
 * and a tone digit, is given to the regular expression: a replace makes a new string even where
 * nothing matches, and the index build and each question ask this of most words they read.)
 */
export function sameToneKey(tone: string): string {
  const n = tone.length;
  const last = tone.charCodeAt(n - 1);
  const y = last === 0x79 || (last >= 0x30 && last <= 0x39 && tone.charCodeAt(n - 2) === 0x79);
  return y ? tone.replace(KY_SPELLING, "$1i$2") : tone;
}

/** Each word's tone signature with the kí / ký spelling unified, worked out once (the tables say the same words thousands of times). */
const wordToneKeys = new Map<string, string>();

function wordToneKey(word: string): string {
  let key = wordToneKeys.get(word);
  if (key === undefined) wordToneKeys.set(word, (key = sameToneKey(toneSignature(word))));
  return key;
}

/**
 * Each text's phrase, read once: the tables say the same phrases again and again (more than a
 * quarter of the some 9,500 they read were read before); a phrase is only read, never changed, so
 * those of the same text are one object.
 */
const phraseOfText = new Map<string, Phrase>();

export function phraseOf(text: string): Phrase {
  let phrase = phraseOfText.get(text);
  if (phrase === undefined) phraseOfText.set(text, (phrase = readPhrase(text)));
  return phrase;
}

function readPhrase(text: string): Phrase {
  if (text.includes(" + ")) return { keys: [], tone: null, parts: text.split(" + ").map(phraseOf) };
  const tokens = tokenize(text);
  const keys = tokens.map((t) => t.key);
  if (keys.length === 1) return { keys, tone: toneSignature(text.trim().toLowerCase().normalize("NFC")) };
  const tones = wordsOf(text.trim().toLowerCase().normalize("NFC"), false).map(wordToneKey);
  return { keys, tone: null, tones, written: tokens.some((t) => t.marked) };
}

export interface Synonym {
  say: Phrase;
  means: string[];
  /** the means words as the table writes them (marks and all) */
  meansText: string;
  /** which of the means words are function words */
  meansStops: boolean[];
  /** how much the means words count (1; "weight" in the table) */
  weight: number;
  keep: boolean;
  /** the next word's key → the tone signatures it is written with in the table ("căn" → "can" as "căn", not "cần") */
  unlessNext: Map<string, Set<string>>;
  unlessPrev: Phrase[];
  /** every phrase of the entry (shared by them): one ruled out by the words before it rules out the shorter phrases it ends with (a household book copied is a paper, and so is its "hộ khẩu") */
  entrySays: Phrase[];
  /** when listed: the phrase is read only a few words after one of these (by their letters: "bà … đi rồi") */
  after: Phrase[];
  /** phrases naming another procedure outright: said anywhere in the question, a one-word 'say' (ambiguous: "mất" is died or lost) is not read */
  yieldTo: Phrase[];
  /** phrases naming another procedure outright: said anywhere in the question, none of the entry's phrases is read ("con nuôi": its "việc nhận con" is the adoption) */
  yieldAlways: Phrase[];
}

export type VariantCondition = { phrases: Phrase[] } | { age: { min?: number; max?: number } } | { since: { min?: number; max?: number } } | { denied: Phrase[] };

export interface VariantMember {
  code: string;
  label: string;
  priority: number;
  /** answered only when the question's words select it, never as the search's best answer in the group's default's stead */
  selectedOnly?: boolean;
  when: VariantCondition[][];
}

export interface VariantGroup {
  id: string;
  prompt: string;
  /** the question must say one of these for the group to decide (none: always) */
  says: Phrase[];
  default?: string;
  members: VariantMember[];
}

export interface OutOfScopeTopic {
  topic: string;
  terms: Phrase[];
  whereToGo: string;
  /** no administrative matter at all (weather, prices, recipes…): answered with no match, nowhere to send the citizen */
  unrelated?: boolean;
  /**
   * an institution other than the commune (a hospital, a bank, a university…): its own services are
   * out of scope, but where a procedure is named it is only where something happened or who asks
   * for the paper, and nothing is said of it
   */
  agency?: boolean;
}

/** "mất bao lâu": a word that is a function word when a quantity follows (it then says how long or how much, not "lost"). */
export interface QuantityIdiom {
  word: Phrase;
  before: Phrase[];
  /** a number after the word ("mất 5 ngày") is a quantity too */
  number: boolean;
  /** a number and one of these after the word ("mất 50 triệu"), or a number written with one ("200k"), is a quantity too */
  amounts: Phrase[];
  unlessPrev: Phrase[];
  /** what, said after the word, makes it the idiom even after one of `unlessPrev` ("có bị mất phí không": a charge, not a loss) */
  evenAfterPrev: Phrase[];
  /** the word typed without marks, with a number after the phrase that follows it, may be another word ("cuoi nam 2005": married in 2005) */
  unlessNumberAfter: boolean;
}

export interface SearchData {
  abbreviations: Map<string, string[]>;
  /** each abbreviation's words as tokens, with the marks the table writes them with ("cmnd" → "chứng minh nhân dân") */
  abbreviationTokens: Map<string, Token[]>;
  /**
   * a chat spelling that closes a clause after one of the words of `after` is a question tag ("đc
   * hk": "được không"), not the abbreviation: its words as tokens, and those words' keys; as the
   * question's last word it is the tag after any word but those of `lastUnlessAfter` ("đk kết hôn
   * hk" asks whether, "muốn nhập hk" names the household registration)
   */
  closingTags: Map<string, { means: Token[]; after: Set<string>; lastUnlessAfter: Set<string> | null }>;
  /** Abbreviations that mean other words right after these words ('lớp mn' is a preschool class, not 'mọi người'). */
  abbreviationsAfter: Map<string, { means: Token[]; after: Set<string> }>;
  stopWords: Set<string>;
  /** tone signatures of the stop words: a word typed with marks is a stop word by its marks ("hỏi" is, "hội" is not) */
  stopTones: Set<string>;
  /** the stop words the list writes without marks ("xin", "ra", "cho"): typed so, a word is that function word itself */
  plainStopWords: Set<string>;
  /** synonyms by the first key of what citizens say ("a + b" ones under "") */
  synonymsByFirst: Map<string, Synonym[]>;
  purposeMarkers: Phrase[];
  /** words that start the clause stating the need ("… giờ muốn …"): the story before weighs less */
  needMarkers: Phrase[];
  /** words saying the citizen heard of something ("nghe nói"): in a story, what follows names what they hope for */
  hearsayMarkers: Phrase[];
  /** a paper pointed back at ("giấy đó"): its first word is the paper, named earlier in the story */
  backReferences: Phrase[];
  /** words that set what something is against what it is not ("… chứ không phải …") */
  contrastMarkers: Phrase[];
  /** how a dossier is handed in: a marker ("trên", "qua") then a way ("vneid", "mạng") */
  channels: { markers: Phrase[]; ways: Phrase[] };
  /** boilerplate that ends procedure names ("thực hiện tại cấp tỉnh, cấp xã"), as written */
  nameTails: string[];
  /** words that name the plain, most common variant of a procedure ("lần đầu", "trong nước"), as written */
  plainVariantWords: string[];
  /** words saying an attempt failed ("không thành"): the procedure words just before them tell of a step already taken */
  failedAttemptMarkers: Phrase[];
  /** words saying a step is already done ("đã có", "đã qua"): the procedure words just after them tell of that step, not of one asked for */
  doneStepMarkers: Phrase[];
  /** words saying a step was granted ("đã được công nhận", "được chấp thuận rồi"): they and the procedure words just before them tell of that step, not of one asked for */
  doneAfterMarkers: Phrase[];
  /** words before a done-step marker that make it a wish or a denial, not a step done ("muốn được công nhận" wished, "không được công nhận" denied) */
  doneStepNotAfter: Phrase[];
  /** phrases that start like a done-step marker but say something else ("đã qua đời": a death, not a step passed) */
  markerLookalikes: Phrase[];
  quantityIdioms: QuantityIdiom[];
  /**
   * function words whose letters typed without marks spell a content word too ("de": "để" or
   * "đẻ"), by key: the function word's tone signature and the words after which it is that
   * function word ("de lam": "để làm"); and the content words whose letters typed without marks
   * spell a function word ("hoi": "hội", an association, or "hỏi"), by key: the content word's
   * tone signature and the words before which it is that content word ("hoi cuu …": "hội cựu …";
   * `first`: only as the question's first word, "hoi chung toi …": "Hội chúng tôi …"); or the words
   * after which it is that word, unless one of `unlessNext` follows ("hoc lai" is "học lại", but
   * "hoc lai xe" is "học lái xe")
   */
  plainFunctionWords: Map<string, PlainWordReading[]>;
  /** the stop words of several words ("gia đình"), by each key that no one-word stop word spells ("gia") */
  stopPhrasesOf: Map<string, Phrase[]>;
  /** generic syllables and pairs ("dang ky", "cap lai") */
  generic: Set<string>;
  synonyms: Synonym[];
  topics: OutOfScopeTopic[];
  /** procedures whose name restricts them to a party (name) that answer only when the question says one of its words (said) */
  partyProcedures: { name: Phrase; said: Phrase[] }[];
  /** a negator, at most one 'between' phrase, then a topic's term: the topic is denied, not asked about */
  /** words before an out-of-scope topic that deny it ("chưa có …"), or make it a paper brought to a procedure ("mang theo …") */
  topicNegation: { negators: Phrase[]; between: Phrase[]; papers: Phrase[]; questionTags: Phrase[]; listJoiners: Phrase[] };
  /** words before a topic that is no administrative matter that make it a cause ("do thời tiết"): a circumstance */
  unrelatedCauses: Phrase[];
  /** an institution right after one of `before` ("nộp cho …") or right before one of `after` ("… đòi") asks for a paper: a circumstance */
  agencyAsks: { before: Phrase[]; after: Phrase[]; storyAfter: Phrase[] };
  /** a topic right after one of these ("xin …", "muốn …", "ra …") is what the question asks for */
  requestedAfter: Phrase[];
  /** a topic right after one of these ("thủ tục …") is what the question asks for, when only function words stand before them */
  requestedOpening: Phrase[];
  /** how-questions ("làm sao", "làm gì") right before a purpose clause's marker: that clause is what the question asks for, not what something else is for */
  purposeAsked: Phrase[];
  /** nouns ending in a verb of asking or wanting ("quyết định": its "định" intends nothing): the topic after one is a paper's or a rule's, not asked for */
  requestedCompounds: Phrase[];
  /** words asking for a permit, said within a few words after an out-of-scope topic (fireworks, then "… xin phép"): the topic is what is asked */
  permissionAfter: Phrase[];
  /** words asking how much, said within a few words after an out-of-scope topic ("lãi suất" then "… bao nhiêu"): the topic's amount is what is asked */
  amountAfter: Phrase[];
  /** words saying what a topic that opens the question wants or what befell it ("… muốn …", "… bị …"): the topic is the question's subject, what it asks about */
  subjectActs: Phrase[];
  /** the asker's own pronoun right after a topic (owner): whose it is, as "của tôi" is */
  subjectOwners: Phrase[];
  /** what follows a topic that opens the clause after a purpose clause's comma and makes it that clause's subject ("… thì", "… quá …") */
  clauseSubjectActs: Phrase[];
  /** verbs of registering or asking for a permit: said before a topic, the activity a term of two parts pairs it with is asked for too */
  registering: Phrase[];
  /** words that join a second request to the first ("… và làm …", when a verb of asking follows): a topic after a verb of asking is then one of two asks */
  requestJoiners: Phrase[];
  /** words that offer a place or a way as the alternative to the commune ("… hay phải lên …"): a topic after a verb of asking is then no request of its own */
  requestAlternatives: Phrase[];
  groups: VariantGroup[];
  /** qualities a procedure's name states one value of, which rule each other out (variants.json exclusive: public or private) */
  exclusive: { id: string; values: { label: string; says: Phrase[]; names: Phrase[] }[] }[];
  /** the words of a benefit (variants.json benefitActs: "hỗ trợ", "học phí"), as the keys of a term ("ho tro") */
  benefitActs: string[];
  /** the acts of an institution's life (variants.json lifecycleActs: "thành lập", "giải thể"), as the keys of a term */
  lifecycleActs: string[];
  /** the acts that end a benefit, a role or a standing decision (variants.json endingActs: "thôi", "chấm dứt", "hủy bỏ"), as the keys of a term */
  endingActs: string[];
  /** a question's words asking to end something (variants.json endingSays: "xin thôi", "khép lại") */
  endingSays: Phrase[];
  personProcedures: Phrase[];
  /** words that, said in a question, name a matter only a person has ("kết hôn", "căn cước") */
  personMatters: Phrase[];
  /** beings (animals, plants, pets, toys) no procedure about a person is for */
  notPersons: Phrase[];
  /** objects and vehicles: they count only as what a procedure is asked for ("cho chiếc …") */
  things: Phrase[];
  /** beings and places no procedure is ever about (dinosaurs, ghosts, the moon) */
  fictional: Phrase[];
  /** words before what a procedure is asked for ("cho", "của"), and the classifiers and numbers that may come between */
  subjectMarkers: Phrase[];
  subjectClassifiers: Phrase[];
  /** the classifiers that say a being or thing follows ("con", "đàn", "chiếc"; not the numbers) */
  nounClassifiers: Phrase[];
  /** words that may stand before a being that opens the question ("nhà chuột …": the mice's household) */
  subjectOpeners: Phrase[];
  /** a being that opens the question, then referred to as what the procedure is for ("… cho nó") */
  subjectPronouns: Phrase[];
  /** verbs of wanting or asking: a being that opens the question and then one of them is the one who asks ("con mèo … muốn …") */
  beingWishes: Phrase[];
  /** a call to those asked ends with one ("bà con ơi"): what follows opens the question (subjects.ts) */
  vocatives: Phrase[];
  /** words of a greeting ("chào", "hello"), and whom a greeting may be addressed to ("bot", "ad"): subjects.ts greetingOnly */
  greetings: Phrase[];
  addressees: Phrase[];
  /** a question opening with one asks for a suggestion ("gợi ý"), advice no procedure gives unless it names one of procedureActs (subjects.ts suggestionOnly) */
  suggestionOpeners: Phrase[];
  procedureActs: Phrase[];
  /** words of a procedure's name or field that make it about animals and plants, or about objects */
  beingProcedures: Phrase[];
  thingProcedures: Phrase[];
  /** a being after one of these words, or before one of these verbs, did something: a circumstance ("bị chó cắn") */
  agentBefore: Phrase[];
  agentVerbs: Phrase[];
  /** words that look like a being's name (typed without marks) and name none ("con ca": "con cả") */
  plainReadings: Phrase[];
  /** goods or services before "cho" ("thức ăn cho …"): what is sold for a being, not a procedure asked for it */
  /** verbs of going that may open what follows "cho …" ("cho" a child "đi …"): someone let go somewhere, not a thing asked for */
  goingVerbs: Phrase[];
  goodsBefore: Phrase[];
  /** a food or product made of a being, or a hobby that keeps it, before it ("chả" then a fish, "chơi" then plants): the being is what the product or hobby is of, not a subject */
  madeOfBefore: Phrase[];
  /** classifiers of papers ("tờ"): typed without marks, their letters may begin a being's name ("to" of a nest) */
  paperClassifiers: Phrase[];
  /** selling, pawning or buying a person: a verb, then a person */
  soldPersons: { verbs: Phrase[]; persons: Phrase[] };
  /** acts no procedure answers ("a + b") */
  impossibleActs: Phrase[];
  /** what only a person has, before a being or thing it is said of ("chữ ký của …") */
  personOwned: Phrase[];
  /** words before what a copy is made of ("bản sao …"): a being or thing there is no paper */
  copyOf: Phrase[];
  /** words before one of a pair a person's matter is asked between ("giữa …", "với …") */
  pairMarkers: Phrase[];
  /** a settlement or an administrative unit ("bản", "thôn", "ấp"…): the words after one name a place ("bản Heo …"), not a being */
  placeWords: Phrase[];
  beingFollowers: Phrase[];
  /** every key of the names above and of the pronouns standing for them (a function word or typo repair never rewrites them: "chúng" of "cho chúng" is not "chung") */
  subjectKeys: ReadonlySet<string>;
}

/** Each word of the phrases, by key, with the tone signatures it is written with. */
function wordTones(phrases: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of phrases.flatMap((p) => tokenize(p))) {
    const tones = out.get(t.key) ?? new Set<string>();
    tones.add(t.tone);
    out.set(t.key, tones);
  }
  return out;
}

/** A reading of a word typed without marks (stopwords.json plainFunctionWords, plainContentWords). */
export interface PlainWordReading {
  tone: string;
  before: Phrase[];
  after: Phrase[];
  unlessNext: Phrase[];
  first: boolean;
}

/** plainFunctionWords and plainContentWords by the key of their word (SearchData.plainFunctionWords). */
function plainWordsByKey(entries: readonly z.infer<typeof PlainWord>[]): Map<string, PlainWordReading[]> {
  const byKey = new Map<string, PlainWordReading[]>();
  for (const f of entries) {
    const word = phraseOf(f.word);
    const key = word.keys[0]!;
    const reading = { tone: sameToneKey(word.tone ?? key), before: (f.before ?? []).map(phraseOf), after: (f.after ?? []).map(phraseOf), unlessNext: (f.unlessNext ?? []).map(phraseOf), first: f.first ?? false };
    byKey.set(key, [...(byKey.get(key) ?? []), reading]);
  }
  return byKey;
}

function stopPhrasesByKey(words: readonly string[], keys: (text: string) => string[]): Map<string, Phrase[]> {
  const single = new Set(words.flatMap((w) => { const k = keys(w); return k.length === 1 ? k : []; }));
  const byKey = new Map<string, Phrase[]>();
  for (const w of words) {
    const k = keys(w);
    if (k.length < 2) continue;
    const phrase = phraseOf(w);
    for (const key of k) if (!single.has(key)) byKey.set(key, [...(byKey.get(key) ?? []), phrase]);
  }
  return byKey;
}

let loaded: SearchData | undefined;

/**
 * The tables, read the first time they are asked for. (The reading is a function of its own: its
 * closures' variables made searchData allocate their scope at every call, before it returned the
 * tables, and the index build and each question ask for them at nearly every word.)
 */
export function searchData(): SearchData {
  return (loaded ??= readTables());
}

function readTables(): SearchData {
  const abbreviations = read(AbbreviationsFile, abbreviationsJson);
  const stop = read(StopWordsFile, stopWordsJson);
  const synonyms = read(SynonymsFile, synonymsJson);
  const outOfScope = read(OutOfScopeFile, outOfScopeJson);
  const variants = read(VariantsFile, variantsJson);
  const subjects = read(SubjectsFile, subjectsJson);
  const keys = (text: string): string[] => tokenize(text).map((t) => t.key);
  const stopKeys = new Set(stop.words.flatMap(keys));
  // (a stop phrase written with marks writes its unmarked words as they are: "gia" of "gia đình")
  const stopTones = new Set(stop.words.flatMap((w) => {
    const tokens = tokenize(w);
    return tokens.some((t) => t.marked) ? tokens.map((t) => t.tone) : [];
  }));
  const plainStopWords = new Set(stop.words.flatMap((w) => {
    const tokens = tokenize(w);
    return tokens.length === 1 && !tokens[0]!.marked && tokens[0]!.tone === tokens[0]!.key ? [tokens[0]!.key] : [];
  }));
  const isStop = (t: { key: string; tone: string; marked: boolean }): boolean => (t.marked ? stopTones.has(t.tone) : stopKeys.has(t.key));
  // (what an entry says it means, and when, is read once for all its phrases, and shared by them)
  const synonymList: Synonym[] = synonyms.entries.flatMap((e) => {
    const meansTokens = tokenize(e.means);
    const means = meansTokens.map((t) => t.key);
    const meansText = e.means.normalize("NFC");
    const meansStops = meansTokens.map(isStop);
    const weight = e.weight ?? 1;
    const keep = e.keep ?? false;
    const unlessNext = wordTones(e.unlessNext ?? []);
    const unlessPrev = (e.unlessPrev ?? []).map(phraseOf);
    const after = (e.after ?? []).map(phraseOf);
    const yieldTo = (e.yieldTo ?? []).map(phraseOf);
    const yieldAlways = (e.yieldAlways ?? []).map(phraseOf);
    const entrySays = e.say.map(phraseOf);
    return entrySays.map((say) => ({ say, means, meansText, meansStops, weight, keep, unlessNext, unlessPrev, entrySays, after, yieldTo, yieldAlways }));
  });
  const synonymsByFirst = new Map<string, Synonym[]>();
  for (const syn of synonymList) {
    const first = syn.say.parts ? "" : syn.say.keys[0]!;
    // (pushed, not copied: some 370 entries share a first word)
    const same = synonymsByFirst.get(first);
    if (same === undefined) synonymsByFirst.set(first, [syn]);
    else same.push(syn);
  }
  return {
    abbreviations: new Map(Object.entries(abbreviations.entries).map(([abbr, words]) => [keys(abbr).join(""), keys(words)])),
    abbreviationTokens: new Map(Object.entries(abbreviations.entries).map(([abbr, words]) => [keys(abbr).join(""), tokenize(words)])),
    abbreviationsAfter: new Map((abbreviations.afterWords ?? []).map((t) => [keys(t.word).join(""), { means: tokenize(t.means), after: new Set(t.after.map((w) => keys(w).join(" "))) }])),
    closingTags: new Map((abbreviations.closingTags ?? []).map((t) => [keys(t.word).join(""), { means: tokenize(t.means), after: new Set(t.after.map((w) => keys(w).join(" "))), lastUnlessAfter: t.lastUnlessAfter ? new Set(t.lastUnlessAfter.map((w) => keys(w).join(" "))) : null }])),
    stopWords: stopKeys,
    purposeMarkers: stop.purposeMarkers.map(phraseOf),
    needMarkers: (stop.needMarkers ?? []).map(phraseOf),
    hearsayMarkers: (stop.hearsayMarkers ?? []).map(phraseOf),
    backReferences: (stop.backReferences ?? []).map(phraseOf),
    contrastMarkers: (stop.contrastMarkers ?? []).map(phraseOf),
    channels: { markers: (stop.channels?.markers ?? []).map(phraseOf), ways: (stop.channels?.ways ?? []).map(phraseOf) },
    nameTails: stop.nameTails.map((t) => t.normalize("NFC")),
    plainVariantWords: (stop.plainVariantWords ?? []).map((t) => t.normalize("NFC")),
    failedAttemptMarkers: (stop.failedAttemptMarkers ?? []).map(phraseOf),
    doneStepMarkers: (stop.doneStepMarkers ?? []).map(phraseOf),
    doneAfterMarkers: (stop.doneAfterMarkers ?? []).map(phraseOf),
    doneStepNotAfter: (stop.doneStepNotAfter ?? []).map(phraseOf),
    markerLookalikes: (stop.markerLookalikes ?? []).map(phraseOf),
    stopPhrasesOf: stopPhrasesByKey(stop.words, keys),
    plainFunctionWords: plainWordsByKey([...(stop.plainFunctionWords ?? []), ...(stop.plainContentWords ?? [])]),
    quantityIdioms: (stop.quantityIdioms ?? []).map((i) => ({ word: phraseOf(i.word), before: i.before.map(phraseOf), number: i.number ?? false, amounts: (i.amounts ?? []).map(phraseOf), unlessPrev: (i.unlessPrev ?? []).map(phraseOf), evenAfterPrev: (i.evenAfterPrev ?? []).map(phraseOf), unlessNumberAfter: i.unlessNumberAfter ?? false })),
    generic: new Set(
      stop.genericWords.flatMap((w) => {
        const k = keys(w);
        return k.length === 1 ? k : k.slice(1).map((x, i) => `${k[i]} ${x}`);
      }),
    ),
    synonyms: synonymList,
    synonymsByFirst,
    stopTones,
    plainStopWords,
    topics: [
      ...outOfScope.topics.map((t) => ({ topic: t.topic, terms: t.terms.map(phraseOf), whereToGo: t.whereToGo })),
      ...(outOfScope.unrelated ?? []).map((t) => ({ topic: t.topic, terms: t.terms.map(phraseOf), whereToGo: "", unrelated: true })),
      ...(outOfScope.agencies ?? []).map((t) => ({ topic: t.topic, terms: t.terms.map(phraseOf), whereToGo: t.whereToGo, agency: true })),
    ],
    unrelatedCauses: (outOfScope.unrelatedCauses ?? []).map(phraseOf),
    partyProcedures: (outOfScope.partyProcedures ?? []).map((p) => ({ name: phraseOf(p.name), said: p.said.map(phraseOf) })),
    requestedAfter: (outOfScope.requestedAfter ?? []).map(phraseOf),
    requestedOpening: (outOfScope.requestedOpening ?? []).map(phraseOf),
    purposeAsked: (outOfScope.purposeAsked ?? []).map(phraseOf),
    requestedCompounds: (outOfScope.requestedCompounds ?? []).map(phraseOf),
    permissionAfter: (outOfScope.permissionAfter ?? []).map(phraseOf),
    amountAfter: (outOfScope.amountAfter ?? []).map(phraseOf),
    subjectActs: (outOfScope.subjectActs ?? []).map(phraseOf),
    subjectOwners: (outOfScope.subjectOwners ?? []).map(phraseOf),
    clauseSubjectActs: (outOfScope.clauseSubjectActs ?? []).map(phraseOf),
    registering: (outOfScope.registering ?? []).map(phraseOf),
    requestJoiners: (outOfScope.requestJoiners ?? []).map(phraseOf),
    requestAlternatives: (outOfScope.requestAlternatives ?? []).map(phraseOf),
    agencyAsks: { before: (outOfScope.agencyAsks?.before ?? []).map(phraseOf), after: (outOfScope.agencyAsks?.after ?? []).map(phraseOf), storyAfter: (outOfScope.agencyAsks?.storyAfter ?? []).map(phraseOf) },
    topicNegation: { negators: (outOfScope.negation?.negators ?? []).map(phraseOf), between: (outOfScope.negation?.between ?? []).map(phraseOf), papers: (outOfScope.negation?.papers ?? []).map(phraseOf), questionTags: (outOfScope.negation?.questionTags ?? []).map(phraseOf), listJoiners: (outOfScope.negation?.listJoiners ?? []).map(phraseOf) },
    exclusive: (variants.exclusive ?? []).map((d) => ({ id: d.id, values: d.values.map((v) => ({ label: v.label, says: v.says.map(phraseOf), names: v.names.map(phraseOf) })) })),
    benefitActs: (variants.benefitActs ?? []).map((t) => phraseOf(t).keys.join(" ")),
    lifecycleActs: (variants.lifecycleActs ?? []).map((t) => phraseOf(t).keys.join(" ")),
    endingActs: (variants.endingActs ?? []).map((t) => phraseOf(t).keys.join(" ")),
    endingSays: (variants.endingSays ?? []).map(phraseOf),
    groups: variants.groups.map((g) => ({
      id: g.id,
      prompt: g.prompt,
      says: (g.says ?? []).map(phraseOf),
      ...(g.default ? { default: g.default } : {}),
      members: g.members.map((m) => ({
        code: m.code,
        label: m.label,
        priority: m.priority ?? 0,
        ...(m.selectedOnly ? { selectedOnly: true } : {}),
        when: (m.when ?? []).map((alt) => alt.map((c) => (Array.isArray(c) ? { phrases: c.map(phraseOf) } : "age" in c ? { age: c.age } : "since" in c ? { since: c.since } : { denied: c.denied.map(phraseOf) }))),
      })),
    })),
    personProcedures: subjects.personProcedures.map(phraseOf),
    personMatters: (subjects.personMatters ?? []).map(phraseOf),
    notPersons: subjects.notPersons.map(phraseOf),
    things: (subjects.things ?? []).map(phraseOf),
    fictional: (subjects.fictional ?? []).map(phraseOf),
    subjectMarkers: (subjects.subjectMarkers ?? []).map(phraseOf),
    subjectClassifiers: (subjects.subjectClassifiers ?? []).map(phraseOf),
    nounClassifiers: (subjects.nounClassifiers ?? []).map(phraseOf),
    subjectPronouns: (subjects.subjectPronouns ?? []).map(phraseOf),
    subjectOpeners: (subjects.subjectOpeners ?? []).map(phraseOf),
    beingWishes: (subjects.beingWishes ?? []).map(phraseOf),
    vocatives: (subjects.vocatives ?? []).map(phraseOf),
    greetings: (subjects.greetings ?? []).map(phraseOf),
    addressees: (subjects.addressees ?? []).map(phraseOf),
    suggestionOpeners: (subjects.suggestionOpeners ?? []).map(phraseOf),
    procedureActs: (subjects.procedureActs ?? []).map(phraseOf),
    beingProcedures: (subjects.beingProcedures ?? []).map(phraseOf),
    thingProcedures: (subjects.thingProcedures ?? []).map(phraseOf),
    agentBefore: (subjects.agentBefore ?? []).map(phraseOf),
    agentVerbs: (subjects.agentVerbs ?? []).map(phraseOf),
    plainReadings: (subjects.plainReadings ?? []).map(phraseOf),
    goodsBefore: (subjects.goodsBefore ?? []).map(phraseOf),
    madeOfBefore: (subjects.madeOfBefore ?? []).map(phraseOf),
    paperClassifiers: (subjects.paperClassifiers ?? []).map(phraseOf),
    goingVerbs: (subjects.goingVerbs ?? []).map(phraseOf),
    soldPersons: { verbs: (subjects.soldPersons?.verbs ?? []).map(phraseOf), persons: (subjects.soldPersons?.persons ?? []).map(phraseOf) },
    impossibleActs: (subjects.impossibleActs ?? []).map(phraseOf),
    personOwned: (subjects.personOwned ?? []).map(phraseOf),
    copyOf: (subjects.copyOf ?? []).map(phraseOf),
    pairMarkers: (subjects.pairMarkers ?? []).map(phraseOf),
    placeWords: (subjects.placeWords ?? []).map(phraseOf),
    beingFollowers: (subjects.beingFollowers ?? []).map(phraseOf),
    subjectKeys: new Set([...subjects.notPersons, ...(subjects.things ?? []), ...(subjects.fictional ?? []), ...(subjects.subjectPronouns ?? [])].flatMap(keys)),
  };
}

/**
 * Takes the tables as read by a build of these same tables (a snapshot of the search index keeps
 * them: search/snapshot.ts), instead of reading them again; the tables once read stay as they are.
 */
export function useSearchData(data: SearchData): SearchData {
  loaded ??= data;
  return loaded;
}
