/**
 * The report process of `npm run bench:report`: runs the monthly report of one unit as the API does
 * (MonthlyReportService over the pool: the JSON figures; then the figures again and the XLSX) and
 * prints one JSON line with the times and its own peak RSS (VmHWM).
 *
 *   node --import tsx scripts/bench/report-run.ts <database url> <unit code> <YYYY-MM>
 */
import { readFileSync } from "node:fs";
import type { Principal } from "../../src/auth/guard.js";
import { createDatabase } from "../../src/db/client.js";
import { MonthlyReportService } from "../../src/reports/monthly-report.js";
import { reportXlsx } from "../../src/reports/report-export.js";

const [url, unit, month] = process.argv.slice(2);
if (!url || !unit || !month) throw new Error("usage: report-run.ts <database url> <unit code> <YYYY-MM>");

const admin: Principal = { kind: "api-key", id: "bench", name: "bench", role: "ADMIN", unitCode: null };
const database = createDatabase(url, { max: 10 });
try {
  const reports = new MonthlyReportService(database.pool, { smsSegmentPrice: 850, zaloMessagePrice: 110 });
  const t0 = performance.now();
  const view = await reports.report(admin, unit, month);
  const t1 = performance.now();
  const again = await reports.report(admin, unit, month);
  const xlsx = await reportXlsx(again);
  const t2 = performance.now();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  console.log(
    JSON.stringify({
      jsonSeconds: (t1 - t0) / 1000,
      xlsxSeconds: (t2 - t1) / 1000,
      xlsxBytes: xlsx.length,
      peakRssMb: hwm ? Number(hwm[1]) / 1024 : NaN,
      received: view.figures.received.total,
      returned: view.figures.returned.total,
      notices: view.figures.notices.total,
    }),
  );
} finally {
  await database.close();
}
