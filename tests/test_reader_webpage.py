"""The plain-text reader on a web page's structure, rule by rule: the head
(site header, title, subtitle, bylines, lost links), the chrome among and
after the text, headings, and readers' comments in each platform's form.
Small pages written for these tests (names and words of their own)."""

from __future__ import annotations

import re

import pytest

from editionbuilder.readers.plaintext.chrome import NAVIGATION, NAVIGATION_MARK, line_chrome
from readerkit import codes, flat, read_text, shape

BODY = (
    "The mill at Penrose ran on water until 1911, when the owners put in a gas engine and sold the wheel for scrap.\n\n"
    "Nobody in the village thought it would last, and it did not: the engine failed in its second winter.\n"
)


def _read(tmp_path, text, **reader):
    ed, diags = read_text(tmp_path, text, **reader)
    return ed, diags


def test_substack_head_site_name_title_subtitle_and_byline_group(tmp_path):
    page = (
        "The Valley Post\n\nSubscribe\nSign in\n\nThe Mill at Penrose\n\n"
        "A wheel, an engine and a very cold winter.\n\nMara Quist\nMay 3, 2023\n14\n2\nShare\n\n" + BODY
    )
    ed, diags = _read(tmp_path, page)
    assert (ed.metadata.title, ed.metadata.subtitle, ed.metadata.authors) == (
        "The Mill at Penrose",
        "A wheel, an engine and a very cold winter.",
        ("Mara Quist",),
    )
    assert shape(ed.chapters[0].blocks)[0].startswith("P The mill at Penrose ran on water")
    removed = {r.pos.line for r in ed.removed}
    assert {1, 3, 4, 11, 12, 13, 14} <= removed
    assert {"title-chosen", "byline-inferred"} <= set(codes(diags))


@pytest.mark.parametrize(
    "byline",
    [
        "by Mara Quist",
        "By Mara Quist",
        "Posted by Mara Quist at 10:31",
        "Posted on 3 May 2023 by Mara Quist",
        "Written by Mara Quist on 3 May 2023",
        "Mara Quist · May 3, 2023",
        "Mara Quist - May 3, 2023",
        "Guest post by Mara Quist",
    ],
)
def test_byline_forms_under_the_title_with_or_without_a_blank_line(tmp_path, byline):
    for gap in ("\n\n", "\n"):
        ed, _ = _read(tmp_path, f"The Mill at Penrose{gap}{byline}\n\n{BODY}")
        assert ed.metadata.title == "The Mill at Penrose"
        assert ed.metadata.authors == ("Mara Quist",)
        assert len(ed.chapters[0].blocks) == 2


@pytest.mark.parametrize("byline", ["Posted by Mara Quist at 10:31", "— Mara Quist", "— Mara Quist, editor"])
def test_byline_at_the_foot_of_the_text(tmp_path, byline):
    ed, _ = _read(tmp_path, f"The Mill at Penrose\n\n{BODY}\n{byline}\n\nLabels: mills, engines\n")
    assert ed.metadata.authors == ("Mara Quist",)
    assert len(ed.chapters[0].blocks) == 2


def test_a_byline_naming_someone_else_is_kept_and_reported(tmp_path):
    ed, diags = _read(tmp_path, f"The Mill at Penrose\n\nby Mara Quist\n\n{BODY}\n— Tom Ashby\n")
    assert ed.metadata.authors == ("Mara Quist",)
    assert "P — Tom Ashby" in shape(ed.chapters[0].blocks)
    assert "byline-suspect" in codes(diags)


def test_a_quotations_attribution_is_no_byline(tmp_path):
    page = (
        f"The Mill at Penrose\n\nby Mara Quist\n\n“The wheel turned for a hundred years.”\n— Ann Lee, Letters\n\n{BODY}"
    )
    ed, _ = _read(tmp_path, page)
    assert ed.metadata.authors == ("Mara Quist",)


@pytest.mark.parametrize(
    "line",
    [
        "The first part of this story is here.",
        "Read part one: the wheel",
        "Download the survey (PDF, 2 MB)",
        "Listen to this post (MP3, 9 min)",
        "This post is a reply to Ann Lee's column on mills.",
        "A longer version of this essay can be found here.",
    ],
)
def test_lost_link_lines_are_dropped_and_reported(tmp_path, line):
    ed, diags = _read(tmp_path, f"The Mill at Penrose\n\nby Mara Quist\n\n{line}\n\n{BODY}")
    assert [r.text for r in ed.removed if "link" in r.reason] == [line]
    assert "link-lost" in codes(diags)
    assert len(ed.chapters[0].blocks) == 2


