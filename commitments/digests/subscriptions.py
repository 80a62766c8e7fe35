"""Subscribing without an account: double opt-in, signed links, one-click unsubscribe, rate limits.

Nothing here tells a caller whether an address was already subscribed: subscribe() returns nothing
and the emails it sends go only to the address itself, so the answer page can always be the same.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..exceptions import DigestLinkError, DigestLinkExpired, DigestLinkUnknown, EmailAddressRefused
from ..models import Commitment, DigestDelivery, Subscriber, SubscriberState, Theme, new_subscriber_token
from ..ops.rate_limits import within_hourly_limits

logger = logging.getLogger(__name__)

# One salt per purpose: a preferences link cannot be replayed as a confirmation, and so on.
CONFIRM = "confirm"
MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = {
    CONFIRM: "commitments:subscribe_confirm",
    MANAGE: "commitments:subscriber_preferences",
    UNSUBSCRIBE: "commitments:unsubscribe",
}


def _salt(purpose: str) -> str:
    return f"commitments.digests.{purpose}"


def sign_token(subscriber: Subscriber, purpose: str) -> str:
    """The subscriber's random token, signed for one purpose (timestamped, so expiry can be checked)."""
    return signing.dumps(subscriber.token, salt=_salt(purpose), compress=False)


def absolute_link(subscriber: Subscriber, purpose: str) -> str:
    return settings.SITE_URL + reverse(PURPOSES[purpose], args=[sign_token(subscriber, purpose)])


def subscriber_from_link(signed: str, *, purpose: str) -> Subscriber:
    """The subscriber a signed link is for. Confirmation links expire after DIGEST_CONFIRM_HOURS;
    preferences and unsubscribe links last as long as the subscriber's token (they sit in old
    digests). Raises DigestLinkExpired, DigestLinkUnknown, or DigestLinkError when tampered with."""
    max_age = settings.DIGEST_CONFIRM_HOURS * 3600 if purpose == CONFIRM else None
    try:
        token = signing.loads(signed, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired:
        raise DigestLinkExpired("This confirmation link has expired.") from None
    except signing.BadSignature:
        raise DigestLinkError("This link is not valid: it may have been cut short or changed.") from None
    subscriber = Subscriber.objects.filter(token=token).first() if isinstance(token, str) else None
    if subscriber is None:
        raise DigestLinkUnknown("This link is no longer valid.")
    return subscriber


# Characters a reader cannot see but a comparison can: `victim@e<U+200B>xample.org` reached the same
# mailbox as `victim@example.org` while counting as a new address. Unicode's format characters (Cf)
# take in every zero-width space, joiner and non-joiner (U+200B-U+200D, U+2060, U+FEFF), the soft hyphen
# (U+00AD) and every text-direction control (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069); the others
# here are invisible without being Cf: the combining grapheme joiner, Hangul fillers, variation selectors.
INVISIBLE_NOT_FORMAT = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0\u180b\u180c\u180d" + "".join(map(chr, range(0xFE00, 0xFE10)))
)


def _is_invisible(character: str) -> bool:
    return unicodedata.category(character) in ("Cf", "Cc") or character in INVISIBLE_NOT_FORMAT


# A local part as it needs no quotes (RFC 5322's dot-atom, as Django's EmailValidator reads it).
DOT_ATOM = re.compile(r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*\Z")
# A backslash inside quotes escapes the next character: `"v\ictim"` is `"victim"`.
QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)


def normalise_email(email: str) -> str:
    """The one form of an address, used wherever one is stored, looked up, counted or sent to:
    NFKC (fullwidth letters are the letters), lower case, a quoted local part unquoted, the domain in
    its ASCII (IDNA) form, so one mailbox is one subscriber. `"victim"@example.org`,
    `"v\\ictim"@example.org` and `victim@example.org` are one address, and so are `victim@exämple.org`
    and `victim@xn--exmple-cua.org`.

    Raises EmailAddressRefused, rather than guess what was meant, when the address holds an
    invisible or text-direction character, a quoted local part that is not a plain name once
    unquoted (`"john smith"`, `"a@b"`), or a domain IDNA cannot encode. Anything else malformed is
    returned as it is, for the form's validator to refuse."""
    if any(_is_invisible(character) for character in email):
        raise EmailAddressRefused(
            "This address contains an invisible character (such as a zero-width space, a soft hyphen or "
            "a text-direction mark). Please type it again by hand."
        )
    address = unicodedata.normalize("NFKC", email).strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = QUOTED_PAIR.sub(r"\1", local[1:-1])
        if not DOT_ATOM.match(local):
            raise EmailAddressRefused(
                "This address has a quoted part (between double quotes) that we cannot send to safely. "
                "Please use an address without quotes."
            )
    try:
        # Python's "idna" codec: nameprep, then punycode per label; ASCII labels pass unchanged.
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise EmailAddressRefused(
            "The part of this address after the @ is not a domain name we can send to. Please check it."
        ) from None
    return f"{local}@{domain}"


