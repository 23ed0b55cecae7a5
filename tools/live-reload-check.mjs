#!/usr/bin/env node
// A page served by `editionbuilder serve --watch`, open in headless Chromium
// while its source changes:
//
//   node tools/live-reload-check.mjs --url URL --expect TEXT
//
// Opens URL, prints one line "ready" once the page is loaded (the test then
// edits the source), waits until the page's <main> holds TEXT (the server
// rebuilt and the page reloaded itself), and prints one JSON object: the
// text before and after, how many times the page loaded, and every console
// error, failed request or request to another origin. Exits 0 when it could
// watch, 1 when it broke; judging is the test's (tests/test_serve.py).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import puppeteer from "puppeteer-core";

const { values: opts } = parseArgs({
  options: {
    url: { type: "string" },
    expect: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    timeout: { type: "string", default: "120000" },
  },
});
const URL_ = new URL(opts.url);
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "live-reload-"));
  const browser = await puppeteer.launch({ executablePath: opts.chromium, headless: true, args: FLAGS, userDataDir: profile });
  const problems = [];
  let loads = 0;
  try {
    const page = await browser.newPage();
    page.on("console", (msg) => { if (msg.type() === "error") problems.push(`console: ${msg.text()}`); });
    page.on("pageerror", (err) => problems.push(`pageerror: ${err?.message ?? err}`));
    page.on("load", () => { loads += 1; });
    page.on("request", (req) => {
      const url = new URL(req.url());
      if (url.origin !== URL_.origin && url.protocol !== "data:") problems.push(`outside request: ${req.url()}`);
    });
    await page.goto(URL_.href, { waitUntil: "load" });
    const text = () => page.evaluate(() => document.querySelector("main")?.textContent ?? "");
    const before = await text();
    process.stdout.write("ready\n");
    let ok = true;
    await page.waitForFunction((t) => (document.querySelector("main")?.textContent ?? "").includes(t),
      { timeout: Number(opts.timeout), polling: 250 }, opts.expect).catch(() => { ok = false; });
    // The new text can be in the reloaded page's DOM before its load event
    // has reached this process (a busy machine): wait for the event too.
    const until = Date.now() + Number(opts.timeout);
    while (ok && loads < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await text().catch(() => "");
    process.stdout.write(JSON.stringify({ ok, loads, before, after, problems }) + "\n");
  } finally {
    await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`live-reload-check: ${err?.stack ?? err}\n`);
  process.exit(1);
});
