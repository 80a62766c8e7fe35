"""Email digests: subscribing (double opt-in, signed links, one-click unsubscribe) and sending one
digest per subscriber per period, exactly once. The public names are re-exported here."""

from .content import DigestContent, RenderedDigest, build_content, render_digest
from .periods import current_period, period_bounds, plan_deliveries, plan_preview
from .sending import SendReport, digest_message, preview_digest, resend_deliveries, send_digests
from .subscriptions import (
    CONFIRM,
    MANAGE,
    UNSUBSCRIBE,
    absolute_link,
    allow_subscribe_request,
    confirm_subscriber,
    normalise_email,
    sign_token,
    subscribe,
    subscriber_from_link,
    unsubscribe,
    update_preferences,
)

__all__ = [
    "CONFIRM",
    "MANAGE",
    "UNSUBSCRIBE",
    "DigestContent",
    "RenderedDigest",
    "SendReport",
    "absolute_link",
    "allow_subscribe_request",
    "build_content",
    "confirm_subscriber",
    "current_period",
    "digest_message",
    "normalise_email",
    "period_bounds",
    "plan_deliveries",
    "plan_preview",
    "preview_digest",
    "render_digest",
    "resend_deliveries",
    "send_digests",
    "sign_token",
    "subscribe",
    "subscriber_from_link",
    "unsubscribe",
    "update_preferences",
]
