/** Dates as citizens read them: dd/MM/yyyy in Asia/Ho_Chi_Minh. */
const dateFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
const timeFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hour12: false });

export function formatDateVi(date: Date): string {
  return dateFormat.format(date);
}

export function formatDateTimeVi(date: Date): string {
  return `${timeFormat.format(date)} ${dateFormat.format(date)}`;
}

/** The calendar day in Vietnam, as yyyy-MM-dd (for "same day / earlier day" comparisons). */
export function dayKeyVi(date: Date): string {
  const [d, m, y] = dateFormat.format(date).split("/");
  return `${y}-${m}-${d}`;
}
