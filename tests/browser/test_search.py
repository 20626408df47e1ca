"""Search in the browser (#21): a query typed in the header's box opens the search page,
whose filters become the page's address (Back returns to the previous search) and
whose results lead to the exact item, a comment focused on its article's page; a
non-member never finds a private community's posts; results come a page at a time;
axe-core finds no serious or critical violation on the results page."""

import re

from playwright.sync_api import expect

from .conftest import severe_violations

SEARCH_API = re.compile(r"/api/search\?")


def results(page):
    return page.locator("#results-list > .search-result")


def test_a_search_from_the_header_filters_to_comments_and_opens_the_comment(
        browsers, api, lab, axe_source):
    admin, member, community = lab["admin"], lab["member"], lab["community"]
    discussion = api.discussion(admin, community["id"], lab["article"]["id"],
                                topic="Axolotl sightings", content="Where do they live?")
    comment = api.comment(member, discussion["id"], "An axolotl regrows its limbs.")

    page = browsers.page(member, "/")
    page.get_by_role("search", name="Site").get_by_role("searchbox").fill("axolotl")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=axolotl$"))
    expect(page).to_have_title(re.compile(r"^(\(\d+\) )?axolotl · Search · Marginalia$"))
    heading = page.locator("#results-title")
    expect(heading).to_have_text("2 results for “axolotl”")
    expect(page.locator("#search-status")).to_have_text("2 results for “axolotl”")
    expect(results(page).locator("mark").first).to_have_text(re.compile("axolotl", re.I))
    assert severe_violations(page, axe_source) == []

    filters = page.locator("#search-form")
    filters.get_by_label("Kind").select_option(label="Comments")
    filters.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=axolotl&kind=comment$"))
    expect(heading).to_have_text("1 result for “axolotl”")
    found = results(page)
    expect(found).to_have_attribute("data-kind", "comment")
    expect(found.locator(".meta")).to_contain_text(f"in {community['name']} · by {member.username}")

    page.go_back()  # the search before the filter, without a reload
    expect(heading).to_have_text("2 results for “axolotl”")
    expect(filters.get_by_label("Kind")).to_have_value("")
    page.go_forward()
    expect(heading).to_have_text("1 result for “axolotl”")

    found.get_by_role("link", name="Axolotl sightings").click()
    expect(page).to_have_url(re.compile(rf"{lab['path']}#comment-{comment['id']}$"))
    expect(page.locator(f"#comment-{comment['id']}")).to_be_focused()
    assert page.errors == []


def test_a_non_member_finds_public_posts_only_a_page_at_a_time(browsers, api, lab):
    admin, member, outsider, private = (lab["admin"], lab["member"], lab["outsider"],
                                        lab["community"])
    api.discussion(admin, private["id"], lab["article"]["id"], topic="Tardigrade secrets")
    public = api.community(admin, "public")
    article = api.call("POST", "/api/articles", admin, json={
        "title": "A tardigrade atlas", "community_ids": [public["id"]]}, expect=201).json()
    for topic in ("Tardigrade diets", "Tardigrade in space"):
        api.discussion(admin, public["id"], article["id"], topic=topic)

    outside = browsers.page(outsider)
    # Two results a page, so that three make two pages.
    outside.route(SEARCH_API, lambda route: route.continue_(url=f"{route.request.url}&limit=2"))
    outside.goto("/search/?q=tardigrade")
    expect(outside.locator("#results-title")).to_have_text("2 results for “tardigrade”")
    outside.get_by_role("button", name="More results").click()
    expect(outside.locator("#results-title")).to_have_text("3 results for “tardigrade”")
    expect(outside.locator("#search-status")).to_have_text("1 more result")
    expect(results(outside).nth(2).locator(".search-result-title a")).to_be_focused()
    expect(outside.get_by_role("button", name="More results")).to_be_hidden()
    expect(outside.locator("#main").get_by_text("Tardigrade secrets")).to_have_count(0)
    expect(outside.get_by_label("Community").locator("option", has_text=private["name"])
           ).to_have_count(0)

    inside = browsers.page(member, f"/search/?q=tardigrade&community={private['id']}")
    expect(inside.get_by_label("Community")).to_have_value(str(private["id"]))
    expect(inside.get_by_label("Community").locator("option:checked")).to_have_text(
        private["name"])
    expect(results(inside)).to_have_count(1)
    expect(results(inside).get_by_role("link", name="Tardigrade secrets")).to_be_visible()

    inside.get_by_label("Search for").fill("no-such-word-anywhere")
    inside.get_by_label("Search for").press("Enter")
    expect(inside.locator("#search-empty")).to_have_text(
        "No results for “no-such-word-anywhere” with these filters.")
    assert outside.errors == [] and inside.errors == []
