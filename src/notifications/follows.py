"""Who follows what.

An article of a community is followed by its submitter and the community's admins
without their asking, and by anyone who follows it; a discussion by its author and
everyone who commented in it, and by anyone who follows it. A muted row overrides
the automatic follow, so the person hears nothing more of it until they follow it
again. Only people who may read the community hear of it: a private community's
members (left, removed and never joined hear nothing).

Followers are worked out when something happens (notifications.delivery), with one
query per rule, never on the write path.
"""

from communities.models import Community, Membership
from discussions.models import Comment
from toolkit.id_lists import any_of

from .models import ArticleFollow, DiscussionFollow


def _chosen(rows) -> tuple[set[int], set[int]]:
    followed, muted = set(), set()
    for user_id, is_muted in rows:
        (muted if is_muted else followed).add(user_id)
    return followed, muted


def readers_among(community: Community, user_ids: set[int]) -> set[int]:
    """Those of `user_ids` who may read the community's discussions now."""
    if not community.is_private or not user_ids:
        return set(user_ids)
    return set(
        Membership.objects.filter(community=community, user_id__in=any_of(user_ids)).values_list(
            "user_id", flat=True
        )
    )


def article_followers(community: Community, article) -> set[int]:
    followed, muted = _chosen(
        ArticleFollow.objects.filter(community=community, article=article).values_list(
            "user_id", "muted"
        )
    )
    automatic = set(
        Membership.objects.filter(community=community, role=Membership.ADMIN).values_list(
            "user_id", flat=True
        )
    )
    if article.submitter_id is not None:
        automatic.add(article.submitter_id)
    return readers_among(community, (automatic | followed) - muted)


def discussion_muters(discussion) -> set[int]:
    return set(
        DiscussionFollow.objects.filter(discussion=discussion, muted=True).values_list(
            "user_id", flat=True
        )
    )


def discussion_followers(discussion) -> set[int]:
    followed, muted = _chosen(
        DiscussionFollow.objects.filter(discussion=discussion).values_list("user_id", "muted")
    )
    # Pseudonymous comments count too: their authors asked for replies as anyone does,
    # and what they are told never names them to others.
    commenters = set(
        Comment.objects.filter(discussion=discussion).values_list("author_id", flat=True).distinct()
    )
    automatic = commenters | {discussion.author_id}
    return readers_among(discussion.community, (automatic | followed) - muted)


def follow_article(user, community: Community, article, follow: bool) -> None:
    """Follow, or mute (which also ends an automatic follow)."""
    ArticleFollow.objects.update_or_create(
        user=user, community=community, article=article, defaults={"muted": not follow}
    )


def follow_discussion(user, discussion, follow: bool) -> None:
    DiscussionFollow.objects.update_or_create(
        user=user, discussion=discussion, defaults={"muted": not follow}
    )


def _follows(choice: tuple[bool] | None, automatic: bool) -> bool:
    """A row decides (followed or muted); without one, whether the rules follow."""
    return automatic if choice is None else not choice[0]


def follows_article(user, community: Community, article) -> bool:
    """The rules above for one reader, without working out every follower."""
    choice = (
        ArticleFollow.objects.filter(user=user, community=community, article=article)
        .values_list("muted")
        .first()
    )
    automatic = (
        article.submitter_id == user.id
        or Membership.objects.filter(community=community, user=user, role=Membership.ADMIN).exists()
    )
    return _follows(choice, automatic) and bool(readers_among(community, {user.id}))


def follows_discussion(user, discussion) -> bool:
    choice = (
        DiscussionFollow.objects.filter(user=user, discussion=discussion)
        .values_list("muted")
        .first()
    )
    automatic = (
        discussion.author_id == user.id
        or Comment.objects.filter(discussion=discussion, author=user).exists()
    )
    return _follows(choice, automatic) and bool(readers_among(discussion.community, {user.id}))
