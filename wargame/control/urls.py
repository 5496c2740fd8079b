from django.urls import path

from wargame.control import views

urlpatterns = [
    path("", views.exercise_list, name="exercise_list"),
    path("exercises/<int:exercise_id>/", views.console, name="console"),
    path("exercises/<int:exercise_id>/teams/<str:team_code>/qr.svg", views.team_qr, name="team_qr"),
]
