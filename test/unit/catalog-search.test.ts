import { readProcedureAliases } from "../../src/catalog/source.js";
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEV_PATH, HOLDOUT_PATH, evaluate, loadCatalog, loadQuestions } from "../../scripts/eval-search.js";
import {
  askCatalog,
  buildSearchIndex,
  explainSearch,
  MATCH_THRESHOLD,
  RUNNER_UP_THRESHOLD,
  FURTHER_THRESHOLD,
  searchCatalog,
  type CatalogSearchIndex,
  type SearchableProcedure,
  type SearchResult,
} from "../../src/catalog/search/index.js";
import { phraseOf, searchData } from "../../src/catalog/search/data.js";
import { contentWordPairs, doneStepAt, synonymWordPairs, dropQuantityIdioms, expandAbbreviations, needMarkerPairs, phraseAt, purposeMarkerPairs, readPlainFunctionWords, readQuery } from "../../src/catalog/search/query.js";
import { textTokens, tokenize } from "../../src/catalog/search/tokenize.js";
import { repairPairs, repairTokens, toneOf } from "../../src/catalog/search/typos.js";
import { searchKey } from "../../src/text/vietnamese.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const catalog = loadCatalog();
let index: CatalogSearchIndex;

beforeAll(() => {
  index = buildSearchIndex(catalog);
});

const codes = (results: SearchResult[]): string[] => results.map((r) => r.code);
const top = (query: string): string | undefined => searchCatalog(index, query)[0]?.code;
const kind = (query: string): string => askCatalog(index, query).kind;

