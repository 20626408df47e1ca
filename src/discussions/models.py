from django.conf import settings
from django.db import models
from django.utils import timezone

from communities.models import Community


class Article(models.Model):
    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True, max_length=20000)
    authors = models.JSONField(default=list)  # list of names as printed on the article
    link = models.URLField(blank=True, max_length=2000)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    communities = models.ManyToManyField(Community, through="Placement", related_name="articles")
    created_at = models.DateTimeField(auto_now_add=True)


class Placement(models.Model):
    """An article shown in a community."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="placements")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="placements")
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "community"], name="one_placement")
        ]


class Post(models.Model):
    """What discussions and comments share: Markdown `content` and its sanitised HTML,
    and when the post was written and its text last edited.

    Whoever writes the content writes its HTML too (services render it before their
    transaction), and reads serve it: a page of a hundred posts costs no rendering,
    however much maths they hold. A new post's two times are one clock reading, so a
    post never edited has updated_at == created_at, which is how pages tell "edited";
    an edit of the text moves updated_at (services._bump), a change of status does not.
    """

    content = models.TextField(max_length=20000)
    content_html = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if self._state.adding:
            self.updated_at = self.created_at
        super().save(*args, update_fields=update_fields, **kwargs)


class Discussion(Post):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="discussions")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="discussions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=300)
    is_pseudonymous = models.BooleanField(default=False)
    is_resolved = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    # Incremented by every change so clients never apply an older state over a newer one.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["article", "community", "-created_at"])]


class Comment(Post):
    MAX_DEPTH = 2  # top-level comments are depth 0: three levels in all

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_pseudonymous = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["discussion", "id"])]


class ArticleVisit(models.Model):
    """When a user last looked at an article's discussions: their page marks what
    was written after it as new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_visit_per_user_article")
        ]
