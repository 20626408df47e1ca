"""Discussions and comments carry their Markdown content rendered and sanitised
(`content_html`) next to the source, in REST answers and realtime events alike;
the composer's preview renders without posting."""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from communities.models import Membership
from discussions.rendering import render
from realtime_core.events import MAX_BODY_BYTES
from richtext.geometry import MAX_SIZE_EM
from richtext.katex_engine import KATEX_SCRIPT
from richtext.katex_pool import START_SECONDS
from richtext.markdown import MATH_HTML_BUDGET_BYTES
from richtext.maths import POST_WALL_SECONDS

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
    # KaTeX runs with trust off: these show as their (red) command name, the TeX source
    # stays in the annotation as text, and no attribute of them reaches the page.
    "tex href": (r"$\href{javascript:alert(1)}{x}$", "href="),
    "tex url": (r"$\url{javascript:alert(1)}$", "href="),
    "tex style": (r"$\style{background:url(x)}{x}$", "style="),
    "tex html style": (r"$\htmlStyle{position:fixed;inset:0}{x}$", "style="),
    "tex html class": (r"$\htmlClass{composer-preview}{x}$", 'class="composer-preview'),
    "tex html id": (r"$\htmlId{main}{x}$", "id="),
    "tex html data": (r"$\htmlData{action=delete}{x}$", "data-"),
    "tex image": (r"$\includegraphics{https://evil.example/x.png}$", "<img"),
    "raw mathml": ('<math><maction actiontype="statusline">x</maction></math>', "<math>"),
    "tex with html": (r"$\text{<script>alert(1)</script>}$", "<script"),
    "annotation escape": (r"$\text{</annotation><script>alert(1)</script>}$", "<script"),
    "annotation escape in maths": (
        "$</annotation></semantics></math><img src=x onerror=alert(1)>$",
        "<img",
    ),
}


def _discussion_url(lab):
    return f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions"


def test_markdown_renders_links_lists_code_and_maths_as_mathml(api, lab):
    created = api.post(
        _discussion_url(lab), {"topic": "T", "content": MARKDOWN}, as_=lab.member
    ).json()
    html = created["content_html"]
    assert created["content"] == MARKDOWN  # the source stays for editing
    assert (
        '<a href="https://example.org/p" rel="nofollow noopener noreferrer">the paper</a>' in html
    )
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<code>inline code</code>" in html
    assert '<span class="math inline"><span class="katex"><math><semantics>' in html
    assert "<mi>π</mi>" in html
    assert '<div class="math block">\n<span class="katex"><math display="block">' in html
    assert "<mfrac><mi>a</mi><mi>b</mi></mfrac>" in html


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_attacks_are_neutralised_in_comments_and_previews(api, lab, attack):
    source, marker = attack
    comment = api.post(
        f"/api/discussions/{lab.discussion.id}/comments", {"content": source}, as_=lab.member
    ).json()
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
    assert not found.tags & {
        "script",
        "style",
        "iframe",
        "img",
        "maction",
        "mglyph",
        "annotation-xml",
    }
    # the legitimate parts survived
    assert {"math", "semantics", "annotation", "a", "ul", "code"} <= found.tags
    for tag, name, value in found.attributes:
        assert not name.startswith(("on", "data-")), (tag, name)
        assert name not in {"style", "id", "actiontype", "src"}, (tag, name)
        if name == "href":
            # a scheme-less href is relative (the percent-encoded tab is no scheme)
            assert tag == "a" and urlsplit(value).scheme in {"", "https"}, (tag, value)
        if name == "class":
            assert value in {"math inline", "math block", "katex"}, value
        if tag == "annotation":
            assert (name, value) == ("encoding", "application/x-tex")


def test_katex_writes_inline_and_display_maths_as_mathml():
    assert render("$x^2$") == (
        '<p><span class="math inline"><span class="katex"><math><semantics><mrow><msup>'
        "<mi>x</mi><mn>2</mn></msup></mrow>"
        '<annotation encoding="application/x-tex">x^2</annotation>'
        "</semantics></math></span></span></p>\n"
    )
    display = render("$$\n\\sum_{i=1}^n i\n$$")
    assert display.startswith(
        '<div class="math block">\n<span class="katex"><math display="block">'
    )
    assert "<munderover><mo>∑</mo>" in display
    assert render("$5 and $10") == "<p>$5 and $10</p>\n"  # money, not maths


