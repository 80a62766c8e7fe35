"""The triage screen: every answered IPP question once, newest first, with its five best candidate
commitments and a plain form per decision (no JavaScript needed). Decisions go through
commitments.editorial.triage, which refuses a form made before another editor's decision."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..analysis.suggestions import current_matcher
from ..analysis.triage import triage_entry
from ..editorial import decide_candidate, finish_triage, link_commitment, mark_not_evidence
from ..editorial.triage import Decision
from ..exceptions import TrackerError
from ..models import AnswerToTriage, Commitment, Evidence, WrittenQuestion
from .evidence import highlight

ANSWERS_PER_PAGE = 10
DONE, NOT_EVIDENCE, LINK = "done", "not_evidence", "link"
_VERBS = {
    Decision.CONFIRM: "confirmed",
    Decision.REJECT: "rejected",
    Decision.CONFIRM_STATUS: "confirmed, with its suggested status recorded",
}


def triage_queue():
    """The waiting answers with what the screen shows of them: texts, but not the raw records."""
    return (
        WrittenQuestion.objects.awaiting_triage()
        .defer("source_record", "answer_html")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("commitment", "reviewed_by"))
        )
    )


@admin.register(AnswerToTriage)
class AnswerTriageAdmin(admin.ModelAdmin):
    """Only a list of answers and the decisions on them: no add, change or delete pages."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view, info = self.admin_site.admin_view, "commitments_answertotriage"
        return [
            path("", view(self.changelist_view), name=f"{info}_changelist"),
            path("<int:question_id>/decide/", view(self.decide_view), name=f"{info}_decide"),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        number = request.GET.get("page", "1")
        if not number.isdigit():
            raise Http404("No such page of the triage queue.")
        page = Paginator(triage_queue(), ANSWERS_PER_PAGE).get_page(number)
        commitments = {c.slug: c for c in Commitment.objects.only("pk", "slug", "title", "status")}
        matcher = current_matcher()
        entries = [triage_entry(question, commitments=commitments, matcher=matcher) for question in page]
        notes, general = defaultdict(list), []
        for message in messages.get_messages(request):
            tag = next((t for t in message.extra_tags.split() if t.startswith("answer-")), "")
            (notes[tag] if tag else general).append(message)
        for entry in entries:
            entry.notes = notes.pop(f"answer-{entry.question.pk}", [])
            for candidate in entry.candidates:
                candidate.passage_html = highlight(candidate.passage, candidate.terms)
        context = {
            **self.admin_site.each_context(request),
            "title": "Answers to triage",
            "opts": self.model._meta,
            "page_obj": page,
            "entries": entries,
            "general_messages": general + [m for found in notes.values() for m in found],
            "can_decide": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/commitments/answertotriage/triage.html", context)

    def decide_view(self, request, question_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        question = get_object_or_404(WrittenQuestion, pk=question_id)
        action = request.POST.get("action", "")
        try:
            left = self._decide(request, question, action)
        except TrackerError as error:
            messages.error(request, str(error), extra_tags=f"answer-{question.pk}")
            left = False
        page = request.POST.get("page", "1")
        url = (
            reverse("admin:commitments_answertotriage_changelist") + f"?page={page if page.isdigit() else 1}"
        )
        return HttpResponseRedirect(url if left else f"{url}#answer-{question.pk}")

    def _decide(self, request, question: WrittenQuestion, action: str) -> bool:
        """One decision, logged and told to the editor; True when the answer left the queue."""
        seen = request.POST.get("version", "")
        sentences = [int(i) for i in request.POST.getlist("sentence") if i.isdigit()]
        tag = f"answer-{question.pk}"
        if action in Decision.ALL:
            commitment = self._commitment(request.POST.get("commitment"))
            evidence = decide_candidate(
                question, commitment, decision=action, by=request.user, seen=seen, sentences=sentences
            )
            self.log_change(request, evidence, f"{_VERBS[action].capitalize()} from the triage screen.")
            messages.success(request, f"{commitment.slug} on {question}: {_VERBS[action]}.", extra_tags=tag)
            return False
        if action == LINK:
            commitment = self._commitment(request.POST.get("link_commitment"))
            evidence = link_commitment(question, commitment, by=request.user, seen=seen, sentences=sentences)
            self.log_change(request, evidence, "Linked and confirmed from the triage screen.")
            messages.success(
                request, f"{commitment.slug} on {question}: linked and confirmed.", extra_tags=tag
            )
            return False
        if action == DONE:
            finish_triage(question, by=request.user, seen=seen)
            self.log_change(request, question, "Triaged: done, its confirmed links are all it evidences.")
            messages.success(request, f"{question} is triaged: done. It has left the queue.")
            return True
        if action == NOT_EVIDENCE:
            for evidence in mark_not_evidence(question, by=request.user, seen=seen):
                self.log_change(request, evidence, "Rejected from the triage screen (not evidence).")
            self.log_change(request, question, "Triaged: not evidence for any commitment.")
            messages.success(
                request, f"{question} is triaged: not evidence for any commitment. It has left the queue."
            )
            return True
        raise TrackerError("That decision is not one the triage screen knows. Nothing was changed.")

    @staticmethod
    def _commitment(pk: str | None) -> Commitment:
        found = Commitment.objects.filter(pk=pk).first() if pk and pk.isdigit() else None
        if found is None:
            raise TrackerError("Choose a commitment. Nothing was changed.")
        return found
