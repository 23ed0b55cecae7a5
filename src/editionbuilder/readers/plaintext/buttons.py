"""The words of a web page's interface: the labels of its buttons, menus
and links, as every blog and newsletter platform writes them, and how a
line made only of them is read (``ui_phrases``). ``chrome.py`` decides
what such a line is.
"""

from __future__ import annotations

import re

from ...lazyre import lazy_compile

# Platforms whose names stand alone as share buttons, or follow "Share
# to"/"Share on" ("Share to XShare to Facebook" when the buttons are glued).
PLATFORM = (
    r"(?:Facebook|Twitter|X|LinkedIn|Pinterest|Tumblr|Reddit|WhatsApp|Telegram|Mastodon|Bluesky|Threads|"
    r"Instagram|YouTube|Pocket|Flipboard|Email|E-mail|Messenger)"
)
# Interface phrases that are chrome even alone on a line: verbs of buttons
# and links (share, like, reply, subscribe, follow, sign in ...), as every
# blog and newsletter platform labels them.
_STRONG = (
    rf"share(?: this(?: post| article| story| page)?| (?:to|on|via) {PLATFORM}|d)?",
    r"(?:re)?tweet",
    r"reblog(?:ged)?",
    r"restack(?:s|ed)?",
    r"(?:un)?like[ds]?",
    r"repl(?:y|ies)",
    r"(?:un)?subscribe[ds]?(?: now| for free)?",
    r"(?:un)?follow(?:ing|ed)?",
    r"sign (?:in|up|out)(?: now)?",
    r"sign me up",
    r"log ?(?:in|out)(?: now)?",
    r"register",
    r"listen",
    r"write",
    r"open in app",
    r"get (?:started|the app|link)",
    r"start writing",
    r"copy link",
    r"other apps",
    r"favou?rite[ds]?",
    r"recommend(?:ed)?",
    r"delete",
    r"report(?: abuse| this (?:ad|content|comment|post))?",
    r"collapse(?: this bar)?",
    r"expand(?: full comment)?",
    r"read more",
    r"continue reading",
    r"see all(?: responses| comments| from \S+(?: \S+){0,3})?",
    r"(?:load|show) more(?: comments| replies)?",
    r"view (?:all )?comments",
    r"view site in reader",
    r"manage subscriptions",
    r"view my complete profile",
    r"sort by (?:best|newest|oldest|top|latest)",
    r"email this",
    r"blogthis!",
    r"email a link to a friend",
    r"forward",
    r"print",
    r"text to speech",
    r"skip to (?:main )?content",
    r"back to top",
    r"about me",
    r"newer posts?",
    r"older posts?",
    r"previous(?: (?:post|issue|article|story|entry))?",
    r"next(?: (?:post|issue|article|story|entry))?",
    r"forward to a friend",
    r"top highlight",
    r"rate this",
    r"(?:give|gift) a (?:gift )?subscription",
    r"cancel reply",
    r"post (?:a )?comment",
    r"leave a (?:reply|comment)",
    r"\(opens in (?:a )?new window\)",
    r"do not sell my (?:personal )?(?:data|information)",
    r"privacy policy",
    r"(?:tweet|print|pin|save|email) this(?: (?:post|page|article|story))?",
    r"pin it",
    r"(?:more|latest|recent|popular|top) (?:stories|posts|articles|issues)",
    r"(?:privacy|cookie|ad) (?:settings|preferences)",
    r"manage cookies",
    r"collection notice",
    r"liked by (?:\d+ (?:person|people|others?)|\S+(?: \S+){0,3})",
    r"(?:more )?(?:repl(?:y|ies)|comments?) by \S+(?: \S+){0,3}",
    r"like this",
)
# Words of menus and footers that could be a heading or a word of text
# when alone ("About", "Archive", "Notes", "Email"): chrome beside chrome.
_WEAK = (
    PLATFORM,
    r"about",
    r"home",
    r"archives?",
    r"feed",
    r"rss",
    r"search(?: this blog)?",
    r"menu",
    r"help",
    r"status",
    r"careers",
    r"press",
    r"blog",
    r"privacy",
    r"terms(?: of (?:service|use))?",
    r"cookies?",
    r"teams",
    r"contact",
    r"top",
    r"latest",
    r"new(?:est)?",
    r"oldest",
    r"best",
    r"community",
    r"discussions?",
    r"comments?",
    r"responses",
    r"notes",
    r"more",
    r"name",
    r"website",
    r"(?:user's )?avatar",
    r"followers",
    r"edit",
    r"save",
    r"bookmark",
    r"labels",
    r"tags",
    r"categories",
    r"related",
    r"no posts",
)
_ALL = _STRONG + _WEAK
_PHRASES = [lazy_compile(p, re.I) for p in _ALL]
_STRONG_PHRASES = _PHRASES[: len(_STRONG)]
# Any of the phrases, in one pattern: it matches where one of them does
# (the phrases have no groups to clash), so that a line of text, whose
# first word is none of them, is told apart in one match rather than one
# per phrase.
_ANY_PHRASE = lazy_compile("|".join(f"(?:{p})" for p in _ALL), re.I)
# What may stand between the buttons of one line: spaces, dots, bullets,
# bars, arrows ("2 • Reply • Share ›"), and counts ("Like (3)").
_SEP = lazy_compile(r"(?:[\s·•∙⋅|/›‹→←»«,:!?]|\.{3}|…)+")
_NUMBER = lazy_compile(r"\(?\d+(?:[.,]\d+)*[KkMm]?\)?")


def is_strong_phrase(text: str) -> bool:
    """Whether ``text`` is one of the phrases that are chrome even alone."""
    return any(p.fullmatch(text) for p in _STRONG_PHRASES)


def ui_phrases(text: str) -> list[str] | None:
    """The interface phrases a line is made of, or None when anything else
    stands in it. Read left to right: separators, a count, or the longest
    phrase that starts there ("Liked by 1 person" before "Like",
    "Followers" before "Follow"); no backtracking."""
    pos, phrases = 0, []
    while pos < len(text):
        m = _SEP.match(text, pos) or _NUMBER.match(text, pos)
        if m:
            pos = m.end()
            continue
        if not _ANY_PHRASE.match(text, pos):
            return None
        end = max((m.end() for p in _PHRASES if (m := p.match(text, pos))), default=pos)
        if end == pos:
            return None
        phrases.append(text[pos:end])
        pos = end
    return phrases
