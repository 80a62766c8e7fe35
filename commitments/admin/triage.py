"""The triage screen: one waiting answer at a time ("3 of 14"), with next and previous, its strong
candidate commitments open and the weak ones folded, and a plain form per decision (keyboard
shortcuts are an extra, never needed). Decisions go through commitments.editorial.triage, which
refuses a form made before another editor's decision; after a refusal the page is shown again
with what the editor had ticked."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format

from ..analysis.suggestions import current_matcher
from ..analysis.triage import TriageEntry, triage_entry
from ..editorial import decide_candidate, finish_triage, link_commitment, mark_not_evidence
from ..editorial.triage import Decision, clear_backlog, confirm_and_finish
from ..exceptions import TrackerError
from ..models import AnswerToTriage, Commitment, Evidence, WrittenQuestion
from .base import EDITOR_FIELDS
from .dates import TypedDateField
from .evidence import highlight, reasons_for_editors

DONE, NOT_EVIDENCE, LINK = "done", "not_evidence", "link"
FINISH, RECORD = "finish", "confirm_record"  # confirm and done; confirm, then the status change form
_VERBS = {
    Decision.CONFIRM: "confirmed",
    Decision.REJECT: "rejected",
    Decision.CONFIRM_STATUS: "confirmed, with its suggested status recorded",
}
RETURNED = {
    "corrected": "Back in the queue: corrected since it was triaged",
    "text_changed": ("Back in the queue: its text changed since it was triaged"),
}


class BacklogForm(forms.Form):
    before = TypedDateField(
        label="Answered before", widget=forms.TextInput(attrs={"size": 18, "aria-describedby": "before-help"})
    )


def triage_queue():
    """The waiting answers with what the screen shows of them: texts, but not the raw records."""
    return (
        WrittenQuestion.objects.awaiting_triage()
        .defer("source_record", "answer_html")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("commitment", "reviewed_by"))
        )
    )


def _position(question: WrittenQuestion) -> int:
    """Where the answer stands in the queue (newest first, then the higher id), counting from 1."""
    d = question.date_answered
    ahead = WrittenQuestion.objects.awaiting_triage().filter(
        Q(date_answered__gt=d) | Q(date_answered=d, pk__gt=question.pk)
    )
    return ahead.count() + 1


def _number(text: str | None, default: int = 1) -> int:
    return int(text) if text and text.isdigit() and int(text) > 0 else default


@admin.register(AnswerToTriage)
class AnswerTriageAdmin(admin.ModelAdmin):
    """Only the screen and the decisions on it: no add, change or delete pages."""

    formfield_overrides = EDITOR_FIELDS

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view, info = self.admin_site.admin_view, "commitments_answertotriage"
        return [
            path("", view(self.changelist_view), name=f"{info}_changelist"),
            path("<int:question_id>/decide/", view(self.decide_view), name=f"{info}_decide"),
            path("clear-backlog/", view(self.clear_backlog_view), name=f"{info}_clear_backlog"),
        ]

    def screen_url(self, *, at: int | None = None, answer: int | None = None, anchor: str = "") -> str:
        query = {"answer": answer} if answer else {"at": at or 1}
        return reverse("admin:commitments_answertotriage_changelist") + "?" + urlencode(query) + anchor

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        answer = _number(request.GET.get("answer"), 0)
        return self._screen(request, answer=answer, at=_number(request.GET.get("at")))

    def _screen(self, request, *, answer: int = 0, at: int = 1, kept: dict | None = None):
        """One answer: the one asked for while it waits, else the one at place `at` (or the last)."""
        queue = triage_queue()
        total = queue.count()
        question = queue.filter(pk=answer).first() if answer else None
        if question is not None:
            at = _position(question)
        elif total:
            at = min(at, total)
            question = queue[at - 1 : at][0]
        entry = self._entry(question, kept) if question is not None else None
        notes, general = [], []
        for message in messages.get_messages(request):
            mine = question is not None and f"answer-{question.pk}" in message.extra_tags.split()
            (notes if mine else general).append(message)
        context = {
            **self.admin_site.each_context(request),
            "title": "Answers to triage",
            "opts": self.model._meta,
            "entry": entry,
            "at": at,
            "total": total,
            "previous_url": self.screen_url(at=at - 1) if at > 1 else "",
            "next_url": self.screen_url(at=at + 1) if at < total else "",
            "notes": notes,
            "general_messages": general,
            "can_decide": self.has_change_permission(request),
            "kept": kept or {},
            "backlog_form": BacklogForm(),
        }
        return TemplateResponse(request, "admin/commitments/answertotriage/triage.html", context)

    def _entry(self, question: WrittenQuestion, kept: dict | None) -> TriageEntry:
        commitments = {c.slug: c for c in Commitment.objects.only("pk", "slug", "title", "status")}
        entry = triage_entry(question, commitments=commitments, matcher=current_matcher())
        entry.returned = RETURNED.get(getattr(question, "returned_as", ""), "")
        for candidate in entry.candidates:
            candidate.passage_html = highlight(candidate.passage, candidate.terms)
            candidate.worded_reasons = reasons_for_editors(candidate.reasons)
        if kept:  # after a refusal: the sentences the editor had ticked, on the form they used
            target = kept["target"]
            chosen = kept["sentences"]
            for candidate in entry.candidates:
                if str(candidate.commitment.pk) == target:
                    for sentence in candidate.sentences:
                        sentence.chosen = sentence.index in chosen
            if target == LINK:
                for sentence in entry.sentences:
                    sentence.chosen = sentence.index in chosen
        return entry

    def decide_view(self, request, question_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        question = get_object_or_404(WrittenQuestion, pk=question_id)
        action = request.POST.get("action", "")
        at = _number(request.POST.get("at"))
        try:
            return self._decide(request, question, action, at)
        except TrackerError as error:
            messages.error(request, str(error), extra_tags=f"answer-{question.pk}")
        if not WrittenQuestion.objects.awaiting_triage().filter(pk=question.pk).exists():
            return HttpResponseRedirect(self.screen_url(at=at))
        sentences = {int(i) for i in request.POST.getlist("sentence") if i.isdigit()}
        target = LINK if action == LINK else request.POST.get("commitment", "")
        kept = {"target": target, "sentences": sentences, "link": request.POST.get("link_commitment", "")}
        return self._screen(request, answer=question.pk, kept=kept)

    def _decide(self, request, question: WrittenQuestion, action: str, at: int):
        """One decision, logged and told to the editor; then where the editor goes next."""
        seen = request.POST.get("version", "")
        sentences = [int(i) for i in request.POST.getlist("sentence") if i.isdigit()]
        tag = f"answer-{question.pk}"
        stay = HttpResponseRedirect(self.screen_url(answer=question.pk))
        if action in (*Decision.ALL, RECORD):
            commitment = self._commitment(request.POST.get("commitment"))
            decision = Decision.CONFIRM if action == RECORD else action
            evidence = decide_candidate(
                question, commitment, decision=decision, by=request.user, seen=seen, sentences=sentences
            )
            self.log_change(request, evidence, f"{_VERBS[decision].capitalize()} from the triage screen.")
            if action == RECORD:
                url, note = status_change_url(evidence, question)
                messages.success(request, f"{commitment.title}: confirmed. {note}")
                return HttpResponseRedirect(url)
            messages.success(request, f"{commitment.title}: {_VERBS[decision]}.", extra_tags=tag)
            return stay
        if action == FINISH:
            commitment = self._commitment(request.POST.get("commitment"))
            evidence = confirm_and_finish(
                question, commitment, by=request.user, seen=seen, sentences=sentences
            )
            self.log_change(request, evidence, "Confirmed from the triage screen.")
            self.log_change(request, question, "Triaged: done, its confirmed links are all it evidences.")
            messages.success(request, f"{question}: {commitment.title} confirmed; the answer is done.")
            return HttpResponseRedirect(self.screen_url(at=at))
        if action == LINK:
            commitment = self._picked(request.POST.get("link_commitment", ""))
            evidence = link_commitment(question, commitment, by=request.user, seen=seen, sentences=sentences)
            self.log_change(request, evidence, "Linked and confirmed from the triage screen.")
            messages.success(request, f"{commitment.title}: linked and confirmed.", extra_tags=tag)
            return stay
        if action == DONE:
            finish_triage(question, by=request.user, seen=seen)
            self.log_change(request, question, "Triaged: done, its confirmed links are all it evidences.")
            messages.success(request, f"{question} is triaged: done. It has left the queue.")
            return HttpResponseRedirect(self.screen_url(at=at))
        if action == NOT_EVIDENCE:
            for evidence in mark_not_evidence(question, by=request.user, seen=seen):
                self.log_change(request, evidence, "Rejected from the triage screen (not evidence).")
            self.log_change(request, question, "Triaged: not evidence for any commitment.")
            messages.success(
                request, f"{question} is triaged: not evidence for any commitment. It has left the queue."
            )
            return HttpResponseRedirect(self.screen_url(at=at))
        raise TrackerError("That decision is not one the triage screen knows. Nothing was changed.")

    def clear_backlog_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = BacklogForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["before"]))
            return HttpResponseRedirect(self.screen_url(at=1))
        before = form.cleaned_data["before"]
        day = date_format(before, "j F Y")
        cleared = clear_backlog(before=before, by=request.user)
        note = f"Cleared with the old backlog: answered before {day}, no strong candidate."
        for question in cleared:
            self.log_change(request, question, note)
        messages.success(
            request,
            f"{len(cleared)} answer{'s' if len(cleared) != 1 else ''} answered before {day} "
            "with no strong candidate left the queue, each recorded as cleared with the old backlog.",
        )
        return HttpResponseRedirect(self.screen_url(at=1))

    @staticmethod
    def _commitment(pk: str | None) -> Commitment:
        found = Commitment.objects.filter(pk=pk).first() if pk and pk.isdigit() else None
        if found is None:
            raise TrackerError("Choose a commitment. Nothing was changed.")
        return found

    @staticmethod
    def _picked(text: str) -> Commitment:
        """The commitment typed or picked in the searchable list: its title, or its slug."""
        text = " ".join(text.split())
        found = (
            Commitment.objects.filter(Q(title__iexact=text) | Q(slug__iexact=text)).first() if text else None
        )
        if found is None:
            raise TrackerError(
                f"No commitment is called “{text}”: pick one from the list as you type. Nothing was changed."
                if text
                else "Choose a commitment to link. Nothing was changed."
            )
        return found


def status_change_url(evidence: Evidence, question: WrittenQuestion) -> tuple[str, str]:
    """The commitment's page with a status change filled in from the answer: the status its words
    suggest (if any), the day it was answered (today when the latest change is later: history is
    append-only), the answer as evidence and a reason to edit; saving it returns to this answer on
    the triage screen (CommitmentAdmin reads `triage`)."""
    commitment = evidence.commitment
    latest = commitment.status_changes.order_by("-effective_on").first()
    effective = question.date_answered or timezone.localdate()
    note = "Check the status change filled in from the answer, then save."
    if latest is not None and effective < latest.effective_on:
        effective = timezone.localdate()
        note += (
            f" It is dated today: the answer is older than the latest change, on "
            f"{date_format(latest.effective_on, 'j F Y')}, and history only moves forward."
        )
    said = f"The answer to {question.house} {question.uin}"
    if question.date_answered:
        said += " (" + date_format(question.date_answered, "j F Y") + ")"
    quote = evidence.excerpt if len(evidence.excerpt) <= 400 else evidence.excerpt[:399] + "…"
    status = evidence.suggested_status if evidence.suggested_status != commitment.status else ""
    query = {
        "new_status": status,
        "status_reason": f"{said} says: “{quote}”",
        "status_effective_on": effective.isoformat(),
        "status_question": question.pk,
        "triage": question.pk,
    }
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk]) + "?" + urlencode(query)
    return url, note
