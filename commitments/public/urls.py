"""The public pages. Each page that shows only public data is cached whole (public/cache.py)."""

from django.db import transaction
from django.urls import path
from django.views.generic import TemplateView

from . import numbers, recommendations, search, views
from .cache import cached_public_page as cached
from .cache import public_data

urlpatterns = [
    path("", cached(views.HomeView.as_view()), name="home"),
    path("commitments/", cached(views.CommitmentListView.as_view()), name="commitment_list"),
    path("commitments/<slug:slug>/", cached(views.CommitmentDetailView.as_view()), name="commitment"),
    path("themes/", cached(views.ThemeListView.as_view()), name="theme_list"),
    path("themes/<slug:slug>/", cached(views.ThemeDetailView.as_view()), name="theme"),
    path("questions/", cached(views.QuestionListView.as_view()), name="question_list"),
    path("questions/<int:pk>/", cached(views.QuestionDetailView.as_view()), name="question"),
    path(
        "recommendations/",
        cached(recommendations.RecommendationListView.as_view()),
        name="recommendation_list",
    ),
    path(
        "recommendations/<slug:slug>/",
        cached(recommendations.RecommendationDetailView.as_view()),
        name="recommendation",
    ),
    path("numbers/", cached(numbers.NumbersView.as_view()), name="numbers"),
    path("deadlines/", cached(numbers.DeadlinesView.as_view()), name="deadlines"),
    path("figures/<slug:slug>/", cached(views.FigureTableView.as_view()), name="figure_table"),
    path(
        "what-is-an-ipp-sentence/",
        cached(TemplateView.as_view(template_name="commitments/ipp_sentence.html")),
        name="ipp_sentence",
    ),
    # Conditional (ETag) but not cached whole: every reader's words would be a page in the cache.
    path("search/", public_data(transaction.non_atomic_requests(search.SearchView.as_view())), name="search"),
    # Neither cached nor conditional: it shows when Parliament was last re-checked.
    path("about/", views.AboutView.as_view(), name="about"),
]
