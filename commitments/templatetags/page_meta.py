"""The tags a page is shared by: description, OpenGraph title, description, type and address."""

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator, capfirst

from ..models import Commitment, FigureTable, Theme, WrittenQuestion
from ..models.evidence_source import answer_date

register = template.Library()

SITE_NAME = "IPP Action Plan tracker"
SITE_DESCRIPTION = (
    "What the UK government has done on each commitment of the IPP Action Plan, "
    "with the parliamentary answers that evidence it."
)


def described(about) -> tuple[str, str, str]:
    """Title, description and OpenGraph type of a page about one thing, said as its page says it."""
    if isinstance(about, Commitment):
        return about.title, f"{about.get_status_display()}. {about.summary}", "article"
    if isinstance(about, WrittenQuestion):
        title = f"{about.get_house_display()} written question {about.uin}"
        when = capfirst(answer_date(about))
        asked = f", asked by {about.asking_member}" if about.asking_member else ""
        return (
            (f"{title}: {about.heading}" if about.heading else title),
            f"{when}{asked}. {about.question_text}",
            "article",
        )
    if isinstance(about, Theme):
        return about.name, about.description or f"IPP Action Plan commitments on {about.name}.", "website"
    if isinstance(about, FigureTable):
        question = about.question
        source = f"{question.get_house_display()} written question {question.uin}"
        return (
            about.caption,
            f"Figures published in the answer to {source}, as a table and charts.",
            "article",
        )
    raise TypeError(f"No description for {type(about).__name__}")


@register.inclusion_tag("commitments/_page_meta.html", takes_context=True)
def page_meta(
    context,
    about=None,
    title: str = SITE_NAME,
    description: str = "",
    type: str = "website",
    canonical: bool = True,
) -> dict:
    """One description for search results and link previews alike, about 30 words at most
    (search engines cut longer ones mid-sentence). `about` is the one thing a page shows;
    `canonical=False` on a page that is no address of its own (a 404)."""
    if about is not None:
        title, description, type = described(about)
    text = " ".join(strip_tags(str(description)).split()) or SITE_DESCRIPTION
    return {
        "title": title,
        "description": Truncator(text).words(30, truncate="…"),
        "type": type,
        "site_name": SITE_NAME,
        "canonical_url": context.get("canonical_url") if canonical else None,
    }
