from django.urls import path

from . import views

urlpatterns = [
    path("", views.communities, name="communities"),
    path("signin/", views.sign_in, name="sign-in"),
    path("reset/", views.password_reset, name="password-reset"),
    path("invite/", views.invite, name="invite"),
    path("settings/", views.settings_page, name="settings"),
    path("search/", views.search, name="search"),
    path("c/<slug:slug>/", views.community, name="community"),
    path("c/<slug:slug>/a/<int:article_id>/", views.article, name="article"),
    # Any letters: usernames may be written in any script; the API says who has none.
    path("u/<str:username>/", views.profile, name="profile"),
]
