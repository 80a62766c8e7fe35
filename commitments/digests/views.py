"""The subscription pages: the only public pages that write, each through the digests services.
Never cached, never given an ETag: each is one person's (see public/cache.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from ..exceptions import DigestLinkError, DigestLinkExpired, DigestLinkUnknown
from ..models import Commitment, DigestFrequency, SubscriberState, Theme
from ..ops.rate_limits import client_address
from .forms import DigestChoicesForm, SubscribeForm
from .subscriptions import (
    CONFIRM,
    MANAGE,
    UNSUBSCRIBE,
    allow_subscribe_request,
    confirm_subscriber,
    sign_token,
    subscribe,
    subscriber_from_link,
    unsubscribe,
    update_preferences,
)


def _link_error_page(request, error: DigestLinkError):
    if isinstance(error, DigestLinkExpired):
        template, status = "commitments/subscribe/link_expired.html", 410
    elif isinstance(error, DigestLinkUnknown):
        template, status = "commitments/subscribe/link_unknown.html", 404
    else:
        template, status = "commitments/subscribe/link_invalid.html", 400
    return render(request, template, {"message": str(error)}, status=status)


def _follow_initial(request) -> dict:
    """What a "Follow" link opens. ?commitment=<slug> ticks that commitment with alerts as it
    happens chosen; ?theme=<slug> (a theme page's link) ticks that theme with the weekly digest.
    Unknown or unpublished slugs, and anything else in the query, are ignored."""
    slugs = request.GET.getlist("commitment")[:20]
    chosen = list(Commitment.objects.published().filter(slug__in=slugs).order_by("title")) if slugs else []
    if chosen:
        return {"commitments": chosen, "frequency": DigestFrequency.AS_IT_HAPPENS}
    theme_slugs = request.GET.getlist("theme")[:20]
    themes = list(Theme.objects.filter(slug__in=theme_slugs).order_by("name")) if theme_slugs else []
    return {"themes": themes, "frequency": DigestFrequency.WEEKLY} if themes else {}


def _following(initial: dict) -> dict:
    """What a "Follow" link chose, named at the top of the short form, and the query that keeps it
    when the form is sent back with an error."""
    if initial.get("commitments"):
        chosen = initial["commitments"]
        return {
            "following": [commitment.title for commitment in chosen],
            "following_kind": "commitment",
            "follow_query": urlencode([("commitment", commitment.slug) for commitment in chosen]),
        }
    if initial.get("themes"):
        chosen = initial["themes"]
        return {
            "following": [theme.name for theme in chosen],
            "following_kind": "theme",
            "follow_query": urlencode([("theme", theme.slug) for theme in chosen]),
        }
    return {}


@never_cache
def subscribe_view(request):
    """The form. Every valid request gets the same redirect, subscribed already or not."""
    initial = _follow_initial(request)
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        valid = form.is_valid()
        # Only a valid, normalised address is counted as one: a variant of it is not a new address.
        email = form.cleaned_data["email"] if valid else None
        if not allow_subscribe_request(email=email, client_ip=client_address(request)):
            return render(request, "commitments/subscribe/rate_limited.html", status=429)
        if valid:
            subscribe(
                email=form.cleaned_data["email"],
                frequency=form.cleaned_data["frequency"],
                themes=form.cleaned_data["themes"],
                commitments=form.cleaned_data["commitments"],
            )
            return redirect("commitments:subscribe_sent")
    status = 400 if form.is_bound else 200
    context = {"form": form, **_following(initial)}
    return render(request, "commitments/subscribe/form.html", context, status=status)


@never_cache
def subscribe_sent_view(request):
    return render(request, "commitments/subscribe/sent.html")


@never_cache
def confirm_view(request, signed: str):
    """GET shows a button; the POST confirms, so a mail scanner following links confirms nothing."""
    try:
        subscriber = subscriber_from_link(signed, purpose=CONFIRM)
    except DigestLinkError as error:
        return _link_error_page(request, error)
    found = confirm_subscriber(subscriber) if request.method == "POST" else None
    if found == SubscriberState.UNSUBSCRIBED or (
        found is None and subscriber.state == SubscriberState.UNSUBSCRIBED
    ):
        return _link_error_page(request, DigestLinkUnknown("This link is no longer valid."))
    return render(
        request,
        "commitments/subscribe/confirm.html",
        {
            "subscriber": subscriber,
            "found": found,
            "manage_url": reverse(
                "commitments:subscriber_preferences", args=[sign_token(subscriber, MANAGE)]
            ),
        },
    )


@never_cache
def preferences_view(request, signed: str):
    try:
        subscriber = subscriber_from_link(signed, purpose=MANAGE)
    except DigestLinkError as error:
        return _link_error_page(request, error)
    if subscriber.state == SubscriberState.UNSUBSCRIBED:
        return _link_error_page(request, DigestLinkUnknown("This link is no longer valid."))
    initial = {
        "frequency": subscriber.frequency,
        "themes": subscriber.themes.all(),
        "commitments": subscriber.commitments.all(),
    }
    form = DigestChoicesForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        update_preferences(
            subscriber,
            frequency=form.cleaned_data["frequency"],
            themes=form.cleaned_data["themes"],
            commitments=form.cleaned_data["commitments"],
        )
        saved = True
    context = {
        "form": form,
        "subscriber": subscriber,
        "saved": saved,
        "unsubscribe_path": reverse("commitments:unsubscribe", args=[sign_token(subscriber, UNSUBSCRIBE)]),
    }
    return render(
        request, "commitments/subscribe/preferences.html", context, status=400 if form.errors else 200
    )


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no cookie or token
@never_cache
def unsubscribe_view(request, signed: str):
    """GET asks (link scanners must not unsubscribe anyone); a single POST unsubscribes."""
    try:
        subscriber = subscriber_from_link(signed, purpose=UNSUBSCRIBE)
    except DigestLinkError as error:
        return _link_error_page(request, error)
    if request.method == "POST":
        unsubscribe(subscriber)
    return render(
        request,
        "commitments/subscribe/unsubscribe.html",
        {"done": subscriber.state == SubscriberState.UNSUBSCRIBED},
    )