describe("question text", () => {
  it("answers decomposed (NFD) input as its NFC form", () => {
    for (const q of ["Đăng ký khai sinh cho con", "xin giấy xác nhận tình trạng hôn nhân", "chứng thực bản sao"]) {
      expect(q.normalize("NFD")).not.toBe(q.normalize("NFC"));
      expect(askCatalog(index, q.normalize("NFD"))).toEqual(askCatalog(index, q.normalize("NFC")));
    }
  });

  it("treats old and new tone placement alike (hoà / hòa, thuỷ / thủy)", () => {
    expect(askCatalog(index, "xác nhận hộ nghèo ở xã Phong Hoà")).toEqual(askCatalog(index, "xác nhận hộ nghèo ở xã Phong Hòa"));
    expect(askCatalog(index, "uỷ quyền chứng thực chữ ký")).toEqual(askCatalog(index, "ủy quyền chứng thực chữ ký"));
    expect(askCatalog(index, "phương tiện thuỷ nội địa")).toEqual(askCatalog(index, "phương tiện thủy nội địa"));
  });

  it("matches đ typed as d, text without marks, upper case and stray punctuation", () => {
    for (const q of ["Đăng ký kết hôn", "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN!!!", "đăng kí kết hôn"]) expect(top(q), q).toBe("1.000894");
  });

  it("repairs Telex remnants, run-together words, abbreviations and one-letter typos", () => {
    expect(top("khai sinhf cho con")).toBe("1.001193");
    expect(top("ddawng kys keets hoon")).toBe("1.000894");
    expect(top("dangky khaisinh")).toBe("1.001193");
    expect(top("khia sinh cho be")).toBe("1.001193");
    expect(top("dk ho kinh doanh")).toBe("1.001612");
    expect(top("chứng thực bản sao cccd")).toBe("2.000815");
  });

  it("reads 'hk' ending a question as the tag 'không', unless the word before takes the household registration", () => {
    // a question tag after the rest of the question: not "hộ khẩu"
    expect(top("bạn ơi đk kết hôn hk")).toBe("1.000894");
    expect(top("em hỏi đăng ký khai sinh bé gái được hk")).toBe("1.001193");
    expect(top("nhờ xã đăng ký khai tử hk")).toBe("1.000656");
    // (after a residence registration's name too: asking whether one can register it)
    expect(top("đk tạm trú hk")).toBe("1.004194");
    expect(top("đăng ký thường trú hk")).toBe("1.004222");
    // the household registration, taken by the word before it
    expect(top("nay muốn nhập hk")).toBe("1.004222");
    expect(top("vợ chồng tôi xin tách hk")).toBe("1.010038");
    // alone, or anywhere but at the end, it stays the abbreviation
    expect(top("hk")).toBe(top("hộ khẩu"));
  });

  it("reads 'mn' after a class or a school as a preschool ('mầm non'), and as 'mọi người' elsewhere", () => {
    const keys = (q: string): string[] => expandAbbreviations(tokenize(q)).map((t) => t.key);
    expect(keys("lớp mn")).toEqual(["lop", "mam", "non"]);
    expect(keys("trường mn")).toEqual(["truong", "mam", "non"]);
    expect(keys("mn ơi")).toEqual(["moi", "nguoi", "oi"]);
    // a preschool class that stands on its own, split in two: the independent preschool's split
    expect(top("lớp mn của tôi tự lập, muốn tách đôi")).toBe("1.012973");
    expect(top("lớp mầm non tự lập muốn tách đôi")).toBe("1.012973");
    expect(top("lớp mẫu giáo tự lập xin tách")).toBe("1.012973");
    // a school's own word keeps the school's procedures
    expect(top("trường mn xin giải thể")).toBe("2.002893");
  });

  it("reads 'giảng hòa' after a person chosen or taking part as the commune's mediation", () => {
    expect(top("ông ấy được bầu làm người giảng hòa của xóm, xã có công nhận không")).toBe("1.002211");
  });

  it("matches a phrase of several words written with marks only where the marks typed agree", () => {
    const adoption = phraseOf("con nuôi");
    expect(phraseAt(adoption, tokenize("nhận con nuôi"), 1)).toBe(true);
    expect(phraseAt(adoption, tokenize("nhan con nuoi"), 1)).toBe(true);
    // "còn nuôi" (still raises) is not "con nuôi" (adopted child)
    expect(phraseAt(adoption, tokenize("bà còn nuôi cháu"), 1)).toBe(false);
    expect(phraseAt(phraseOf("thủ tục"), tokenize("thủ tục"), 0)).toBe(true);
  });

  it("reads a word typed without marks in a question written with marks as written when the catalog writes it so", () => {
    // "tiền, gia hạn" is not "tiền già" (the old-age allowance)
    expect(top("chưa đủ tiền, gia hạn giấy phép xây nhà")).toBe("1.013227");
    // a word the catalog never writes without marks may be a slip: read by its letters
    expect(top("làm lại căn cuoc bị mất")).toBe("1.014064");
  });

  it("never respells a word typed with the marks the catalog writes it with ('lấn' is not 'lanh')", () => {
    // "tường lấn": the regional n/nh swap would make "tường lanh", a pair of the catalog
    expect(["1.012812", "1.013967"]).toContain(top("tường lấn sang vườn, xã có hòa giải không"));
    // a regional slip typed with marks the catalog does not write so is still repaired
    expect(top("đăng ký tạm chú cho người ở trọ")).toBe("1.004194");
  });

  it("never respells a syllable typed with marks letter by letter ('gạch' is not 'sách')", () => {
    // "bán sách" is a pair the catalog knows (publications); a brick seller asks nothing of it
    expect(top("muốn bán gạch men thì xin phép gì")).not.toBe("3.000576");
    // typed without marks, a syllable one letter off a pair is still a typo
    expect(top("khia sinh cho be")).toBe("1.001193");
  });

  it("takes a syllable typed without marks for a slip only when two of its letters are swapped ('ngoi' is 'ngôi', not 'nghi')", () => {
    const vocab = { words: new Set(["nguyen", "nghi", "nha", "khai", "sinh"]), bigrams: new Set(["nguyen nghi", "khai sinh"]), frequency: new Map<string, number>() };
    const keys = (text: string): string[] => repairTokens(tokenize(text), vocab).map((t) => t.key);
    // "ngoi" is a word (ngôi) one letter off "nghi", a word that pairs with "nguyen": left alone
    expect(keys("nguyen ngoi nha")).toEqual(["nguyen", "ngoi", "nha"]);
    // two letters typed the wrong way round, making a pair with a neighbour: a slip
    expect(keys("khia sinh")).toEqual(["khai", "sinh"]);
    // a word that is no syllable is still one edit from the word it meant
    expect(keys("khai sihn")).toEqual(["khai", "sinh"]);
  });

  it("reads Telex keys left in a word as the marks they type, and a letter typed twice as typed once, marks kept", () => {
    const vocab = { words: new Set(["cong", "chung", "tam", "tru", "doc", "than"]), bigrams: new Set(["cong chung", "tam tru", "doc than"]), frequency: new Map<string, number>() };
    const read = (text: string) => repairTokens(tokenize(text), vocab).map((t) => `${t.key}/${t.tone}/${t.marked}`);
    // the input method off: "oo" is "ô" even before "ng" or "c", and the tone key is the tone
    expect(read("coong chuwngs")).toEqual(["cong/công/true", "chung/chưng1/true"]);
    expect(read("ddoocj thaan")).toEqual(["doc/đôc5/true", "than/thân/true"]);
    // a slip of the finger: the word as it was meant, with the marks the citizen typed
    expect(read("tạmm trrú")).toEqual(["tam/tam5/true", "tru/tru1/true"]);
  });

  it("adds back a letter missing from a word typed with marks when the word, with the tone typed, pairs with a neighbour", () => {
    const vocab = { words: new Set(["can", "cuoc", "ban", "sach"]), bigrams: new Set(["can cuoc", "ban sach"]), frequency: new Map<string, number>(), tonesOf: new Map([["cuoc", new Set([1])], ["sach", new Set([1])]]) };
    const keys = (text: string): string[] => repairTokens(tokenize(text), vocab).map((t) => t.key);
    // "cướ" is a syllable no catalog word spells: "cước", one letter longer and of the same tone
    expect(keys("căn cướ")).toEqual(["can", "cuoc"]);
    // another tone is another word, and a word one letter off is a word the citizen meant
    expect(keys("căn cuở")).toEqual(["can", "cuo"]);
    expect(keys("bán gạch")).toEqual(["ban", "gach"]);
  });

  it("takes a word typed with marks for a slip of the finger onto a neighbouring key when the word meant, marks kept, pairs with a neighbour", () => {
    const written = new Set(["thê1", "châp1", "nganh2", "nghê2", "xa3", "hôi5", "ngang", "chao2", "ban1", "sach1"]);
    const vocab = { words: new Set(["the", "chap", "chao", "nganh", "ngang", "nghe", "xa", "hoi", "ban", "sach"]), bigrams: new Set(["the chap", "nganh nghe", "xa hoi", "ban sach"]), frequency: new Map<string, number>(), written, tonesOf: new Map<string, Set<number>>() };
    const keys = (text: string): string[] => repairTokens(tokenize(text), vocab).map((t) => t.key);
    // o for p, g for h: a key next to the one meant; y for i, the letters spelling writes one for the other
    expect(keys("thế chấo nhà")).toEqual(["the", "chap", "nha"]);
    expect(keys("đổi ngàng nghề")).toEqual(["doi", "nganh", "nghe"]);
    expect(keys("nhà xã hộy")).toEqual(["nha", "xa", "hoi"]);
    // the marks typed are kept: "chảo" is no "chấp", and a word without a pair to make is left as typed
    expect(keys("thế chảo")).toEqual(["the", "chao"]);
    expect(keys("ngàng")).toEqual(["ngang"]);
    // a key far from the one meant is no slip ("bán gạch" is no "bán sách")
    expect(keys("bán gạch")).toEqual(["ban", "gach"]);
  });

  it("reads a next word typed without marks that the question takes for a function word as that word, not the table's word that rules a phrase out", () => {
    // "mất" before "căn cước" is a lost card; before "cần" (need) it is a death
    expect(top("ba toi mat can lam giay to gi")).toBe("1.000656");
    expect(top("ba toi mat can cuoc roi")).toBe("1.014064");
  });

  it("reads a function word typed without marks as that word before the words that make it one ('de lam' is 'để làm', not 'đẻ')", () => {
    const read = (text: string) => readPlainFunctionWords(tokenize(text));
    expect(read("moi de lam giay")[1]).toMatchObject({ key: "de", marked: true });
    // so the birth of "mới đẻ" is not read there, but still is before other words
    expect(phraseAt(phraseOf("mới đẻ"), read("moi de lam giay"), 0)).toBe(false);
    expect(phraseAt(phraseOf("mới đẻ"), read("vo moi de xong"), 1)).toBe(true);
    // typed with marks, a word is what its marks say
    expect(read("mới đẻ làm giấy")[1]).toMatchObject({ tone: "đe3" });
  });

  it("reads 'hoi' typed without marks as the association 'hội' before the words that make it one, not the verb 'hỏi'", () => {
    const read = (text: string) => readPlainFunctionWords(tokenize(text));
    expect(read("hoi cuu giao chuc xa xin hop lai")[0]).toMatchObject({ key: "hoi", marked: true });
    expect(top("hoi nuoi ong thon em bi dinh chi, xin cho sinh hoat lai")).toBe("1.013709");
    // a pronoun after it makes it the association only as the question's first word
    expect(read("hoi chung toi dang bi dinh chi")[0]).toMatchObject({ marked: true });
    expect(read("cho hoi chung toi can giay gi")[1]).toMatchObject({ marked: false });
  });

  it("reads 'hoc lai' typed without marks as studying again, not the driving lessons of 'học lái', unless a vehicle follows", () => {
    expect(top("con gai bi lua ban, vua ve, nay muon hoc lai")).toBe("2.001661");
    const read = (text: string) => readPlainFunctionWords(tokenize(text));
    expect(read("muon hoc lai")[2]).toMatchObject({ key: "lai", marked: true });
    expect(read("muon hoc lai xe")[2]).toMatchObject({ key: "lai", marked: false });
  });

  it("reads 'con cho' before a person, typed without marks, as a child's paper asked for someone, not the dog 'con chó'", () => {
    expect(top("nho lam khai sinh con cho vo toi")).toBe("1.001193");
    expect(top("dang ky nhan me con cho chau")).toBe("1.001022");
  });

  it("reads look-alikes typed without marks as what the rest of the question makes them: a father's name, a long stay, a month, a house's foundations", () => {
    // "ten bo trong …" is the father's name, not a cow ("con bo trong chuong" still is one)
    expect(top("ba em qua doi, muon gach ten bo trong so ho")).toBeDefined();
    // "lau dai" is long-term, not a castle
    expect(["1.004194", "1.010040"]).toContain(top("em thue tro o lau dai tai phuong, khai bao cho ai"));
    // "ba thang" is three months, not "thằng"
    const read = (text: string) => readPlainFunctionWords(tokenize(text));
    expect(read("tiem may nghi ba thang")[4]).toMatchObject({ key: "thang", marked: true });
    expect(read("ba thang con")[1]).toMatchObject({ marked: false });
    // pouring a house's foundations is building it; "chuan bi do" is not a frozen phone
    expect(top("con trai sap do mong nha rieng, giay phep xin o dau")).toBe("1.013225");
  });

  it("reads a word typed without marks that ends one phrase as that phrase's word, not another's it would start ('qua doi nha': a death, not moving a house)", () => {
    expect(top("bac hai qua doi nha neo don, ai khai tu")).not.toBe("1.013232");
    expect(top("co ay qua doi. nha con can giay khai tu")).toBe("1.000656");
    // typed with marks, or said on its own, moving a house still is one
    expect(top("xin phép dời nhà sang chỗ khác")).toBe("1.013232");
    expect(top("xin phep doi nha sang cho khac")).toBe("1.013232");
  });

  it("reads the look-alikes an out-of-scope term would read across two words as their neighbours make them", () => {
    const read = (text: string) => readPlainFunctionWords(tokenize(text));
    // scrap ("ve chai"), not a ticket; drawing a map, not a lottery ticket; leaving a room, not going to sea
    expect(read("thu gom ve chai")[2]).toMatchObject({ key: "ve", marked: true });
    expect(read("muon ve so do thua dat")[1]).toMatchObject({ key: "ve", marked: true });
    expect(read("nha bi duoi ra khoi phong tro")[4]).toMatchObject({ key: "khoi", marked: true });
    expect(read("ra khoi danh ca")[1]).toMatchObject({ marked: false });
    // "mấy cây" planted, not a tractor; asking about a time limit, not a stench
    expect(read("toi di trong may cay xoai")[3]).toMatchObject({ key: "may", marked: true });
    expect(read("cho em hoi thu tuc")[2]).toMatchObject({ key: "hoi", marked: true });
  });

  it("reads 'mat tien' after a house, a plot or a change to one as the street front, not a cost", () => {
    const keys = (text: string): string[] => dropQuantityIdioms(tokenize(text)).map((t) => t.key);
    expect(keys("co mat tien khong")).toEqual(["co", "tien", "khong"]);
    expect(keys("doi mat tien nha")).toEqual(["doi", "mat", "tien", "nha"]);
    expect(keys("nha mat tien")).toEqual(["nha", "mat", "tien"]);
  });

  it("respells a word typed with marks only into a word of the same tone ('rước' is not 'được')", () => {
    const vocab = { words: new Set(["to", "chuc", "duoc", "tam", "tru"]), bigrams: new Set(["chuc duoc", "tam tru"]), frequency: new Map<string, number>(), tonesOf: new Map([["duoc", new Set([5])], ["tru", new Set([1])]]) };
    const keys = (text: string): string[] => repairPairs(tokenize(text), vocab).map((t) => t.key);
    // r/d is a regional confusion, but "rước" (sắc) respelled "dước" is no word; "được" is nặng
    expect(keys("tổ chức rước đèn")).toEqual(["to", "chuc", "ruoc", "den"]);
    // the same tone: a regional slip ("chú" for "trú", both sắc)
    expect(keys("tạm chú")).toEqual(["tam", "tru"]);
    // typed without marks, the tone is unknown: the pair decides
    expect(keys("to chuc ruoc den")).toEqual(["to", "chuc", "duoc", "den"]);
    // unless the word already makes a known pair with the word after it ("rước kiệu")
    const withPair = { ...vocab, words: new Set([...vocab.words, "ruoc", "kieu"]), bigrams: new Set([...vocab.bigrams, "ruoc kieu"]) };
    expect(repairPairs(tokenize("chuc ruoc kieu"), withPair).map((t) => t.key)).toEqual(["chuc", "ruoc", "kieu"]);
  });

  it("weighs the catalog words a synonym reads in the story before the need less than the citizen's own", () => {
    const story = "Ba tôi mất năm ngoái, giờ muốn sang tên căn nhà";
    const asked = "giờ muốn làm giấy báo tử cho ba";
    const vocab = { words: new Set([...tokenize(story), ...tokenize(asked)].map((t) => t.key)), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const told = readQuery(story, vocab, () => false);
    expect(told.needFrom).toBeGreaterThan(0);
    // the death told in the story, read as death registration, is a circumstance
    expect(told.terms.get("khai tu")).toBeLessThan(1);
    expect(told.terms.get("sang ten")).toBe(1);
    // asked for: full weight
    expect(readQuery(asked, vocab, () => false).terms.get("khai tu")).toBe(1);
  });

  it("reads the clause after a hearsay marker ('nghe nói …') in a long story, up to the need clause, but not in a short question", () => {
    const story = "mẹ tôi ở quê một mình, chân yếu, con cái đi làm xa gửi tiền về không đều, nghe nói người cao tuổi được nhận trợ cấp mỗi tháng, giờ muốn làm đơn cho mẹ";
    const short = "mẹ tôi tám mươi tuổi, nghe nói được nhận trợ cấp mỗi tháng";
    const vocab = { words: new Set([story, short].flatMap((q) => tokenize(q).map((t) => t.key))), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const told = readQuery(story, vocab, () => false);
    // what was heard of names what is hoped for
    expect(told.heardTerms.has("cap")).toBe(true);
    // not the story before it, nor the need clause after it
    expect(told.heardTerms.has("yeu")).toBe(false);
    expect(told.heardTerms.has("don")).toBe(false);
    expect(told.needTerms.has("don")).toBe(true);
    expect(readQuery(short, vocab, () => false).heardTerms.size).toBe(0);
  });

  it("ends a hearsay clause at the end of its sentence: the story told in the next sentence is not what was heard of", () => {
    const story = "Hợp tác xã chúng tôi chăn nuôi vịt đẻ ở ven sông. Nghe nói tỉnh có tiền giúp các nhóm nông dân làm chung. Vịt năm nay chết nhiều vì dịch, chuồng trại xuống cấp cả rồi";
    const vocab = { words: new Set(tokenize(story).map((t) => t.key)), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const told = readQuery(story, vocab, () => false);
    expect(told.heardTerms.has("nong")).toBe(true);
    expect(told.heardTerms.has("dich")).toBe(false);
    expect(told.heardTerms.has("chuong")).toBe(false);
    // (the same words in one sentence: the clause runs on)
    const oneSentence = readQuery(story.replace(/\. V/u, ", v"), vocab, () => false);
    expect(oneSentence.heardTerms.has("dich")).toBe(true);
  });

  it("reads a paper pointed at with its name in between ('giấy ủy quyền đó') as what is asked, in a question of several sentences", () => {
    const story = "Mẹ tôi có ngôi nhà và ít đất, muốn viết giấy chia cho mấy đứa con. Mẹ còn sáng suốt. Con muốn chở mẹ lên xã để chứng thực giấy di chúc này. Mang theo gì?";
    const oneSentence = "giấy di chúc này chứng thực ở đâu";
    const vocab = { words: new Set([story, oneSentence].flatMap((q) => tokenize(q).map((t) => t.key))), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const told = readQuery(story, vocab, () => false);
    // the sentence that points, with the paper's name
    expect(told.referredTerms.has("chuc")).toBe(true);
    expect(told.referredTerms.has("chung thuc")).toBe(true);
    // not the story before it
    expect(told.referredTerms.has("chia")).toBe(false);
    // one sentence: nothing to set apart
    expect(readQuery(oneSentence, vocab, () => false).referredTerms.size).toBe(0);
    // typed with marks, a word with the pointer's letters but not its marks points at nothing ("do" is "because of", not "đó")
    expect(readQuery("Nhà tôi thuê từ lâu, giấy thuê năm trước do ông ký. Giờ muốn đứng tên mình", vocab, () => false).referredTerms.size).toBe(0);
  });

  it("reads a paper pointed back at ('giấy đó') as what is asked: the words that named it earlier, up to a contrast ('chứ không'), and the sentence that points back", () => {
    const story = "Nhà tôi ở nhờ bên ngoại đã lâu, tôi tính nhập hộ khẩu, nhưng cán bộ dặn phải có giấy ủy ban xác nhận diện tích chứ không cần sổ đỏ. Giấy đó nộp tại công an hay ở xã?";
    const asked = "Cán bộ dặn phải có giấy gì đó. Giờ muốn xin giấy đó ở đâu?";
    const vocab = { words: new Set([story, asked].flatMap((q) => tokenize(q).map((t) => t.key))), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const told = readQuery(story, vocab, () => false);
    // the words that named the paper, and the sentence that points back
    expect(told.referredTerms.has("xac nhan")).toBe(true);
    expect(told.referredTerms.has("dien tich")).toBe(true);
    expect(told.referredTerms.has("cong an")).toBe(true);
    // not the story before the paper, nor what it is set against
    expect(told.referredTerms.has("nhap")).toBe(false);
    expect(told.referredTerms.has("so do")).toBe(false);
    expect(told.referredTerms.has("so")).toBe(false);
    // a paper asked about ("giấy gì") names none
    expect(readQuery(asked, vocab, () => false).referredTerms.size).toBe(0);
    // end to end: a farmed fish's paper, not the wild-caught one's
    expect(top("Trang trại tôi ương giống cá tầm trong bể, người mua hàng đòi giấy chứng minh nguồn gốc là cá nuôi chứ không phải đánh bắt tự nhiên, xin giấy đó ở đâu?")).toBe("1.004680");
  });

  it("starts no need clause at a need marker inside a phrase that says something else ('giờ đã …', 'không còn cần')", () => {
    const held = "anh tôi bị thương khi đi lính, giờ đã được cấp thẻ thương binh, nay tôi muốn xin trợ cấp cho anh";
    const noLonger = "em gái tôi bệnh lâu năm nay đã khỏe không còn cần người chăm, tôi muốn thôi nhận trợ cấp";
    const now = "anh tôi bị thương khi đi lính, giờ muốn xin trợ cấp cho anh";
    const vocab = { words: new Set([held, noLonger, now].flatMap((q) => tokenize(q).map((t) => t.key))), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const at = (q: string, word: string): number => tokenize(q).findIndex((t) => t.key === word);
    expect(readQuery(held, vocab, () => false).needFrom).toBe(at(held, "muon"));
    expect(readQuery(noLonger, vocab, () => false).needFrom).toBe(at(noLonger, "muon"));
    expect(readQuery(now, vocab, () => false).needFrom).toBe(at(now, "gio"));
  });

  it("weighs the words just after a step said done ('đã có …') in a long story less, but not in a short question, nor past a need, nor in 'đã qua đời'", () => {
    const story = "cô ấy dạy học ở trường làng hơn hai mươi năm, đã có bằng khen của tỉnh treo trong nhà, chồng cũng đã qua đời, nhà tranh dột nát, giờ muốn xin nghỉ hưu sớm";
    const short = "đã có bằng khen của tỉnh, muốn xin nghỉ hưu sớm";
    const needed = "cô ấy dạy học ở trường làng hơn hai mươi năm, đã xong muốn xin bằng khen của tỉnh treo trong nhà";
    const vocab = { words: new Set([story, short, needed].flatMap((q) => tokenize(q).map((t) => t.key))), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const told = readQuery(story, vocab, () => false);
    // the paper held is a fact of the story (the three words after the marker)
    expect(told.terms.get("khen")).toBeLessThan(1);
    expect(told.terms.get("huu")).toBe(1);
    // "đã qua đời" is a death, not a step passed: the words after it keep their weight
    expect(told.terms.get("tranh")).toBe(1);
    // a short question that says what it has is about it
    expect(readQuery(short, vocab, () => false).terms.get("khen")).toBe(1);
    // the words after the marker stop being a fact where a need starts
    expect(readQuery(needed, vocab, () => false).terms.get("khen")).toBe(1);
  });

  it("reads 'được công nhận …' as a step done, unless a wish or a denial comes right before it ('muốn được …', 'không được …')", () => {
    const marker = (q: string): boolean => {
      const tokens = tokenize(q);
      const i = tokens.findIndex((t) => t.key === "duoc");
      return doneStepAt(tokens, i) !== undefined;
    };
    expect(marker("già bản ấy được công nhận uy tín")).toBe(true);
    expect(marker("già bản ấy muốn được công nhận uy tín")).toBe(false);
    expect(marker("già bản ấy không được công nhận uy tín")).toBe(false);
    expect(marker("ho toi de duoc cong nhan can ngheo")).toBe(false);
    // end to end: the elder recognised earlier has moved away, and another takes his place on the list
    expect(top("Ông mo ở bản được công nhận có uy tín, nay ông dọn lên thị trấn, bản xin thay người khác, làm ra sao?")).toBe("1.012223");
  });

  it("reads a person made to keep away from another ('buộc … tránh xa', 'không được lại gần') as the measure of no contact", () => {
    expect(top("Gã hàng xóm nát rượu cứ qua nhà quậy, con nhỏ sợ hãi, tôi muốn xã buộc gã tránh xa vợ con tôi, nên làm sao")).toBe("1.012084");
  });

  it("reads a topic wanted but held up by a paper an institution then demands ('… mà ngân hàng bắt có giấy …') as the paper's question", () => {
    expect(top("Hai ông bà nuôi thằng cháu côi cút, muốn lập sổ tiết kiệm đứng tên nó mà ngân hàng bắt có giấy giám hộ, nên đi đâu?")).toBe("1.004837");
    // the topic wanted, with no paper demanded, is still the bank's matter
    expect(kind("muốn lập sổ tiết kiệm đứng tên thằng cháu, thủ tục sao")).toBe("out-of-scope");
  });

  it("reads a household of one's own with 'riêng' inside its words ('tách riêng hộ') as splitting the household, not the wedding told before", () => {
    expect(top("Đứa con út cưới được vợ, ở chung với ông bà trong căn nhà cũ, nay hai đứa tính tách riêng hộ để tự lo giấy má, phải đi đâu?")).toBe("1.010038");
  });

  it("reads a being merely mentioned in a long story as a circumstance, but one the story asks for as absurd", () => {
    // cattle herded on the day of a fall: the death is registered
    expect(top("Bố tôi năm nay bảy mươi tuổi, cả đời nuôi bò và trồng ngô trên nương, mấy hôm trước ông đi chăn bò thì trượt chân ngã xuống suối rồi mất, gia đình muốn làm giấy khai tử cho ông thì nộp ở đâu")).toBe("1.000656");
    // a pet the story then calls "nó" is what the papers are asked for
    expect(kind("Nhà tôi nuôi một con chó đã mười lăm năm, cả nhà thương nó như người thân trong nhà, ngày nào cũng dắt đi dạo quanh xóm, giờ muốn làm giấy khai sinh và nhập hộ khẩu cho nó thì làm sao")).toBe("no-match");
  });

  it("reads a name without marks typed so in a message written with marks as that name ('con ma' is the ghost there)", () => {
    expect(kind("Xóa hộ khẩu cho con ma ở nhà tôi được không")).toBe("no-match");
  });

  it("never reads a function word typed without marks as an animal's or object's name (strict phrases)", () => {
    // "voi" typed without marks is "với" (with), not the elephant; "con mà" is not "con ma"
    expect(phraseAt(phraseOf("voi"), tokenize("voi"), 0, true)).toBe(false);
    expect(phraseAt(phraseOf("con ma"), tokenize("con mà"), 0, true)).toBe(false);
    expect(phraseAt(phraseOf("con mèo"), tokenize("con meo"), 0, true)).toBe(true);
    expect(top("khai bao tam vang voi cong an xa the nao")).toBe("1.003677");
  });

  it("reads a one-word phrase that is itself a function word when it is typed without marks", () => {
    // "không" of "không + lương hưu" typed "khong", "bé" of "nhận nuôi + bé" typed "be"
    expect(phraseAt(phraseOf("không"), tokenize("khong"), 0)).toBe(true);
    expect(phraseAt(phraseOf("bé"), tokenize("be"), 0)).toBe(true);
    // a word that is no function word still needs its marks when its letters spell one ("cho" is not "chó")
    expect(phraseAt(phraseOf("chó"), tokenize("cho"), 0)).toBe(false);
    // (strict phrases, the names of beings and out-of-scope topics, keep the marks)
    expect(phraseAt(phraseOf("bé"), tokenize("be"), 0, true)).toBe(false);
    expect(top("vo chong toi muon xin nhan nuoi mot be gai")).toBe("2.001263");
  });

  it("reads a paper's name that contains a being's name as the paper ('cà vẹt' is no parrot)", () => {
    expect(["1.013082", "1.013080"]).toContain(top("xin cấp lại cà vẹt đã đánh rơi"));
  });

  it("reads colloquial words through the synonym table", () => {
    expect(top("xin giấy độc thân")).toBe("1.004873");
    expect(top("nhập hộ khẩu cho con")).toBe("1.004222");
    expect(top("xin tiền già cho mẹ")).toBe("1.014027");
    expect(top("làm sổ đỏ lần đầu cho mảnh đất nhà tôi")).toBe("1.013978");
    // "a + b": a neighbour's encroachment or a blocked shared path, said anywhere, is a land dispute
    expect(["1.012812", "1.013967"]).toContain(top("bên kia chặn mất lối đi chung vào nhà tôi"));
    // wrong data shown in VNeID is corrected in the national population database, not by an account
    expect(top("trên vneid ghi sai tên đệm của tôi, sửa thế nào")).toBe("1.012564");
    expect(top("đăng ký tài khoản vneid mức 2")).toBe("3.000228");
  });

  it("gives the token API: folded syllables and adjacent pairs", () => {
    expect(textTokens("Đăng ký khai sinh")).toEqual({ syllables: ["dang", "ki", "khai", "sinh"], pairs: ["dang ki", "ki khai", "khai sinh"] });
    expect(textTokens("hoà giải")).toEqual(textTokens("hòa giải"));
    expect(textTokens("")).toEqual({ syllables: [], pairs: [] });
    expect(tokenize("chó")[0]).toMatchObject({ key: "cho", marked: true });
  });
});

describe("answers", () => {
  it("a birth whose parents are not married is registered with the parent's recognition; the marriage it denies is not the request", () => {
    for (const q of ["muốn khai sinh cho bé nhưng ba mẹ bé chưa làm đăng ký kết hôn", "khai sinh cho cháu, bố mẹ cháu chưa đi đăng ký kết hôn", "cần khai sinh cho con khi hai đứa chưa cưới"]) {
      expect(top(q), q).toBe("1.000689");
    }
    // a function word typed without marks, in a message typed with marks, is that word: "con khi …" is not an animal
    expect(kind("xin khai sinh cho con khi mẹ cháu chưa kết hôn")).toBe("match");
    expect(kind("đăng ký khai sinh cho con khỉ nhà tôi")).toBe("no-match");
    // not married, asking for something else: not a birth
    expect(top("chưa kết hôn cần giấy xác nhận độc thân")).toBe("1.004873");
  });

  it("answers empty, blank or punctuation-only input with no match", () => {
    for (const q of ["", "   \t\n ", "?!..."]) {
      expect(askCatalog(index, q)).toEqual({ kind: "no-match" });
      expect(searchCatalog(index, q)).toEqual([]);
    }
  });

  it("answers the monthly allowance to a request for an allowance for the disabled, not a vocational scholarship whose name ends with them", () => {
    expect(top("trợ cấp khuyết tật")).toBe("1.001776");
    expect(top("trợ cấp của người khuyết tật")).toBe("1.001776");
    expect(top("tro cap cua nguoi khuyet tat")).toBe("1.001776");
    // a scholarship and a burial support still answer when asked for
    expect(top("học bổng người khuyết tật")).toBe("1.001714");
    expect(top("hỗ trợ mai táng người khuyết tật")).toBe("1.001731");
  });

  it("answers one letter or digit alone with no match, even a letter a procedure's name lists", () => {
    // (the veterans of the B, C and K battlefields: a name that lists single letters)
    for (const q of ["b", "C", " c. ", "k?", "1", "đ"]) expect(askCatalog(index, q), q).toEqual({ kind: "no-match" });
    // the letters together still name it
    expect(top("chiến trường B,C,K")).toMatch(/^1\.01374[49]$/);
  });

  it("finds procedures by their national code, curated or from the portal", () => {
    expect(searchCatalog(index, "1.001193")).toEqual([{ code: "1.001193", name: "Đăng ký khai sinh", score: 1 }]);
    expect(codes(searchCatalog(index, "thủ tục 2.001008 cần giấy tờ gì"))).toEqual(["2.001008"]);
    expect(codes(searchCatalog(index, "1.004222 và 1.000080"))).toEqual(["1.004222", "1.000080"]);
    expect(searchCatalog(index, "1.999999")).toEqual([]);
  });

  it("lists the runners-up in the order of the ranking that chose the best, not by confidence alone", () => {
    // the end of a guardianship ranks above its siblings that only share "giám hộ"
    const q = "hết làm người giám hộ cho cháu vì cháu đã đủ tuổi";
    expect(codes(searchCatalog(index, q, { limit: 3 }))).toContain("1.004845");
    const rankOrder = explainSearch(index, q).filter((e, i) => e.confidence >= (i === 0 ? MATCH_THRESHOLD : RUNNER_UP_THRESHOLD)).map((e) => e.code);
    expect(codes(searchCatalog(index, q))).toEqual(rankOrder.slice(0, 5));
  });

  it("fills the places the runners-up leave with candidates a little less sure, after every runner-up", () => {
    expect(FURTHER_THRESHOLD).toBeLessThan(RUNNER_UP_THRESHOLD);
    const q = "muốn khoan giếng lấy nước ngầm tưới vườn thì báo xã thế nào";
    const explained = explainSearch(index, q);
    const runners = explained.slice(1).filter((e) => e.confidence >= RUNNER_UP_THRESHOLD).map((e) => e.code);
    const further = explained.slice(1).filter((e) => e.confidence >= FURTHER_THRESHOLD && e.confidence < RUNNER_UP_THRESHOLD).map((e) => e.code);
    expect(further.length).toBeGreaterThan(0);
    const offered = searchCatalog(index, q, { limit: 10 });
    expect(codes(offered)).toEqual([explained[0]!.code, ...runners, ...further].slice(0, 10));
    for (const r of offered) expect(r.score).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
  });

  it("offers a runner-up a little less sure than the best answer must be, never when the best is not sure enough", () => {
    expect(RUNNER_UP_THRESHOLD).toBeLessThan(MATCH_THRESHOLD);
    // a long story: the household business sure enough, beside candidates short of the threshold
    const q = "bố tôi già yếu, muốn để tôi đứng tên chủ tiệm tạp hóa thay ông thì làm giấy gì";
    const explained = explainSearch(index, q);
    expect(explained[0]!.confidence).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    const short = explained.slice(1).filter((e) => e.confidence >= RUNNER_UP_THRESHOLD && e.confidence < MATCH_THRESHOLD).map((e) => e.code);
    expect(short.length).toBeGreaterThan(0);
    const offered = searchCatalog(index, q);
    expect(offered[0]!.code).toBe(explained[0]!.code);
    expect(codes(offered).filter((c) => short.includes(c)).length).toBeGreaterThan(0);
    for (const r of offered) expect(r.score).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    // a best answer short of the threshold: nothing, whatever the runners-up
    const unsure = "cho tôi hỏi chút việc";
    expect(explainSearch(index, unsure)[0]?.confidence ?? 0).toBeLessThan(MATCH_THRESHOLD);
    expect(searchCatalog(index, unsure)).toEqual([]);
  });

  it("gives scores in [0, 1] with two decimals, best first, distinct codes, within the limit", () => {
    for (const q of ["đăng ký khai sinh", "chứng thực hợp đồng mua bán đất", "hòa giải tranh chấp đất đai", "tạm trú", "hết làm người giám hộ cho cháu vì cháu đã đủ tuổi"]) {
      const answer = askCatalog(index, q);
      expect(answer.kind, q).toBe("match");
      if (answer.kind !== "match") continue;
      expect(answer.results.length).toBeLessThanOrEqual(5);
      answer.results.forEach((r, i) => {
        expect(r.score).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
        expect(r.score).toBeLessThanOrEqual(1);
        expect(Math.round(r.score * 100) / 100).toBe(r.score);
        if (i > 0) expect(r.score).toBeLessThanOrEqual(answer.results[i - 1]!.score);
      });
      expect(new Set(codes(answer.results)).size).toBe(answer.results.length);
    }
    expect(searchCatalog(index, "đăng ký khai sinh", { limit: 1 })).toHaveLength(1);
    expect(searchCatalog(index, "đăng ký khai sinh", { limit: 0 })).toEqual([]);
  });

  it("is sure of a question that names a procedure, and says so far ahead of the rest", () => {
    for (const [q, code] of [["đăng ký khai sinh", "1.001193"], ["hòa giải tranh chấp đất đai", "1.012812"], ["chứng thực di chúc", "2.001019"]] as const) {
      const [first, second] = searchCatalog(index, q);
      expect(first?.code, q).toBe(code);
      expect(first!.score, q).toBeGreaterThanOrEqual(0.7);
      if (second) expect(first!.score - second.score, q).toBeGreaterThanOrEqual(0.2);
    }
  });

  it("offers the variants as choices when the question does not say which one", () => {
    const answer = askCatalog(index, "làm thẻ căn cước");
    expect(answer.kind).toBe("choices");
    if (answer.kind !== "choices") return;
    expect(answer.prompt).toMatch(/căn cước/);
    expect(codes(answer.results)).toEqual(expect.arrayContaining(["1.014061", "1.014062", "1.014063", "1.014064"]));
    for (const r of answer.results) expect(r.variant).toBeTruthy();
  });

  it("offers every variant of a small group even when the reader asks for three results", () => {
    const answer = askCatalog(index, "làm thẻ căn cước", { limit: 3 });
    expect(answer.kind).toBe("choices");
    if (answer.kind !== "choices") return;
    expect(codes(answer.results)).toEqual(expect.arrayContaining(["1.014061", "1.014062", "1.014063", "1.014064"]));
    expect(answer.results.length).toBeLessThanOrEqual(6);
  });

  it("puts the search's best other procedure third, before the rest of the variants, when no variant is far ahead of it", () => {
    // an ID-card question that asks about reading the card's data rather than getting a card:
    // the two best variants, then the procedure outside the group, then the other variants
    const answer = askCatalog(index, "căn cước gắn chip thì lấy thông tin ra sao");
    expect(answer.kind).toBe("choices");
    if (answer.kind !== "choices") return;
    const [a, b, c, ...rest] = answer.results;
    expect(a!.variant && b!.variant).toBeTruthy();
    expect(c!.variant).toBeUndefined();
    expect(["1.014061", "1.014062", "1.014063", "1.014064", "3.000722"]).not.toContain(c!.code);
    expect(rest.filter((r) => r.variant).length).toBeGreaterThan(0);
    expect(answer.results.length).toBeLessThanOrEqual(6);
    // still best first
    for (let i = 1; i < answer.results.length; i++) expect(answer.results[i]!.score).toBeLessThanOrEqual(answer.results[i - 1]!.score);
    // a best variant a sure answer's lead ahead keeps every variant first
    const sure = askCatalog(index, "làm thẻ căn cước");
    expect(sure.kind).toBe("choices");
    if (sure.kind !== "choices") return;
    expect(sure.results.every((r) => r.variant)).toBe(true);
  });

  it("picks the variant the question names (foreign element, border area, age, replacement)", () => {
    expect(top("đăng ký kết hôn với người Hàn Quốc")).toBe("2.000806");
    expect(top("khai tử cho người nước ngoài chết ở xã biên giới")).toBe("1.004827");
    expect(top("cấp lại thẻ căn cước vì bị mất")).toBe("1.014064");
    expect(top("làm căn cước cho cháu 9 tuổi")).toBe("1.014062");
    expect(top("làm căn cước lần đầu, tôi 20 tuổi")).toBe("1.014061");
    expect(top("đăng ký khai sinh")).toBe("1.001193");
  });

  it("reads a word two phrases share as a word of both ('cưới chồng' then 'chồng Hàn'), not of the first alone", () => {
    // the wedding's phrase ends with the word the foreign spouse's phrase starts with
    expect(top("em gái sắp cưới chồng Hàn, làm giấy kết hôn ở xã được không")).toBe("2.000806");
    expect(top("em gái sắp cưới vợ Lào, đăng ký ở đâu")).not.toBe("1.000894");
    // a second phrase that says again what the first read adds nothing ("mở tiệm" then "tiệm tạp hóa")
    expect(top("muốn mở tiệm tạp hóa ở nhà, đăng ký thế nào")).toBe("1.001612");
  });

  it("offers the copy extract for a lost birth, death or marriage paper, never the first registration", () => {
    // the register still holds the entry: a copy is what most people need (re-registration only
    // when the register is lost too)
    for (const q of ["mất giấy khai sinh", "tờ giấy chứng tử của bà bị thất lạc", "lỡ làm mất giấy đăng ký kết hôn"]) {
      const answer = askCatalog(index, q);
      const offered = answer.kind === "match" || answer.kind === "choices" ? answer.results.map((r) => r.code) : [];
      expect(offered.slice(0, 2), q).toContain("2.000635");
      expect(offered[0], q).not.toMatch(/^(1\.001193|1\.000656|1\.000894)$/);
    }
    expect(top("con tôi mới sinh, làm giấy khai sinh")).toBe("1.001193");
  });

  it("reads a lost paper whose register is lost too as re-registration, and one whose register still holds it as the copy extract", () => {
    expect(top("bản chính giấy khai sinh của mẹ tôi bị thất lạc, xã báo sổ hộ tịch năm đó không còn")).toBe("1.004884");
    expect(top("giấy chứng tử của ông thất lạc, sổ hộ tịch cũng bị cháy, cần làm gì")).toBe("1.005461");
    // a lost register says re-registration, not which paper: the question's own paper decides
    expect(top("đăng ký kết hôn năm 1998 với vợ người Hàn, giờ bản chính rách nát, sổ gốc cũng không còn")).toBe("2.000513");
    expect(top("hôn thú của bố mẹ tôi rách nát, sổ gốc cũng không còn")).toBe("1.004746");
    expect(top("giấy khai sinh của tôi cháy rồi, sổ cũ ở xã cũng thất lạc")).toBe("1.004884");
    expect(top("bản chính khai sinh bị mối ăn, xã bảo hồi đó không lưu sổ")).toBe("1.004884");
    expect(top("giấy khai sinh bị mất, sổ hộ tịch xã vẫn lưu, cần làm gì")).toBe("2.000635");
    expect(top("giấy kết hôn bị mất, xin bản sao trích lục từ sổ hộ tịch ở xã")).toBe("2.000635");
  });

  it("reads a foreign nationality as a foreign element, an officer coming home as mobile registration (not a death at home), a border gate as the border area", () => {
    expect(top("khai tử cho chú quốc tịch Úc mất ở quê")).toBe("1.001766");
    expect(top("cán bộ tới tận nhà làm khai sinh cho bé được không")).toBe("1.003583");
    // the officer coming up or down to the family, or a family who cannot travel, is mobile registration too
    expect(top("cán bộ lên tận xóm núi làm khai sinh cho cháu được không")).toBe("1.003583");
    expect(top("hai cụ già không đi được, muốn đăng ký kết hôn, xã có người xuống nhà làm không")).toBe("1.000593");
    // a border gate or border guard post nearby is the border area
    expect(top("chồng tôi người Campuchia, nhà ở gần cửa khẩu, làm khai sinh cho con")).toBe("1.000110");
    expect(top("xã tôi có đồn biên phòng, muốn đăng ký kết hôn với cô gái người Lào")).toBe("1.000094");
    expect(top("ông ngoại tôi mất tại nhà, làm khai tử")).toBe("1.000656");
  });

  it("prefers the plain sibling when the question says none of the words that set siblings apart", () => {
    // "Đăng ký … lần đầu" beside "Đăng ký lại …", "Xóa đăng ký …", "Cấp lại Giấy chứng nhận đăng ký …"
    expect(top("đăng ký phương tiện vui chơi giải trí dưới nước")).toBe("2.001215");
    // a word the question says still decides
    expect(top("xóa đăng ký phương tiện vui chơi giải trí dưới nước")).toBe("2.001211");
    expect(top("đăng ký lại phương tiện vui chơi giải trí dưới nước")).toBe("2.001214");
  });

  it("ranks a follow-up that explains the word asking for it above a base procedure whose broad alias the rest says whole", () => {
    // "mất" (read as "cấp lại") is explained only by "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh …"
    expect(top("quán của chị mới bị mất giấy phép của hộ kinh doanh")).toBe("2.000575");
    expect(top("quán của chị bị mất giấy tờ hộ kinh doanh")).toBe("2.000575");
    // without such a word the base registration stands
    expect(top("quán của chị muốn mở hộ kinh doanh")).toBe("1.001612");
  });

  it("reads closing for good ('đóng hẳn') as ending the activity, not as registering it", () => {
    expect(top("tiệm giặt ủi của tôi đóng hẳn hộ kinh doanh")).toBe("1.001266");
  });

  it("moves a religious group's meeting place to another commune when the question says 'xã khác' or 'xã bên', within the commune when it says 'trong xã'", () => {
    expect(top("điểm nhóm Phật giáo của chúng tôi phải chuyển chỗ sinh hoạt sang xã khác")).toBe("1.012582");
    expect(top("nhóm Cao Đài muốn đổi nơi sinh hoạt, chỗ mới cũng trong xã")).toBe("1.012584");
  });

  it("certifies a refusal of an inheritance ('khước từ … thừa kế') as the refusal, not as the division the word 'thừa kế' alone selects", () => {
    expect(top("chị tôi khước từ quyền thừa kế mảnh ruộng, cần xã chứng thực")).toBe("2.001016");
  });

  it("reads a pair of a sibling's own, said as its name writes it, as that sibling's word, even where the word alone is a function word", () => {
    // "thôi hưởng" of "Thủ tục thôi hưởng trợ cấp sinh hoạt …" beside "Thủ tục hưởng trợ cấp sinh hoạt …"
    expect(top("nghe nhan qua doi, con chau xin thoi huong tro cap sinh hoat")).toBe("1.014312");
    expect(top("nghệ nhân ưu tú xin hưởng trợ cấp sinh hoạt hàng tháng")).toBe("1.014310");
  });

  it("reads a word typed with the marks a sibling's name writes it with as that sibling's word, even inside another catalog pair", () => {
    // "lại" of "làm lại" is the "lại" of "Đăng ký lại việc nuôi con nuôi …"
    expect(top("nhận con nuôi từ năm 1990, giấy tờ cháy rồi, làm lại thế nào")).toBe("2.001255");
    // "tổ" of "có tổ" is the "tổ" of "… tổ trưởng tổ hòa giải", not a word of "hòa giải viên"
    expect(top("tổ hòa giải thôn có tổ trưởng vừa bầu")).toBe("2.000950");
  });

  it("takes neither a word typed with other marks nor one a synonym reads inside another pair as a sibling's own word", () => {
    // "nói" of "nghe nói" is not the "nội" of "… điều chỉnh nội dung giấy phép …", and "trồng", which the
    // extension "… Trồng cây lâu năm; …" shares with the new permit, does not tell the two apart: a
    // planned planting asks for the new permit
    expect(top("tôi tính trồng ít cây mít sát bờ kênh thủy lợi, nghe nói cần giấy phép")).toBe("1.014860");
    expect(codes(searchCatalog(index, "tính trồng ít cây xoài cạnh bờ kênh thủy lợi, nghe nói phải có phép")).slice(0, 3)).not.toContain("1.014864");
    // the "nội" of "phương tiện thủy nội địa", read from "xuồng", is not that "nội" either
    expect(top("định cho du khách thuê xuồng trên lòng hồ thủy lợi, có cần giấy phép")).toBe("1.014850");
  });

  it("reads more time asked for a permit as its extension, an officer coming out to the family as the mobile registration, and a home nursery group as an independent preschool", () => {
    expect(top("công ty có bãi chứa cát sát kênh thủy lợi, phép xã cấp sắp hết, cần thêm thời gian")).toBe("1.014851");
    expect(top("xưởng cạnh kênh thủy lợi có giấy phép của xã, nay xin kéo dài")).toBe("1.014851");
    expect(top("cán bộ vào tận bản làm khai tử cho cụ ông vừa mất")).toBe("1.000419");
    expect(top("cán bộ xã có vô tận nơi làm khai sinh cho bé ở rẫy")).toBe("1.003583");
    expect(top("mở nhóm trẻ tại nhà trông mười mấy cháu")).toBe("1.012971");
    expect(top("giải thể nhóm trẻ tư thục")).toBe("1.012974");
  });

  it("reads a sibling's words said just before a failed attempt as a step already taken, not as the sibling asked for", () => {
    expect(top("hòa giải tranh chấp đất ở thôn thất bại, giờ nộp đơn lên chủ tịch xã")).toBe("1.013967");
    // said with the colloquial or typed-short negators too
    expect(top("hoa giai tranh chap dat may lan hong thanh, gio nho chu tich xa giai quyet")).toBe("1.013967");
    expect(top("hòa giải tranh chấp đất mấy lần ko xong, giờ nhờ chủ tịch xã giải quyết")).toBe("1.013967");
    expect(top("xin hòa giải tranh chấp ranh đất với nhà bên cạnh")).toBe("1.012812");
    // the attempt named well before its marker, with whom and what it was about between
    expect(top("hòa giải vụ lấn ranh giữa hai nhà ở cuối xóm không thành, nay nhờ chủ tịch xã phân xử")).toBe("1.013967");
  });

  it("reads a sibling's words said just after a done step's marker as that step, not as the sibling asked for", () => {
    // the appraisal done ("đã qua khâu …"): the approval of the planning task is what comes next
    expect(top("nhiệm vụ quy hoạch nhà đầu tư soạn đã qua khâu thẩm định, duyệt ở đâu")).toBe("1.014156");
  });

  it("puts a procedure for an age range every stated age falls outside behind the others", () => {
    // "Cấp thẻ căn cước cho người dưới 14 tuổi" is not a runner-up for a 17-year-old
    const got = codes(searchCatalog(index, "cháu 17 tuổi muốn làm căn cước"));
    expect(got[0]).toBe("1.014061");
    expect(got.slice(0, 3)).not.toContain("1.014062");
  });

  it("reads a recorded land-use debt paid off as its payment, not as its recording, and a worn paper swapped for a new one as its replacement", () => {
    expect(top("năm trước được ghi nợ tiền sử dụng đất khi tái định cư, nay đủ tiền trả hết nợ")).toBe("1.012996");
    expect(top("bằng ghi công của bác tôi bị mối ăn, muốn đổi cái mới")).toBe("1.010777");
  });

  it("never takes the plain variant's words read from a thing's name for the plain variant asked: a plate lost, worn or handed back is not a first registration", () => {
    // "biển số" is in every plate procedure's name: it names no variant; "cấp lại", "đổi", "nộp lại … đã bán" do
    expect(["1.013082", "1.013080"]).toContain(top("biển số xe máy bị gãy mất, xin cấp lại"));
    expect(top("xin đổi biển số xe bị mờ chữ")).toBe("1.013079");
    expect(["1.013123", "1.013065"]).toContain(top("nộp lại biển số xe ô tô đã bán"));
    // the first registration is still what a new vehicle's plate asks for
    expect(top("bốc biển xe máy")).toBe("1.013067");
  });

  it("reads a benefit asked at an institution as the benefit, not as the institution's founding, merging or conversion", () => {
    // the parent asks for the child's support; the kindergarten's own acts go behind
    expect(top("con tôi học trường mầm non tư thục có được hỗ trợ học phí không")).toBe("1.014337");
    // an act of the institution's life said still asks for it
    expect(top("xin thành lập trường mầm non tư thục")).toBe("2.002891");
  });

  it("puts the sibling whose every own word the question mentions ahead of the plain variant: a paper lost asks for its reissue", () => {
    // "Cấp lại …" beside "Cấp …": "đánh rơi" reads as "cấp lại", with marks or without
    expect(top("chuyên gia người Nhật đánh rơi đâu mất tờ xác nhận được miễn giấy phép lao động, công ty muốn xin tờ mới")).toBe("1.014197");
    expect(top("ky su nguoi nhat danh roi to xac nhan duoc mien giay phep lao dong, cong ty muon xin to moi")).toBe("1.014197");
    // but a lone word typed without marks in a question without marks may be another word: "han" of "người han" is no "Gia hạn …"
    expect(top("giam doc nguoi han cua cong ty duoc mien giay phep lao dong, can giay xac nhan thi nop o dau")).toBe("1.014196");
    // of a name of several parts ("Cấp gia hạn, điều chỉnh …: Trồng cây lâu năm; Hoạt động của phương tiện …"),
    // the words of the parts the question does not choose (the boats) are alternatives, not words left unsaid
    expect(top("giấy phép trồng cây lâu năm trên bờ kênh thủy lợi sắp hết, xin kéo dài thêm")).toBe("1.014864");
  });

  it("reads 'mất' before how long or how much as the time or cost it takes, not as a lost paper or a death", () => {
    const renew = askCatalog(index, "đổi thẻ căn cước mất mấy ngày");
    expect(renew.kind).toBe("match");
    if (renew.kind === "match") expect(renew.results[0]!.code).toBe("1.014063");
    const howLong = askCatalog(index, "làm thẻ căn cước mất bao lâu vậy");
    expect(howLong.kind).toBe("choices");
    expect(top("xin giấy xác nhận khuyết tật mất bao lâu")).toBe("1.001699");
    expect(codes(searchCatalog(index, "làm giấy khai sinh cho con mất phí không")).slice(0, 2)).not.toContain("1.000656");
    // lost, when a word before says so
    expect(top("bị mất thẻ căn cước thì làm sao")).toBe("1.014064");
    expect(top("lỡ làm mất giấy xác nhận khuyết tật")).toBe("1.001653");
    // but "bị mất" before a fee asks whether there is a charge
    expect(top("làm giấy khai sinh cho con có bị mất phí không")).toBe("1.001193");
    expect(top("đăng ký kết hôn thì có bị mất lệ phí gì không")).toBe("1.000894");
  });

  it("reads 'mất' before a sum of money or goods as lost or spent, not as a death ('mất 50 triệu', 'mất 200k')", () => {
    const death = "1.000656";
    for (const q of ["cho hàng xóm vay mà bị quỵt, mất 40 triệu rồi, xã hòa giải giúp được không", "chơi hụi mat 300k ko ai tra", "trộm vào nhà mất 2 cây vàng"]) {
      expect(codes(searchCatalog(index, q)), q).not.toContain(death);
    }
    // a death some time ago is still a death
    expect(top("ba tôi mất 2 năm rồi giờ mới đi khai tử được không")).toBe(death);
  });

  it("reads the euphemisms of a death said of an elder or a spouse ('bà đi rồi', 'không qua khỏi') as a death, not of the one asking", () => {
    const death = "1.000656";
    expect(top("ông ngoại em đi rồi hôm kia, nhà cần làm giấy tờ gì ở xã")).toBe(death);
    expect(top("chồng tôi không qua khỏi sau tai nạn, phải làm thủ tục gì")).toBe(death);
    expect(top("mẹ tôi đã ra đi đêm qua, báo xã thế nào")).toBe(death);
    // someone who left is not dead, nor is the one asking
    expect(codes(searchCatalog(index, "chồng tôi bỏ đi rồi, làm khai sinh cho con một mình được không"))).not.toContain(death);
    expect(codes(searchCatalog(index, "em đi rồi mà xã chưa nhận hồ sơ tạm trú"))).not.toContain(death);
  });

  it("reads a person with merit who died as the family's benefit, unless the death registration is named", () => {
    expect(top("ba tôi là thương binh hạng 2, mới mất hôm thứ bảy, mẹ tôi được lãnh khoản gì")).toBe("1.010824");
    expect(top("ông ngoại là người có công, đã mất được một tuần, gia đình xin chế độ ở đâu")).toBe("1.010824");
    expect(top("bố là thương binh vừa mất, đăng ký khai tử ở đâu")).toBe("1.000656");
  });

  it("tells near-identical support procedures apart by the words citizens use for what sets them apart", () => {
    // a child with defects of a parent's poisoning; a martyr's worship; the kindergarten lunch
    expect(top("bố tôi nhiễm chất độc da cam hồi chiến tranh, tôi sinh ra đã bị dị tật, có được hưởng gì")).toBe("1.010817");
    expect(top("xin tiền cúng giỗ cho anh trai là liệt sĩ")).toBe("1.010803");
    expect(top("hỗ trợ cơm trưa cho cháu học mẫu giáo")).toBe("1.001622");
    // a disabled pupil's scholarship (not the vocational school's); a worker's child in kindergarten (not opening one)
    expect(top("cháu bị khuyết tật đang học lớp 4, xin học bổng được không")).toBe("1.001714");
    expect(top("tôi là công nhân may, con đi học mầm non có được trợ cấp")).toBe("1.008950");
    // a public and a private school's learning costs
    expect(top("con học trường công lớp 7, nhà cận nghèo xin hỗ trợ chi phí học tập")).toBe("1.014336");
    expect(top("con học trường tư lớp 2, nhà nghèo xin hỗ trợ chi phí học tập")).toBe("1.014337");
    // the end of a guardianship; a death whose commune register is gone too
    expect(top("cháu tôi giám hộ nay đủ tuổi thành niên rồi, giờ làm gì với xã")).toBe("1.004845");
    expect(top("khai tử của bà làm từ năm 1985, giấy rách hết mà sổ sách ở xã cũng không còn")).toBe("1.005461");
  });

  it("is sure of the variant a stated age decides (the bot shows a top answer ≥ 0.7 and 0.2 ahead directly)", () => {
    for (const [q, code] of [["thẻ căn cước cho bé 7 tuổi nhà tôi", "1.014062"], ["ông nội 82 tuổi chưa có thẻ căn cước", "1.014061"], ["cháu gái 11 tuổi xin cấp căn cước", "1.014062"]] as const) {
      const answer = askCatalog(index, q);
      expect(answer.kind, q).toBe("match");
      if (answer.kind !== "match") continue;
      const [first, second] = answer.results;
      expect(first?.code, q).toBe(code);
      expect(first!.score, q).toBeGreaterThanOrEqual(0.7);
      if (second) expect(first!.score - second.score, q).toBeGreaterThanOrEqual(0.2);
    }
    // without an age the group is offered as choices, as before
    expect(kind("xin cấp thẻ căn cước cho cháu gái")).toBe("choices");
  });

  it("reads no synonym inside a longer phrase of its entry that the words before rule out: a copy of a paper is certified", () => {
    // "hộ khẩu" is residence registration, but not after "bản sao" (the entry's unlessPrev): nor is
    // the "hộ khẩu" that ends "bản sao sổ hộ khẩu"
    for (const q of ["sao y bản sao sổ hộ khẩu nhà tôi ở đâu", "cần 3 bản sao sổ hộ khẩu có chứng thực"]) expect(top(q), q).toBe("2.000815");
    // a birth certificate's copy is the copy extract, unless it is a copy to certify
    expect(top("công chứng bản sao giấy khai sinh của con")).toBe("2.000815");
    expect(top("xin bản sao giấy khai sinh cho con")).toBe("2.000635");
  });

  it("does not choose a variant by a word the question denies ('chưa cần tạm trú', 'cư trú thì không cần'), but reads a denial that is the condition itself", () => {
    // the joint birth-and-health-card procedure, with the residence said only as not wanted
    expect(top("mới đẻ con, xin khai sinh kèm thẻ bảo hiểm y tế cho cháu, không đăng ký hộ khẩu")).toBe("2.001023");
    expect(top("đẻ con xong xin khai sinh luôn thẻ bảo hiểm y tế, chuyện hộ khẩu thì không cần")).toBe("2.001023");
    // a negator ending a question denies nothing after it
    expect(top("con mới đẻ, khai sinh với bảo hiểm y tế được không, nhập hộ khẩu luôn")).toBe("3.000722");
    // "không lưu sổ": the register's absence is what the re-registration's condition says
    expect(top("giấy khai sinh gốc bị mất, ủy ban không lưu sổ nữa")).toBe("1.004884");
  });

  it("puts a procedure for a private school behind when the question says a public one, and the reverse ('ngoài công lập' is private)", () => {
    expect(top("cháu nhà tôi học lớp hai ở trường tiểu học công lập, hộ nghèo, xin hỗ trợ tiền học tập")).toBe("1.014336");
    expect(top("bé học nhóm trẻ dân lập, nhà cận nghèo có được trợ giúp chi phí học tập")).toBe("1.014337");
    expect(top("con học mầm non ngoài công lập, xin hỗ trợ chi phí học tập")).toBe("1.014337");
  });

  it("reads a vehicle registered wholly online in citizens' words ('hoàn toàn qua mạng', 'khỏi ra công an') and one bought abroad as imported", () => {
    expect(top("mô tô nhập nguyên chiếc, đăng ký biển hoàn toàn qua mạng được không")).toBe("1.013066");
    expect(top("xe hơi mua từ Nhật về, bấm biển lần đầu qua mạng, khỏi lên công an")).toBe("1.013066");
  });

  it("reads a step said granted ('đã được công nhận', 'chấp thuận rồi') as done: the next step is asked, not that one", () => {
    // the founding committee of an association recognised: the association's founding follows
    expect(top("lap hoi cuu quan nhan cua thon khi ban van dong da duoc cong nhan")).toBe("1.013703");
    expect(top("ban vận động hội làm vườn chấp thuận rồi, giờ lập hội")).toBe("1.013703");
    // without it, the committee's recognition is what is asked
    expect(top("xin công nhận ban vận động lập hội người trồng lan")).toBe("1.013702");
  });

  it("picks the variant of a period by the year the family's benefits date from ('từ năm …')", () => {
    // the martyr's certificate for a family already receiving benefits: up to 1994, from 1995 to 2006, or none yet
    expect(top("gia đình nhận chế độ liệt sĩ từ năm 2003, nay xin cấp Bằng Tổ quốc ghi công")).toBe("1.010775");
    expect(top("bà nội hưởng tuất từ 1999, gia đình xin Bằng Tổ quốc ghi công cho chú")).toBe("1.010775");
    expect(top("ông bà tôi nhận trợ cấp thân nhân liệt sĩ từ những năm 1985, giờ muốn làm Bằng Tổ quốc ghi công cho bác")).toBe("1.010774");
    expect(top("xin cấp Bằng Tổ quốc ghi công cho chú tôi hy sinh")).toBe("1.010772");
    // "từ trước năm …": since a year before the one said
    expect(top("bà nội nhận tiền tuất từ trước năm 1995, nay xin Bằng Tổ quốc ghi công cho bác")).toBe("1.010774");
    expect(top("bà nội nhận tiền tuất từ năm 1995, nay xin Bằng Tổ quốc ghi công cho bác")).toBe("1.010775");
    // "từ hồi …", "từ thời …": since that year too
    expect(top("mẹ chú ấy lãnh tuất liệt sĩ từ hồi 1988, con cháu xin Bằng Tổ quốc ghi công")).toBe("1.010774");
    expect(top("mẹ chú ấy lãnh tuất liệt sĩ từ thời năm 2001, con cháu xin Bằng Tổ quốc ghi công")).toBe("1.010775");
  });

  it("reads a stay reported ('khai báo', 'trình báo' + 'tạm trú') as the temporary-residence registration, not the notice of absence", () => {
    // "khai báo" is a word of the notice of absence's name ("Khai báo tạm vắng"); "tạm trú" decides
    expect(top("khai báo tạm trú cần giấy tờ gì")).toBe("1.004194");
    expect(top("trình báo tạm trú cho em họ lên ở nhờ")).toBe("1.004194");
    expect(top("khai báo tạm vắng khi đi làm xa")).toBe("1.003677");
  });

  it("certifies a translator's signature as one who is not the commune's collaborator unless the question says they are", () => {
    // a citizen who translated a paper is no collaborator of the commune: the common case is the default
    expect(top("tự dịch giấy khai sinh sang tiếng Pháp thì chứng thực chữ ký ở đâu")).toBe("2.001008");
    expect(top("tôi không phải cộng tác viên, muốn chứng thực chữ ký người dịch trên bản dịch")).toBe("2.001008");
    expect(top("chứng thực chữ ký người dịch là cộng tác viên của xã")).toBe("2.000992");
  });

  it("answers the under-14 ID card for a child of a few years, the joint under-6 procedure only for a baby or with the birth", () => {
    // the joint procedure registers the birth too: a child of 3 or 5 has a birth certificate
    // already, and asks for the card alone
    for (const q of ["con tôi 3 tuổi làm thẻ căn cước được không", "làm căn cước cho cháu 5 tuổi"]) expect(top(q), q).toBe("1.014062");
    for (const q of ["làm căn cước cho bé 2 tháng tuổi", "căn cước cho trẻ sơ sinh cùng lúc với khai sinh"]) expect(top(q), q).toBe("3.000722");
  });

  it("redirects out-of-scope questions, without shadowing commune procedures that name the same thing", () => {
    const passport = askCatalog(index, "làm hộ chiếu cho con");
    expect(passport).toMatchObject({ kind: "out-of-scope", topic: "Hộ chiếu" });
    if (passport.kind === "out-of-scope") expect(passport.whereToGo).toMatch(/xuất nhập cảnh/);
    expect(kind("thủ tục ly hôn")).toBe("out-of-scope");
    expect(kind("quyết toán thuế thu nhập cá nhân")).toBe("out-of-scope");
    // bank loans and land prices are asked at the commune too
    expect(kind("vay vốn ngân hàng mua nhà")).toBe("out-of-scope");
    // a bank card or account, university admission: no commune procedure (an identity account still is one)
    expect(kind("làm thẻ tín dụng ở đâu")).toBe("out-of-scope");
    expect(kind("hồ sơ xét tuyển vào đại học nộp ở đâu")).toBe("out-of-scope");
    expect(top("đăng ký tài khoản định danh điện tử cho con")).toBe("3.000228");
    expect(kind("bảng giá đất năm nay ở xã")).toBe("out-of-scope");
    // exclusive rights to a name is a trademark, the IP office's, not a signature to certify
    expect(askCatalog(index, "muốn được độc quyền tên quán phở của gia đình thì làm ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Sở hữu trí tuệ" });
    expect(askCatalog(index, "doc quyen cai ten banh trang nha lam")).toMatchObject({ kind: "out-of-scope", topic: "Sở hữu trí tuệ" });
    // how much compensation land taken for a project brings is the project's, not a procedure's
    expect(kind("ruộng bị thu hồi mở rộng quốc lộ, nhà nước đền bù cho tôi mấy trăm triệu")).toBe("out-of-scope");
    expect(kind("vườn bị thu hồi thì bồi thường bao nhiêu một mét")).toBe("out-of-scope");
    expect(top("đăng ký vay vốn ưu đãi xây nhà ở xã hội")).toBe("1.014632");
    expect(top("chứng thực bản sao hộ chiếu")).toBe("2.000815");
    // the rest of the question keeps the marks typed: "mật" (honey) is not "mất" (died)
    expect(kind("xin hộ chiếu cho người nuôi ong lấy mật")).toBe("out-of-scope");
    expect(kind("hộ chiếu của ông bán mật ong")).toBe("out-of-scope");
    expect(top("ghi vào sổ hộ tịch việc ly hôn đã giải quyết ở nước ngoài")).toBe("2.000554");
  });

  it("reads an out-of-scope term typed without marks as the catalog's word of the same letters when the rest of the question names that word's procedure", () => {
    // "bao hanh" of a neighbour and an intervention is "bạo hành" (abuse), which the catalog writes,
    // not a warranty (nor the land mediation the neighbour alone recalls)
    const abuse = ["1.004946", "2.001947", "1.012084", "1.012085", "2.000282"];
    expect(abuse).toContain(top("ong hang xom bao hanh vo con, xa can thiep giup"));
    // typed with marks, the warranty stays out of scope
    expect(askCatalog(index, "tủ lạnh mới mua bị hỏng, bảo hành ở đâu")).toMatchObject({ kind: "out-of-scope" });
  });

  it("reads a verb of going after 'cho' as where someone is let go, not the topic asked for, and the commune's stamp on a paper signed as the signature certified", () => {
    // studying abroad is what the signed paper is for; the commune certifies the signature
    expect(top("giấy cam kết tài chính tôi đã ký cho bé đi du học, nhờ xã đóng dấu giúp")).toBe("2.000884");
    // the passport asked for stays out of scope
    expect(kind("xin cấp hộ chiếu cho bé")).toBe("out-of-scope");
  });

  it("reads help with a pupil's fees as the support towards school costs, not the school's own procedures", () => {
    expect(top("bé nhà tôi đang học ở trường mầm non tư thục, xin hỗ trợ học phí được không")).toBe("1.014337");
  });

  it("reads a lake or canal that waters fields as an irrigation work", () => {
    expect(top("tổ thủy nông trông cái hồ tưới đầu làng, viết bản kế hoạch giữ gìn hồ, nhờ xã duyệt")).toBe("1.014848");
    expect(top("đội giữ kênh tưới của thôn có kế hoạch trông coi con kênh, ai duyệt")).toBe("1.014848");
  });

  it("reads an out-of-scope word among many others of a long question as a circumstance when the rest names the same procedure", () => {
    // a tax receipt told beside a new motorbike's first registration: the registration is asked
    expect(top("Tuần trước nhà tôi sắm chiếc xe máy mới ở cửa hàng, cửa hàng đưa hóa đơn và biên lai đóng trước bạ, làm đăng ký xe với biển số ở công an xã cần những gì")).toBe("1.013067");
    // a short question about the same topic still asks about the topic
    expect(askCatalog(index, "đóng lệ phí trước bạ xe máy ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Thuế" });
    expect(kind("vay vốn mua xe máy")).toBe("out-of-scope");
  });

  it("offers a long story's best procedure when it is as sure as a runner-up, and nothing for a short question as unsure", () => {
    // twenty words and more: a story's words dilute the procedure it asks for
    const story = askCatalog(index, "Mùa khô vừa rồi gia đình tôi khoan thêm một cái giếng ngoài vườn để tưới mấy sào rau, nước dưới đất lấy lên khá nhiều, ông trưởng xóm dặn phải trình xã, tôi cần làm những gì");
    expect(story.kind).toBe("match");
    expect(story.kind === "match" ? story.results[0] : undefined).toMatchObject({ code: "1.001662", score: MATCH_THRESHOLD });
    expect(kind("giá vàng hôm nay bao nhiêu")).toBe("no-match");
  });

  it("answers the topic, not a procedure whose alias names it beside words the question does not say", () => {
    // an alias of the cooperative's notice says a cooperative founding a company: a citizen's own
    // company is the business registration office's
    expect(askCatalog(index, "tôi định lập công ty riêng")).toMatchObject({ kind: "out-of-scope", topic: "Doanh nghiệp" });
    expect(top("hợp tác xã chúng tôi lập công ty con thì báo xã thế nào")).toBe("2.001958");
    // the notice names the topic in its own words ("thành lập doanh nghiệp"), not the question's
    expect(top("Hợp tác xã bên tôi vừa góp vốn thành lập một công ty cổ phần, việc này có phải thông báo cho xã không")).toBe("2.001958");
    // an export, a domain name, a court claim: categories by their general words, with where to go
    expect(kind("xin giấy phép xuất khẩu hạt điều")).toBe("out-of-scope");
    expect(kind("mua tên miền cho trang web bán hàng")).toBe("out-of-scope");
    expect(kind("làm đơn khởi kiện gửi tòa án nhân dân")).toBe("out-of-scope");
    // and a toy, a castle, an idol are never what a procedure is for
    expect(kind("đăng ký thường trú cho mấy con búp bê đồ chơi")).toBe("no-match");
    expect(kind("xin giấy phép xây dựng cho lâu đài tuyết")).toBe("no-match");
    expect(kind("lịch thi đấu bóng đá tuần này")).toBe("no-match");
  });

  it("sends the matters a commune desk hears that belong elsewhere to the right place (legal aid, weapons, salaries, digital signatures, study abroad, mining, utilities, police)", () => {
    const topicOf = (q: string): string => {
      const a = askCatalog(index, q);
      return a.kind === "out-of-scope" ? a.topic : a.kind;
    };
    expect(topicOf("nhà nghèo cần trợ giúp pháp lý miễn phí thì hỏi ai")).toBe("Trợ giúp pháp lý, luật sư");
    expect(topicOf("xin phép dùng súng hơi để bắn chim")).toBe("Vũ khí, vật liệu nổ, công cụ hỗ trợ");
    expect(topicOf("mua công cụ hỗ trợ như roi điện cần giấy gì")).toBe("Vũ khí, vật liệu nổ, công cụ hỗ trợ");
    expect(topicOf("lương giáo viên tiểu học được nâng bậc lương khi nào")).toBe("Tiền lương công chức, viên chức");
    expect(topicOf("đăng ký chữ ký số để ký hồ sơ thuế")).toBe("Chữ ký số");
    expect(topicOf("chuẩn bị hồ sơ đi du học Úc")).toBe("Du học");
    expect(topicOf("xin giấy phép khai thác khoáng sản ở bãi sông")).toBe("Khai thác cát, khoáng sản");
    expect(topicOf("cấp lại giấy chứng sinh bị mất cho con")).toBe("Giấy tờ của bệnh viện");
    expect(topicOf("quán karaoke kế bên mở ồn tới khuya")).toBe("Trình báo công an");
    expect(topicOf("bị lừa tiền qua điện thoại")).toBe("Trình báo công an");
    expect(topicOf("kéo điện ba pha về xưởng")).toBe("Điện, nước, viễn thông");
    expect(topicOf("làm hồ sơ bảo lãnh cha mẹ đi định cư")).toBe("Thị thực (visa)");
    expect(topicOf("xin tiền polymer mới để đổi tiền lì xì")).toBe("Đổi tiền, ngoại tệ, vàng");
    expect(topicOf("xin phép bay flycam quay cảnh đồng lúa")).toBe("Thiết bị bay không người lái (flycam)");
    expect(topicOf("in sách kỷ niệm của dòng họ có cần giấy phép xuất bản")).toBe("Báo chí, xuất bản, in");
    expect(topicOf("mở đại lý gas ở chợ cần giấy gì")).toBe("Kinh doanh xăng dầu, khí đốt");
    expect(topicOf("tuần này trường có họp phụ huynh không")).toBe("Việc của nhà trường");
    expect(topicOf("con học lớp 7 mua bảo hiểm học sinh ở đâu")).toBe("Bảo hiểm y tế");
    expect(topicOf("vào hội phụ nữ ấp thì đăng ký với ai")).toBe("Đảng viên, đoàn thể");
    expect(topicOf("thi bằng hạng b2 hết bao nhiêu tiền")).toBe("Giấy phép lái xe");
    expect(topicOf("người nước ngoài xin gia hạn tạm trú thêm ba tháng")).toBe("Thị thực (visa)");
    expect(topicOf("xưởng gỗ đầu xóm khói bụi mù mịt, báo ai")).toBe("Phản ánh ô nhiễm môi trường");
    expect(topicOf("công ty mời họp dân góp ý về ô nhiễm của dự án")).toBe("match");
    expect(topicOf("làm giáo viên hợp đồng bao lâu thì được vào biên chế")).toBe("Thi tuyển công chức, viên chức");
    // a zodiac year asked about building a house, where a seedling is sold: no administrative matter
    expect(topicOf("người tuổi hợi năm nay làm nhà có tốt không")).toBe("no-match");
    expect(topicOf("ở đâu bán cây giống sầu riêng tốt")).toBe("no-match");
    // a ticket to ride home is no administrative matter, but the railway or the coach company sells it: where to go is said
    expect(topicOf("đặt vé tàu về quê ăn tết")).toBe("Vé tàu xe, máy bay");
  });

  it("sends the everyday services a citizen asks a commune bot about (phone networks, the stock market, party dues, online orders, a dentist, civil-service exams, a petrol station) where they belong, and pastimes to no procedure", () => {
    const topicOf = (q: string): string => {
      const a = askCatalog(index, q);
      return a.kind === "out-of-scope" ? a.topic : a.kind;
    };
    expect(topicOf("bao giờ có lịch thi tuyển viên chức y tế")).toBe("Thi tuyển công chức, viên chức");
    expect(topicOf("cách mở trạm xăng ven quốc lộ")).toBe("Kinh doanh xăng dầu, khí đốt");
    // the exam's name spelt out, as "thpt" is read
    expect(topicOf("con tôi thi trung học phổ thông năm sau đăng ký ở đâu")).toBe("Thi tốt nghiệp THPT, tuyển sinh lớp 10");
    expect(topicOf("đổi sim chính chủ cho số thuê bao cũ")).toBe("Điện, nước, viễn thông");
    expect(topicOf("mở tài khoản chứng khoán để mua cổ phiếu")).toBe("Chứng khoán");
    expect(topicOf("nạp tiền vào ví điện tử bị lỗi")).toBe("Ngân hàng, vay vốn");
    expect(topicOf("đóng đảng phí hằng tháng cho chi bộ")).toBe("Đảng viên, đoàn thể");
    expect(topicOf("đơn hàng đặt trên mạng không giao, muốn hoàn tiền")).toBe("Bảo vệ người tiêu dùng, hàng giả");
    expect(topicOf("đi nhổ răng khôn ở đâu rẻ")).toBe("Khám chữa bệnh, tiêm chủng");
    // a board game, a poem's author, nets cast for fun: no administrative matter at all
    expect(topicOf("dạy tôi đánh cờ tướng")).toBe("no-match");
    expect(topicOf("bài thơ này của tác giả nào")).toBe("no-match");
    expect(topicOf("tối nay đi thả lưới bắt cá ở đâu")).toBe("no-match");
    // while the commune's own procedures stay answered
    expect(topicOf("chứng thực bản sao sổ tiết kiệm")).toBe("match");
  });

  it("reads a word typed without marks by its letters ('phat nguoi' is the traffic fine), and a theft or fishing at sea by their general words", () => {
    expect(askCatalog(index, "xem phat nguoi xe may o dau")).toMatchObject({ kind: "out-of-scope", topic: "Xử phạt giao thông" });
    // the general words of a theft or of fishing at sea
    expect(askCatalog(index, "nhà bị trộm mất tiền thì báo ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Trình báo công an" });
    expect(askCatalog(index, "ghe ra khơi đánh cá cần giấy gì")).toMatchObject({ kind: "out-of-scope", topic: "Tàu cá, khai thác thủy sản" });
  });

  it("takes a paper brought ('mang') with its own marks: 'mạng' before an out-of-scope word is the network itself, not a paper carried", () => {
    expect(askCatalog(index, "hộ kinh doanh cần lắp mạng cáp quang thì làm sao")).toMatchObject({ kind: "out-of-scope", topic: "Điện, nước, viễn thông" });
    expect(askCatalog(index, "xin lắp mạng internet cho hộ kinh doanh")).toMatchObject({ kind: "match", alsoOutOfScope: { topic: "Điện, nước, viễn thông" } });
  });

  it("reads a topic as asked, not told in a story, when the clause stating the need says it again, or after a need that opens the question unless the next clause names its procedure fully", () => {
    // said in the story and again after "giờ muốn"
    expect(askCatalog(index, "Năm ngoái tôi đã tính chuyện ly hôn, giờ muốn ly hôn thì nộp hồ sơ cho xã được không")).toMatchObject({ kind: "out-of-scope", topic: "Ly hôn" });
    // "tôi muốn …" opens the question: a later "cần …" only adds a second ask
    expect(askCatalog(index, "Tôi muốn lắp internet cho quán, hỏi bên nào làm và cần hợp đồng gì")).toMatchObject({ kind: "out-of-scope", topic: "Điện, nước, viễn thông" });
    // … which answers when it names a commune procedure fully
    expect(top("Tôi muốn làm visa đi Hàn và cần xác nhận cư trú không")).toBe("1.010041");
    // an institution named again in a long story is still where things happened
    expect(top("Mẹ tôi sinh tôi ở nước ngoài, giấy khai sinh do đại sứ quán cấp đã mất. Giờ sổ bên đại sứ quán cũng không còn, tôi xin đăng ký lại khai sinh ở xã được không?")).toMatch(/^(2\.000522|2\.000635|1\.004884)$/);
  });

  it("answers out of scope a story whose clause stating the need names another out-of-scope matter, whatever procedure that clause's words recall", () => {
    expect(askCatalog(index, "Đi Úc du lịch bằng visa tự túc, cần sổ tiết kiệm bao nhiêu tiền")).toMatchObject({ kind: "out-of-scope" });
  });

  it("never takes a procedure for naming an out-of-scope word its name spells with other marks ('cho thuê' is no 'thuế'), unless the question is typed without marks", () => {
    expect(askCatalog(index, "cho thuê nhà nộp thuế ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Thuế" });
    expect(askCatalog(index, "hợp đồng cho thuê nhà có phải nộp thuế không")).toMatchObject({ kind: "out-of-scope", topic: "Thuế" });
    // typed without marks, the letters may be the procedure's own ("ra khoi" is "ra khỏi" too)
    expect(top("xin ra khoi ho can ngheo vi da co viec lam")).toMatch(/^1\.01160[678]$/);
  });

  it("knows everyday matters a commune desk hears by mistake: number portability, a logo, ride-hailing, gold, a dismissal, the school-record admission, which court", () => {
    const topic = (query: string): string => {
      const a = askCatalog(index, query);
      return a.kind === "out-of-scope" ? a.topic : a.kind;
    };
    expect(topic("chuyen mang giu so tu mobifone sang vina")).toBe("Điện, nước, viễn thông");
    expect(topic("làm logo cho tiệm bánh và bảo hộ nó ở đâu")).toBe("Sở hữu trí tuệ");
    expect(topic("chạy xe ôm công nghệ cần đăng ký gì")).toBe("Kinh doanh vận tải");
    expect(topic("tài xế grab cần giấy tờ gì")).toBe("Kinh doanh vận tải");
    expect(topic("công ty cho tôi nghỉ việc đột ngột, tôi đòi bồi thường ở đâu")).toBe("Tranh chấp lao động");
    expect(topic("xét tuyển bằng học bạ thì nộp ở đâu")).toBe("Tuyển sinh đại học");
    expect(topic("hộ kinh doanh như tôi đóng thuế khoán thế nào")).toBe("Thuế");
    expect(topic("tiệm vàng ép giá khi tôi bán lại nhẫn")).toBe("Bảo vệ người tiêu dùng, hàng giả");
    // the commune's own procedures stay
    expect(top("mở tiệm bán đồ ăn vặt thì đăng ký kinh doanh ở đâu")).toBe("1.001612");
  });

  it("answers no match for a person's matter asked for a pond fish ('cá chép', 'cá lóc')", () => {
    expect(kind("ca chep nha minh chet roi, xin giay khai tu")).toBe("no-match");
  });

  it("answers no match for an animal called 'chú …', a toy, a word asked in another language, and what to eat on a trip", () => {
    expect(kind("chú mèo nhà tôi có cần đăng ký tạm trú cho nó không")).toBe("no-match");
    expect(kind("chú chó nhà em xin cấp căn cước được không")).toBe("no-match");
    expect(kind("thuyền giấy của bé có phải đăng ký phương tiện không")).toBe("no-match");
    expect(kind("quả táo tiếng anh là gì")).toBe("no-match");
    expect(kind("đi Huế nên ăn gì")).toBe("no-match");
    // a translation to certify is the commune's
    expect(top("chứng thực bản dịch tiếng anh")).toMatch(/^2\.00(1008|0992)$/);
  });

  it("answers no match for a greeting to the bot, a virtual pet, a dairy cow typed without marks, a will or signature of a being, and a fridge that asks", () => {
    expect(kind("hello bot")).toBe("no-match");
    expect(kind("xin chào chatbot nhé")).toBe("no-match");
    expect(kind("khai tử cho thú ảo trong điện thoại của tôi")).toBe("no-match");
    expect(kind("lam can cuoc cho bo sua nha toi")).toBe("no-match");
    expect(kind("chứng thực di chúc con chó nhà tôi")).toBe("no-match");
    expect(kind("con meo nha toi ky ten, chung thuc chu ky cua no duoc khong")).toBe("no-match");
    expect(kind("mọi người ơi, chiếc máy giặt nhà em muốn đăng ký tạm trú")).toBe("no-match");
    // a greeting before a question, a will for a child, an owner's wish about a motorbike still ask
    expect(top("chào ad, cho hỏi đăng ký khai sinh ở đâu")).toBe("1.001193");
    expect(top("chứng thực di chúc cho con gái")).toBe("2.001019");
    expect(kind("xe may cu hong roi muon huy dang ky xe")).not.toBe("no-match");
  });

  it("answers no match for a request for a suggestion that names no procedure's act, but a procedure for one that does", () => {
    expect(kind("gợi ý vài món quà tặng mẹ ngày lễ")).toBe("no-match");
    expect(top("gợi ý giúp tôi thủ tục đăng ký khai sinh")).toBe("1.001193");
  });

  it("answers a topic named as what a procedure is asked for ('cho chiếc máy ủi', 'muốn tách thửa') out of scope, whatever procedure the rest names", () => {
    expect(askCatalog(index, "cấp biển số cho chiếc máy ủi mới mua")).toMatchObject({ kind: "out-of-scope", topic: "Xe máy chuyên dùng" });
    // right after a verb of wanting: the land split is asked, not the estate its other words recall
    expect(askCatalog(index, "muốn tách thửa mảnh đất ra chia cho các con")).toMatchObject({ kind: "out-of-scope", topic: "Sang tên, tách thửa đất" });
  });

  it("reads a topic of three words or more that takes in a synonym's words ('phòng công chứng' beside 'công chứng'), and a place offered as an alternative ('hay', 'hoặc') as no request", () => {
    // the private notary's office, though "công chứng" alone reads as the commune's certifying
    expect(askCatalog(index, "lên văn phòng công chứng làm hợp đồng tặng cho nhà thì tốn bao nhiêu")).toMatchObject({ kind: "out-of-scope", topic: "Công chứng tại phòng công chứng" });
    expect(top("công chứng hợp đồng mua bán đất ở xã được không")).toBe("2.001035");
    // asking whether the commune does it, or else that office: the commune's procedure answers
    expect(top("chứng thực bản sao giấy khai sinh ở xã được không hay phải ra phòng công chứng")).toBe("2.000815");
    expect(top("chứng thực chữ ký ở xã hoặc lên văn phòng công chứng cũng được à")).toBe("2.000884");
  });

  it("reads a verb of asking that has no marks ('xin', 'ra') typed as it is, before an out-of-scope paper or permit ('phiếu lý lịch', 'phép bay')", () => {
    // the rest (work abroad under contract, a wedding) names a procedure: the paper asked for decides
    expect(askCatalog(index, "xin phiếu lý lịch tư pháp sang Hàn Quốc làm việc theo hợp đồng")).toMatchObject({ kind: "out-of-scope", topic: "Lý lịch tư pháp" });
    expect(askCatalog(index, "xin phep bay drone quay phim le cuoi")).toMatchObject({ kind: "out-of-scope", topic: "Thiết bị bay không người lái (flycam)" });
  });

  it("answers the more specific of two topics named by overlapping words ('học lái' of 'học lái máy bay'), and the first of two named apart", () => {
    expect(askCatalog(index, "cháu tôi đang học lái máy bay ở nước ngoài, về nước đổi bằng ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Giấy phép lái tàu bay (phi công)" });
    expect(askCatalog(index, "học lái xe ô tô ở trung tâm nào")).toMatchObject({ kind: "out-of-scope", topic: "Giấy phép lái xe" });
    expect(askCatalog(index, "xin phiếu lý lịch tư pháp để làm hồ sơ đi xuất khẩu gạo")).toMatchObject({ kind: "out-of-scope", topic: "Lý lịch tư pháp" });
  });

  it("reads two terms of one topic said by overlapping words as one mention of it, asked for when either is ('cấp lại thẻ bảo hiểm y tế', 'xin cấp lại mã số thuế')", () => {
    // "bảo hiểm y tế" and "thuế" come first in the table, but the card and the tax code are what is asked for
    expect(askCatalog(index, "cấp lại thẻ bảo hiểm y tế bị mất")).toMatchObject({ kind: "out-of-scope", topic: "Bảo hiểm y tế" });
    expect(askCatalog(index, "xin cấp lại mã số thuế")).toMatchObject({ kind: "out-of-scope", topic: "Thuế" });
  });

  it("leaves out of the rest the words of the topic's terms that go on after the one read ('bán vàng', then 'vàng cưới': one sale, not a sale and a wedding) or pair with it ('thuế + nhà trọ')", () => {
    expect(askCatalog(index, "bán vàng cưới của vợ ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Đổi tiền, ngoại tệ, vàng" });
    // a tax said beside a rented room is the tax, not the stay the room's words recall
    expect(askCatalog(index, "cho thuê dãy nhà trọ sau nhà, tiền thuế tính sao")).toMatchObject({ kind: "out-of-scope", topic: "Thuế" });
    // unless registering the activity is asked for too: the registration, and where to go for the tax
    const registered = askCatalog(index, "muốn đăng ký hộ kinh doanh bán tạp hóa thì phải nộp thuế gì");
    expect(registered).toMatchObject({ kind: "match", alsoOutOfScope: { topic: "Thuế" } });
    expect(registered.kind === "match" ? registered.results[0]?.code : registered.kind).toBe("1.001612");
    // a term that begins before the one read adds what is done with it ("đốt" of "đốt pháo")
    expect(askCatalog(index, "đốt pháo hoa mừng đám cưới của con có cần xin phép không")).toMatchObject({ kind: "out-of-scope", topic: "Pháo, pháo hoa" });
    // the commune's own procedures stay
    expect(top("đăng ký kết hôn cho hai đứa con")).toBe("1.000894");
  });

  it("reads a topic that opens the question as its subject ('… muốn …', '… bị sai …') as asked: what the rest asks is done to it", () => {
    expect(askCatalog(index, "doanh nghiệp tư nhân muốn đổi tên gọi, gửi giấy tờ chỗ nào")).toMatchObject({ kind: "out-of-scope", topic: "Doanh nghiệp" });
  });

  it("reads the traffic police said in two words anywhere, compensation for an accident at work and cooking rice as their topics", () => {
    expect(askCatalog(index, "chạy xe thiếu mũ bị tổ công an tuần tra giao thông thổi lại, đóng tiền chỗ nào")).toMatchObject({ kind: "out-of-scope", topic: "Xử phạt giao thông" });
    expect(askCatalog(index, "ông xã đứt tay lúc lao động ngoài công trình, tai nạn vậy ai đền bù")).toMatchObject({ kind: "out-of-scope", topic: expect.stringMatching(/^Tai nạn lao/) });
    expect(kind("nồi điện nấu cơm toàn bị nhão, khắc phục sao")).toBe("no-match");
  });

  it("reads a topic right after 'thủ tục' that opens the question as asked, whatever procedure the rest names", () => {
    expect(askCatalog(index, "thủ tục hộ chiếu cho bé mới khai sinh xong")).toMatchObject({ kind: "out-of-scope", topic: "Hộ chiếu" });
    expect(askCatalog(index, "thủ tục ly hôn khi chồng bỏ nhà biệt tích mấy năm")).toMatchObject({ kind: "out-of-scope", topic: "Ly hôn" });
  });

  it("reads 'chưa bao giờ', 'chưa từng' … before a topic as denying it, as 'chưa' is", () => {
    expect(top("mẹ tôi 80 tuổi chưa bao giờ đóng bảo hiểm xã hội, muốn xin trợ cấp hằng tháng")).toBe("1.014027");
    expect(top("bố tôi 78 tuổi chưa từng hưởng lương hưu, xin trợ cấp hưu trí xã hội")).toBe("1.014027");
  });

  it("answers everyday matters of airlines and coaches, carriers, sellers and employers out of scope, with where to go", () => {
    const flight = askCatalog(index, "chuyến bay bị hoãn đòi bồi thường");
    expect(flight).toMatchObject({ kind: "out-of-scope", topic: "Vé tàu xe, máy bay" });
    if (flight.kind === "out-of-scope") expect(flight.whereToGo).toMatch(/Hãng hàng không/);
    expect(askCatalog(index, "sim bị khóa vì chưa cập nhật")).toMatchObject({ kind: "out-of-scope", topic: "Điện, nước, viễn thông" });
    expect(askCatalog(index, "shop không cho đổi hàng bị lỗi thì khiếu nại ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Bảo vệ người tiêu dùng, hàng giả" });
    expect(askCatalog(index, "nợ tiền công thợ hồ không trả")).toMatchObject({ kind: "out-of-scope", topic: "Tranh chấp lao động" });
  });

  it("reads a being that opens the question and is then called 'hắn' or 'nó' alone as what the question is about", () => {
    // an insects' nest whose house repair is asked "cho hắn"; a cat "công nhận nó …" as a mediator
    expect(kind("tổ kiến dưới nền bếp, có phải xin phép sửa chữa nhà cho hắn không")).toBe("no-match");
    expect(kind("con mèo nhà tôi hiền lắm, xã công nhận nó làm tổ trưởng tổ hòa giải được không")).toBe("no-match");
  });

  it("reads a being that opens the question and then wants or asks as the one who asks, not a being those asking keep", () => {
    expect(kind("đàn gà ngoài vườn định xin giấy phép mở quán")).toBe("no-match");
    expect(kind("con heo nhà tôi muốn đăng ký thành lập hội")).toBe("no-match");
    // the people who keep the animals found the association
    expect(top("mấy người nuôi chim cảnh trong huyện muốn lập hội")).toBe("1.013703");
  });

  it("reads a being after an opener ('nhà', 'đám') that opens the question, a place gone to ('lên chỗ …') as the request, and an assessment's subject as a paper", () => {
    expect(kind("nhà thỏ trong chuồng nghèo lắm, xin công nhận hộ nghèo cho tụi nó")).toBe("no-match");
    expect(kind("đám chim sẻ trên mái khó khăn quá, xin xét hộ cận nghèo cho tụi nó")).toBe("no-match");
    // the private notary's office gone to: what is asked, whatever contract the rest names
    expect(askCatalog(index, "lên chỗ công chứng tư làm hợp đồng mua bán nhà thì tốn bao nhiêu")).toMatchObject({ kind: "out-of-scope", topic: "Công chứng tại phòng công chứng" });
    // pollution as what an assessment is about: the consultation the commune answers
    expect(top("xã được hỏi ý kiến về báo cáo đánh giá ô nhiễm của trang trại gà, làm theo thủ tục nào")).toBe("1.010736");
    expect(askCatalog(index, "nhà bên cạnh xả nước thải ô nhiễm, báo ai")).toMatchObject({ kind: "out-of-scope", topic: "Phản ánh ô nhiễm môi trường" });
  });

  it("sends a deposit kept, suing, a child entering primary school, a student's certificate, a trademark, and a traffic claim to where they belong, and a match's result to no procedure", () => {
    const topicOf = (q: string): string => {
      const a = askCatalog(index, q);
      return a.kind === "out-of-scope" ? a.topic : a.kind;
    };
    expect(topicOf("đòi lại tiền cọc thuê nhà ở đâu")).toBe("Đòi nợ, vay mượn, hụi họ");
    expect(topicOf("bé nhà tôi năm sau vào lớp một, đăng ký trường nào")).toBe("Xin học mầm non, lớp 1");
    expect(topicOf("xin giấy xác nhận sinh viên của trường đang học")).toBe("Việc của nhà trường");
    // (an alias naming a trademark beside a cooperative's name does not take its registration)
    expect(topicOf("đăng ký nhãn hiệu cho hợp tác xã chúng tôi")).toBe("Sở hữu trí tuệ");
    // (a claim against the other party of an accident, not the State's compensation)
    expect(topicOf("va chạm xe trên quốc lộ, muốn đòi bồi thường từ người kia")).toBe("Tai nạn giao thông");
    expect(topicOf("xin giấy phép bay để quay phim ruộng bậc thang")).toBe("Thiết bị bay không người lái (flycam)");
    expect(topicOf("kết quả trận chung kết tối qua")).toBe("no-match");
    // a joiner of two things sold leaves one request: the company founded, not the books' notice
    expect(topicOf("muốn mở doanh nghiệp phát hành sách và báo")).toBe("Doanh nghiệp");
    // while "và" before a verb of asking still adds a second request the commune answers
    expect(top("muốn làm hộ chiếu và đăng ký tạm trú")).toBe("1.004194");
    // a forest fire told as where a volunteer was hurt is a circumstance, not a call to 114
    expect(topicOf("hôm cháy rừng năm ngoái anh tôi đi dập lửa bị bỏng nặng, gia đình xin chế độ gì")).toBe("match");
    expect(topicOf("cháy rừng trên đồi gọi ai")).toBe("Cấp cứu, cháy nổ khẩn cấp");
  });

  it("knows wages held back, a workshop accident, a fire-safety design, suing and a student's paper as matters of other offices, and a pet's illness or what to buy as none", () => {
    const topicOf = (q: string): string => {
      const a = askCatalog(index, q);
      return a.kind === "out-of-scope" ? a.topic : a.kind;
    };
    expect(topicOf("xưởng giữ lương công nhân hai tháng, khiếu nại ai")).toBe("Tranh chấp lao động");
    expect(topicOf("bị tai nạn trong xưởng cưa, công ty không lo tiền thuốc")).toBe("Tai nạn lao động, bệnh nghề nghiệp");
    expect(topicOf("thẩm duyệt hồ sơ phòng cháy cho kho hàng")).toBe("Thẩm duyệt, nghiệm thu phòng cháy");
    expect(topicOf("hàng xóm lấn ranh, tôi muốn kiện thì làm sao")).toBe("Tòa án");
    expect(topicOf("làm thẻ sinh viên bị mất")).toBe("Việc của nhà trường");
    expect(topicOf("con chó bị tiêu chảy mấy ngày")).toBe("no-match");
    expect(topicOf("ngày nào tốt để động thổ")).toBe("no-match");
    // (the conditions of a procedure, "điều kiện ở đâu", are no lawsuit)
    expect(topicOf("mua nhà ở xã hội cần xác nhận điều kiện ở đâu")).not.toBe("Tòa án");
  });

  it("reads an out-of-scope topic told in the story as a circumstance when the rest names a procedure that explains the need, however short of sure", () => {
    // a bank loan told before "giờ …": the flock culled for bird flu asks the support for the damage
    expect(top("Nhà tôi vay ngân hàng nuôi gà, cả trại gà bị cúm phải tiêu hủy, giờ xin hỗ trợ thiệt hại ở đâu")).toBe("1.013997");
    // a story whose need names nothing of the catalog still asks about the topic
    expect(kind("Tôi vay ngân hàng mua xe, giờ muốn hỏi lãi suất thế nào")).toBe("out-of-scope");
  });

  it("reads a story's out-of-scope topic as what is asked when the clause stating the need shares only a word or two with a long procedure name", () => {
    // the clause names a procedure surely, but says less than half of its name or an alias
    expect(kind("Con tôi năm sau lên lớp một, muốn vào trường công gần nhà thì đăng ký tháng nào")).toBe("out-of-scope");
    // the rest explains the clause's rare words, but says well under half of the procedure's name
    expect(askCatalog(index, "Chị tôi bị người ta vu khống trên mạng xã hội, giờ muốn làm đơn tố cáo thì gửi ai")).toMatchObject({ kind: "out-of-scope", topic: "Trình báo công an" });
    // a clause that names its procedure fully still answers it
    expect(top("Nhà tôi vay ngân hàng nuôi gà, cả trại gà bị cúm phải tiêu hủy, giờ xin hỗ trợ thiệt hại ở đâu")).toBe("1.013997");
  });

  it("knows everyday matters of debts on a handwritten note, forged papers, SIM locks, social-network accounts and foreign words", () => {
    expect(askCatalog(index, "Người quen vay của tôi 30 triệu có viết giấy nợ, giờ trốn biệt, tôi làm sao lấy lại")).toMatchObject({ kind: "out-of-scope", topic: "Đòi nợ, vay mượn, hụi họ" });
    expect(askCatalog(index, "Mua chiếc xe cũ thì phát hiện giấy tờ giả, giờ tố cáo ở chỗ nào")).toMatchObject({ kind: "out-of-scope", topic: "Trình báo công an" });
    expect(askCatalog(index, "số điện thoại bị khóa hai chiều, mở lại ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Điện, nước, viễn thông" });
    expect(askCatalog(index, "quên mật khẩu tài khoản zalo, lấy lại sao")).toMatchObject({ kind: "out-of-scope" });
    expect(askCatalog(index, "tiếng hàn nói thế nào là cảm ơn")).toEqual({ kind: "no-match" });
  });

  it("reads a benefit denied with a verb of receiving before it ('không nhận trợ cấp bảo hiểm xã hội') as a circumstance", () => {
    expect(top("Ông tôi 81 tuổi, không nhận trợ cấp bảo hiểm xã hội nào, xin trợ cấp hưu trí xã hội cho ông ở đâu")).toBe("1.014027");
  });

  it("denies every item of a short list after a negator ('không có X hay Y'), not only the first", () => {
    expect(kind("Anh tôi chạy xe ôm, không có bảo hiểm y tế hay bảo hiểm xã hội, nay mất đột ngột, xin hỗ trợ mai táng thế nào")).not.toBe("out-of-scope");
    expect(top("Mẹ tôi 85 tuổi, không có lương hưu hay bảo hiểm xã hội, xin trợ cấp hưu trí xã hội cho mẹ ở đâu")).toBe("1.014027");
  });

  it("reads a field changed to other crops ('chuyển qua trồng') as the crop change, and a neighbour who told the citizen something ('hàng xóm bảo') as no dispute", () => {
    expect(top("Ruộng nhà tôi cấy lúa lỗ mãi, hai vợ chồng chuyển qua trồng bí, hàng xóm bảo phải lên xã đăng ký")).toBe("1.008004");
  });

  it("reads a house newly built asking for a permit as the building permit, not a wharf's announcement ('mới xây' of a wharf's alias)", () => {
    expect(top("nha moi xay xong co phai xin giay phep khong")).toBe("1.013225");
  });

  it("reads 'làm hội' / 'mở hội' as a festival only when 'hội' is not the first syllable of a longer word (member, fair, council)", () => {
    expect(top("làng tôi sắp làm hội đầu xuân")).toBe("1.003622");
    expect(top("tôi muốn làm hội viên phòng tập thể hình")).not.toBe("1.003622");
    expect(top("mở hội chợ ở xã cần xin phép gì")).not.toBe("1.003622");
  });

  it("reads land already residential with a building permit asked as where the house stands, not a change of the land's use", () => {
    expect(top("tính cất nhà lầu trên đất thổ cư, xin phép xây dựng ở đâu")).toBe("1.013225");
  });

  it("reads 'tien do' typed without marks as that sum, not foreign money, and 'tính trừ' as a deduction; buying or selling dollars stays out of scope", () => {
    expect(top("nha dau tu tra tien do cho cac ho roi, xin tinh tru khi nop tien su dung dat")).toBe("1.012994");
    expect(askCatalog(index, "bán tiền đô ở đâu")).toMatchObject({ kind: "out-of-scope", topic: "Đổi tiền, ngoại tệ, vàng" });
  });

  it("reads someone away for work who names the temporary residence registration as asking for it, not for the notice of absence", () => {
    expect(top("đi làm xa, nay ở thuê, đăng ký tạm trú")).toBe("1.004194");
  });

  it("reads a lake that keeps water for the fields as an irrigation work, whose protected area needs the commune's permit for tourist services", () => {
    expect(top("cho khách chèo thuyền ở hồ giữ nước đầu làng")).toBe("1.014850");
  });

  it("reads a rented room's deposit kept by the landlord as a money matter, not a temporary residence, but keeps a registration asked for", () => {
    expect(askCatalog(index, "chủ nhà trọ giữ tiền cọc không trả")).toMatchObject({ kind: "out-of-scope", topic: "Đòi nợ, vay mượn, hụi họ" });
    expect(top("thuê phòng trọ đã đặt cọc, giờ đăng ký tạm trú thế nào")).toBe("1.004194");
  });

  it("sends an institution's own services (hospital, bank, university) to it, but keeps a procedure the rest names, saying nothing of the institution", () => {
    expect(askCatalog(index, "xin giấy xác nhận đang theo học của trường đại học")).toMatchObject({ kind: "out-of-scope", topic: "Việc của trường đại học, cao đẳng" });
    expect(askCatalog(index, "làm lại thẻ ở ngân hàng")).toMatchObject({ kind: "out-of-scope", topic: "Việc của ngân hàng" });
    expect(askCatalog(index, "lịch hẹn khám ở bệnh viện tỉnh").kind).toBe("out-of-scope");
    const born = askCatalog(index, "bé sinh ở bệnh viện huyện hôm qua, làm giấy khai sinh cho bé");
    expect(born.kind).toBe("match");
    expect(top("bé sinh ở bệnh viện huyện hôm qua, làm giấy khai sinh cho bé")).toBe("1.001193");
    expect(born).not.toHaveProperty("alsoOutOfScope");
    // an institution that asks for the paper is no topic
    expect(kind("ngân hàng yêu cầu giấy xác nhận tình trạng hôn nhân thì xin ở đâu")).toBe("match");
    expect(top("ngân hàng yêu cầu giấy xác nhận tình trạng hôn nhân thì xin ở đâu")).toBe("1.004873");
  });

  it("does not let a rest that names another out-of-scope topic answer for a procedure, unless that procedure names the topic itself", () => {
    // a court and a debt: the commune's mediation its other words recall is not what is asked
    for (const q of ["kien hang xom len toa vi be hui", "hàng xóm giật hụi, kiện ra tòa"]) expect(askCatalog(index, q), q).toMatchObject({ kind: "out-of-scope", topic: "Tòa án" });
    // the ID card that takes in the driving licence and the health-insurance card names both
    for (const q of ["tích hợp bằng lái với thẻ bhyt vào căn cước ở đâu", "cập nhật thẻ bảo hiểm y tế với bằng lái vô căn cước"]) expect(top(q), q).toBe("1.014060");
  });

  it("reads 'cuoi' before a time unit as the end of a period, not a wedding, unless a year follows", () => {
    expect(kind("cuoi thang nop thue o dau")).toBe("out-of-scope");
    expect(kind("cuoi nam nay nop thue dat o dau")).toBe("out-of-scope");
    // typed without marks and followed by a year, it may still be a wedding: the word stays
    const a = askCatalog(index, "cuoi nam 2005 o xa nay");
    const b = askCatalog(index, "cuoi 2005 o xa nay");
    expect(a.kind === "match" ? a.results[0]?.code : a.kind).toBe(b.kind === "match" ? b.results[0]?.code : b.kind);
  });

  it("never sends a phrase that only sounds out of scope elsewhere (in-scope-lookalikes.json)", () => {
    const { phrases } = JSON.parse(readFileSync(resolve(root, "test/fixtures/search/in-scope-lookalikes.json"), "utf8")) as { phrases: { phrase: string; code: string }[] };
    expect(phrases.length).toBeGreaterThanOrEqual(30);
    for (const { phrase, code } of phrases) expect(askCatalog(index, phrase).kind, `${phrase} (${code})`).not.toBe("out-of-scope");
  });

  it("reads an out-of-scope topic the citizen says they lack as a circumstance of a procedure the question names", () => {
    // (the sibling whose name says it: "… chưa tham gia bảo hiểm xã hội mà bị tai nạn …"; its "hội" is the question's, not the association's of "hội bị")
    expect(top("chị tôi chưa đóng bảo hiểm xã hội, bị tai nạn khi đi tuần tra ở thôn, có chế độ gì")).toBe("1.012538");
    // nothing else named: still out of scope
    expect(kind("tôi chưa có hộ chiếu, làm ở đâu")).toBe("out-of-scope");
    expect(kind("chưa có bằng lái xe máy thì thi ở đâu")).toBe("out-of-scope");
  });

  it("still offers the candidates behind a variant chosen with little confidence (as runners-up, at the threshold at least)", () => {
    for (const q of ["khai sinh muộn cho con mười tuổi", "chứng thực giấy tờ cho người nước ngoài thuê nhà"]) {
      const answer = askCatalog(index, q);
      expect(answer.kind, q).toBe("match");
      if (answer.kind !== "match") continue;
      const [first, ...rest] = answer.results;
      // (the case this is about: a variant chosen, far from sure)
      expect(first!.variant, q).toBeTruthy();
      expect(first!.score, q).toBeLessThan(0.6);
      const behind = explainSearch(index, q).filter((c) => c.confidence >= RUNNER_UP_THRESHOLD && c.code !== first!.code);
      expect(behind.length, q).toBeGreaterThan(0);
      expect(rest.length, q).toBe(Math.min(4, behind.length));
      for (const r of rest) expect(r.score, q).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    }
  });

  it("keeps the search's best variant over the group's default when the question says its own name words", () => {
    // "hết hạn": the words of "Gia hạn giấy phép xây dựng" that "Cấp giấy phép xây dựng mới" lacks
    expect(top("giấy phép xây dựng của tôi hết hạn rồi thì làm sao")).toBe("1.013227");
    // saying neither's own words, but fitting another variant clearly better ("Cấp điều chỉnh giấy phép")
    expect(top("sửa lại thiết kế nhà so với giấy phép đã cấp")).toBe("1.013226");
    // nothing that tells the variants apart: the default (a new permit)
    expect(top("xin giấy phép xây nhà ở")).toBe("1.013225");
  });

  it("reads an out-of-scope topic told before a need clause that names nothing (whether a permit is needed) as the question", () => {
    for (const [q, topic] of [
      ["đốt pháo hoa ngày cưới con gái cần xin phép chỗ nào", "Pháo, pháo hoa"],
      ["mướn drone chụp ảnh lễ cưới, cần giấy phép à", "Thiết bị bay không người lái (flycam)"],
    ] as const) expect(askCatalog(index, q), q).toMatchObject({ kind: "out-of-scope", topic });
  });

  it("reads an out-of-scope topic told only in the story as a circumstance when the need clause names a procedure", () => {
    expect(top("Ông tôi đang hưởng lương hưu bảo hiểm xã hội, mới mất tuần trước, giờ muốn làm giấy khai tử cho ông")).toBe("1.000656");
    // a need clause that names no procedure of its own: still the topic
    expect(kind("thành lập công ty cổ phần cần những giấy tờ gì")).toBe("out-of-scope");
    expect(kind("tháng trước tôi nghỉ việc ở công ty, giờ muốn rút bảo hiểm xã hội một lần")).toBe("out-of-scope");
  });

  it("reads 'mất' before a paper or thing as lost, not died ('mất cavet')", () => {
    expect(["1.013082", "1.013080"]).toContain(top("mất cavet xe thì làm sao"));
    expect(top("bố tôi mất tuần trước")).toBe("1.000656");
  });

  it("reads 'mất' after the ID card as a lost card, not a death", () => {
    expect(top("căn cước công dân mất rồi xin cấp lại chỗ nào")).toBe("1.014064");
    expect(top("cmnd vừa mất hôm qua")).not.toBe("1.005461");
  });

  it("reads a stranger to the child ('người dưng', 'không … họ hàng') as the substitute care by a non-relative", () => {
    expect(top("vợ chồng tôi là người dưng, xin chăm sóc thay thế một bé ở xóm")).toBe("1.004941");
  });

  it("reads a negator only as denying what follows it ('không + lương hưu'), not a word said before it", () => {
    // a pension that has not come this month is a question for social insurance, not a person without a pension
    expect(kind("tiền lương hưu của ba tháng này vẫn chưa nhận được")).toBe("out-of-scope");
    expect(top("bà tôi già yếu chưa có lương hưu gì cả")).toBe("1.014027");
  });

  it("reads 'muon' typed without marks as the need marker when the catalog writes its pair only with 'muốn' (an alias), not with 'mướn'", () => {
    const pairs = needMarkerPairs([tokenize("muốn tách hộ ra riêng"), tokenize("thuê mướn nhà"), tokenize("thẻ căn cước")]);
    expect(pairs.get("muon tach")).toBe(false);
    expect(pairs.get("thue muon")).toBe(true);
    expect(pairs.get("can cuoc")).toBe(true);
    const vocab = { words: new Set(["ba", "toi", "mat", "roi", "muon", "tach", "ho"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const known = (pair: string): boolean => pair === "muon tach";
    expect(readQuery("ba toi mat roi muon tach ho", vocab, known, pairs).needFrom).toBe(4);
    // a pair written with another word ("mướn") is that word, as before
    expect(readQuery("ba toi mat roi muon tach ho", vocab, known, new Map([["muon tach", true]])).needFrom).toBe(0);
  });

  it("reads a word typed without marks that is spelt as a function word as the content word of a pair the catalog writes only so ('tam vang': 'tạm vắng', not 'vâng')", () => {
    const texts = ["khai báo tạm vắng", "thông báo tạm vắng cho con", "khai báo tạm vắng đi làm", "đổi thẻ bảo hiểm", "cấp đổi thẻ", "vâng tạm ổn"].map(tokenize);
    const pairs = contentWordPairs(texts);
    // (written twice at least with the content word, never with the function word)
    expect(pairs.get("tam vang")?.tones[1]).toBe("văng1");
    expect(pairs.get("khai bao")?.tones[1]).toBe("bao1");
    expect(pairs.get("vang tam")?.functionWord[0]).toBe(true);
    const vocab = { words: new Set(["khai", "bao", "tam", "vang", "doi", "the", "nao", "lam"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const q = readQuery("khai bao tam vang", vocab, () => true, undefined, undefined, pairs);
    expect(q.terms.get("vang")).toBe(1);
    expect(q.terms.get("bao")).toBe(1);
    // without the catalog's pairs, they are function words ("vâng", "bao nhiêu")
    expect(readQuery("khai bao tam vang", vocab, () => true).terms.has("vang")).toBe(false);
    // a function word after it makes it the function word: "đổi thế nào", though "đổi thẻ" is a pair
    expect(readQuery("doi the", vocab, () => true, undefined, undefined, pairs).terms.has("the")).toBe(true);
    expect(readQuery("doi the nao", vocab, () => true, undefined, undefined, pairs).terms.has("the")).toBe(false);
    // a neighbour typed with other marks than the pair's is another word
    expect(readQuery("tâm vang", vocab, () => true, undefined, undefined, pairs).terms.has("vang")).toBe(false);
    // each word by its own neighbours: the same letters elsewhere in the question are read by theirs
    expect(readQuery("vang tam vang khai bao", vocab, () => true, undefined, undefined, pairs).segments[0]!.stops).toEqual([true, false, false, false, false]);
  });

  it("reads a word typed without marks that is a function word only inside a stop phrase of several words ('gia' of 'gia đình') as its letters elsewhere ('bo gia': 'bố già')", () => {
    const vocab = { words: new Set(["bo", "toi", "gia", "yeu", "dinh", "ngheo", "hai"]), bigrams: new Set<string>(), frequency: new Map([["gia", 12]]) };
    expect(readQuery("bo toi gia yeu", vocab, () => false).terms.has("gia")).toBe(true);
    // (not one the catalog never uses as a content word)
    expect(readQuery("bo toi hai yeu", vocab, () => false).terms.has("hai")).toBe(false);
    expect(readQuery("gia dinh toi ngheo", vocab, () => false).terms.has("gia")).toBe(false);
    // typed with marks, it is read by them as before
    expect(readQuery("gia đình tôi nghèo", vocab, () => false).terms.has("gia")).toBe(false);
  });

  it("does not read a one-word synonym written with marks ('mất') in a word typed without them that a neighbour makes another word of a catalog pair ('vang mat': 'vắng mặt')", () => {
    const pairs = synonymWordPairs(["xác nhận người vắng mặt ở nơi cư trú", "ông ấy mất năm ngoái"].map(tokenize));
    expect([...(pairs.get("vang mat")?.[1] ?? [])]).toEqual(["măt5"]);
    const vocab = { words: new Set(["chong", "toi", "vang", "mat", "o", "nha", "me", "roi"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const reads = (q: string, wordPairs?: typeof pairs): boolean => readQuery(q, vocab, () => false, undefined, undefined, undefined, wordPairs).terms.has("khai tu");
    expect(reads("chong toi vang mat o nha")).toBe(true);
    expect(reads("chong toi vang mat o nha", pairs)).toBe(false);
    // a neighbour the catalog does not pair with it leaves the synonym as it was
    expect(reads("me toi mat roi", pairs)).toBe(true);
  });

  it("reads 'de' typed without marks as the word of a pair the catalog writes with another ('de nghi': 'đề nghị'), not as the purpose marker", () => {
    const pairs = purposeMarkerPairs([tokenize("đề nghị công nhận"), tokenize("để làm nhà")]);
    expect(pairs.get("de nghi")).toBe(true);
    expect(pairs.get("de lam")).toBe(false);
    const vocab = { words: new Set(["ho", "ngheo", "cong", "nhan", "nghi", "lam", "nha"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const known = (pair: string): boolean => pair === "de nghi" || pair === "de lam";
    // the words after "đề nghị" are what is asked, at full weight
    expect(readQuery("ho ngheo de nghi cong nhan", vocab, known, undefined, pairs).purposeFrom).toBe(6);
    // "để làm …" is a purpose; so is a pair the names and aliases never write ("để" then a word)
    expect(readQuery("ho ngheo de lam nha", vocab, known, undefined, pairs).purposeFrom).toBe(3);
    expect(readQuery("ho ngheo de cong nhan", vocab, () => true, undefined, pairs).purposeFrom).toBe(3);
  });

  it("weighs the way a dossier is handed in ('qua VNeID', 'trên mạng') less than the matter the question names", () => {
    const texts = ["nhờ người quen gia hạn giấy phép kinh doanh qua vneid", "làm qua vneid được không", "kinh doanh trên mạng"];
    // (the catalog's words: the matter's and the account's)
    const vocab = { words: new Set(["gia", "han", "giay", "phep", "kinh", "doanh", "mang", "tai", "khoan", "dinh", "danh", "dien", "tu"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const q = readQuery(texts[0]!, vocab, () => false);
    // the channel's word, read as the VNeID account by the synonym table, is the way, not the matter
    expect(q.terms.get("tai khoan")).toBeLessThan(1);
    expect(q.terms.get("kinh doanh")).toBe(1);
    // the channel alone is what the question is about
    expect(readQuery(texts[1]!, vocab, () => false).terms.get("tai khoan")).toBe(1);
    // a way without a marker before it is not a channel
    expect(readQuery("vneid của tôi gia hạn giấy phép kinh doanh", vocab, () => false).terms.get("tai khoan")).toBe(1);
    // and the matter sold on the internet is still the matter
    expect(readQuery(texts[2]!, vocab, () => false).terms.get("kinh doanh")).toBe(1);
  });

  it("reads a function word typed without marks as the content word a catalog pair writes with those letters ('tam vang')", () => {
    const vocab = { words: new Set(["bao", "tam", "vang", "truoc", "di", "lam", "xa", "cho", "con"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const known = (pair: string): boolean => pair === "tam vang" || pair === "cho con";
    // "vang" typed without marks may be "vắng" (absent), not only the function word "vâng"
    expect(readQuery("bao tam vang truoc khi di lam xa", vocab, known).plainStopPairs.has("tam vang")).toBe(true);
    // typed with the function word's marks, or in a question written with marks, it is that word
    expect(readQuery("báo tạm vâng trước khi đi làm xa", vocab, known).plainStopPairs.has("tam vang")).toBe(false);
    // the search: the pair counts where the catalog writes "tạm vắng"
    expect(top("bao tam vang truoc khi di lam xa")).toBe("1.003677");
  });

  it("lets a synonym's long reading of few words make up only their share of the question", () => {
    const vocab = { words: new Set(["tai", "khoan", "dinh", "danh", "dien", "tu", "sua", "ten", "cho", "con"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    // one word read as the five of the account's name makes up about half of what five typed words would
    const q = readQuery("vneid", vocab, () => false);
    expect(q.terms.get("tai khoan")).toBe(1);
    expect(q.shares.get("tai khoan")).toBeGreaterThanOrEqual(0.5);
    expect(q.shares.get("tai khoan")).toBeLessThan(1);
    // two words read as four ("lấn đất" as "tranh chấp đất đai") make up more of it than one read as five
    const land = readQuery("lấn đất", vocab, () => false);
    expect(land.terms.get("tranh chap")).toBe(1);
    expect(land.shares.get("tranh chap")).toBeGreaterThan(q.shares.get("tai khoan")!);
    // words read as they are typed make up all they weigh
    expect(readQuery("abc xyz", vocab, () => false).shares.size).toBe(0);
  });

  it("reads a word typed with marks no catalog text writes ('khảu') by its letters, as typed without them", () => {
    const catalogWords = tokenize("xóa đăng ký thường trú hộ khẩu");
    const vocab = { words: new Set(catalogWords.map((t) => t.key)), bigrams: new Set<string>(), frequency: new Map<string, number>(), written: new Set(catalogWords.filter((t) => t.marked).map((t) => t.tone)) };
    const tokens = readQuery("xin xóa tên người đã mất khỏi hộ khảu", vocab, () => false).tokens;
    expect(tokens.find((t) => t.key === "khau")?.marked).toBe(false);
    // marks the catalog writes stay
    expect(tokens.find((t) => t.key === "xoa")?.marked).toBe(true);
    // the search finds the procedure the word names
    expect(top("xin xóa tên người đã mất khỏi hộ khảu")).toBe("1.003197");
  });

  it("keeps a word typed with a tone mark the catalog never gives its letters ('hiển' beside 'hiến'), but reads a tone left out ('tuôi') by its letters", () => {
    const catalogWords = tokenize("hiến đất làm đường, người đủ tuổi");
    const vocab = { words: new Set(catalogWords.map((t) => t.key)), bigrams: new Set<string>(), frequency: new Map<string, number>(), written: new Set(catalogWords.filter((t) => t.marked).map((t) => t.tone)), tonesOf: new Map([["hien", new Set([toneOf(catalogWords[0]!.tone)])], ["tuoi", new Set([toneOf(catalogWords.at(-1)!.tone)])]]) };
    const tokens = readQuery("màn hình không hiển thị, cháu mới mười tuôi", vocab, () => false).tokens;
    expect(tokens.find((t) => t.key === "hien")?.marked).toBe(true);
    expect(tokens.find((t) => t.key === "tuoi")?.marked).toBe(false);
    expect(kind("máy tính bảng không hiển thị gì cả")).toBe("no-match");
  });

  it("ends a purpose clause where the clause stating the need begins ('… để …, giờ muốn …')", () => {
    const vocab = { words: new Set(["vay", "tien", "nuoi", "ca", "gio", "muon", "ho", "tro"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const q = readQuery("tôi vay tiền để nuôi cá, giờ muốn xin hỗ trợ", vocab, () => false);
    expect(q.purposeFrom).toBeLessThan(q.needFrom);
    expect(q.purposeTo).toBe(q.needFrom);
    // the need clause keeps its full weight
    expect(q.terms.get("tro")).toBe(1);
  });

  it("ends the lower weight of a purpose clause at the end of its sentence ('… để …. Câu sau …')", () => {
    const vocab = { words: new Set(["vay", "tien", "nuoi", "ca", "ho", "tro", "xa"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const q = readQuery("tôi vay tiền để nuôi cá. Xã hỗ trợ thế nào", vocab, () => false);
    // the purpose clause itself weighs less
    expect(q.terms.get("ca")).toBe(0.5);
    // the next sentence keeps its full weight
    expect(q.terms.get("tro")).toBe(1);
  });

  it("does not read a shortened 'nhận con' as the recognition of a parent when the question names an adoption ('con nuôi')", () => {
    const vocab = { words: new Set(["nhan", "con", "nuoi", "cha", "me", "ghi", "dang", "ky"]), bigrams: new Set<string>(), frequency: new Map<string, number>() };
    const terms = readQuery("chúng tôi có một con nuôi, việc nhận con ấy cần ghi ở đâu", vocab, () => false).terms;
    expect(terms.has("cha")).toBe(false);
    // without the adoption named, it is read so
    expect(readQuery("việc nhận con ấy cần ghi ở đâu", vocab, () => false).terms.has("cha")).toBe(true);
  });

  it("reads a paper running out as its extension and a paper put into the ID card as integration", () => {
    const permit = searchCatalog(index, "giấy phép xây dựng hết hạn mà chưa khởi công thì sao")[0];
    expect(permit?.code).toBe("1.013227");
    expect(permit?.score).toBeGreaterThanOrEqual(0.8);
    expect(top("đăng ký tạm trú sắp hết thời hạn")).toBe("1.002755");
    // the driving licence is what is put into the card, not what is asked for
    expect(top("muốn đưa bằng lái xe vào căn cước")).toBe("1.014060");
  });

  it("reads 'đăng ký kinh doanh' for a new shop as registering a household business, not changing one", () => {
    expect(top("mở tiệm tạp hóa có phải đăng ký kinh doanh không")).toBe("1.001612");
    // giving up selling for good is closing it, a pause is not
    expect(top("không bán nữa, muốn trả lại giấy đăng ký kinh doanh")).toBe("1.001266");
    expect(top("tạm thời không bán nữa trong 3 tháng")).toBe("1.001570");
  });

  it("reads a visitor staying ('ở chơi', 'ngủ nhờ', 'qua đêm') as the notice of stay", () => {
    expect(top("cháu tôi về ở chơi một tuần có phải khai báo không")).toBe("2.001159");
  });

  it("reads another country's citizenship or settling abroad as a foreign element", () => {
    expect(top("đã là công dân Úc, sổ hộ tịch ở xã bị cháy, muốn làm lại khai sinh")).toBe("2.000522");
  });

  it("reads 'chưa lập gia đình' as the paper on marital status", () => {
    expect(top("xin giấy xác nhận chưa lập gia đình")).toBe("1.004873");
  });

  it("reads a vehicle just bought ('tậu') as its first registration, surely", () => {
    const first = searchCatalog(index, "mới tậu xe máy thì làm biển số ở đâu")[0];
    expect(first?.code).toBe("1.013067");
    expect(first?.score).toBeGreaterThanOrEqual(0.7);
  });

  it("reads two schools put together as one as their merger, not an association's", () => {
    expect(top("tôi có hai trường mầm non ngoài công lập, định gộp làm một cho dễ quản lý")).toBe("2.002892");
    expect(top("hai trường tiểu học trong xã muốn gộp làm một")).toBe("1.004563");
  });

  it("reads a commune right by the border ('sát biên') as the border area", () => {
    expect(top("ông bà ở xã sát biên, con gái lấy chồng bên Lào về đăng ký kết hôn")).toBe("1.000094");
    expect(top("nhà ở xã sát biên với Campuchia, cháu sinh ra có mẹ người Campuchia, làm khai sinh sao")).toBe("1.000110");
  });

  it("reads a social-protection centre ('trung tâm bảo trợ') as the place a person is admitted to, not left", () => {
    expect(top("bà cụ hàng xóm sống một mình, không ai chăm sóc, muốn xin cho bà vào trung tâm bảo trợ xã hội")).toBe("2.000286");
    expect(searchCatalog(index, "ông chú già yếu không con cái, gia đình muốn gửi ông vào trung tâm bảo trợ")[0]?.code).not.toBe("2.000477");
  });

  it("reads a registration paper or plate handed back as the withdrawal of the registration", () => {
    const back = searchCatalog(index, "xe cũ bán phế liệu rồi, muốn trả lại biển số")[0];
    expect(back?.code).toBe("1.013065");
    expect(back?.score).toBeGreaterThanOrEqual(0.8);
  });

  it("reads a certified contract written wrong, its kind said between, as the correction of its errors", () => {
    expect(top("hợp đồng tặng cho nhà đã chứng thực ghi sai tên người nhận")).toBe("2.000927");
  });

  it("reads 'cấn trừ' as setting a sum off (khấu trừ)", () => {
    expect(top("công ty xin cấn trừ số tiền đã ứng cho dân")).toBe("1.012994");
  });

  it("reads a pupil staying at school through the week as the boarding support, surely", () => {
    expect(searchCatalog(index, "con học xa nhà nên ở lại trường cả tuần, xin hỗ trợ thế nào")[0]?.score).toBeGreaterThanOrEqual(0.95);
  });

  it("reads a DNA result put into the identity records as the collection of biometric data, not a parent's recognition", () => {
    expect(top("bổ sung kết quả xét nghiệm ADN vào căn cước")).toBe("1.014058");
    // a DNA test beside a recognition stays the recognition
    expect(top("bố muốn làm giấy nhận con, đã có kết quả xét nghiệm ADN")).toBe("1.001022");
  });

  it("reads a cooperative's branch head changed as the change of the branch's registration", () => {
    expect(top("hợp tác xã đổi trưởng chi nhánh thì làm gì")).toBe("1.005378");
  });

  it("reads a school assessed against the national standard ('xét chuẩn') as its recognition, not the school's founding or closing", () => {
    expect(top("trường mẫu giáo xin xét chuẩn quốc gia")).toBe("1.000288");
  });

  it("knows the very small ethnic groups by name (learning support for them)", () => {
    expect(top("con toi nguoi dan toc brau hoc mau giao co duoc ho tro gi")).toBe("1.003702");
    // a group whose name is also everyday words is named only with "người" or "dân tộc"
    expect(searchCatalog(index, "bố y tá")).toEqual([]);
  });

  it("reads the 'nhận' of 'xác nhận' as part of that word, not as acknowledging a child", () => {
    expect(top("xác nhận con của thương binh để miễn học phí")).toBe("1.010833");
    expect(top("muốn nhận con riêng của vợ")).toBe("1.001022");
  });

  it("sends university and college admissions ('xét tuyển') out of scope, but not the ethnic boarding school's", () => {
    expect(kind("hồ sơ xét tuyển cao đẳng nộp ở đâu")).toBe("out-of-scope");
    expect(top("xét tuyển vào trường phổ thông dân tộc nội trú")).toBe("1.005090");
  });

  it("names a procedure by common words when they say most of its whole name", () => {
    expect(top("làm việc nuôi con nuôi trong nước")).toBe("2.001263");
    for (const q of ["đăng ký", "xin giấy", "thủ tục hành chính"]) expect(searchCatalog(index, q), q).toEqual([]);
  });

  it("reads a rare pair with a function word as a word of its own ('con nuôi'), not one across two words ('thủ tục | hành chính')", () => {
    // issue 8 names this one: the words of "con nuôi" are each common, together they name adoption
    const adoption = askCatalog(index, "nhận con nuôi");
    expect(adoption.kind).toBe("match");
    expect(adoption.kind === "match" && adoption.results[0]!.code).toBe("2.001263");
    expect(searchCatalog(index, "nhận con nuôi")[0]!.score).toBeGreaterThanOrEqual(0.7);
    expect(top("xin nhận đứa cháu làm con nuôi thì ra xã làm gì")).toBe("2.001263");
    // "nhận nuôi" with a child said anywhere is adoption too
    expect(top("vợ chồng tôi muốn nhận nuôi một bé gái")).toBe("2.001263");
    for (const q of ["hỏi về thủ tục hành chính", "thủ tục hành chính công"]) expect(searchCatalog(index, q), q).toEqual([]);
    // a pair of two function words ("tu cho", unmarked) is not a generic pair the data names: "khai tu" still names death registration
    expect(top("khai tu cho vo nguoi han quoc")).toBe("1.001766");
  });

  it("reads hỏi and ngã alike, as southern speech says them ('khai tữ' is 'khai tử'), without reading 'hỗ trợ' as a tiger", () => {
    expect(tokenize("tữ")[0]!.tone).toBe(tokenize("tử")[0]!.tone);
    expect(tokenize("tư")[0]!.tone).not.toBe(tokenize("tử")[0]!.tone);
    for (const q of ["làm giấy khai tữ cho ba", "giây khai tữ ông nội"]) expect(top(q), q).toBe("1.000656");
    expect(top("xin hỗ trợ mai táng cho cụ ông thuộc diện bảo trợ")).toBe("1.001731");
  });

  it("reads a syllable with a stop ending typed without its acute or dot below ('kêt') as typed without marks", () => {
    const typed = tokenize("kêt");
    expect(typed).toEqual([{ key: "ket", tone: "ket", marked: false }]);
    expect(tokenize("kết")[0]!.marked).toBe(true);
    expect(tokenize("kệch")[0]!.marked).toBe(true);
    expect(tokenize("hôn")[0]!.marked).toBe(true);
    // the issue's question: the foreign-element marriage, sure enough for the bot to answer it directly
    const [first] = searchCatalog(index, "đăng kí kêt hôn vs người nước ngoài");
    expect(first).toMatchObject({ code: "2.000806" });
    expect(first!.score).toBeGreaterThanOrEqual(0.7);
  });

  it("lets a procedure the question names outright outweigh one an ambiguous word implies ('mat' of a lost register is not a death)", () => {
    expect(top("ban chinh giay ket hon that lac, so goc cung mat")).toBe("1.004746");
    expect(top("giay khai sinh cu that lac va so o xa cung mat, lam lai khai sinh")).toBe("1.004884");
    // said alone, the word is still a death
    expect(top("ông tôi mat tuần trước, giờ làm giấy gì")).toBe("1.000656");
  });

  it("tells words apart by their marks when a synonym's exception names the next word ('cần' is not 'căn')", () => {
    expect(top("bà ngoại qua đời cần chuẩn bị giấy tờ gì")).toBe("1.000656");
    expect(top("cụ ông từ trần cần báo xã không")).toBe("1.000656");
    // "mất" before a thing ("cái", "chiếc"…) is a loss, not a death
    for (const q of ["hôm qua đi chợ mất cái ví, giờ báo ai", "ông cụ mất chiếc xe đạp ngoài đình"]) expect(codes(searchCatalog(index, q)), q).not.toContain("1.000656");
    // the exception still holds for the word it names, typed with or without marks
    expect(top("mất căn cước rồi")).toBe("1.014064");
    expect(top("mat can cuoc roi")).toBe("1.014064");
  });

  it("answers a short question with a rare word none of the best procedures says, and that leaves the best one unsure, with no match", () => {
    // swiftlet farming: the aquaculture procedures share only "nuôi"
    for (const q of ["đăng ký nuôi chim yến", "xin phép nuôi yến trong nhà"]) expect(kind(q), q).toBe("no-match");
    // a short question whose words a procedure says is answered
    expect(top("xin giấy phép xây nhà")).toBe("1.013225");
  });

  it("answers a question of few words that its best procedure explains little, by no rare word of it, leaving its rare pair out, with no match", () => {
    // an auditor's exam ("kiểm toán" unexplained): only "thi", "chứng chỉ" and "đăng ký" meet an education procedure
    expect(kind("thi chứng chỉ kiểm toán viên đăng ký ở đâu")).toBe("no-match");
    // a short question a procedure explains is still answered
    expect(top("xin giấy phép xây nhà")).toBe("1.013225");
  });

  it("answers a procedure's words borrowed for an animal, plant or object with no match", () => {
    for (const q of ["đăng ký khai sinh cho con mèo nhà tôi", "làm giấy khai tử cho cây bưởi", "đăng ký tạm trú cho con gấu bông", "con chó nhà tôi đi lạc sang nhà hàng xóm, làm tạm trú cho nó được không"]) {
      expect(askCatalog(index, q), q).toEqual({ kind: "no-match" });
    }
    expect(top("khai sinh cho con")).toBe("1.001193");
    // a pet breed or a bonsai is an animal or a plant too
    for (const q of ["nhận con nuôi cho chậu bonsai", "dang ky tam tru cho con becgie"]) expect(askCatalog(index, q), q).toEqual({ kind: "no-match" });
    // a classifier of things, plants or animals after "cho" names no person, whatever noun follows
    for (const q of ["xác nhận tình trạng hôn nhân cho chiếc ô tô", "làm căn cước cho đàn ngỗng"]) expect(askCatalog(index, q), q).toEqual({ kind: "no-match" });
    // a procedure about the thing itself still answers
    expect(searchCatalog(index, "thay máy cho chiếc ghe thì đăng ký lại thế nào").length).toBeGreaterThan(0);
    // support for livestock is not a matter only a person has
    expect(top("xin trợ cấp cho đàn heo bị dịch tả")).toBe("1.013997");
  });

  it("reads where a being or thing stands: what a procedure is asked for is absurd, a circumstance or a look-alike word is not", () => {
    const answered = (q: string): boolean => ["match", "choices"].includes(askCatalog(index, q).kind);
    // a being that did something is a circumstance of a real death
    expect(top("ông tôi bị rắn độc cắn qua đời, báo tử ở đâu")).toBe("1.000656");
    expect(top("bà nội bị cây đổ đè tử vong, làm khai tử thế nào")).toBe("1.000656");
    // words that only look like a being's name typed without marks ("con cả", "con lớn", "cá nhân"),
    // and a thing only mentioned ("qua điện thoại")
    for (const q of ["lam lai khai sinh cho con ca bi mat", "lam can cuoc cho con lon 15 tuoi", "thường trú, cá nhân tôi cần mang gì", "đăng ký tạm trú qua điện thoại được không"]) expect(answered(q), q).toBe(true);
    // typed without marks, a function word's look-alike followed by a place, a purpose or a
    // demonstrative is the being ("con ma trong …", "con bo de …"); followed by a clause, the word
    for (const q of ["khai tu cho con ma trong can nha cu", "lam tam tru cho con bo de no o lai", "cap can cuoc cho con khi ay"]) expect(answered(q), q).toBe(false);
    for (const q of ["khai sinh cho con khi con moi sinh", "lam tam tru cho con ma khong co so ho khau"]) expect(answered(q), q).toBe(true);
    // procedures about livestock, goods for animals, vessels still answer
    for (const q of ["xin hỗ trợ phối giống cho đàn bò cái", "đăng ký hộ kinh doanh bán thức ăn cho chó mèo", "đăng ký lại chiếc ghe khi thay máy cho chiếc ghe"]) expect(answered(q), q).toBe(true);
    // a person's matter a synonym reads in their story ("mất mùa", "ghi sai": a death, a correction)
    // is a circumstance of the fields or fish such a procedure is about; typed, it is still asked for them
    expect(top("mấy vụ lúa mất mùa, muốn chuyển ruộng sang nuôi cá")).toBe("1.008004");
    expect(top("giấy giao khu vực biển nuôi cá ghi sai diện tích, xin sửa")).toBe("3.000442");
    expect(answered("làm giấy khai tử cho con gà")).toBe(false);
    // any procedure asked for a being or thing it is not about, a fictional being, a person sold,
    // a marriage to oneself, the moon
    for (const q of [
      "chứng thực chữ ký cho con vẹt",
      "công nhận hộ nghèo cho con chó nhà tôi",
      "cấp giấy chứng nhận quyền sử dụng đất cho con trâu",
      "xin giấy phép xây dựng cho cái tủ lạnh",
      "xin giấy phép nuôi khủng long trong vườn",
      "đăng ký khai sinh cho con kỳ lân",
      "bán bố để mua nhà thì làm thủ tục gì",
      "đăng ký kết hôn với chính mình được không",
      "đăng ký quyền sử dụng đất trên mặt trăng",
    ]) expect(answered(q), q).toBe(false);
  });

  it("reads a signature or fingerprint of a being, a copy of a thing, a marriage between things and a thing referred to as 'nó' as absurd, and a fairy tale as fiction", () => {
    const answered = (q: string): boolean => ["match", "choices"].includes(askCatalog(index, q).kind);
    // what only a person has, said of a being or thing, whatever procedure (a contract's words too)
    for (const q of ["xac nhan van tay cua con cho nha toi", "chứng thực chữ ký của chiếc máy tính trên hợp đồng thuê"]) expect(answered(q), q).toBe(false);
    // only papers are copied and certified
    for (const q of ["chứng thực bản sao chiếc nhẫn cưới", "sao y bức tượng phật trong nhà"]) expect(answered(q), q).toBe(false);
    // a person's matter between two things, or for a thing named first and then called "nó"
    expect(answered("đăng ký kết hôn giữa cái nón và đôi dép")).toBe(false);
    expect(answered("cái laptop hỏng rồi, có làm khai tử cho nó được không")).toBe(false);
    expect(answered("đăng ký khai sinh cho nhân vật trong truyện cổ tích")).toBe(false);
    // the person's own, a paper copied, a will that leaves a thing, a marriage with a person
    for (const q of ["chứng thực chữ ký của mẹ tôi trên giấy ủy quyền", "chứng thực bản sao cái giấy khai sinh", "chứng thực di chúc mảnh đất để lại cho con", "đăng ký kết hôn với người nước ngoài", "chứng thực hợp đồng mua bán con bò"]) expect(answered(q), q).toBe(true);
  });

  it("answers a question about no administrative matter (prices, fortune-telling, gardening, contacts) with an honest no match, unless it names a procedure too", () => {
    for (const q of ["giá cà phê hôm nay ở Đắk Lắk bao nhiêu", "năm nay tuổi dần làm nhà có hợp tuổi không", "xin số điện thoại của công an xã", "trồng hoa hồng bị vàng lá phải làm sao"]) {
      expect(askCatalog(index, q), q).toEqual({ kind: "no-match" });
    }
    // the procedure the rest of the question names outweighs it, even said before a need marker
    expect(top("đăng ký tạm trú có cần số điện thoại chủ nhà không")).toBe("1.004194");
    expect(kind("kết hôn với người yêu người Hàn Quốc cần giấy gì")).toBe("match");
    // told as a cause, it is a circumstance
    expect(kind("xin hỗ trợ khi cây trồng bị thiệt hại do thời tiết")).toBe("match");
  });

  it("reads a procedure's field as what it is about, a character of any story as fictional, and a message with one marked word as typed without marks", () => {
    for (const q of ["con bò của ông tôi có được cấp bằng tổ quốc ghi công không", "đăng ký kết hôn với nhân vật trong truyện tranh", "dang ky giam hộ cho bup be"]) {
      expect(askCatalog(index, q), q).toEqual({ kind: "no-match" });
    }
  });

  it("reads a ghost's soul or a folk deity as fictional, but not a marriage typed without marks ('ket hon ma …')", () => {
    for (const q of ["xác nhận cư trú cho hồn ma trong nhà", "đăng ký tạm trú cho vong hồn ông bà", "làm căn cước cho táo quân"]) {
      expect(askCatalog(index, q), q).toEqual({ kind: "no-match" });
    }
    expect(top("ket hon ma chua co giay xac nhan doc than")).toBe("1.004873");
  });

  it("reads a one-word animal right after a classifier by its letters in a message typed without marks ('dan ngua'), not a function word's ('giay to cho')", () => {
    expect(kind("xin xac nhan ho can ngheo cho dan ngua")).toBe("no-match");
    // "tờ cho" is no nest's dog, and the letters alone name no animal
    expect(top("chau moi sinh hom qua, lam giay to cho chau the nao")).toBe("1.001193");
    expect(top("xin ho tro cho dan ga bi cum")).toBe("1.013997");
  });

  it("reads a topic followed by asking whether it needs a permit as what is asked, not the occasion around it", () => {
    expect(kind("Nhà có đám cưới, bắn pháo hoa tầm năm phút thì có cần xin phép không")).toBe("out-of-scope");
  });

  it("reads a verb of asking typed without marks, or hiring, before a topic as what is asked ('thue …', 'mời …')", () => {
    expect(kind("thue thua phat lai ghi nhan hien trang nha toi truoc khi nha ben xay")).toBe("out-of-scope");
    expect(kind("định mời thừa phát lại tới ghi lại hiện trạng căn nhà, sợ bên cạnh xây làm nứt tường")).toBe("out-of-scope");
  });

  it("drops a purpose clause's marker with the clause: a 'de' left alone is no birth", () => {
    expect(kind("bi nga o xuong, muon di giam dinh ty le de huong tro cap")).toBe("out-of-scope");
  });

  it("names foreign money and the gold shop that changes it; a neighbour who sold the land is no dispute", () => {
    expect(kind("con gái ở Úc gửi về ít tiền đô, mang ra tiệm vàng đổi được không")).toBe("out-of-scope");
    expect(kind("đất nhà tôi mua của ông hàng xóm, giờ sang tên sổ đỏ ở đâu")).toBe("out-of-scope");
    // a quarrel with a neighbour is still the commune's mediation
    expect(top("hàng xóm lấn đất nhà tôi, xin xã hòa giải")).toBe("1.012812");
  });

  it("reads a being or thing that opens the question and is then asked for ('cho chúng', 'của nó') as the subject, whatever it did first", () => {
    for (const q of ["Mấy con bò của hai nhà tranh bãi cỏ, xin chủ tịch xã phân xử cho chúng", "cái quạt nhà tôi cũ quá, xin xã công nhận hộ cận nghèo cho nó", "con chó cào rách tờ giấy, muốn chứng thực chữ ký bằng dấu móng của nó", "làm hôn thú với cái chăn bông", "giấy chứng sinh do trạm thú y cấp có dùng làm khai sinh được không"]) {
      expect(kind(q), q).toBe("no-match");
    }
  });

  it("answers a time zone, a word's English or a riddle with no procedure", () => {
    for (const q of ["ở Mỹ giờ này là mấy giờ", "con trâu tiếng anh viết như nào", "con gì mà vừa biết bơi vừa biết bay"]) expect(kind(q), q).toBe("no-match");
  });

  it("answers generic or unrelated questions with no procedure", () => {
    for (const q of ["đăng ký", "xin giấy", "thủ tục hành chính", "giá vàng hôm nay"]) expect(searchCatalog(index, q), q).toEqual([]);
  });
});

describe("the data tables", () => {
  it("load and validate, and name only procedures of the catalog", () => {
    const data = searchData();
    expect(data.synonyms.length).toBeGreaterThan(50);
    expect(data.topics.length).toBeGreaterThanOrEqual(5);
    const codeSet = new Set(catalog.map((p) => p.code));
    for (const g of data.groups) {
      for (const m of g.members) expect(codeSet.has(m.code), `${g.id}: ${m.code}`).toBe(true);
      if (g.default) expect(g.members.some((m) => m.code === g.default), g.id).toBe(true);
    }
  });

  it("works on any catalog, and a rebuilt index sees the changes", () => {
    const small: SearchableProcedure[] = [
      { code: "9.000001", name: "Đăng ký khai sinh", field: "Hộ tịch", aliases: [], documentNames: ["Tờ khai"] },
      { code: "9.000002", name: "Đăng ký kết hôn", field: null, aliases: [], documentNames: [] },
    ];
    const smallIndex = buildSearchIndex(small);
    expect(searchCatalog(smallIndex, "lấy vợ")[0]?.code).toBe("9.000002");
    expect(searchCatalog(smallIndex, "dang ky khai sinh")[0]?.code).toBe("9.000001");
    expect(searchCatalog(smallIndex, "tách hộ")).toEqual([]);
    const grown = buildSearchIndex([...small, { code: "9.000003", name: "Tách hộ", field: null, aliases: [], documentNames: [] }]);
    expect(searchCatalog(grown, "tách hộ")[0]?.code).toBe("9.000003");
    expect(searchCatalog(buildSearchIndex([]), "đăng ký khai sinh")).toEqual([]);
  });

  it("reads an alias in citizens' words as a question is read: its colloquial phrase meets the question saying it, or a synonym of it", () => {
    const small: SearchableProcedure[] = [
      { code: "9.000001", name: "Đăng ký biến động đất đai", field: null, aliases: ["sang tên sổ đỏ cho con"], documentNames: [] },
      { code: "9.000002", name: "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", field: null, aliases: [], documentNames: [] },
    ];
    // the question's "bìa đỏ" is read as the catalog's words, as is the alias's "sổ đỏ"
    expect(searchCatalog(buildSearchIndex(small), "muốn sang tên bìa đỏ cho con")[0]?.code).toBe("9.000001");
  });
});

/**
 * Files whose texts (example questions, button labels such as "Tra cứu hồ sơ", the bot's intent
 * vocabulary, a CLI message, notification texts) share a phrase with dev or held-out questions.
 * They are owned by the bot, the CLI and the notifications, not by the search; listed here so that the check stays strict everywhere else (the search code
 * and its data). Remove an entry when its texts change.
 */
const KNOWN_UI_EXAMPLES = new Set([
  "bots/messages/vi.ts",
  "bots/features/booking.ts",
  "bots/features/menu.ts",
  "bots/intents/match.ts",
  "src/cli/commands/staff.ts",
  "src/notifications/messages/vi.ts",
]);

describe("evaluation", () => {
  it("stays above a floor on the dev questions", () => {
    const f = evaluate(index, loadQuestions(DEV_PATH));
    // (the floors dropped when 320 harder, mostly portal, questions joined the set; the no-match
    // floor, lowered to 0.87 when the fourth blind batch (dev4-*, 307 questions) joined at 88.6 %,
    // is back at 0.90 since the absurd and unrelated classifiers generalised: 94.9 %)
    expect(f.questions).toBeGreaterThanOrEqual(960);
    expect(f.top1).toBeGreaterThanOrEqual(0.81);
    expect(f.top3).toBeGreaterThanOrEqual(0.88);
    expect(f.noMatch).toBeGreaterThanOrEqual(0.9);
    expect(f.falseMatchOutOfScope).toBeLessThanOrEqual(0.08); // 0.09 for a while after the blind dev5- batch joined (8.9 %); 4.2 % once out-of-scope categories generalised
  }, 900_000); // every dev question (9,031): about a minute alone, 209 s on a 2-core machine running seven other jobs (a liveness bound, not a speed check)

  it("reads an abbreviation as the words the table writes, with their marks, in a question written with marks", () => {
    // "cmnd" is "chứng minh nhân dân": in a question with enough marked words, the expansion read
    // without marks was taken for "chung", so "mất" before it was read as a death
    const top = (q: string): string | undefined => {
      const a = askCatalog(index, q);
      return a.kind === "match" || a.kind === "choices" ? a.results[0]?.code : a.kind;
    };
    expect(top("mất cmnd làm lại ở đâu")).toBe("1.014064");
    expect(top("bị mất cmt rồi làm lại ở đâu")).toBe("1.014064");
    expect(top("mất cmnd")).toBe("1.014064");
  });

  it("reads health insurance named beside a birth and a residence as the joint under-6 procedure, not as out of scope", () => {
    // "bảo hiểm y tế" is an out-of-scope topic, and one part of the joint procedure's name
    // ("…: đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT, …"): named with another part, it is that procedure
    const first = (q: string): string | undefined => {
      const a = askCatalog(index, q);
      return a.kind === "match" || a.kind === "choices" ? a.results[0]?.code : a.kind;
    };
    expect(first("thường trú, khai sinh và bảo hiểm y tế cho cháu nội 3 tháng tuổi làm gộp được không")).toBe("3.000722");
    expect(first("khai sinh, tạm trú và bảo hiểm y tế cho cháu dưới 6 tuổi một thể được không")).toBe("3.000722");
    // a birth answered on its own: the variant is still the one the whole question names, with no word of elsewhere
    // (a birth and the health card alone, neither a residence nor the online channel: the joint procedure of those two)
    const answer = askCatalog(index, "bé 1 tuổi cần khai sinh và bảo hiểm y tế, làm cùng lúc được không");
    expect(answer.kind === "match" ? [answer.results[0]?.code, answer.alsoOutOfScope] : answer.kind).toEqual(["2.001023", undefined]);
    expect(first("bé 1 tuổi cần khai sinh và bảo hiểm y tế, làm cùng lúc trên VNeID được không")).toBe("3.000722");
    // the topic asked for itself is still out of scope
    expect(first("gia hạn bảo hiểm y tế cho bé 5 tuổi")).toBe("out-of-scope");
  });

  it("reads an out-of-scope paper the citizen brings to a procedure as a circumstance of it, not as the matter asked", () => {
    const answer = askCatalog(index, "đăng ký thường trú cần mang hộ chiếu không");
    expect(answer.kind).toBe("match");
    expect(answer.kind === "match" ? answer.results[0]?.code : null).toBe("1.004222");
    // asked for itself, it is still out of scope
    expect(kind("làm hộ chiếu cần mang gì")).toBe("out-of-scope");
  });

  it("reads an out-of-scope topic that is one of the papers of the procedure the rest names as a circumstance of it", () => {
    const topOf = (q: string): string | null => {
      const a = askCatalog(index, q);
      return a.kind === "match" || a.kind === "choices" ? a.results[0]!.code : a.kind;
    };
    // a health certificate is one of the papers of a work permit's extension
    expect(topOf("giấy phép lao động của anh kỹ sư người Úc còn một tháng là hết hạn, muốn gia hạn thêm thì có bắt khám sức khỏe không")).toBe("1.014201");
    // a retirement decision, of the one-off allowance of the experts sent to Laos or Cambodia
    expect(topOf("hồi trẻ chồng tôi được phái sang Lào dạy học mấy năm theo diện chuyên gia, giờ ông nghỉ hưu rồi, nghe đâu có tiền trợ cấp, lên xã nộp gì")).toBe("1.004964");
    // asked for itself, or the paper the citizen wants back, it is still out of scope
    expect(kind("xin phiếu lý lịch tư pháp để sang Hàn lao động")).toBe("out-of-scope");
    expect(kind("bà con tôi muốn lấy lại bản án ly hôn của tòa vì bị thất lạc, lên xã xin được không")).toBe("out-of-scope");
  });

  it("reads a paper a record is matched against ('trùng với hộ chiếu') as a circumstance of a procedure the question is fairly sure of", () => {
    const answer = askCatalog(index, "khai sinh con tôi ghi sai quốc tịch của cha người Úc, muốn sửa cho trùng với hộ chiếu của anh ấy thì làm sao");
    expect(answer.kind).toBe("match");
    expect(answer.kind === "match" ? codes(answer.results) : []).toContain("2.000748");
  });

  it("reads an out-of-scope topic told in a long story as its circumstance when the question without it is as sure of the same procedure", () => {
    // (seen dev questions: the rest's need clause ranks a sibling first, yet is as sure of this one)
    expect(top("Mảnh đất nhà tôi đang ở là của ông bà để lại, gia đình ở liên tục từ năm 1990 tới giờ, không tranh chấp với ai, đóng thuế đầy đủ, nhưng từ trước tới nay chưa bao giờ được cấp sổ đỏ. Giờ tôi muốn làm giấy chứng nhận lần đầu cho mảnh đất này thì phải chuẩn bị những giấy tờ gì và nộp ở đâu?")).toBe("1.013978");
    expect(top("Ba tôi đi bộ đội, giai đoạn 1968 đến 1973 được đưa sang chiến trường C ở Lào. Lúc ấy ông còn độc thân, ông bà nội còn làm lụng được nên ông không phải gánh ai. Ông là lính thường, không chức vụ. Nghe có chính sách riêng cho người từng ở chiến trường B, C, K, tôi xin cho ông thế nào?")).toBe("1.013749");
    // a short question about the topic itself stays out of scope
    expect(kind("đóng thuế đất ở đâu")).toBe("out-of-scope");
  });

  it("reads citizens' words for a revolutionary before 1945, rent ('mướn'), a work permit, residence typed 'cư chú', no pension ('lãnh hưu'), 'nhậm con', taking a child in to care for and the ethnic boarding school", () => {
    expect(["1.010788", "1.010815"]).toContain(top("ông ngoại tôi theo cách mạng từ trước năm 1945, nay con cháu làm hồ sơ xin công nhận"));
    expect(top("mướn căn nhà của nhà nước đã lâu, xin giảm tiền mướn")).toBe("1.014535");
    expect(codes(searchCatalog(index, "tôi mướn ki ốt của xã ngoài chợ, lũ làm hư hàng, nghỉ bán mấy tháng mà vẫn phải trả đủ tiền mướn, xin bớt được không"))).toContain("1.014535");
    expect(top("cần giấy xác nhận cư chú cho con đi học")).toBe("1.010041");
    expect(top("mẹ tôi 82 tuổi không lãnh hưu, xin trợ cấp")).toBe("1.014027");
    expect(top("bố đứa nhỏ muốn nhậm con")).toBe("1.001022");
    expect(top("bà ngoại đón về chăm đứa cháu vì ba mẹ nó đi làm xa")).toBe("2.001944");
    // the ethnic boarding school said the other way round, and with the central "vô" for "vào"
    expect(top("con tôi muốn vô học nội trú dân tộc của tỉnh thì xét tuyển thế nào")).toBe("1.005090");
    expect(top("cháu xong lớp 5, xin vô nội trú ở huyện")).toBe("1.005090");
    // taken in to be one's child is an adoption, not substitute care
    expect(codes(searchCatalog(index, "anh chị người Lào bên kia biên giới muốn đón cháu về làm con nuôi"))).not.toContain("2.001944");
  });

  it("reads a cooperative group's registration entered wrong as its correction, and pedal craft on a lake as water-leisure craft", () => {
    expect(top("tổ hợp tác bọn tôi bị ghi nhầm địa chỉ, xin đính chính")).toBe("2.002640");
    expect(top("hợp tác xã tôi bị in nhầm tên giám đốc trên giấy chứng nhận")).toBe("2.002648");
    expect(top("mấy chiếc xe đạp nước cho thuê ở hồ cần đăng ký ở đâu")).toBe("2.001215");
  });

  it("reads a being's word after a settlement as a place's name, and 'lớn' beside a child typed without marks as grown, not a pig", () => {
    // "thôn Gà", "bản Heo …": the village, not the animal the marriage would be asked for
    expect(top("hai em o thon ga do muon can bo xa len tan noi dang ky ket hon")).toBe("1.000593");
    expect(top("ong ba o ban heo den, xa cho can bo toi nha lam dang ky ket hon duoc khong")).toBe("1.000593");
    // the animal asked for stays absurd
    expect(kind("dang ky ket hon cho con heo")).toBe("no-match");
    expect(kind("làm giấy khai sinh cho con lợn ở xóm")).toBe("no-match");
    expect(top("chau da lon roi, muon cham dut giam ho")).toBe("1.004845");
  });

  it("reads a being that a food is made of or a hobby keeps as no subject, and 'to' beside a sheet already counted as a paper, not a nest", () => {
    // a fish cake's workshop asks for its food-safety paper, not for the fish; the cake asked for stays absurd
    expect(kind("xưởng chả cá nhỏ của mình cần chứng nhận đảm bảo ATTP")).toBe("match");
    expect(kind("khai sinh cho chả cá")).toBe("no-match");
    // "to" of a card, then "to" again: a new sheet, not a termite nest; a nest alone stays absurd
    expect(kind("to cccd uot nhoe, lam lai to moi duoc ko")).not.toBe("no-match");
    expect(kind("lam so tam vang cho to moi goc vuon")).toBe("no-match");
  });

  it("reads a classifier typed without marks before a noun as that noun's, not as the end of a phrase before it ('bo cai' then a noun)", () => {
    // "bỏ cái lệnh": an order dropped, not the female of a herd; the herd's female still reads so
    expect(top("hai vo chong lanh lai, nho xa bo cai lenh cam gap")).toBe("1.012085");
    expect(top("con bo cai trong chuong vua len giong, can tinh dong lanh")).toBe("1.012836");
    // a classifier that makes a pair the catalog writes with the next word keeps the phrase: a child the two have together
    expect(top("anh ay nguoi nuoc ngoai, hai dua muon nhan con chung o xa")).toBe("2.000779");
  });

  it("reads blasting said by what is done with the explosive, a test yard called 'bãi thi', and a cooperative founding a company (not one it trades with)", () => {
    expect(top("muon dat min pha da gan kenh thuy loi thi xin giay o dau")).toBe("1.014852");
    expect(top("sân thi lấy bằng lái xe máy hư, ai thu hồi")).toBe("3.000360");
    expect(top("bãi sát hạch bằng lái xe máy hư, ai thu hồi")).toBe("3.000360");
    expect(top("hợp tác xã tụi tôi vừa góp vốn cùng người ngoài lập ra công ty, phải báo ai")).toBe("2.001958");
    expect(codes(searchCatalog(index, "hợp tác xã bán rau cho một công ty theo hợp đồng, xin hỗ trợ liên kết"))[0]).not.toBe("2.001958");
  });

  it("reads an out-of-scope topic after a noun that ends in a verb of intending ('quyết định …') as what the paper is about, not as asked for", () => {
    expect(top("ông tôi từng được cử sang Lào làm chuyên gia, xin trợ cấp có cần quyết định nghỉ hưu không")).toBe("1.004964");
    // the topic asked about plainly, or a rule about it, stays out of scope
    expect(kind("quy định nghỉ hưu mới nhất thế nào")).toBe("out-of-scope");
    expect(kind("tôi muốn nghỉ hưu sớm")).toBe("out-of-scope");
  });

  it("reads a crèche's toddler staying over lunch, a village opening its festival and adults learning to read and write", () => {
    expect(top("bé nhà tôi đi nhà trẻ được ở lại trưa, xin hỗ trợ gạo thế nào")).toBe("2.002771");
    expect(["1.003622", "1.013791"]).toContain(top("làng tôi mở hội cúng thần mấy ngày, báo xã trước không"));
    expect(top("cac cu trong xom muon co lop hoc doc viet, xin lap o dau")).toBe("1.012969");
  });

  it("answers the complaint about the police only when the question names the police, not a complaint about an employer or a commune official", () => {
    expect(kind("chủ xưởng nợ tiền công hai tháng, em muốn làm đơn khiếu nại")).not.toBe("match");
    expect(kind("muốn khiếu nại ông phó chủ tịch xã làm việc tắc trách")).not.toBe("match");
    // the police named, in words or typed without marks, the complaint answers
    expect(top("muốn khiếu nại chiến sĩ công an phường giữ xe không đúng")).toBe("1.004335");
    expect(["1.004335", "1.004327"]).toContain(top("khieu nai cong an xa lap bien ban sai"));
  });

  it("sends a new power connection, a computer certificate said in pieces, a car's periodic inspection and a motorbike's insurance out of scope", () => {
    expect(kind("nha moi lam xong, muon lap dien thi lam sao")).toBe("out-of-scope");
    expect(kind("cần chứng chỉ môn tin học, thi ở đâu")).toBe("out-of-scope");
    expect(kind("ô tô nhà tôi sắp hết hạn kiểm định, mang đi đâu")).toBe("out-of-scope");
    expect(kind("bảo hiểm bắt buộc của xe máy mua ở đâu")).toBe("out-of-scope");
  });

  it("reads an association named with its dissolution as the dissolution, and founding an association of the elderly as founding, not the elderly's allowance", () => {
    expect(top("hội đồng hương giải thể thì báo cho ai")).toBe("1.013708");
    expect(top("thành lập hội người cao tuổi")).toBe("1.013703");
    // the elderly's allowance asked without an association stays the allowance
    expect(top("cho toi hoi nguoi cao tuoi duoc tro cap gi")).toBe("1.014027");
    expect(top("cho hỏi người cao tuổi được trợ cấp gì")).toBe("1.014027");
  });

  it("sends visiting a relative in prison and a pardon to the prison, and reads 'tu nhan' of a private school as private", () => {
    expect(kind("tuần sau đi thăm nuôi ba ở trại giam cần giấy gì")).toBe("out-of-scope");
    expect(kind("anh tôi là phạm nhân, gia đình xin đặc xá cho anh được không")).toBe("out-of-scope");
    expect(kind("mo lop mau giao tu nhan can xin phep gi")).not.toBe("out-of-scope");
  });

  it("sends a tax dependant, a spent conviction, a Chinese test, a lorry's badge and a bus pass elsewhere, and reads a plain acknowledgement or a question about the bot as no question", () => {
    expect(kind("khai người phụ thuộc là bố thế nào")).toBe("out-of-scope");
    expect(kind("án tích của tôi đã lâu, làm sao được xóa")).toBe("out-of-scope");
    expect(kind("đăng ký thi HSK ở đâu")).toBe("out-of-scope");
    expect(kind("xe container chạy thuê xin phù hiệu")).toBe("out-of-scope");
    expect(kind("vé xe buýt dành cho sinh viên làm chỗ nào")).toBe("out-of-scope");
    expect(kind("ok, đã hiểu")).toBe("no-match");
    expect(kind("rõ rồi, cảm ơn ad")).toBe("no-match");
    expect(kind("em là robot à")).toBe("no-match");
  });

  it("reads a topic that opens the question, followed by the asker's pronoun and a change as what is asked", () => {
    expect(kind("công ty tnhh tôi thay đổi giám đốc, hồ sơ mang tới đâu")).toBe("out-of-scope");
  });

  it("offers no procedure of another kind of organisation than the one named (household business, cooperative group, cooperative)", () => {
    // a household business that pauses: the cooperative groups' and cooperatives' pause is no choice
    expect(codes(searchCatalog(index, "hộ kinh doanh bên tôi tạm nghỉ bán ít tuần"))).not.toContain("2.002641");
  });

  it("reads a sale asked to be certified by the commune as the contract's certification, not a vehicle's transfer or a dispute with a neighbour", () => {
    expect(top("chứng thực hợp đồng bán xe máy")).toBe("2.001035");
    expect(top("xã chứng giúp hợp đồng nhượng mảnh vườn cho bà hàng xóm")).toBe("2.001035");
    // a transfer of a vehicle bought stays the transfer, a quarrel with a neighbour the mediation
    expect(top("mua chiếc xe cũ về cần sang tên")).toBe("1.013076");
    expect(top("hàng xóm dựng rào lấn qua ranh đất mình")).toBe("1.012812");
  });

  it("reads a married child's family becoming a household of its own as the household split", () => {
    expect(top("con trai đã có vợ con, nay tính ra riêng thành hộ khác")).toBe("1.010038");
    expect(top("hai vợ chồng mình định đứng riêng thành hộ, thôi chung với ông bà")).toBe("1.010038");
  });

  it("reads a commune register eaten by termites as lost (the birth's re-registration) and a disability to be assessed as its assessment, surely", () => {
    const reRegistered = searchCatalog(index, "tờ khai sinh bản chính thì thất lạc, còn sổ bộ của xã mối mọt gặm nát")[0];
    expect(reRegistered?.code).toBe("1.004884");
    expect(reRegistered?.score).toBeGreaterThanOrEqual(0.55);
    const assessed = searchCatalog(index, "thằng út bị bại liệt, xin xã đánh giá khuyết tật để lấy giấy")[0];
    expect(assessed?.code).toBe("1.001699");
    expect(assessed?.score).toBeGreaterThanOrEqual(0.75);
  });

  it("reads 'tạm chú' as the temporary residence, which someone away for work names for where he stays, and a birth at the health station surely as the birth", () => {
    expect(top("làm ăn xa, thuê phòng trọ, khai tạm chú ra sao")).toBe("1.004194");
    const born = searchCatalog(index, "vợ vừa sinh xong, trạm y tế cho về nhà, con nhỏ làm giấy gì")[0];
    expect(born?.code).toBe("1.001193");
    expect(born?.score).toBeGreaterThanOrEqual(0.65);
  });

  it("keeps the held-out questions as they were committed (holdout.sha256)", () => {
    if (!existsSync(HOLDOUT_PATH)) {
      console.warn(`${relative(root, HOLDOUT_PATH)} is not there yet: nothing to check`);
      return;
    }
    const expected = readFileSync(resolve(root, "test/fixtures/search/holdout.sha256"), "utf8").trim().split(/\s+/)[0];
    const actual = createHash("sha256").update(readFileSync(HOLDOUT_PATH)).digest("hex");
    expect(actual, "holdout.json changed after it was committed").toBe(expected);
  });

  it("no phrase of a test question appears in code or data (unless the official catalog texts use it)", () => {
    const files = (dir: string, ext: RegExp): string[] =>
      existsSync(dir)
        ? readdirSync(dir).flatMap((f) => {
            const p = join(dir, f);
            return statSync(p).isDirectory() ? files(p, ext) : ext.test(f) ? [p] : [];
          })
        : [];
    const folded = (text: string): string => ` ${searchKey(text)} `;
    // code line by line, data string by string (a window never spans two strings of a list)
    const strings = (v: unknown): string[] => (typeof v === "string" ? v.split(" + ") : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]) : []);
    const sources = [
      ...[...files(resolve(root, "src"), /\.ts$/), ...files(resolve(root, "bots"), /\.ts$/)].flatMap((p) =>
        readFileSync(p, "utf8").split("\n").map((line, i) => ({ where: `${relative(root, p)}:${i + 1}`, text: folded(line) })),
      ),
      ...files(resolve(root, "src/catalog/search/data"), /\.json$/).flatMap((p) =>
        strings(JSON.parse(readFileSync(p, "utf8"))).map((text) => ({ where: relative(root, p), text: folded(text) })),
      ),
    ];
    // the curated procedures' aliases are search data too
    const curated = JSON.parse(readFileSync(resolve(root, "prisma/seed/data/procedures.json"), "utf8")) as { code: string; aliases?: string[] }[];
    for (const p of curated) for (const a of p.aliases ?? []) sources.push({ where: `prisma/seed/data/procedures.json aliases of ${p.code}`, text: folded(a) });
    // and so are the portal procedures' aliases of prisma/seed/data/procedure-aliases/
    for (const [code, aliases] of readProcedureAliases()) for (const a of aliases) sources.push({ where: `prisma/seed/data/procedure-aliases aliases of ${code}`, text: folded(a) });
    const official = [resolve(root, "prisma/seed/data/procedures.json"), resolve(root, "prisma/seed/data/procedures-commune.json")]
      .flatMap((f) => JSON.parse(readFileSync(f, "utf8")) as { name: string; field?: string | null; documents?: { name: string }[]; legal_basis?: unknown }[])
      .map((p) => [p.name, p.field ?? "", ...(p.documents ?? []).map((d) => d.name), JSON.stringify(p.legal_basis ?? "")].join(" | "))
      .map(folded)
      .join(" ");

    // every window of four syllables of the sources, and of the official texts
    const windowsOf = (text: string): string[] => {
      const keys = text.trim().split(" ").filter((k) => k !== "");
      return keys.slice(3).map((_, j) => keys.slice(j, j + 4).join(" "));
    };
    const officialWindows = new Set(windowsOf(official));
    const sourceWindows = new Map<string, string>();
    for (const { where, text } of sources) {
      if (KNOWN_UI_EXAMPLES.has(where.replace(/:\d+$/, ""))) continue;
      for (const w of windowsOf(text)) if (!sourceWindows.has(w)) sourceWindows.set(w, where);
    }
    const offending: string[] = [];
    for (const file of [DEV_PATH, HOLDOUT_PATH]) {
      if (!existsSync(file)) continue;
      loadQuestions(file).forEach(({ q }, i) => {
        for (const window of windowsOf(searchKey(q))) {
          if (officialWindows.has(window)) continue;
          const where = sourceWindows.get(window);
          // only the file, the place and the question's index: never the question itself
          if (where) offending.push(`${relative(root, file)} question #${i} → ${where}`);
        }
      });
    }
    expect([...new Set(offending)]).toEqual([]);
  });
});