def test_an_update_or_editors_note_stays_text(tmp_path):
    ed, _ = _read(tmp_path, f"The Mill at Penrose\n\nUpdate, 4 May: the engine has been found.\n\n{BODY}")
    assert shape(ed.chapters[0].blocks)[0] == "P Update, 4 May: the engine has been found."


def test_advertisements_and_subscribe_boxes_between_paragraphs_are_removed(tmp_path):
    first, second = BODY.strip().split("\n\n")
    page = (
        f"The Mill at Penrose\n\n{first}\n\nAdvertisements\n\nReport this ad\n\n"
        f"Thanks for reading The Valley Post! Subscribe for free to receive new posts.\n\nSubscribe\n\n{second}\n"
    )
    ed, _ = _read(tmp_path, page)
    assert len(ed.chapters[0].blocks) == 2
    assert len(ed.removed) == 4


def test_a_short_line_between_paragraphs_is_a_heading(tmp_path):
    first, second = BODY.strip().split("\n\n")
    ed, _ = _read(tmp_path, f"The Mill at Penrose\n\n{first}\n\nThe engine\n\n{second}\n")
    assert shape(ed.chapters[0].blocks)[1] == "H2 The engine"


def test_tags_after_the_text_are_chrome_and_reported(tmp_path):
    ed, diags = _read(tmp_path, f"The Mill at Penrose\n\n{BODY}\nMills\n\nEngines\n\n--\n\n12\n")
    assert len(ed.chapters[0].blocks) == 2
    assert "boilerplate-context" in codes(diags)


def test_a_date_between_paragraphs_is_kept_and_reported(tmp_path):
    first, second = BODY.strip().split("\n\n")
    ed, diags = _read(tmp_path, f"The Mill at Penrose\n\n{first}\n\n3 January 1912\n\n{second}\n")
    assert "P 3 January 1912" in shape(ed.chapters[0].blocks)
    assert "boilerplate-suspect" in codes(diags)


def test_a_footer_line_ends_the_page_only_when_no_text_follows(tmp_path):
    first, second = BODY.strip().split("\n\n")
    page = (
        f"The Mill at Penrose\n\n{first}\n\nPhoto © Ann Lee\n\n{second}\n\n© 2024 The Valley Post\n\nCinema and talks\n"
    )
    ed, _ = _read(tmp_path, page)
    assert len(ed.chapters[0].blocks) == 2
    assert {r.pos.line for r in ed.removed} == {5, 9, 11}


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("Share", True),
        ("Reply • Share ›", True),
        ("Email ThisBlogThis!Share to XShare to FacebookShare to Pinterest", True),
        ("Like (3)", True),
        ("1.2K Followers", True),
        ("4 min readJun 2, 2019", True),
        ("« Older post  |  Newer post »", True),
        ("Share your stories in the comments below.", False),
        ("« Bonjour », dit-il.", False),
        ("Follow the river north for two miles.", False),
        ("The theme of the book is loss.", False),
    ],
)
def test_chrome_by_line_shape(line, chrome):
    assert (line_chrome(line) is not None) == chrome


def test_every_form_of_a_link_to_another_post_has_a_mark_the_reader_looks_for_first():
    """``NAVIGATION`` is searched only in a line with one of the marks of
    ``NAVIGATION_MARK``: each of its forms (its alternatives, split at the
    bars that are not escaped) must need one of them, outside a class that
    excludes it (``[^»]``)."""
    forms = re.split(r"(?<!\\)\|", NAVIGATION.pattern)
    assert len(forms) >= 5 and "(" not in NAVIGATION.pattern  # no group: the bars split the forms
    for form in forms:
        assert NAVIGATION_MARK.search(re.sub(r"\[\^[^\]]*\]", "", form)), form


COMMENT_FORMS = {
    "wordpress": "Ann Lee says:\nMay 4, 2023 at 9:12 am\n\n{text}\n\nReply",
    "wordpress-numbered": "  1. Ann Lee\n     May 4, 2023 at 9:12 am\n\n     {text}\n\n     Reply",
    "blogger": "Ann Lee said...\n\n{text}\n\nMay 4, 2023 at 9:12 AM",
    "disqus": "Ann Lee • 2 years ago\n\n{text}\n\n• Reply •\nShare ›",
    "substack": "Ann Lee\nMay 4\n\n{text}\n\nLike (2)\nReply\nShare",
    "medium": "Ann Lee\n\nMay 4, 2023\n\n{text}\n\n3\n\nReply",
    "ghost": "Ann Lee\nMill historian\n· 2 yr ago\n\n{text}\n\n1\nReply",
}


