from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "IPP Action Plan tracker: editors"
admin.site.site_title = "IPP tracker admin"
admin.site.index_title = "Commitments, evidence and history"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("commitments.urls")),
]
