"""Profiles in the browser: a post's author name and a member's name lead to the
person's profile, which lists the communities the reader shares with them and their
newest posts, each a link to where it stands; names in toasts lead there too; a
pseudonym leads nowhere and its post is not listed; axe-core finds no serious or
critical violation on the page."""

from urllib.parse import quote

from playwright.sync_api import expect

from .conftest import open_article, severe_violations, wait_live


def test_an_author_name_opens_a_profile_that_lists_the_community_and_the_post(
    browsers, api, lab, axe_source
):
    admin, community, article = lab["admin"], lab["community"], lab["article"]
    # A name in another script, so the link must be encoded.
    writer = api.signup("Zoë_")
    api.add_member(admin, community["id"], writer)
    discussion = api.discussion(admin, community["id"], article["id"], topic="Methods")
    comment = api.comment(writer, discussion["id"], "Which sample size?")

    page = open_article(browsers, admin, lab["path"])
    page.locator(f"#comment-{comment['id']} .author").get_by_role(
        "link", name=writer.username
    ).click()

    expect(page).to_have_url(f"{browsers.stack.api_url}/u/{quote(writer.username)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(writer.username)
    expect(page.get_by_text(f"@{writer.username}")).to_be_visible()
    shared = page.locator("section", has=page.get_by_role("heading", name="Communities you share"))
    expect(shared.get_by_role("link", name=community["name"])).to_have_attribute(
        "href", f"/c/{community['slug']}/"
    )
    post = page.get_by_role("link", name="Commented in “Methods”")
    expect(post).to_have_attribute("href", f"{lab['path']}#comment-{comment['id']}")
    expect(page.locator(".recent-post-excerpt")).to_have_text("Which sample size?")
    assert severe_violations(page, axe_source) == []

    post.click()
    expect(page.locator(f"#comment-{comment['id']}")).to_be_focused()


def test_a_pseudonymous_author_is_no_link_and_their_post_is_not_listed(browsers, api, lab):
    admin, member, community = lab["admin"], lab["member"], lab["community"]
    masked = api.discussion(
        member, community["id"], lab["article"]["id"], topic="Doubts", is_pseudonymous=True
    )
    named = api.discussion(member, community["id"], lab["article"]["id"], topic="Named")

    page = open_article(browsers, admin, lab["path"])
    masked_author = page.locator(f"#discussion-{masked['id']} .author").first
    expect(masked_author).to_contain_text(masked["author"]["username"])
    expect(masked_author.get_by_role("link")).to_have_count(0)
    expect(
        page.locator(f"#discussion-{named['id']} .author").first.get_by_role(
            "link", name=member.username
        )
    ).to_be_visible()

    profile = browsers.page(admin, f"/u/{quote(member.username)}/")
    expect(profile.get_by_role("link", name="Started “Named”")).to_be_visible()
    expect(profile.locator(".recent-post")).to_have_count(1)
    expect(profile.locator("#main").get_by_text("Doubts")).to_have_count(0)


def test_a_member_name_leads_to_the_profile_and_an_outsider_sees_no_private_post(
    browsers, api, lab, axe_source
):
    admin, member, outsider, community = (
        lab["admin"],
        lab["member"],
        lab["outsider"],
        lab["community"],
    )
    api.discussion(member, community["id"], lab["article"]["id"], topic="Inner workings")

    page = browsers.page(admin, f"/c/{community['slug']}/")
    page.locator("#members").get_by_role("link", name=member.username).click()
    expect(page.get_by_role("link", name="Started “Inner workings”")).to_be_visible()

    outside = browsers.page(outsider, f"/u/{quote(member.username)}/")
    expect(outside.get_by_text("You share no community.")).to_be_visible()
    expect(outside.get_by_text("Nothing you can read yet.")).to_be_visible()
    assert severe_violations(outside, axe_source) == []

    unknown = browsers.page(None, "/u/no-one-has-this-name/")
    expect(unknown.get_by_role("heading", name="No such person")).to_be_visible()


def test_names_in_a_toast_lead_to_profiles_and_a_pseudonym_does_not(browsers, api, lab):
    admin, community, article = lab["admin"], lab["community"], lab["article"]
    masked = api.signup("masked")
    api.add_member(admin, community["id"], masked)
    far = api.discussion(admin, community["id"], article["id"], topic="Far below")
    for n in range(6):
        api.discussion(
            admin, community["id"], article["id"], topic=f"Filler {n}", content="Long\n" * 8
        )
    page = open_article(
        browsers, lab["member"], lab["path"], viewport={"width": 800, "height": 500}
    )
    wait_live(page)
    expect(page.locator(f"#discussion-{far['id']}")).not_to_be_in_viewport()

    api.comment(admin, far["id"], "Named")
    toast_text = page.locator("#toasts .toast-text")
    expect(toast_text.get_by_role("link", name=admin.username)).to_have_attribute(
        "href", f"/u/{quote(admin.username)}/"
    )
    pseudonymous = api.call(
        "POST",
        f"/api/discussions/{far['id']}/comments",
        masked,
        json={"content": "Hidden", "is_pseudonymous": True},
        expect=201,
    ).json()

    expect(toast_text).to_contain_text("2 new comments from")
    expect(toast_text).to_contain_text(pseudonymous["author"]["username"])
    expect(toast_text.get_by_role("link")).to_have_count(1)
    expect(toast_text.get_by_role("link", name=admin.username)).to_be_visible()