@pytest.mark.parametrize("form", sorted(COMMENT_FORMS))
def test_comment_authors_in_each_platforms_form(tmp_path, form):
    comment = COMMENT_FORMS[form].format(text="The wheel is in the museum at Truro now.")
    other = COMMENT_FORMS[form].replace("Ann Lee", "Tom Ashby").format(text="Was it overshot or undershot?")
    page = (
        f"The Mill at Penrose\n\n{BODY}\n2 Comments\n\n{comment}\n\n{other.replace('  1.', '  2.')}\n\nLeave a Reply\n"
    )
    ed, diags = _read(tmp_path, page)
    assert [(c.author, [flat(b.inlines) for b in c.blocks]) for c in ed.comments] == [
        ("Ann Lee", ["The wheel is in the museum at Truro now."]),
        ("Tom Ashby", ["Was it overshot or undershot?"]),
    ]
    assert "comments-missing" not in codes(diags)
    assert len(ed.chapters[0].blocks) == 2


def test_text_after_the_comments_under_no_name_is_left_out_and_reported(tmp_path):
    comment = COMMENT_FORMS["substack"].format(text="The wheel is in the museum at Truro now.")
    page = (
        f"The Mill at Penrose\n\n{BODY}\n1 Comment\n\n{comment}\n\nPopular posts from this blog\n\n"
        "The Fair at Lostwithiel\n\nThere is no good way to count a fair: people come and go all day and night.\n"
    )
    ed, diags = _read(tmp_path, page)
    assert len(ed.comments) == 1
    assert "chrome-text-removed" in codes(diags)


def test_a_comment_section_announced_but_lost_is_reported(tmp_path):
    ed, diags = _read(tmp_path, f"The Mill at Penrose\n\n{BODY}\n3 Comments\n\nLeave a Reply\n")
    assert ed.comments == ()
    assert "comments-missing" in codes(diags)


def test_medium_author_box_keeps_its_paragraph_and_drops_its_counters(tmp_path):
    page = (
        f"The Mill at Penrose\n\nMara Quist\n\nFollow\n\n6 min read · May 3, 2023\n\n{BODY}\n"
        "Written by Mara Quist\n\n412 Followers\n\n·Writer for\n\nThe Valley Post\n\n"
        "Mara writes about mills and the people who worked them.\n\nFollow\n"
    )
    ed, _ = _read(tmp_path, page)
    about = [c for c in ed.chapters if c.role == "about"]
    assert len(about) == 1 and shape(about[0].blocks) == ["P Mara writes about mills and the people who worked them."]
    assert ed.metadata.authors == ("Mara Quist",)


def test_an_update_above_the_byline_is_text_not_a_subtitle(tmp_path):
    page = (
        "The Mill at Penrose\n\nUpdate: the engine has been found in a barn near Truro.\n\n"
        f"Read part one: the wheel\n\nby Mara Quist\n\n{BODY}"
    )
    ed, _ = _read(tmp_path, page)
    assert (ed.metadata.subtitle, ed.metadata.authors) == ("", ("Mara Quist",))
    assert shape(ed.chapters[0].blocks)[0] == "P Update: the engine has been found in a barn near Truro."
    assert [r.pos.line for r in ed.removed if "link" in r.reason] == [5]


def test_a_byline_over_a_chapter_heading_anchors_the_head(tmp_path):
    ed, _ = _read(tmp_path, f"A Long Book\n\nby Mara Quist\n\nCHAPTER 1\n\n{BODY}")
    assert (ed.metadata.title, ed.metadata.authors) == ("A Long Book", ("Mara Quist",))
    assert [r.pos.line for r in ed.removed] == []


def test_a_date_header_is_no_byline(tmp_path):
    ed, _ = _read(tmp_path, f"The Valley Post\n\nMonday, 3 April 2023\n\nThe Mill at Penrose\n\n{BODY}")
    assert (ed.metadata.title, ed.metadata.authors) == ("The Mill at Penrose", ())


def test_a_long_run_of_short_lines_beside_chrome_stays_text(tmp_path):
    poem = "\n\n".join(
        f"the {w} comes down to the weir" for w in ("rain", "snow", "mist", "hail", "sleet", "dew", "frost")
    )
    ed, _ = _read(tmp_path, f"The Mill at Penrose\n\n{BODY}\n{poem}\n\nShare\n")
    assert len(ed.chapters[0].blocks) == 9
