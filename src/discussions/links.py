"""Where things are on this site: the one way every link to an article, a discussion
or a comment is written (inbox lines, search results)."""


def item_url(community_slug: str, article_id: int | None, discussion_id: int | None,
             comment_id: int | None) -> str:
    """The page and place of an article, a discussion or a comment in a community
    (the community's page when there is no article)."""
    page = f"/c/{community_slug}/"
    if article_id is None:
        return page
    page = f"{page}a/{article_id}/"
    if comment_id:
        return f"{page}#comment-{comment_id}"
    return f"{page}#discussion-{discussion_id}" if discussion_id else page
