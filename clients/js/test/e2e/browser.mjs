// Drives a page in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM_PATH) with playwright-core,
// for the Java end-to-end test. Usage: node browser.mjs <pageUrl> <screenshotPath>
//
// Reads one JSON command per line on stdin and answers one JSON line on stdout with the same "id":
//   {"id":1,"op":"waitFor","expr":"window.e2e.rows.length >= 2","timeoutMs":20000} -> {"id":1,"ok":true,"value":…}
//   {"id":2,"op":"eval","expr":"window.e2e.rows"}                                  -> {"id":2,"ok":true,"value":[…]}
//   {"id":3,"op":"screenshot"}                                                      -> {"id":3,"ok":true,"value":"<path>"}
// Failures answer {"id":…,"ok":false,"error":"…"}. Page console messages and errors are reported as
// {"event":"console"|"pageerror",…}. The browser is closed when stdin ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const [pageUrl, screenshotPath] = process.argv.slice(2);
if (!pageUrl || !screenshotPath) {
  console.error("usage: node browser.mjs <pageUrl> <screenshotPath>");
  process.exit(2);
}
const out = (message) => process.stdout.write(JSON.stringify(message) + "\n");

const userDataDir = mkdtempSync(join(tmpdir(), "butterbase-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 900, height: 560 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => out({ event: "console", type: message.type(), text: message.text() }));
  page.on("pageerror", (error) => out({ event: "pageerror", text: String(error) }));
  await page.goto(pageUrl);
  out({ event: "ready" });

  const commands = createInterface({ input: process.stdin });
  for await (const line of commands) {
    if (!line.trim()) continue;
    let command;
    try {
      command = JSON.parse(line);
      let value;
      if (command.op === "waitFor") {
        await page.waitForFunction(command.expr, null, { timeout: command.timeoutMs ?? 20000, polling: 50 });
        value = await page.evaluate(command.expr);
      } else if (command.op === "eval") {
        value = await page.evaluate(command.expr);
      } else if (command.op === "screenshot") {
        await page.screenshot({ path: screenshotPath, fullPage: true });
        value = screenshotPath;
      } else {
        throw new Error(`unknown op ${command.op}`);
      }
      out({ id: command.id, ok: true, value: value ?? null });
    } catch (error) {
      out({ id: command?.id ?? null, ok: false, error: String(error?.message ?? error) });
    }
  }
} catch (error) {
  out({ event: "fatal", text: String(error?.stack ?? error) });
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
