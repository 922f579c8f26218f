/**
 * Quiet hours for SMS and ZNS (default 22:00–06:00 Asia/Ho_Chi_Minh): non-urgent notices wait
 * until the window ends. Vietnam has no daylight saving time: UTC+7 all year.
 */
import type { QuietHours } from "../config/env.js";

const ICT_OFFSET_MINUTES = 7 * 60;
const DAY = 24 * 60;

function minuteOfDayIct(at: Date): number {
  return (((Math.floor(at.getTime() / 60_000) + ICT_OFFSET_MINUTES) % DAY) + DAY) % DAY;
}

export function inQuietHours(at: Date, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const m = minuteOfDayIct(at);
  return quiet.startMinute < quiet.endMinute ? m >= quiet.startMinute && m < quiet.endMinute : m >= quiet.startMinute || m < quiet.endMinute;
}

/** When the quiet window that contains `at` ends (`at` itself when outside the window). */
export function quietHoursEnd(at: Date, quiet: QuietHours | null): Date {
  if (!quiet || !inQuietHours(at, quiet)) return at;
  const m = minuteOfDayIct(at);
  let minutesAhead = quiet.endMinute - m;
  if (minutesAhead <= 0) minutesAhead += DAY;
  const wholeMinute = Math.floor(at.getTime() / 60_000) * 60_000;
  return new Date(wholeMinute + minutesAhead * 60_000);
}
