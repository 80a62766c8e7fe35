"""The triage screen: one waiting source at a time ("Answer 3 of 14"), a queue per kind (written
answers, written statements, Hansard contributions, GOV.UK publications) under a tab each, with next
and previous, its strong candidate commitments open and the weak ones folded, and a plain form per
decision (keyboard shortcuts are an extra, never needed). Decisions go through
commitments.editorial.triage, which refuses a form made before another editor's decision; after a
refusal the page is shown again with what the editor had ticked."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
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
from ..models import AnswerToTriage, Commitment, Evidence
from ..models.evidence import SOURCE_MODELS, Source, source_field
from ..models.evidence_source import describe_source
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
    "updated": "Back in the queue: GOV.UK updated it since it was triaged",
}


@dataclass(frozen=True)
class Kind:
    """A queue of the screen: its tab's words, and what one of its sources is called."""

    tab: str
    noun: str  # "Answer 3 of 14"
    dated: str  # the backlog form's date: "Answered before"
    facts: str  # the include that shows the source: its dates, who, where, its text

    @property
    def facts_template(self) -> str:
        return f"admin/commitments/answertotriage/{self.facts}.html"


KINDS = {
    "question": Kind("Written answers", "answer", "Answered before", "answer"),
    "statement": Kind("Written statements", "statement", "Made before", "spoken"),
    "contribution": Kind("Hansard", "contribution", "Said before", "spoken"),
    "publication": Kind("GOV.UK", "publication", "Published before", "publication"),
}


class BacklogForm(forms.Form):
    before = TypedDateField(
        label="Answered before", widget=forms.TextInput(attrs={"size": 18, "aria-describedby": "before-help"})
    )


def triage_queue(kind: str):
    """The waiting sources of a kind with what the screen shows of them: texts, not raw records."""
    deferred = ("source_record", "answer_html") if kind == "question" else ("source_record", "text_html")
    model = SOURCE_MODELS[kind]
    return (
        model.objects.awaiting_triage()
        .defer(*(name for name in deferred if hasattr(model, name)))
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("commitment", "reviewed_by"))
        )
    )


def _position(source: Source) -> int:
    """Where the source stands in its queue (newest first, an unknown date last, then the higher
    id), counting from 1."""
    name, day = source.DATE_FIELD, getattr(source, source.DATE_FIELD)
    if day is None:
        ahead = Q(**{f"{name}__isnull": False}) | Q(**{f"{name}__isnull": True, "pk__gt": source.pk})
    else:
        ahead = Q(**{f"{name}__gt": day}) | Q(**{name: day, "pk__gt": source.pk})
    return type(source).objects.awaiting_triage().filter(ahead).count() + 1


