from django.urls import path

from wargame.control import views

urlpatterns = [
    path("", views.exercise_list, name="exercise_list"),
    path("exercises/<int:exercise_id>/", views.console, name="console"),
]
