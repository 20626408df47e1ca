"""Where Markdown's work or output grows faster than the text: bare URLs and table rows
past their bounds are parsed as text, and a post that would render to more HTML than a
post may is refused with a 422 that stores nothing."""

import pytest

from discussions.models import Comment
from richtext import markdown

from .support import assert_json_error

URL = "http://example.org/" + "a" * 7_900
# One reference definition used ~3,000 times: 20 KB of text, 24 MB of HTML.
REFERENCE_BOMB = f"[a]: {URL}\n\n" + "[a] " * ((20_000 - len(URL) - 10) // 4)


def test_a_post_that_would_render_to_too_much_html_is_refused_and_not_stored(api, lab):
    before = Comment.objects.count()
    for url, body in (
        (f"/api/discussions/{lab.discussion.id}/comments", {"content": REFERENCE_BOMB}),
        ("/api/render", {"content": REFERENCE_BOMB}),
    ):
        message = assert_json_error(api.post(url, body, as_=lab.member), 422)["message"]
        assert f"{markdown.HTML_BUDGET_BYTES // 1024} KiB" in message
    assert Comment.objects.count() == before
    # References to a short URL, used as often, render as links.
    short = "[a]: http://example.org/\n\n" + "[a] " * 4_000
    rendered = api.post("/api/render", {"content": short}, as_=lab.member)
    assert rendered.status_code == 200 and rendered.json()["content_html"].count("<a ") == 4_000


def test_bare_urls_past_their_bound_stay_text_and_written_links_still_work():
    within = " ".join(f"http://x{n}.org" for n in range(markdown.MAX_BARE_URLS))
    assert markdown.render(within).count("<a ") == markdown.MAX_BARE_URLS
    past = within + " http://one-more.org [a written link](http://written.org)"
    html = markdown.render(past)
    assert html.count("<a ") == 1 and 'href="http://written.org"' in html
    assert markdown.render(("[http://" * 2500)[:20_000]).count("<a ") == 0


def test_tables_past_their_bound_stay_text():
    header = "| a | b | c | d | e | f | g | h | i | j |\n|" + "---|" * 10 + "\n"
    small = header + "| 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 |\n" * 20
    assert markdown.render(small).count("<td>") == 200
    rows = markdown.MAX_TABLE_CELLS // 10 + 1
    html = markdown.render(header + "x\n" * rows)
    assert "<table>" not in html and "| a | b |" in html


@pytest.mark.parametrize(
    "content",
    [
        "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n\nafter",
        "a | b\n--|--\n1 | 2\nx\ny\n",
        "|a|\n|:-:|\n" + "z\n" * 50,
        "| a | b | c |\n| --- | :-- | --: |\n| 1 |\n\n| d |\n|---|\n| 2 |\n",
    ],
)
def test_the_cell_count_before_parsing_is_never_below_the_parsers(content):
    cells = markdown.render(content).count("<td")
    assert cells and markdown._table_cells(content) >= cells
