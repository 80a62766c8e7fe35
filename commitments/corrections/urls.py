"""The correction form: writes, so never cached and never given an ETag."""

from django.urls import path

from . import views

urlpatterns = [
    path("commitments/<slug:slug>/correction/", views.correction_view, name="correction"),
    path("commitments/<slug:slug>/correction/sent/", views.correction_sent_view, name="correction_sent"),
]
