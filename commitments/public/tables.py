"""Public tables: column formatting lives here, not in templates or views."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from ..models import Commitment, WrittenQuestion


class UKDateColumn(tables.Column):
    """A date as "3 Dec 2026". django-tables2's DateColumn compiles a template for every cell."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_date(value, "j M Y")


class AnswerDateColumn(UKDateColumn):
    """When an answer was given; an undated copy says what it is known to have come after."""

    empty_values = ()

    def render(self, value, record):
        if value:
            return super().render(value)
        if record.answered_after:
            return f"After {format_date(record.answered_after, 'j M Y')}"
        return "Not known"


STACKED_TABLE_ATTRS = {"class": "data-table stack-table sortable"}


class CommitmentTable(tables.Table):
    title = tables.Column(linkify=lambda record: reverse("commitments:commitment", args=[record.slug]))
    theme = tables.Column(accessor="theme__name", verbose_name="Theme", order_by=("theme__name",))
    status = tables.Column()
    owner = tables.Column()
    updated = UKDateColumn(accessor="latest_change_on", verbose_name="Status since")
    last_evidence = UKDateColumn(
        accessor="latest_evidence_on", verbose_name="Last evidence", default="None yet"
    )

    class Meta:
        model = Commitment
        fields = ["title", "theme", "status", "owner", "updated", "last_evidence"]
        order_by_field = "sort"
        page_field = "page"
        attrs = STACKED_TABLE_ATTRS
        empty_text = "No commitments match these filters."

    def render_status(self, record):
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )


class WrittenQuestionTable(tables.Table):
    reference = tables.Column(
        accessor="uin",
        verbose_name="Question",
        order_by=("house", "uin"),
        attrs={"td": {"class": "nowrap"}},
        linkify=lambda record: reverse("commitments:question", args=[record.pk]),
    )
    heading = tables.Column(verbose_name="Subject")
    asking_member = tables.Column(verbose_name="Asked by")
    house = tables.Column()
    date_answered = AnswerDateColumn(verbose_name="Answered")
    answering_body = tables.Column(verbose_name="Answered by")

    class Meta:
        model = WrittenQuestion
        fields = ["reference", "heading", "asking_member", "house", "date_answered", "answering_body"]
        order_by_field = "sort"
        page_field = "page"
        attrs = STACKED_TABLE_ATTRS
        empty_text = "No written questions match these filters."

    def render_reference(self, record):
        return f"{record.get_house_display()} {record.uin}"

    def render_house(self, record):
        return record.house
