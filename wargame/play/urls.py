from django.urls import path

from wargame.play import views

urlpatterns = [
    path("", views.home, name="home"),
    path("join/<str:join_code>/", views.join, name="join"),
    path("play/<int:exercise_id>/", views.team_room, name="team_room"),
]