def allow_subscribe_request(*, email: str | None, client_ip: str) -> bool:
    """Count a subscribe request against per-client-address and per-email limits for the hour.

    Every request counts against its client; only a valid address (None otherwise) counts against
    itself, in its normalised form, so a variant of an address is the same address.
    Fixed one-hour windows in Django's cache (Redis in production, local memory in the demo).
    The email is hashed in the key so the cache holds no addresses."""
    limits = [(f"subscribe-rate:ip:{client_ip}", settings.SUBSCRIBE_LIMIT_PER_IP)]
    if email is not None:
        address_key = hashlib.sha256(normalise_email(email).encode()).hexdigest()
        limits.append((f"subscribe-rate:email:{address_key}", settings.SUBSCRIBE_LIMIT_PER_ADDRESS))
    return within_hourly_limits(limits)


def _send(subscriber: Subscriber, *, template: str, subject: str) -> None:
    """A short account email to the address itself. A failure is logged, not shown: the page a
    visitor sees must not depend on the address."""
    context = {
        "subscriber": subscriber,
        "confirm_url": absolute_link(subscriber, CONFIRM),
        "manage_url": absolute_link(subscriber, MANAGE),
        "unsubscribe_url": absolute_link(subscriber, UNSUBSCRIBE),
        "confirm_hours": settings.DIGEST_CONFIRM_HOURS,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject, render_to_string(f"commitments/email/{template}.txt", context), to=[subscriber.email]
    )
    try:
        message.send()
    except Exception:
        logger.exception("Could not send the %s email to subscriber %s", template, subscriber.pk)


def subscribe(
    *, email: str, frequency: str, themes: Iterable[Theme] = (), commitments: Iterable[Commitment] = ()
) -> None:
    """Ask an address to confirm a subscription. The same from outside whatever its state:

    - new, pending or unsubscribed: store the choices and send a confirmation link (after an
      unsubscribe the token changes, so links from before stop working);
    - already confirmed: change nothing (a stranger must not alter someone's choices) and send a
      "you are already subscribed" email with the preferences link.
    """
    themes, commitments = list(themes), list(commitments)
    # The row lock is held only while the choices are written; the email goes after, so a slow
    # mail server never holds it.
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.select_for_update().get_or_create(email=normalise_email(email))
        confirmed = subscriber.state == SubscriberState.CONFIRMED
        if not confirmed:
            if subscriber.state == SubscriberState.UNSUBSCRIBED:
                subscriber.token = new_subscriber_token()
                subscriber.unsubscribed_at = None
                subscriber.confirmed_at = None
                subscriber.save(update_fields=["token", "unsubscribed_at", "confirmed_at"])
            _choose(subscriber, frequency=frequency, themes=themes, commitments=commitments)
    if confirmed:
        _send(subscriber, template="already_subscribed", subject="You already get IPP tracker digests")
    else:
        _send(subscriber, template="confirm", subject="Confirm your IPP tracker digest")


@transaction.atomic
def confirm_subscriber(subscriber: Subscriber) -> SubscriberState:
    """Confirm a pending subscription. Returns the state it found: pending (now confirmed),
    confirmed (nothing to do) or unsubscribed (refused: an old link cannot undo an unsubscribe)."""
    locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    found = locked.state
    if found == SubscriberState.PENDING:
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
    subscriber.confirmed_at = locked.confirmed_at
    return found


def _choose(subscriber: Subscriber, *, frequency: str, themes: list[Theme], commitments: list[Commitment]):
    """Store how often and what: themes and/or commitments; neither means everything."""
    subscriber.frequency = frequency
    subscriber.all_themes = not themes and not commitments
    subscriber.save(update_fields=["frequency", "all_themes"])
    subscriber.themes.set(themes)
    subscriber.commitments.set(commitments)


@transaction.atomic
def update_preferences(
    subscriber: Subscriber,
    *,
    frequency: str,
    themes: Iterable[Theme] = (),
    commitments: Iterable[Commitment] = (),
) -> Subscriber:
    """Change how often and about what; no theme and no commitment means everything."""
    _choose(subscriber, frequency=frequency, themes=list(themes), commitments=list(commitments))
    return subscriber


@transaction.atomic
def unsubscribe(subscriber: Subscriber) -> None:
    """Stop every future digest at once, including deliveries already planned. Repeating it is harmless."""
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    subscriber.deliveries.pending().update(
        state=DigestDelivery.State.SKIPPED,
        last_error="Unsubscribed before it was sent.",
        updated_at=timezone.now(),
    )
