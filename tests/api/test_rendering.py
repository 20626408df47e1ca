"""Discussions and comments carry their Markdown content rendered and sanitised
(`content_html`) next to the source, in REST answers and realtime events alike;
the composer's preview renders without posting."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from communities.models import Membership
from realtime_core.events import MAX_BODY_BYTES

from .support import assert_json_error

EMOJI = "\N{GRINNING FACE}"

MARKDOWN = (
    "See [the paper](https://example.org/p), a list:\n\n- one\n- two\n\n"
    "and `inline code` with $e^{i\\pi} = -1$.\n\n$$\\frac{a}{b}$$\n"
)

# Each attempt, and a marker of it that must not survive rendering.
ATTACKS = {
    "script tag": ("<script>alert(1)</script>", "<script"),
    "event handler": ('<img src=x onerror="alert(1)">', "<img"),
    "raw html": ('<div style="position:fixed">x</div>', "<div style"),
    "iframe": ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    "javascript link": ("[click](javascript:alert(1))", 'href="javascript'),
    "encoded javascript link": ("[click](jav&#x09;ascript:alert(1))", 'href="javascript'),
    "autolink javascript": ("<javascript:alert(1)>", 'href="javascript'),
    "data link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
    "mathml href": (r"$\href{javascript:alert(1)}{x}$", "href"),
    "mathml style": (r"$\style{background:url(x)}{x}$", "style"),
    "raw mathml": ('<math><maction actiontype="statusline">x</maction></math>', "<math>"),
    "tex with html": (r"$\text{<script>alert(1)</script>}$", "<script"),
}


def _discussion_url(lab):
    return f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions"


def test_markdown_renders_links_lists_code_and_maths_as_mathml(api, lab):
    created = api.post(_discussion_url(lab), {"topic": "T", "content": MARKDOWN},
                       as_=lab.member).json()
    html = created["content_html"]
    assert created["content"] == MARKDOWN  # the source stays for editing
    assert '<a href="https://example.org/p" rel="nofollow noopener noreferrer">the paper</a>' in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<code>inline code</code>" in html
    assert '<math display="inline">' in html and "<mi>π</mi>" in html
    assert '<math display="block">' in html and "<mfrac>" in html


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_attacks_are_neutralised_in_comments_and_previews(api, lab, attack):
    source, marker = attack
    comment = api.post(f"/api/discussions/{lab.discussion.id}/comments",
                       {"content": source}, as_=lab.member).json()
    preview = api.post("/api/render", {"content": source}, as_=lab.member).json()
    assert comment["content"] == source
    for html in (comment["content_html"], preview["content_html"]):
        assert marker not in html, html


class _Tags(HTMLParser):
    """Every tag and attribute name of an HTML text, as a browser would read them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str, str]] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update((tag, name, value or "") for name, value in attrs)


def test_no_rendered_tag_carries_an_event_handler_or_style(api, lab):
    everything = "\n\n".join(source for source, _ in ATTACKS.values()) + "\n\n" + MARKDOWN
    html = api.post("/api/render", {"content": everything}, as_=lab.member).json()["content_html"]
    found = _Tags(html)
    assert not found.tags & {"script", "style", "iframe", "img", "maction", "semantics",
                             "annotation"}
    assert {"math", "a", "ul", "code"} <= found.tags  # the legitimate parts survived
    for tag, name, value in found.attributes:
        assert not name.startswith("on") and name != "style", (tag, name)
        if name == "href":
            # a scheme-less href is relative (the percent-encoded tab is no scheme)
            assert urlsplit(value).scheme in {"", "https"}, value
        if name == "class":
            assert value in {"math inline", "math block"}, value


def test_a_deleted_comment_kept_for_its_replies_renders_nothing_of_its_text(api, lab):
    did = lab.discussion.id
    parent = api.post(f"/api/discussions/{did}/comments", {"content": "secret **text**"},
                      as_=lab.member).json()
    api.post(f"/api/discussions/{did}/comments", {"content": "reply", "parent_id": parent["id"]},
             as_=lab.author)
    assert api.delete(f"/api/comments/{parent['id']}", as_=lab.member).status_code == 204
    items = api.get(f"/api/discussions/{did}/comments", as_=lab.admin).json()["items"]
    kept = next(item for item in items if item["id"] == parent["id"])
    assert (kept["content"], kept["content_html"]) == ("[deleted]", "")
    assert_json_error(api.get(f"/api/comments/{parent['id']}/content_html", as_=lab.admin), 404)


