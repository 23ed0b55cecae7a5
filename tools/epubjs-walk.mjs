#!/usr/bin/env node
// Read EPUBs in a real reading system: epub.js 0.3.93 in headless Chromium.
//
//   node tools/epubjs-walk.mjs --base http://127.0.0.1:PORT/ --shots DIR NAME...
//
// The server at --base serves reader.html (tools/reader.html), lib/jszip.min.js,
// lib/epub.min.js and books/NAME.epub. For each book the walker opens it,
// displays EVERY spine item, follows by a click inside the rendition's iframe
// a note reference, its back link, a citation and a glossary term reference
// (where the book has them), checks the reader moved to each target, and takes
// screenshots. It records every console error, page error, failed request and
// HTTP status >= 400. It prints one JSON object (a result per book) on stdout
// and exits 0 when it could walk, 1 when the walker itself broke: judging the
// results is the test's job (tests/test_reading_system.py).

import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { parseArgs } from "node:util";
import puppeteer from "puppeteer-core";

const { values: opts, positionals: names } = parseArgs({
  options: {
    base: { type: "string" },
    shots: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    timeout: { type: "string", default: "20000" },
  },
  allowPositionals: true,
});
const BASE = opts.base;
const TIMEOUT = Number(opts.timeout);
const OPS = "http://www.idpf.org/2007/ops";

// Chromium as DAISY Ace runs it (tools/chromium-headless): no sandbox (root),
// and no background networking, which stalls on a closed network.
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// Every wait gets a deadline: epub.js's book.ready never rejects on a 404,
// so an unguarded await would hang. unref(): a pending timer must not keep
// node alive once the work is done.
function withTimeout(promise, label, ms = TIMEOUT) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// Link kinds to follow, each found by a function run inside the content
// document. epub:type is namespaced in XHTML, but epub.js may load a document
// as HTML, where it is a plain attribute named "epub:type": test both.
const LINKS = {
  noteref: (doc) => [...doc.querySelectorAll("a[href]")].find((a) => a.getAttribute("role") === "doc-noteref"
    || ((a.getAttributeNS("http://www.idpf.org/2007/ops", "type") || a.getAttribute("epub:type") || "").split(/\s+/).includes("noteref"))),
  backlink: (doc) => [...doc.querySelectorAll("a[href]")].find((a) => a.getAttribute("role") === "doc-backlink"
    || ((a.getAttributeNS("http://www.idpf.org/2007/ops", "type") || a.getAttribute("epub:type") || "").split(/\s+/).includes("backlink"))),
  glossref: (doc) => [...doc.querySelectorAll("a[href]")].find((a) => a.getAttribute("role") === "doc-glossref"
    || ((a.getAttributeNS("http://www.idpf.org/2007/ops", "type") || a.getAttribute("epub:type") || "").split(/\s+/).includes("glossref"))),
  biblioref: (doc) => doc.querySelector('a[role="doc-biblioref"][href]'),
};

// What the current spine item holds: the first link of each kind (as its
// index among the document's a[href], to find it again), and the epub:type
// values of its body, sections and navs (titlepage, chapter, glossary...).
async function survey(page) {
  return page.evaluate((finders, ops) => {
    const doc = window.reader.rendition.getContents()[0].document;
    const all = [...doc.querySelectorAll("a[href]")];
    const links = {};
    for (const [kind, src] of Object.entries(finders)) {
      const a = (0, eval)(`(${src})`)(doc);
      if (a) links[kind] = { index: all.indexOf(a), href: a.getAttribute("href"), text: a.textContent.trim() };
    }
    const types = [...doc.querySelectorAll("body, section, nav, aside")]
      .flatMap((el) => (el.getAttributeNS(ops, "type") || el.getAttribute("epub:type") || "").split(/\s+/))
      .filter(Boolean);
    return { links, types: [...new Set(types)] };
  }, Object.fromEntries(Object.entries(LINKS).map(([k, f]) => [k, f.toString()])), OPS);
}

async function shoot(page, dir, file, shots) {
  const out = path.join(dir, file);
  await withTimeout(page.screenshot({ path: out, clip: { x: 0, y: 0, width: 600, height: 800 } }), `screenshot ${file}`);
  shots.push(out);
}

// Show the page of spine item `from` that holds the link (the index-th
// a[href] of its document), click it inside the iframe as a reader would,
// and check epub.js moved to the link's target with the target on screen.
async function follow(page, from, link) {
  const [file, id] = link.href.split("#");
  const expected = new URL(file, `http://book/${from}`).pathname.slice(1);
  await withTimeout(page.evaluate(async (href, index) => {
    await window.reader.display(href);
    const contents = window.reader.rendition.getContents()[0];
    const a = contents.document.querySelectorAll("a[href]")[index];
    a.setAttribute("data-walk", "click");
    // Display the CFI of the link's first text node: for an element's CFI,
    // epub.js 0.3.93's Contents.locationOf logs an IndexSizeError (it sets
    // the range end past the element's children), which would count as a
    // console error of the book.
    const walker = contents.document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    await window.reader.display(contents.cfiFromNode(walker.nextNode() || a));
  }, from, link.index), `show the link in ${from}`);
  const frame = await (await page.$("#viewer iframe")).contentFrame();
  const anchor = await frame.$('a[data-walk="click"]');
  const shown = await anchor.isIntersectingViewport();
  await page.evaluate(() => window.reader.watch());
  await anchor.click();
  const where = await withTimeout(
    page.evaluate((h, i, ms) => window.reader.arrived(h, i, ms), expected, id, TIMEOUT / 2),
    `moving to ${link.href}`);
  const seen = id ? await page.evaluate((i) => window.reader.visible(i), id) : { found: true, visible: true };
  return {
    from, href: link.href, text: link.text, linkWasShown: shown, expected, landed: where.href,
    relocations: where.relocations, targetFound: seen.found, targetVisible: seen.visible,
    ok: shown && where.href === expected && seen.found && seen.visible,
  };
}