def triage_screen_url(kind: str = "question", *, at: int | None = None, pk: int | None = None) -> str:
    """The screen at a place in a kind's queue, or at one source (an answer's address is as before
    the screen had kinds: `?answer=`)."""
    query: dict = {} if kind == "question" else {"kind": kind}
    if pk:
        query["answer" if kind == "question" else "source"] = pk
    else:
        query["at"] = at or 1
    return reverse("admin:commitments_answertotriage_changelist") + "?" + urlencode(query)


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
            path("<slug:kind>/<int:pk>/decide/", view(self.decide_view), name=f"{info}_decide"),
            path("clear-backlog/", view(self.clear_backlog_view), name=f"{info}_clear_backlog"),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        kind = request.GET.get("kind", "question")
        kind = kind if kind in KINDS else "question"
        pk = _number(request.GET.get("answer") or request.GET.get("source"), 0)
        return self._screen(request, kind, pk=pk, at=_number(request.GET.get("at")))

    def _screen(self, request, kind: str, *, pk: int = 0, at: int = 1, kept: dict | None = None):
        """One source: the one asked for while it waits, else the one at place `at` (or the last)."""
        queue = triage_queue(kind)
        total = queue.count()
        source = queue.filter(pk=pk).first() if pk else None
        if source is not None:
            at = _position(source)
        elif total:
            at = min(at, total)
            source = queue[at - 1 : at][0]
        entry = self._entry(source, kept) if source is not None else None
        notes, general = [], []
        for message in messages.get_messages(request):
            mine = source is not None and f"{kind}-{source.pk}" in message.extra_tags.split()
            (notes if mine else general).append(message)
        tabs = [
            {
                "kind": name,
                "label": words.tab,
                "count": total if name == kind else SOURCE_MODELS[name].objects.awaiting_triage().count(),
                "url": triage_screen_url(name),
                "current": name == kind,
            }
            for name, words in KINDS.items()
        ]
        backlog_form = BacklogForm()
        backlog_form.fields["before"].label = KINDS[kind].dated
        context = {
            **self.admin_site.each_context(request),
            "title": "Sources to triage",
            "opts": self.model._meta,
            "kind": kind,
            "noun": KINDS[kind].noun,
            "facts_template": KINDS[kind].facts_template,
            "tabs": tabs,
            "entry": entry,
            "decide_url": reverse("admin:commitments_answertotriage_decide", args=[kind, source.pk])
            if source is not None
            else "",
            "at": at,
            "total": total,
            "previous_url": triage_screen_url(kind, at=at - 1) if at > 1 else "",
            "next_url": triage_screen_url(kind, at=at + 1) if at < total else "",
            "notes": notes,
            "general_messages": general,
            "can_decide": self.has_change_permission(request),
            "kept": kept or {},
            "backlog_form": backlog_form,
        }
        return TemplateResponse(request, "admin/commitments/answertotriage/triage.html", context)

    def _entry(self, source: Source, kept: dict | None) -> TriageEntry:
        commitments = {c.slug: c for c in Commitment.objects.only("pk", "slug", "title", "status")}
        entry = triage_entry(source, commitments=commitments, matcher=current_matcher())
        entry.returned = RETURNED.get(getattr(source, "returned_as", ""), "")
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

    def decide_view(self, request, kind: str, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        if kind not in KINDS:
            raise Http404("No such kind of source.")
        source = get_object_or_404(SOURCE_MODELS[kind], pk=pk)
        action = request.POST.get("action", "")
        at = _number(request.POST.get("at"))
        try:
            return self._decide(request, source, action, at)
        except TrackerError as error:
            messages.error(request, str(error), extra_tags=f"{kind}-{source.pk}")
        if not type(source).objects.awaiting_triage().filter(pk=source.pk).exists():
            return HttpResponseRedirect(triage_screen_url(kind, at=at))
        sentences = {int(i) for i in request.POST.getlist("sentence") if i.isdigit()}
        target = LINK if action == LINK else request.POST.get("commitment", "")
        kept = {"target": target, "sentences": sentences, "link": request.POST.get("link_commitment", "")}
        return self._screen(request, kind, pk=source.pk, kept=kept)

    def _decide(self, request, source: Source, action: str, at: int):
        """One decision, logged and told to the editor; then where the editor goes next."""
        seen = request.POST.get("version", "")
        sentences = [int(i) for i in request.POST.getlist("sentence") if i.isdigit()]
        kind = source_field(source)
        tag = f"{kind}-{source.pk}"
        stay = HttpResponseRedirect(triage_screen_url(kind, pk=source.pk))
        onward = HttpResponseRedirect(triage_screen_url(kind, at=at))
        noun = KINDS[kind].noun
        if action in (*Decision.ALL, RECORD):
            commitment = self._commitment(request.POST.get("commitment"))
            decision = Decision.CONFIRM if action == RECORD else action
            evidence = decide_candidate(
                source, commitment, decision=decision, by=request.user, seen=seen, sentences=sentences
            )
            self.log_change(request, evidence, f"{_VERBS[decision].capitalize()} from the triage screen.")
            if action == RECORD:
                url, note = status_change_url(evidence, source)
                messages.success(request, f"{commitment.title}: confirmed. {note}")
                return HttpResponseRedirect(url)
            messages.success(request, f"{commitment.title}: {_VERBS[decision]}.", extra_tags=tag)
            return stay
        if action == FINISH:
            commitment = self._commitment(request.POST.get("commitment"))
            evidence = confirm_and_finish(source, commitment, by=request.user, seen=seen, sentences=sentences)
            self.log_change(request, evidence, "Confirmed from the triage screen.")
            self.log_change(request, source, "Triaged: done, its confirmed links are all it evidences.")
            messages.success(request, f"{source}: {commitment.title} confirmed; the {noun} is done.")
            return onward
        if action == LINK:
            commitment = self._picked(request.POST.get("link_commitment", ""))
            evidence = link_commitment(source, commitment, by=request.user, seen=seen, sentences=sentences)
            self.log_change(request, evidence, "Linked and confirmed from the triage screen.")
            messages.success(request, f"{commitment.title}: linked and confirmed.", extra_tags=tag)
            return stay
        if action == DONE:
            finish_triage(source, by=request.user, seen=seen)
            self.log_change(request, source, "Triaged: done, its confirmed links are all it evidences.")
            messages.success(request, f"{source} is triaged: done. It has left the queue.")
            return onward
        if action == NOT_EVIDENCE:
            for evidence in mark_not_evidence(source, by=request.user, seen=seen):
                self.log_change(request, evidence, "Rejected from the triage screen (not evidence).")
            self.log_change(request, source, "Triaged: not evidence for any commitment.")
            messages.success(
                request, f"{source} is triaged: not evidence for any commitment. It has left the queue."
            )
            return onward
        raise TrackerError("That decision is not one the triage screen knows. Nothing was changed.")

    def clear_backlog_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        kind = request.POST.get("kind", "question")
        if kind not in KINDS:  # a bulk change: never guess which queue was meant
            messages.error(
                request, "That is not a kind of source the triage screen knows. Nothing was cleared."
            )
            return HttpResponseRedirect(triage_screen_url())
        form = BacklogForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["before"]))
            return HttpResponseRedirect(triage_screen_url(kind))
        before = form.cleaned_data["before"]
        day = date_format(before, "j F Y")
        cleared = clear_backlog(before=before, by=request.user, kind=kind)
        dated = KINDS[kind].dated.lower()
        note = f"Cleared with the old backlog: {dated} {day}, no strong candidate."
        for source in cleared:
            self.log_change(request, source, note)
        noun = KINDS[kind].noun + ("s" if len(cleared) != 1 else "")
        messages.success(
            request,
            f"{len(cleared)} {noun} {dated} {day} with no strong candidate left the queue, each "
            "recorded as cleared with the old backlog.",
        )
        return HttpResponseRedirect(triage_screen_url(kind))

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


