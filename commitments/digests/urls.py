"""The subscription pages: one person's each, so never cached and never given an ETag."""

from django.urls import path

from . import views

urlpatterns = [
    path("subscribe/", views.subscribe_view, name="subscribe"),
    path("subscribe/check-your-email/", views.subscribe_sent_view, name="subscribe_sent"),
    path("subscribe/confirm/<str:signed>/", views.confirm_view, name="subscribe_confirm"),
    path("subscribe/preferences/<str:signed>/", views.preferences_view, name="subscriber_preferences"),
    path("subscribe/unsubscribe/<str:signed>/", views.unsubscribe_view, name="unsubscribe"),
]
