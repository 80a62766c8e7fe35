"""The correction form: one of the public pages that write. Never cached (it carries a CSRF token)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from ..models import Commitment
from ..ops.rate_limits import client_address, within_hourly_limits
from .forms import CorrectionForm
from .records import suggest_correction


@never_cache
def correction_view(request, slug: str):
    """GET shows the form. A POST is counted against the client's hourly limit (past it: 429, not
    kept), then stored as a new correction for editors, or shown again with its errors; either way
    everything typed stays in the form."""
    commitment = get_object_or_404(Commitment.objects.published().select_related("theme"), slug=slug)
    form = CorrectionForm(request.POST or None)
    context = {"commitment": commitment, "form": form, "contact_email": settings.CONTACT_EMAIL}
    status = 200
    if request.method == "POST":
        limit = [(f"correction-rate:ip:{client_address(request)}", settings.CORRECTIONS_LIMIT_PER_IP)]
        if not within_hourly_limits(limit):
            # Shown with what was typed, so the reader can keep it and try later.
            context["rate_limited"], status = True, 429
        elif form.is_valid():
            suggest_correction(commitment=commitment, **form.cleaned_data)
            return redirect("commitments:correction_sent", slug=commitment.slug)
        else:
            status = 400
    return render(request, "commitments/corrections/form.html", context, status=status)


@never_cache
def correction_sent_view(request, slug: str):
    commitment = get_object_or_404(Commitment.objects.published(), slug=slug)
    return render(request, "commitments/corrections/sent.html", {"commitment": commitment})