def _said(described, source: Source) -> str:
    """Who said it, where and when, as a status reason opens: "The answer to Commons 15167 (25
    November 2024) says", "Said in the House of Lords, 24 March 2025, by Lord Timpson, …"."""
    if described.kind != "written_answer":
        return described.heading
    said = f"The answer to {source.house} {source.uin}"
    if source.date_answered:
        said += " (" + date_format(source.date_answered, "j F Y") + ")"
    return said + " says"


def status_change_url(evidence: Evidence, source: Source) -> tuple[str, str]:
    """The commitment's page with a status change filled in from the source: the status its words
    suggest (if any), the source's day (today when the latest change is later: history is
    append-only), the answer as evidence (or another source's official address) and a reason to
    edit; saving it returns to this source on the triage screen (CommitmentAdmin reads `triage`)."""
    commitment = evidence.commitment
    described = describe_source(source)
    latest = commitment.status_changes.order_by("-effective_on").first()
    exact_day = None if described.day_is_lower_bound else described.day
    effective = exact_day or timezone.localdate()
    noun = KINDS[source_field(source)].noun
    note = f"Check the status change filled in from the {noun}, then save."
    if latest is not None and effective < latest.effective_on:
        effective = timezone.localdate()
        note += (
            f" It is dated today: the {noun} is older than the latest change, "
            f"on {date_format(latest.effective_on, 'j F Y')}, and history only moves forward."
        )
    quote = evidence.excerpt if len(evidence.excerpt) <= 400 else evidence.excerpt[:399] + "…"
    status = evidence.suggested_status if evidence.suggested_status != commitment.status else ""
    query = {
        "new_status": status,
        "status_reason": f"{_said(described, source)}: “{quote}”",
        "status_effective_on": effective.isoformat(),
        "triage": source.pk,
    }
    if isinstance(source, SOURCE_MODELS["question"]):
        query["status_question"] = source.pk
    else:
        query["status_source_url"] = described.citation_url
        query["triage_kind"] = source_field(source)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk]) + "?" + urlencode(query)
    return url, note
