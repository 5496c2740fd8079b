from django.urls import path

from wargame.live import views

urlpatterns = [
    path("exercises/<int:exercise_id>/history/", views.history, name="history"),
]
