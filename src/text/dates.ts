/** Dates as citizens read them: dd/MM/yyyy in Asia/Ho_Chi_Minh. */
const dateFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
const timeFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hour12: false });

/**
 * Vietnam has kept UTC+7 since 13 June 1975: from then on an instant's day there is arithmetic,
 * and each day's text is made by Intl once (a few microseconds a call, two or three per notice
 * written by the ingest) and kept, for the last few thousand days asked.
 */
const VN_FIXED_SINCE = Date.UTC(1975, 5, 13);
const VN_OFFSET_MS = 7 * 3_600_000;
const dayTexts = new Map<number, string>();

export function formatDateVi(date: Date): string {
  const t = date.getTime();
  if (!(t >= VN_FIXED_SINCE)) return dateFormat.format(date); // earlier, or an invalid date (Intl's RangeError)
  const day = Math.floor((t + VN_OFFSET_MS) / 86_400_000);
  let text = dayTexts.get(day);
  if (text === undefined) {
    if (dayTexts.size >= 4096) dayTexts.clear();
    dayTexts.set(day, (text = dateFormat.format(date)));
  }
  return text;
}

export function formatDateTimeVi(date: Date): string {
  return `${timeFormat.format(date)} ${dateFormat.format(date)}`;
}

/** The calendar day in Vietnam, as yyyy-MM-dd (for "same day / earlier day" comparisons). */
export function dayKeyVi(date: Date): string {
  const [d, m, y] = formatDateVi(date).split("/");
  return `${y}-${m}-${d}`;
}
