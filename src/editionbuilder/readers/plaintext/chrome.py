"""Lines of a web page that are its interface or metadata, not its text.

A page copied from a browser brings the platform's chrome with the post:
buttons and menus (Share, Like, Reply, Subscribe, Follow, Sign in), counters
(claps, likes, followers), dates and reading times, footers, tag lines,
links to the previous and next post, advertisements, comment forms and
subscription prompts. Each rule below is a pattern over the shape of one
line; none names a site, a person or a title.

A rule is *strong* when the line cannot be text wherever it stands (a line
that is only "Reply • Share ›"), or *weak* when it is chrome only beside
other chrome (a lone "Email", a bare number, a date): ``page.py`` decides
those from their neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lazyre import lazy_compile
from .buttons import is_strong_phrase, ui_phrases

# Counters alone on a line: "312", "1.1K", "12 Likes", "2 Restacks",
# "1.2K Followers", "1 reply", "3 comments" (a header is read before this).
COUNT = lazy_compile(
    r"^[·•∙\s]*\d[\d.,]*[KkMm]?(?:\s+(?:likes?|restacks?|followers?|following|claps?|shares?|views?|reads?|"
    r"subscribers?|members?|reactions?|repl(?:y|ies)|notes?|hearts?))?\s*$",
    re.I,
)
# A line of one to four marks and no letter or figure ("·", "--", "•", "›"),
# or a single letter alone ("Δ", the honeypot field of a comment form):
# separators and icons of the interface. A row of asterisks is a section
# break, read elsewhere.
ICON = lazy_compile(r"^[^\w\s]{1,4}$|^\w$")
# A line opened by a disclosure triangle ("► 2018 (6)", "▼ March (2)"): an
# archive or menu widget folded open.
WIDGET = lazy_compile(r"^[►▼▶◀◄▸▾]\s*\S")
# "In "Category"" under a related post's title (Jetpack's related posts).
IN_CATEGORY = lazy_compile(r"^In\s+[\"“][^\"”]{1,60}[\"”]$")
# Captions of log-in provider buttons ("Google photo", "Twitter picture",
# "WordPress.com Logo"): a name and the word for its image.
BUTTON_CAPTION = lazy_compile(r"^[\w.]+(?: [\w.]+)? (?:Logo|photo|picture|icon|avatar)$", re.I)
# A menu: three or more short items (one to three words) between " · ",
# " | ", " • " or wide gaps ("Essays · Notes · About", "About   Archive
# Feed"), half of them interface words (a row of a table is no menu).
MENU_SPLIT = lazy_compile(r"\s+[·•∙|]\s+|\s{2,}")
SECTION_MARK = lazy_compile(r"^(?:\*\s*){1,5}$|^(?:[-–—_=~#⁂]\s*){3,}$|^⁂$")

# -- dates and reading times -------------------------------------------------
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tue(?:s)?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?"
_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s*\d{{4}})?|{_MONTH}\s+\d{{4}})"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
)
_READ = r"\d+\s*min(?:ute)?s?\s*read"
_AGO = r"(?:\d+|an?)\s*(?:yrs?|years?|mos?|months?|wks?|weeks?|d|days?|h|hrs?|hours?|mins?|minutes?|s|secs?|seconds?)\s+ago|yesterday|just now"
_META_TOKEN = rf"(?:{_DATE}|{_READ}|{_AGO}|{_TIME})"
# A line made only of dates, times, reading times and their separators:
# "Apr 11, 2022", "15 March 2019 at 8:41 am", "6 min read · Nov 14, 2020",
# "4 min readJun 2, 2019", "· 2 yr ago", "Sep 12, 2021 (edited)".
META_LINE = lazy_compile(
    rf"^[\s·•∙—–|-]*(?:(?:Posted|Published|Updated|Last updated)(?: on)?\s*:?\s*)?{_META_TOKEN}"
    rf"(?:(?:[\s,·•∙—–|-]+|\s*at\s+)?{_META_TOKEN})*[\s·•∙—–|-]*(?:\((?:edited|updated)\)|edited|updated)?"
    r"[\s·•∙—–|-]*$",
    re.I,
)
META_TOKEN = lazy_compile(_META_TOKEN, re.I)
READING_TIME = lazy_compile(_READ, re.I)

# -- footers, tags, navigation, advertisements -------------------------------
# "© 2024 Name", "Copyright © ...", "Powered by Ghost", "Built with Hugo",
# "Published with Ghost", "Blog at WordPress.com.", "Create a free website
# or blog at ...", "... theme. Powered by Blogger.": the end of a page.
# ("Published by NAME" is an author box, read by ``classify``.)
FOOTER = lazy_compile(
    r"©|^copyright\b|\ball rights reserved\.?$"
    r"|(?:^|[.|·]\s+)(?:proudly )?(?:powered by|built (?:with|on)|published with|made with|hosted (?:by|on)) [A-Z]"
    r"|^(?:create a free website or blog|blog) at \S+\.?$|^theme(?: by)?\s*:",
    re.I,
)
FOOTER_MAX_WORDS = 30
# "Labels: a, b", "Tags: ...", "Filed under: ...", "Categories: ...",
# "Posted in X Tagged Y", "This entry was posted in ...": the post's
# taxonomy, printed under it. (The forms that begin the line under one "^".)
LABELS = lazy_compile(
    r"^(?:(?:labels|tags|tagged(?: with)?|topics|filed under|categories|category|posted in)\s*:|"
    r"(?:tagged|tags|labels|categories|filed under)\s+[#\w][^.!?]*$|"
    r"posted in\s+[A-Z][^.]*$|this entry was posted in\b)|\bbookmark the permalink\b",
    re.I,
)
# Links to the previous and next post: "← Title", "Title →",
# "« A | B »", "« Previous", "Next »" (guillemets that quote, «Oui»,
# « Oui », dit-il, are no link).
NAVIGATION = lazy_compile(r"^\s*[←‹]\s*\S|\S\s*[→›]\s*$|^\s*«\s.*\|.*\s»\s*$|^\s*«\s[^»]*$|^[^«]*\s»\s*$")
# The arrows and guillemets each form of NAVIGATION has one of: a line
# without them, most lines, is no link of these (one scan of the line,
# where NAVIGATION's search tries every form at every character).
NAVIGATION_MARK = lazy_compile(r"[←‹→›«»]")
# Advertisements placed between paragraphs (WordAds, AdSense, newsletter
# sponsors).
ADVERT = lazy_compile(r"^(?:advertisements?|advert|sponsored(?: content| post)?|report this ad|adchoices|ad)$", re.I)

# The credit line of a picture, which the plain-text copy lost: "Photo by
# NAME on Unsplash", "Image: NAME", "Illustration courtesy of NAME".
IMAGE_CREDIT = lazy_compile(
    r"^(?:photo(?:graph)?s?|images?|illustrations?|pictures?|cover image|header image)"
    r"(?: by| courtesy of| credit\s*:?|\s*:)\s+\S.{0,80}$",
    re.I,
)

# -- comment forms and subscription prompts ----------------------------------
# Fields and prompts of a comment or sign-up form: "Name (required)",
# "Email *", "Website", "Enter your comment here...", "Write a comment...",
# "Join the discussion…", "What are your thoughts?", "Your email address
# will not be published", "Notify me of ...", "You are commenting using
# your X account", "Connecting to %s", an e-mail address alone. The forms
# that begin the line stand under one "^", so that a search of a long line
# tries them at its start only.
FORM = lazy_compile(
    r"^(?:(?:name|e-?mail(?: address)?|website|url|comment|message)\s*(?:\*|\(required\).*)$"
    r"|(?:enter|write|type|add|join|start)\b[^.!?]{0,40}\b(?:your|comment|email|reply|discussion|message|search)"
    r"[^.!?]{0,20}(?:\.{3}|…)$"
    r"|what are your thoughts\?$|notify me of\b|you are commenting using\b|fill in your details\b"
    r"|save my name, email\b|comments are closed\.?$"
    r"|\S+@\S+\.\w+$|loading(?:\.{3}|…)$|(?:like|share) loading(?:\.{3}|…)$"
    r"|(?:pingback|trackback)\s*:)"
    r"|\byour email address will not be published\b|%[sd]\b|\bto reduce spam\b|\(opens in (?:a )?new window\)",
    re.I,
)
# Account and subscription wording: a short line asking the reader to
# subscribe, sign in or up, log in, become a member or give an email.
ACCOUNT = lazy_compile(
    r"\b(?:subscribe|subscription|sign (?:in|up)|log ?in|become a (?:paid )?member|members?[- ]only|"
    r"your email|email address|join the (?:conversation|discussion)|start commenting|"
    r"unsubscribe|mailing list|receive (?:new )?posts|receiving this email|update your preferences|"
    r"in your browser|address book|(?:to|in) your inbox)\b",
    re.I,
)
ACCOUNT_MAX_WORDS = 25
# "Thanks for reading NAME!": the newsletter platforms' prompt under a
# post's text, whatever follows it.
THANKS_FOR_READING = lazy_compile(r"^thanks? (?:you )?for reading\b", re.I)
# A button or heading that names what it acts on: "Subscribe to NAME",
# "Share NAME", "Follow NAME", "More from NAME", "Also on NAME",
# "Recommended from NAME", "Popular posts from this blog", "Related posts",
# "You might also like", "Similar posts".
_TITLED = r"(?:(?-i:[A-Z0-9])[\w'’&.-]*|of|the|and|on|&)"
PROMO = lazy_compile(
    rf"^(?:subscribe to|share|more from|also on|recommended from|see all from|upgrade to)\s+{_TITLED}(?:\s+{_TITLED}){{0,6}}$"
    r"|^(?:popular|recent|related|similar) posts?(?: from this blog)?$|^you (?:might|may) also like$",
    re.I,
)
# "Follow NAME", "Support NAME": buttons, or a heading ("Follow the Money"):
# beside chrome only.
WEAK_PROMO = lazy_compile(rf"^(?:follow|support)\s+{_TITLED}(?:\s+{_TITLED}){{0,6}}$", re.I)
# A label whose value is on the next line ("Published in" / "Urban Canopy",
# "·Writer for" / "Longitude"): a short line ending in a preposition.
DANGLING_LABEL = lazy_compile(r"^[·•∙\s]*(?:[A-Z][\w-]*\s+){0,2}(?:in|for|by|on|from|at)$", re.I)


@dataclass(frozen=True, slots=True)
class Chrome:
    """What a line of chrome is (``what``) and whether it is chrome wherever
    it stands (``strong``) or only beside other chrome."""

    what: str
    strong: bool

    @property
    def reason(self) -> str:
        """The reason the report gives for removing the line."""
        return f"web page boilerplate ({self.what})"


def interface(text: str) -> Chrome | None:
    """A line made only of buttons, menu items and counts."""
    tokens = ui_phrases(text)
    if not tokens:
        return None
    strong = len(tokens) >= 2 or any(is_strong_phrase(t) for t in tokens)
    return Chrome("the page's interface: buttons, menus, share and like links", strong)


def _at_most_words(text: str, most: int) -> bool:
    """Whether ``text`` has at most ``most`` words (a long line is split no further)."""
    return len(text.split(maxsplit=most)) <= most


def line_chrome(text: str) -> Chrome | None:
    """The chrome a line is, by its shape alone, or None for a line of text."""
    text = text.strip()
    if not text or SECTION_MARK.match(text):
        return None
    for test in (_advert, _form, _footer, _labels, _count, interface, _menu, _navigation, _promo, _meta):
        found = test(text)
        if found is not None:
            return found
    return None


def _advert(text: str) -> Chrome | None:
    if ADVERT.match(text):
        return Chrome("advertisement", True)
    if IMAGE_CREDIT.match(text):
        return Chrome("the caption or credit of an image the copy lost", True)
    return None


def _form(text: str) -> Chrome | None:
    return Chrome("comment or sign-up form", True) if FORM.search(text) else None


def _footer(text: str) -> Chrome | None:
    return Chrome("the page's footer", True) if _at_most_words(text, FOOTER_MAX_WORDS) and FOOTER.search(text) else None


def _labels(text: str) -> Chrome | None:
    return Chrome("the post's labels and tags", True) if LABELS.search(text) else None


def _menu(text: str) -> Chrome | None:
    items = [i for i in MENU_SPLIT.split(text) if i]
    short = len(items) >= 3 and all(_at_most_words(i, 3) for i in items)
    if short and sum(1 for i in items if ui_phrases(i)) * 2 >= len(items):
        return Chrome("the site's menu", True)
    if WIDGET.match(text) or IN_CATEGORY.match(text):
        return Chrome("a widget of the page: an archive, related posts", True)
    if BUTTON_CAPTION.match(text):
        return Chrome("the caption of a log-in button", False)
    return None


def _navigation(text: str) -> Chrome | None:
    if _at_most_words(text, 20) and NAVIGATION_MARK.search(text) and NAVIGATION.search(text):
        return Chrome("links to other posts", True)
    return None


def _promo(text: str) -> Chrome | None:
    if THANKS_FOR_READING.match(text) or PROMO.match(text):
        return Chrome("subscription or promotion box", True)
    if WEAK_PROMO.match(text):
        return Chrome("subscription or promotion box", False)
    if _at_most_words(text, ACCOUNT_MAX_WORDS) and ACCOUNT.search(text):
        # A sentence of text may mention subscribing: beside chrome only.
        return Chrome("subscription or promotion box", not text.rstrip('"”’)').endswith((".", "!")))
    return None


def _meta(text: str) -> Chrome | None:
    if META_LINE.match(text):
        return Chrome("a date or reading time", False)
    if is_label(text):
        return Chrome("a label of the page's header", False)
    return None


def is_label(text: str) -> bool:
    """A label whose value is on the next line ("Published in"), not a
    button that ends in a preposition ("Sign in")."""
    return bool(DANGLING_LABEL.match(text.strip())) and ui_phrases(text.strip()) is None


def _count(text: str) -> Chrome | None:
    """A counter: strong with what it counts ("12 Likes", "1.2K
    Followers"), weak as a bare number or an icon (a number alone could be
    a heading's)."""
    if COUNT.match(text) or ICON.match(text):
        return Chrome("a count or an icon of the interface", any(c.isalpha() for c in text) and len(text) > 1)
    return None


def is_footer(text: str) -> bool:
    """A footer line: what follows it on the page is the site's, not the post's."""
    return _footer(text.strip()) is not None
