"""Admin: exercises, teams and seats (observers are given a seat here). The log is read-only."""

from django.contrib import admin

from wargame.game.models import Event, Exercise, Participant, Team


class TeamInline(admin.TabularInline):
    model = Team
    fields = ("code", "name", "side", "join_code")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("name", "scenario", "status", "last_seq", "created_at")
    readonly_fields = ("scenario", "status", "last_seq", "state", "created_at")
    inlines = [TeamInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """Add an observer: pick the exercise, role "observer", the user, and a display name."""

    list_display = ("name", "role", "exercise", "team", "user")
    list_filter = ("role",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("exercise", "seq", "type", "at", "actor")
    list_filter = ("type",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
