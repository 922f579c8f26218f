/**
 * `npm run fakes`: the fake Zalo, Telegram and Twilio servers, started by hand on fixed ports for
 * a demo against them. Prints the environment that points motcua at them.
 */
import { TelegramFake } from "./telegram-fake.js";
import { TwilioFake } from "./twilio-fake.js";
import { ZaloFake } from "./zalo-fake.js";

const base = Number(process.env.FAKES_PORT ?? 4010);
// Where motcua listens, by its own defaults (src/config/env.ts): PUBLIC_BASE_URL, else HOST and PORT.
const host = !process.env.HOST || process.env.HOST === "0.0.0.0" ? "127.0.0.1" : process.env.HOST;
const publicBase = (process.env.PUBLIC_BASE_URL ?? `http://${host}:${process.env.PORT ?? 3000}`).replace(/\/$/, "");
const zalo = new ZaloFake();
const telegram = new TelegramFake();
const twilio = new TwilioFake();
await zalo.start(base);
await telegram.start(base + 1);
await twilio.start(base + 2);
zalo.receiptsTo = `${publicBase}/webhooks/zalo`;

const env = { ...zalo.env(), ...telegram.env(), ...twilio.env(), ZNS_TEMPLATES: "RECEIVED=7895417a7d3f9461cd2e,RESULT_READY=7895417a7d3f9461cd2f,DELAYED=7895417a7d3f9461cd30" };
console.log(`Fake providers are listening (Ctrl+C to stop):
  Zalo OA + OAuth + ZNS  ${zalo.url}
  Telegram Bot API       ${telegram.url}
  Twilio                 ${twilio.url}
Delivery receipts go to ${publicBase} (PUBLIC_BASE_URL, else HOST and PORT, as motcua reads them). Start motcua against them with:

${Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join("\n")}
`);
setInterval(() => {
  const line = `sent so far: zalo ${zalo.messages.length}, telegram ${telegram.sent.length}, sms ${twilio.messages.length}`;
  if (line !== (globalThis as { lastLine?: string }).lastLine) console.log(line);
  (globalThis as { lastLine?: string }).lastLine = line;
}, 5000);
const stop = async () => {
  await Promise.all([zalo.stop(), telegram.stop(), twilio.stop()]);
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