def test_display_maths_inside_a_sentence_has_no_stray_dollars():
    html = render("so $$\\sum_i x_i$$ holds")
    assert html.startswith(
        '<p>so <span class="math display"><span class="katex"><math display="block">'
    )
    assert "$" not in html.replace("$$", "") and html.endswith("</span></span> holds</p>\n")


def test_bare_urls_become_links_with_the_same_schemes_and_rel():
    html = render(
        "See https://example.org/paper?x=1 or www.example.com, "
        "not javascript:alert(1) nor ftp://example.org/f"
    )
    assert (
        '<a href="https://example.org/paper?x=1" rel="nofollow noopener noreferrer">'
        "https://example.org/paper?x=1</a>"
    ) in html
    assert '<a href="http://www.example.com" rel="nofollow noopener noreferrer">' in html
    assert 'href="javascript' not in html and "nor ftp://example.org/f</p>" in html


# Each formula, and what of KaTeX's MathML for it must survive the sanitiser.
KATEX_SAMPLES = {
    "fraction": (r"\frac{a}{b}", "<mfrac><mi>a</mi><mi>b</mi></mfrac>"),
    "root": (r"\sqrt[3]{y}", "<mroot><mi>y</mi><mn>3</mn></mroot>"),
    "sum with limits": (r"\displaystyle\sum_{i=1}^{n} i", "<munderover><mo>∑</mo>"),
    "matrix": (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", "<mtable"),
    "double-struck": (r"\mathbb{R}", '<mi mathvariant="double-struck">R</mi>'),
    "text": (r"\text{if }x", "<mtext>if&nbsp;</mtext>"),
    "accent": (r"\hat{x}", '<mover accent="true"><mi>x</mi><mo>^</mo></mover>'),
    "fences": (r"\left(\frac{a}{b}\right)", '<mo fence="true">(</mo>'),
    "operator name": (r"\operatorname{tr}A", '<mi mathvariant="normal">tr</mi>'),
    "colour": (r"\color{red}{x}", '<mstyle mathcolor="red"><mi>x</mi></mstyle>'),
    "big delimiter": (r"\bigl(x\bigr)", 'minsize="1.2em" maxsize="1.2em"'),
    "small negative kern": (r"a\kern-0.2em b", '<mspace width="-0.2em">'),
}


@pytest.mark.parametrize("sample", KATEX_SAMPLES.values(), ids=KATEX_SAMPLES.keys())
def test_katex_mathml_survives_the_sanitiser(sample):
    tex, kept = sample
    html = render(f"${tex}$")
    assert '<span class="katex"><math>' in html and kept in html, html


def test_tex_katex_cannot_read_stays_as_its_source():
    assert render("$a<b \\undefined$") == (
        '<p><span class="math inline"><code>a&lt;b \\undefined</code></span></p>\n'
    )
    assert render("$$\n\\frac{1}{\n$$").startswith('<div class="math block">\n<code>')


def test_lengths_are_bounded_so_no_formula_covers_the_page_around_it():
    html = render(r"$\kern-100em x$ $\raisebox{-100em}{y}$ $\rule{100em}{100em}$ $\kern-2em z$")
    assert '="-100em"' not in html and '="100em"' not in html
    assert f'width="{MAX_SIZE_EM}em"' in html  # KaTeX's maxSize caps the rule
    # a formula moving things further than a single length may shows as its source
    assert r"<code>\kern-100em x</code>" in html and r"<code>\raisebox{-100em}{y}</code>" in html
    assert '<mspace width="-2em"></mspace><mi>z</mi>' in html


# Inputs whose rendering would never end or never fit, each stopped by one of the limits:
# JavaScript's stack, KaTeX's count of macro expansions, the time limit, the heap limit.
PATHOLOGICAL = {
    "nested braces": "{" * 10_000 + "x" + "}" * 10_000,
    "nested fractions": "\\frac{" * 3000 + "x" + "}{y}" * 3000,
    "recursive macro": r"\def\a{\a\a}\a",
    "doubling macros": r"\def\a{xxxxxxxxxx}\def\b{\a\a\a\a\a\a\a\a\a\a}"
    r"\def\c{\b\b\b\b\b\b\b\b\b\b}\def\d{\c\c\c\c\c\c\c\c\c\c}\d\d\d",
    "huge expansion": "\\def\\a{" + "x" * 3000 + "}" + "\\a" * 1000,
}


@pytest.mark.parametrize("tex", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_tex_stops_quickly_as_its_source_and_maths_still_renders(tex):
    started = time.monotonic()
    html = render(f"${tex}$")
    # a formula gets 0.5 s of CPU; on a loaded machine the wall time it may wait for that
    # is capped, and a fresh process has to start after it
    assert time.monotonic() - started < POST_WALL_SECONDS + START_SECONDS
    assert html.startswith('<p><span class="math inline"><code>') and "<math" not in html
    assert "<math>" in render(f"$x_{{{len(tex)}}}$")  # a new formula, not a cached one


def test_formulas_rendered_from_many_threads_at_once_each_get_their_own_mathml():
    """Four writers at once: two render while two wait their turn (the places to wait
    are fewer than the API's threads; see test_render_pool for the bounds)."""
    sources = [f"$x^{{{n}}}+y_{{{n}}}$" for n in range(1000, 1040)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        rendered = list(pool.map(render, sources, range(1000, 1040)))
    for n, html in zip(range(1000, 1040), rendered, strict=True):
        assert f"<mn>{n}</mn>" in html and f">x^{{{n}}}+y_{{{n}}}</annotation>" in html, html


def test_a_process_renders_in_and_out_of_an_event_loop_without_v8_and_exits():
    """A process renders from a thread running an asyncio loop (an async view or test)
    and from others after that loop ended, never loads V8 itself (its KaTeX processes
    do), and exits on its own, its KaTeX processes with it."""
    script = (
        "import asyncio, sys\n"
        "from richtext import katex_pool\n"
        "from richtext.markdown import render\n"
        "async def in_loop():\n"
        "    return render('$a^2$')\n"
        "print(asyncio.run(in_loop()))\n"
        "print(render('$b^2$'))\n"
        "print('V8 here:', 'py_mini_racer' in sys.modules)\n"
        "print('KaTeX processes:', *katex_pool.pool().pids())\n"
    )
    src = str(Path(KATEX_SCRIPT).parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("<math>") == 2, done.stdout
    assert "V8 here: False" in done.stdout
    children = [int(pid) for pid in done.stdout.split("KaTeX processes:")[1].split()]
    assert len(children) == 2
    wait_for_exit = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in children):
        assert time.monotonic() < wait_for_exit, "a KaTeX process outlived its API process"
        time.sleep(0.02)


NPM_KATEX = Path(__file__).resolve().parents[2] / "node_modules" / "katex"
PINNED = "package-lock.json pins it (bin/test does)"


def test_the_vendored_katex_is_the_one_package_lock_pins():
    """The API runs KaTeX from its copy in the source tree (no Node.js at run time); it
    must be the file npm installs from package-lock.json, byte for byte."""
    if not NPM_KATEX.exists():
        pytest.skip(reason=f"node_modules is absent: `npm ci` installs KaTeX as {PINNED}")
    assert KATEX_SCRIPT.read_bytes() == (NPM_KATEX / "dist" / "katex.min.js").read_bytes()
    assert (KATEX_SCRIPT.parent / "LICENSE").read_bytes() == (NPM_KATEX / "LICENSE").read_bytes()


def test_a_deleted_comment_kept_for_its_replies_renders_nothing_of_its_text(api, lab):
    did = lab.discussion.id
    parent = api.post(
        f"/api/discussions/{did}/comments", {"content": "secret **text**"}, as_=lab.member
    ).json()
    api.post(
        f"/api/discussions/{did}/comments",
        {"content": "reply", "parent_id": parent["id"]},
        as_=lab.author,
    )
    assert api.delete(f"/api/comments/{parent['id']}", as_=lab.member).status_code == 204
    items = api.get(f"/api/discussions/{did}/comments", as_=lab.admin).json()["items"]
    kept = next(item for item in items if item["id"] == parent["id"])
    assert (kept["content"], kept["content_html"]) == ("[deleted]", "")
    assert_json_error(api.get(f"/api/comments/{parent['id']}/content_html", as_=lab.admin), 404)


def test_events_carry_the_rendered_content_as_the_api_returns_it(api, lab, outbox):
    created = api.post(
        f"/api/discussions/{lab.discussion.id}/comments", {"content": MARKDOWN}, as_=lab.member
    ).json()
    event = outbox.only_event()
    assert event["body"]["data"]["comment"]["content_html"] == created["content_html"]
    assert "<math" in created["content_html"]

    edited = api.patch(
        f"/api/discussions/{lab.discussion.id}", {"content": "*new*"}, as_=lab.author
    ).json()
    event = outbox.only_event()
    assert event["body"]["data"]["discussion"]["content_html"] == "<p><em>new</em></p>\n"
    assert edited["content_html"] == "<p><em>new</em></p>\n"


@pytest.mark.parametrize(
    "content",
    ["\N{LATIN SMALL LETTER E WITH ACUTE}" * 16_384, EMOJI * 8192, "<" * 20_000],
    ids=["accented", "emoji", "escaped"],
)
def test_content_at_its_limit_leaves_its_html_out_of_the_event_and_serves_it_apart(
    api, make_user, make_lab, outbox, content
):
    """Content at its 32 KiB limit renders to more HTML than an event has room
    for beside it: content_html is null, the event arrives whole (not truncated),
    and the object's content_html endpoint serves the HTML."""
    lab = make_lab("private")
    writer = make_user()
    Membership.objects.create(community=lab.community, user=writer.user, role=Membership.MEMBER)
    discussion = api.post(
        _discussion_url(lab), {"topic": EMOJI * 150, "content": content}, as_=writer
    ).json()
    comment = api.post(
        f"/api/discussions/{discussion['id']}/comments", {"content": content}, as_=writer
    ).json()
    assert discussion["content_html"] is None and comment["content_html"] is None

    for row in outbox.rows():
        assert len(row.body.encode()) <= MAX_BODY_BYTES
        assert "truncated" not in json.loads(row.body)["data"]

    for path in (f"/api/discussions/{discussion['id']}", f"/api/comments/{comment['id']}"):
        served = api.get(f"{path}/content_html", as_=lab.member).json()["content_html"]
        assert served.startswith("<p>") and len(served) > len(content)


def test_short_content_keeps_its_html_in_the_object(api, lab):
    content = "a" * 10_000
    comment = api.post(
        f"/api/discussions/{lab.discussion.id}/comments", {"content": content}, as_=lab.member
    ).json()
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
        api.post("/api/render", {"content": "a" * 20_001}, as_=lab.member), 422
    )
    assert too_long["errors"][0]["loc"][-1] == "content"
    assert "20000" in too_long["errors"][0]["msg"] or "20,000" in too_long["errors"][0]["msg"]
    assert_json_error(api.post("/api/render", {"content": EMOJI * 8193}, as_=lab.member), 422)
    assert_json_error(api.post("/api/render", {"nothing": 1}, as_=lab.member), 422)


@pytest.mark.solo
def test_the_formulas_of_one_post_share_a_time_and_size_budget():
    """Twenty formulas that each expand a macro 300 times (a megabyte of MathML each,
    each formula different so no cache helps) fit in one post: together they get the
    time budget, none passes the size budget, and they show as their source."""
    heavy = "\\def\\a{" + "x" * 300 + "}" + "\\a" * 300
    post = "\n\n".join(f"${heavy}_{{{n}}}$" for n in range(20))
    started = time.monotonic()
    html = render(post)
    took = time.monotonic() - started
    assert took < POST_WALL_SECONDS + 1, took  # POST_SECONDS of CPU, on an idle machine
    assert html.count("<code>") == 20 and "<math" not in html
    assert len(html) < 2 * len(post)
    # Formulas within both budgets render, as many as a post holds.
    small = "\n\n".join(f"$x_{{{n}}}^2 + \\frac{{a}}{{b}}$" for n in range(300))
    assert render(small).count("<math") == 300


def test_mathml_past_the_size_budget_shows_as_source():
    wide = "\\def\\a{xxxxxxxxxx}" + "\\a" * 900  # 9,000 identifiers: ~150 KB of MathML
    html = render(f"${wide}$ and ${wide}x$")
    assert html.count("<math") == 1 and html.count("<code>") == 1
    assert len(html) < MATH_HTML_BUDGET_BYTES + 10_000


def test_posts_are_rendered_when_saved_and_read_without_rendering(api, lab, monkeypatch):
    """Rendering may take a second of maths per post, so it happens once, on write;
    listing a hundred posts renders none of them."""
    from discussions import services

    rendered = []
    monkeypatch.setattr(
        services, "render", lambda content, user_id: rendered.append(content) or render(content)
    )
    comments = f"/api/discussions/{lab.discussion.id}/comments"
    created = api.post(comments, {"content": "Stored: $a^2$"}, as_=lab.member).json()
    assert rendered == ["Stored: $a^2$"] and "<math" in created["content_html"]
    edited = api.patch(
        f"/api/comments/{created['id']}", {"content": "Edited: $b^2$"}, as_=lab.member
    ).json()
    assert rendered[-1] == "Edited: $b^2$" and "b" in edited["content_html"]
    api.post(f"/api/discussions/{lab.discussion.id}/resolve", as_=lab.author)  # no text change

    rendered.clear()
    assert api.get(comments, as_=lab.member).json()["items"]
    assert api.get(
        f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions", as_=lab.member
    ).json()
    assert api.get(f"/api/comments/{created['id']}/content_html", as_=lab.member).json() == {
        "content_html": edited["content_html"]
    }
    assert rendered == []


def test_render_posts_fills_in_html_missing_and_renders_all_again_on_request(lab):
    """The migration that added the HTML column leaves it empty (a migration does not
    import the renderer, which changes after it); `manage.py render_posts` fills it in,
    and renders every post again with --all (after a change of the renderer)."""
    from django.core.management import call_command

    from discussions.models import Comment, Discussion

    Discussion.objects.update(content_html="")
    Comment.objects.filter(pk=lab.comment.pk).update(content="*old* $x$", content_html="")
    stale = Comment.objects.exclude(pk=lab.comment.pk)
    stale.update(content_html="<p>stale</p>")
    call_command("render_posts", stdout=open(os.devnull, "w"))
    for post in (*Discussion.objects.all(), Comment.objects.get(pk=lab.comment.pk)):
        assert post.content_html == render(post.content) != ""
    assert all(c.content_html == "<p>stale</p>" for c in stale)
    call_command("render_posts", "--all", stdout=open(os.devnull, "w"))
    assert all(c.content_html == render(c.content) for c in Comment.objects.all())


def test_the_migration_gives_posts_never_edited_one_time(lab):
    import importlib
    from datetime import timedelta

    from django.apps import apps
    from django.db.models import F

    from discussions.models import Comment, Discussion

    migration = importlib.import_module("discussions.migrations.0003_posts_store_html")
    assert "rendering" not in Path(migration.__file__).read_text()  # frozen: no live renderer
    Discussion.objects.update(updated_at=F("created_at") + timedelta(microseconds=700))
    edited = Comment.objects.filter(pk=lab.comment.pk)
    edited.update(updated_at=F("created_at") + timedelta(minutes=3))
    migration.one_time_for_one_write(apps, None)
    # Two readings of the clock for one write become one; a real edit stays.
    assert all(d.updated_at == d.created_at for d in Discussion.objects.all())
    comment = edited.get()
    assert comment.updated_at - comment.created_at == timedelta(minutes=3)
