"""Public tables: column formatting lives here, not in templates or views."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from ..models import Commitment, WrittenQuestion


class UKDateColumn(tables.Column):
    """A date as "3 Dec 2026". django-tables2's DateColumn compiles a template for every cell."""

    def render(self, value):
        return format_date(value, "j M Y")


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
        attrs = {"class": "data-table"}
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
        linkify=lambda record: reverse("commitments:question", args=[record.pk]),
    )
    heading = tables.Column(verbose_name="Subject")
    house = tables.Column()
    date_answered = UKDateColumn(verbose_name="Answered")
    answering_body = tables.Column(verbose_name="Answered by")

    class Meta:
        model = WrittenQuestion
        fields = ["reference", "heading", "house", "date_answered", "answering_body"]
        order_by_field = "sort"
        page_field = "page"
        attrs = {"class": "data-table"}
        empty_text = "No written questions match these filters."

    def render_reference(self, record):
        return f"{record.get_house_display()} {record.uin}"

    def render_house(self, record):
        return record.house