def test_events_carry_the_rendered_content_as_the_api_returns_it(api, lab, outbox):
    created = api.post(f"/api/discussions/{lab.discussion.id}/comments",
                       {"content": MARKDOWN}, as_=lab.member).json()
    event = outbox.only_event()
    assert event["body"]["data"]["comment"]["content_html"] == created["content_html"]
    assert "<math" in created["content_html"]

    edited = api.patch(f"/api/discussions/{lab.discussion.id}", {"content": "*new*"},
                       as_=lab.author).json()
    event = outbox.only_event()
    assert event["body"]["data"]["discussion"]["content_html"] == "<p><em>new</em></p>\n"
    assert edited["content_html"] == "<p><em>new</em></p>\n"


@pytest.mark.parametrize("content", ["\N{LATIN SMALL LETTER E WITH ACUTE}" * 16_384,
                                     EMOJI * 8192, "<" * 20_000],
                         ids=["accented", "emoji", "escaped"])
def test_content_at_its_limit_leaves_its_html_out_of_the_event_and_serves_it_apart(
    api, make_user, make_lab, outbox, content
):
    """Content at its 32 KiB limit renders to more HTML than an event has room
    for beside it: content_html is null, the event arrives whole (not truncated),
    and the object's content_html endpoint serves the HTML."""
    lab = make_lab("private")
    writer = make_user()
    Membership.objects.create(community=lab.community, user=writer.user, role=Membership.MEMBER)
    discussion = api.post(_discussion_url(lab), {"topic": EMOJI * 150, "content": content},
                          as_=writer).json()
    comment = api.post(f"/api/discussions/{discussion['id']}/comments", {"content": content},
                       as_=writer).json()
    assert discussion["content_html"] is None and comment["content_html"] is None

    for row in outbox.rows():
        assert len(row.body.encode()) <= MAX_BODY_BYTES
        assert "truncated" not in json.loads(row.body)["data"]

    for path in (f"/api/discussions/{discussion['id']}", f"/api/comments/{comment['id']}"):
        served = api.get(f"{path}/content_html", as_=lab.member).json()["content_html"]
        assert served.startswith("<p>") and len(served) > len(content)


def test_short_content_keeps_its_html_in_the_object(api, lab):
    content = "a" * 10_000
    comment = api.post(f"/api/discussions/{lab.discussion.id}/comments", {"content": content},
                       as_=lab.member).json()
    assert comment["content_html"] == f"<p>{content}</p>\n"


def test_rendered_content_is_read_like_the_object(api, lab, make_user):
    outsider = make_user()
    path = f"/api/discussions/{lab.discussion.id}/content_html"
    assert api.get(path, as_=lab.member).status_code == 200
    assert_json_error(api.get(path, as_=outsider), 404)
    assert_json_error(api.get(path), 404)


def test_the_preview_needs_a_sign_in_and_names_the_limits(api, lab):
    assert_json_error(api.post("/api/render", {"content": "x"}), 401)
    too_long = assert_json_error(
        api.post("/api/render", {"content": "a" * 20_001}, as_=lab.member), 422)
    assert too_long["errors"][0]["loc"][-1] == "content"
    assert "20000" in too_long["errors"][0]["msg"] or "20,000" in too_long["errors"][0]["msg"]
    assert_json_error(api.post("/api/render", {"content": EMOJI * 8193}, as_=lab.member), 422)
    assert_json_error(api.post("/api/render", {"nothing": 1}, as_=lab.member), 422)


def test_the_preview_counts_against_the_write_limit(api, lab, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "writes_per_user": "2/minute"}
    statuses = [api.post("/api/render", {"content": "x"}, as_=lab.member).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
