from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ..models import Commitment, FigureTable, Recommendation, Theme, WrittenQuestion


class StaticPagesSitemap(Sitemap):
    def items(self):
        return [
            "commitments:home",
            "commitments:commitment_list",
            "commitments:theme_list",
            "commitments:question_list",
            "commitments:recommendation_list",
            "commitments:numbers",
            "commitments:deadlines",
            "commitments:about",
            "commitments:whats_new",
            "commitments:methodology",
            "commitments:what_can_i_do",
            "commitments:glossary",
            "commitments:ipp_sentence",
            "api-docs",
        ]

    def location(self, item):
        return reverse(item)


class CommitmentSitemap(Sitemap):
    def items(self):
        return Commitment.objects.published().order_by("slug")

    def location(self, item):
        return reverse("commitments:commitment", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class RecommendationSitemap(Sitemap):
    def items(self):
        return Recommendation.objects.published().order_by("slug")

    def location(self, item):
        return reverse("commitments:recommendation", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class ThemeSitemap(Sitemap):
    def items(self):
        return Theme.objects.order_by("slug")

    def location(self, item):
        return reverse("commitments:theme", args=[item.slug])


class QuestionSitemap(Sitemap):
    limit = 5000

    def items(self):
        return WrittenQuestion.objects.published().order_by("pk").only("pk")

    def location(self, item):
        return reverse("commitments:question", args=[item.pk])


class FigureTableSitemap(Sitemap):
    def items(self):
        public = WrittenQuestion.objects.published().values("pk")
        return FigureTable.objects.filter(question__in=public).order_by("slug")

    def location(self, item):
        return reverse("commitments:figure_table", args=[item.slug])


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "commitments": CommitmentSitemap,
    "recommendations": RecommendationSitemap,
    "themes": ThemeSitemap,
    "questions": QuestionSitemap,
    "figures": FigureTableSitemap,
}
