"""The public pages. Each page that shows only public data is marked so (public/cache.py): conditional,
and kept by the shared cache in front when its address is one the site links to."""

from django.db import transaction
from django.urls import path
from django.views.generic import TemplateView

from . import guides, numbers, recommendations, search, views, whats_new
from .cache import public_data


def page(view):
    """A public page: public data (see above), and read-only, so it needs no transaction."""
    return public_data(transaction.non_atomic_requests(view))


urlpatterns = [
    path("", page(views.HomeView.as_view()), name="home"),
    path("commitments/", page(views.CommitmentListView.as_view()), name="commitment_list"),
    path("commitments/<slug:slug>/", page(views.CommitmentDetailView.as_view()), name="commitment"),
    path("themes/", page(views.ThemeListView.as_view()), name="theme_list"),
    path("themes/<slug:slug>/", page(views.ThemeDetailView.as_view()), name="theme"),
    path("questions/", page(views.QuestionListView.as_view()), name="question_list"),
    path("questions/<int:pk>/", page(views.QuestionDetailView.as_view()), name="question"),
    path(
        "recommendations/",
        page(recommendations.RecommendationListView.as_view()),
        name="recommendation_list",
    ),
    path(
        "recommendations/<slug:slug>/",
        page(recommendations.RecommendationDetailView.as_view()),
        name="recommendation",
    ),
    path("numbers/", page(numbers.NumbersView.as_view()), name="numbers"),
    path("deadlines/", page(numbers.DeadlinesView.as_view()), name="deadlines"),
    path("figures/<slug:slug>/", page(views.FigureTableView.as_view()), name="figure_table"),
    path(
        "what-is-an-ipp-sentence/",
        page(TemplateView.as_view(template_name="commitments/ipp_sentence.html")),
        name="ipp_sentence",
    ),
    path("whats-new/", page(whats_new.WhatsNewView.as_view()), name="whats_new"),
    path("how-we-decide/", page(guides.MethodologyView.as_view()), name="methodology"),
    path("what-can-i-do/", page(guides.WhatCanIDoView.as_view()), name="what_can_i_do"),
    path("glossary/", page(guides.GlossaryView.as_view()), name="glossary"),
    # Conditional (ETag), but never kept whole by a shared cache: every reader's words would be a page.
    path("search/", page(search.SearchView.as_view()), name="search"),
    # Neither cached nor conditional: it shows when Parliament was last re-checked.
    path("about/", views.AboutView.as_view(), name="about"),
]
