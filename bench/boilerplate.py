"""The plain-text reader's chrome rules against jusText, on the web corpus.

    python bench/boilerplate.py [--justext-site DIR]

jusText (the boilerplate classifier of Pomikálek's thesis: paragraph length,
stopword density, link density, then the neighbours' classes) is not a
dependency of the project; install it in a scratch virtualenv
(``python -m venv /tmp/jt && /tmp/jt/bin/pip install justext
lxml_html_clean``) and point ``--justext-site`` at its site-packages.

Every non-blank line of every page of ``tests/corpus/web`` is text (its key
puts it in a paragraph, quotation, note, reference, glossary entry,
comment or kept editorial line) or chrome (a removed line, a metadata line,
a dropped editorial line); title, subtitle, byline and author-box heading
lines are left out of the count. The reader's decision is its model's: a
line it lists as removed is chrome. jusText reads the page as HTML, one
``<p>`` per item of the page as the reader splits it (a line, or lines that
go on with each other), so both classify the same units; it runs with its
defaults and with the best of a small grid of its parameters. Prints
accuracy and the precision, recall and F1 of finding chrome.
"""

from __future__ import annotations

import argparse
import html
import itertools
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from editionbuilder.readers.plaintext.paragraphs import split_paragraphs  # noqa: E402
from editionbuilder.readers.plaintext.unit import units_of  # noqa: E402
from editionbuilder.sources import read_source  # noqa: E402
from webscore import ModelView, key_lines, key_path, load_key, pages, read_page  # noqa: E402

# A page: its units, each (text, [(truth, reader's label) per line]).
Page = list[tuple[str, list[tuple[str, str]]]]


def corpus() -> list[Page]:
    out = []
    for page in pages():
        key = load_key(key_path(page))
        kinds = key_lines(key)
        skip = {a["line"] for a in key.get("authors", [])} | {key[n]["line"] for n in ("title", "subtitle") if n in key}
        if key.get("author_box"):
            skip.add(key["author_box"]["line"])
        removed = ModelView.of(read_page(page)[0]).removed_lines()
        units = []
        for u in units_of(split_paragraphs(read_source(page).text)):
            labels = []
            for n in range(u.para.start, u.para.end + 1):
                truth = "skip" if n in skip else "text" if n in kinds["text"] | kinds["kept"] else "chrome"
                labels.append((truth, "chrome" if n in removed else "text"))
            units.append((u.para.text, labels))
        out.append(units)
    return out


def justext_labels(justext: Any, units: Page, **params: Any) -> list[str]:
    body = "".join(f"<p>{html.escape(text)}</p>" for text, _ in units)
    doc = f"<html><body>{body}</body></html>".encode()
    paras = justext.justext(doc, justext.get_stoplist("English"), **params)
    assert len(paras) == len(units)
    return ["chrome" if p.is_boilerplate else "text" for p in paras]


def score(pairs: list[tuple[str, str]]) -> dict[str, float]:
    tp = sum(1 for t, m in pairs if t == m == "chrome")
    tn = sum(1 for t, m in pairs if t == m == "text")
    fp = sum(1 for t, m in pairs if t == "text" and m == "chrome")
    fn = sum(1 for t, m in pairs if t == "chrome" and m == "text")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": (tp + tn) / len(pairs), "precision": precision, "recall": recall, "f1": f1}


def reader_pairs(book: list[Page]) -> list[tuple[str, str]]:
    return [(t, m) for units in book for _, labels in units for t, m in labels if t != "skip"]


def justext_pairs(justext: Any, book: list[Page], **params: Any) -> list[tuple[str, str]]:
    out = []
    for units in book:
        for (_, labels), label in zip(units, justext_labels(justext, units, **params), strict=True):
            out += [(t, label) for t, _ in labels if t != "skip"]
    return out


GRID = {
    "length_low": (10, 30, 50, 70),
    "length_high": (100, 200),
    "stopwords_low": (0.1, 0.2, 0.3),
    "stopwords_high": (0.2, 0.32),
    "no_headings": (True, False),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--justext-site", help="a site-packages folder holding justext")
    args = parser.parse_args()
    if args.justext_site:
        sys.path.append(args.justext_site)
    try:
        import justext  # type: ignore[import-not-found]
    except ImportError:
        print("jusText is not installed: see this script's docstring", file=sys.stderr)
        return 2
    book = corpus()
    rows = [("the reader's rules", score(reader_pairs(book)), "")]
    rows.append(("jusText, defaults", score(justext_pairs(justext, book)), ""))
    best: tuple[dict[str, float], dict[str, Any]] | None = None
    for values in itertools.product(*GRID.values()):
        params = dict(zip(GRID, values, strict=True))
        if params["stopwords_high"] < params["stopwords_low"]:
            continue
        s = score(justext_pairs(justext, book, **params))
        if best is None or s["f1"] > best[0]["f1"]:
            best = (s, params)
    assert best is not None
    rows.append(("jusText, best of grid", best[0], str(best[1])))
    print("| classifier | accuracy | chrome precision | chrome recall | F1 |\n|---|---|---|---|---|")
    for name, s, note in rows:
        print(f"| {name} | {s['accuracy']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
