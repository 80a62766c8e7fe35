from django.urls import path

from . import views
from .public_cache import cached_public_page as cached

app_name = "commitments"

urlpatterns = [
    path("", cached(views.HomeView.as_view()), name="home"),
    path("commitments/", cached(views.CommitmentListView.as_view()), name="commitment_list"),
    path("commitments/<slug:slug>/", cached(views.CommitmentDetailView.as_view()), name="commitment"),
    path("themes/", cached(views.ThemeListView.as_view()), name="theme_list"),
    path("themes/<slug:slug>/", cached(views.ThemeDetailView.as_view()), name="theme"),
    path("questions/", cached(views.QuestionListView.as_view()), name="question_list"),
    path("questions/<int:pk>/", cached(views.QuestionDetailView.as_view()), name="question"),
    path("figures/<slug:slug>/", cached(views.FigureTableView.as_view()), name="figure_table"),
    # Not cached: it shows when Parliament was last re-checked.
    path("about/", views.AboutView.as_view(), name="about"),
    # Email digests: never cached (each is per person).
    path("subscribe/", views.subscribe_view, name="subscribe"),
    path("subscribe/check-your-email/", views.subscribe_sent_view, name="subscribe_sent"),
    path("subscribe/confirm/<str:signed>/", views.confirm_view, name="subscribe_confirm"),
    path("subscribe/preferences/<str:signed>/", views.preferences_view, name="subscriber_preferences"),
    path("subscribe/unsubscribe/<str:signed>/", views.unsubscribe_view, name="unsubscribe"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
