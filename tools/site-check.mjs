#!/usr/bin/env node
// The site's pages in headless Chromium: axe-core, screenshots, the notes.
//
//   node tools/site-check.mjs --base http://127.0.0.1:PORT/ --shots DIR KIND=PATH...
//
// For each page (KIND names it: bookshelf, landing, chapter...; PATH is its
// address under --base) at a phone's width (390 x 844) and a desktop's
// (1280 x 900), and on the desktop in dark mode too: load it, take a
// screenshot (DIR/KIND-phone.png, KIND-desktop.png, KIND-desktop-dark.png)
// and run axe-core (injected from node_modules) on it. Every request to
// another origin than --base is blocked and recorded, as are console
// errors, page errors, failed requests and HTTP statuses >= 400.
// On the page of KIND "chapter": a note call opens its popover (and Escape
// closes it, focus back on the call), and without JavaScript the call goes
// to the note on the Notes page. With --page-anchor PATH (pages.html#page-N),
// the page list sends the reader on to that page's place in the text.
// Prints one JSON object; exits 0 when it could check, 1 when it broke:
// judging the results is the test's (tests/test_site_browser.py).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import puppeteer from "puppeteer-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: opts, positionals } = parseArgs({
  options: {
    base: { type: "string" },
    shots: { type: "string" },
    "page-anchor": { type: "string", default: "" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    axe: { type: "string", default: path.join(HERE, "node_modules/axe-core/axe.min.js") },
    timeout: { type: "string", default: "30000" },
  },
  allowPositionals: true,
});
const BASE = new URL(opts.base);
const TIMEOUT = Number(opts.timeout);
const PAGES = positionals.map((p) => { const [kind, ...rest] = p.split("="); return { kind, path: rest.join("=") }; });
const VIEWPORTS = {
  phone: { width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  desktop: { width: 1280, height: 900, deviceScaleFactor: 1 },
};
// Chromium as tools/chromium-headless runs it: no sandbox (root), no background networking.
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// A page with every problem recorded and requests to other origins blocked.
async function open(browser, viewport, scheme, javascript = true) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => { if (msg.type() === "error") problems.push(`console: ${msg.text()}`); });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err?.message ?? err}`));
  page.on("requestfailed", (req) => {
    if (new URL(req.url()).origin === BASE.origin) problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on("response", (res) => { if (res.status() >= 400) problems.push(`http ${res.status()}: ${res.url()}`); });
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin === BASE.origin || url.protocol === "data:") req.continue();
    else { problems.push(`outside request: ${req.url()}`); req.abort(); }
  });
  await page.setJavaScriptEnabled(javascript);
  await page.setViewport(VIEWPORTS[viewport]);
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
  return { page, context, problems };
}

async function axe(page) {
  await page.addScriptTag({ path: opts.axe });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 300) })),
  }));
}

async function check(browser, { kind, path: where }, viewport, scheme) {
  const { page, context, problems } = await open(browser, viewport, scheme);
  const suffix = scheme === "dark" ? `${viewport}-dark` : viewport;
  const shot = path.join(opts.shots, `${kind}-${suffix}.png`);
  try {
    await page.goto(new URL(where, BASE).href, { waitUntil: "load", timeout: TIMEOUT });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: shot });
    const violations = await axe(page);
    return { kind, path: where, viewport, scheme, screenshot: shot, violations, problems, overflow };
  } finally {
    await context.close();
  }
}

// The first note call of the chapter: clicked, its popover opens in place;
// Escape closes it and gives the focus back to the call.
async function popover(browser, where, viewport) {
  const { page, context, problems } = await open(browser, viewport, "light");
  try {
    await page.goto(new URL(where, BASE).href, { waitUntil: "load", timeout: TIMEOUT });
    const call = await page.$('a[role="doc-noteref"]');
    if (!call) return { ok: false, problems, reason: "no note call on the page" };
    const href = await call.evaluate((a) => a.getAttribute("href"));
    await call.click();
    const open = await page.evaluate(() => document.querySelector(":popover-open")?.id ?? "");
    const url = page.url();
    const shot = path.join(opts.shots, `chapter-note-${viewport}.png`);
    await page.screenshot({ path: shot });
    const violations = await axe(page);
    await page.keyboard.press("Escape");
    const after = await page.evaluate(() => ({
      open: document.querySelector(":popover-open")?.id ?? "",
      focus: document.activeElement?.getAttribute("role") ?? "",
    }));
    const expected = `pop-${href.split("#")[1]}`;
    return {
      viewport, href, opened: open, expected, stayed: url === new URL(where, BASE).href, screenshot: shot,
      closed: after.open === "", focusBack: after.focus === "doc-noteref", violations, problems,
      ok: open === expected && url === new URL(where, BASE).href && after.open === "" && after.focus === "doc-noteref",
    };
  } finally {
    await context.close();
  }
}

// Without JavaScript the call is a link to the note on the Notes page.
async function noScript(browser, where) {
  const { page, context, problems } = await open(browser, "desktop", "light", false);
  try {
    await page.goto(new URL(where, BASE).href, { waitUntil: "load", timeout: TIMEOUT });
    const call = await page.$('a[role="doc-noteref"]');
    if (!call) return { ok: false, problems, reason: "no note call on the page" };
    await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), call.click()]);
    const landed = new URL(page.url());
    const found = await page.evaluate(() => Boolean(document.getElementById(location.hash.slice(1))));
    return { landed: landed.pathname + landed.hash, found, problems, ok: landed.pathname.endsWith("/notes.html") && found };
  } finally {
    await context.close();
  }
}

// pages.html#page-N goes on to the page's marker in the text.
async function pageAnchor(browser, where) {
  const { page, context, problems } = await open(browser, "desktop", "light");
  try {
    await page.goto(new URL(where, BASE).href, { waitUntil: "load", timeout: TIMEOUT });
    await page.waitForFunction(() => !location.pathname.endsWith("/pages.html"), { timeout: TIMEOUT });
    await page.waitForNetworkIdle({ idleTime: 300, timeout: TIMEOUT }).catch(() => {});
    const at = await page.evaluate(() => {
      const marker = document.getElementById(location.hash.slice(1));
      const box = marker?.getBoundingClientRect();
      return { path: location.pathname + location.hash, marker: marker?.className ?? "", top: box ? box.top : -1 };
    });
    const shot = path.join(opts.shots, "page-anchor-desktop.png");
    await page.screenshot({ path: shot });
    const hash = new URL(where, BASE).hash;
    return { ...at, screenshot: shot, problems, ok: at.path.endsWith(hash) && at.marker === "page-number" && at.top >= 0 && at.top < 900 };
  } finally {
    await context.close();
  }
}

async function main() {
  fs.mkdirSync(opts.shots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "site-check-"));
  const browser = await puppeteer.launch({
    executablePath: opts.chromium, headless: true, args: FLAGS, userDataDir: profile, protocolTimeout: TIMEOUT * 4,
  });
  const out = { pages: [], popovers: [] };
  try {
    const jobs = PAGES.flatMap((p) => [[p, "phone", "light"], [p, "desktop", "light"], [p, "desktop", "dark"]]);
    const worker = async () => {
      for (let job; (job = jobs.shift()) !== undefined;) out.pages.push(await check(browser, ...job));
    };
    await Promise.all([worker(), worker()]);  // two at a time: the machine has two cores
    const chapter = PAGES.find((p) => p.kind === "chapter");
    if (chapter) {
      for (const viewport of ["phone", "desktop"]) out.popovers.push(await popover(browser, chapter.path, viewport));
      out.noScript = await noScript(browser, chapter.path);
    }
    if (opts["page-anchor"]) out.pageAnchor = await pageAnchor(browser, opts["page-anchor"]);
  } finally {
    await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const order = (r) => PAGES.findIndex((p) => p.kind === r.kind);
  out.pages.sort((a, b) => order(a) - order(b) || a.viewport.localeCompare(b.viewport) || a.scheme.localeCompare(b.scheme));
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

main().catch((err) => {
  process.stderr.write(`site-check: ${err?.stack ?? err}\n`);
  process.exit(1);
});