async function walk(browser, name, shotsDir) {
  const result = { name, spine: [], followed: {}, problems: [], screenshots: [] };
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  // Each problem once, with how many times it happened.
  const seen = new Map();
  const problem = (kind, text) => {
    const key = `${kind}\u0000${text}`;
    if (seen.has(key)) seen.get(key).count += 1;
    else { const p = { kind, text, count: 1 }; seen.set(key, p); result.problems.push(p); }
  };
  // epub.js logs Error objects, whose msg.text() is "[object Object]" or
  // "JSHandle@error": ask the page for their message.
  const pending = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location()?.url ?? "";
    pending.push(Promise.all(msg.args().map((arg) => arg.evaluate((v) =>
      (v instanceof Error ? `${v.name}: ${v.message}`
        : v && typeof v === "object" ? (v.message ?? JSON.stringify(v)) : String(v)))))
      .then((parts) => problem("console", `${parts.join(" ") || msg.text()} (${where})`))
      .catch(() => problem("console", `${msg.text()} (${where})`)));
  });
  page.on("pageerror", (err) => problem("pageerror", String(err?.message ?? err)));
  page.on("requestfailed", (req) => problem("requestfailed", `${req.url()}: ${req.failure()?.errorText}`));
  page.on("response", (res) => { if (res.status() >= 400) problem("http", `${res.status()} ${res.url()}`); });
  try {
    await page.setViewport({ width: 600, height: 800 });
    await withTimeout(page.goto(new URL("reader.html", BASE).href, { waitUntil: "load" }), "load reader.html");
    const book = await withTimeout(page.evaluate((u) => window.reader.open(u), `books/${name}.epub`), `open ${name}.epub`);
    result.title = book.title;
    const found = {};
    const landmarks = {};
    let chapterShot = false;
    for (const item of book.spine) {
      const where = await withTimeout(page.evaluate((h) => window.reader.display(h), item.href), `display ${item.href}`);
      const what = await survey(page);
      result.spine.push({
        href: item.href, landed: where.href, textLength: where.textLength,
        images: where.images, brokenImages: where.brokenImages, types: what.types,
      });
      for (const [kind, link] of Object.entries(what.links)) found[kind] ??= { from: item.href, ...link };
      for (const t of what.types) landmarks[t] ??= item.href;
      if (what.types.includes("cover")) await shoot(page, shotsDir, `${name}-00-cover.png`, result.screenshots);
      if (what.types.includes("titlepage")) await shoot(page, shotsDir, `${name}-01-title.png`, result.screenshots);
      if (what.types.includes("chapter") && !chapterShot) {
        chapterShot = true;
        await shoot(page, shotsDir, `${name}-02-chapter.png`, result.screenshots);
      }
      if (what.types.includes("glossary")) await shoot(page, shotsDir, `${name}-04-glossary.png`, result.screenshots);
    }
    result.landmarks = landmarks;
    result.found = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, `${v.from} -> ${v.href}`]));
    // A note reference, then the note's own back link (from the note shown).
    if (found.noteref) {
      const f = await follow(page, found.noteref.from, found.noteref);
      result.followed.noteref = f;
      await shoot(page, shotsDir, `${name}-03-note.png`, result.screenshots);
      const back = f.ok ? (await survey(page)).links.backlink : undefined;
      if (back) result.followed.backlink = await follow(page, f.landed, back);
    }
    if (found.glossref) {
      result.followed.glossref = await follow(page, found.glossref.from, found.glossref);
    }
    if (found.biblioref) {
      result.followed.biblioref = await follow(page, found.biblioref.from, found.biblioref);
      await shoot(page, shotsDir, `${name}-05-bibliography.png`, result.screenshots);
    }
  } catch (err) {
    problem("walker", String(err?.stack ?? err));
  } finally {
    await withTimeout(Promise.allSettled(pending), "console messages").catch(() => {});
    await context.close().catch(() => {});
  }
  return result;
}

async function main() {
  fs.mkdirSync(opts.shots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "epubjs-walk-"));
  const browser = await withTimeout(puppeteer.launch({
    executablePath: opts.chromium, headless: true, args: FLAGS, userDataDir: profile,
  }), "launch chromium");
  const results = [];
  try {
    // Two books at a time: the machine has two cores.
    const queue = [...names];
    const worker = async () => {
      for (let name; (name = queue.shift()) !== undefined;) results.push(await walk(browser, name, opts.shots));
    };
    await Promise.all([worker(), worker()]);
  } finally {
    await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  results.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  process.stdout.write(JSON.stringify({ books: results }, null, 1) + "\n");
}

main().catch((err) => {
  process.stderr.write(`epubjs-walk: ${err?.stack ?? err}\n`);
  process.exit(1);
});
