from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wargame.live.health import healthz

urlpatterns = [
    path("healthz", healthz),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("control/", include("wargame.control.urls")),
    path("", include("wargame.live.urls")),
    path("", include("wargame.play.urls")),
]
