"""Admin: exercises, teams and seats, all read-only but for seating a facilitator or observer
(through the action, so the log records it). The log itself is read-only."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from wargame.game.actions import do_seat_control
from wargame.game.models import Event, Exercise, Participant, Team

WHY_NO_DELETE = (
    "Seats cannot be edited or deleted here: the exercise's log records what each seat did "
    "(every event's actor) and is append-only, so a seat that acted, and its user, must stay."
)


class TeamInline(admin.TabularInline):
    model = Team
    fields = ("code", "name", "side", "join_code")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("name", "scenario", "status", "last_seq", "created_at")
    readonly_fields = ("scenario", "name", "status", "last_seq", "state", "created_at")
    exclude = ("state_version", "resume_at")
    inlines = [TeamInline]

    def has_add_permission(self, request):
        return False  # exercises are created from the console (do_create_exercise)


class SeatForm(forms.ModelForm):
    role = forms.ChoiceField(
        choices=[
            (Participant.Role.OBSERVER, "observer"),
            (Participant.Role.FACILITATOR, "facilitator"),
        ]
    )
    user = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True))
    name = forms.CharField(max_length=80, required=False, help_text="Default: the user's name")

    class Meta:
        model = Participant
        fields = ("exercise", "role", "user", "name")


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """Seat an observer (an instructor, an evaluator) or a facilitator: pick the exercise, the
    role and the user. Players join with their team's code."""

    list_display = ("name", "role", "exercise", "team", "user")
    list_filter = ("role",)
    form = SeatForm
    readonly_fields = ("why_read_only",)

    @admin.display(description="Why read-only")
    def why_read_only(self, obj):
        return WHY_NO_DELETE

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("exercise", "role", "user", "name")
        return ("exercise", "role", "team", "user", "name", "why_read_only")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        seat = do_seat_control(data["exercise"], data["user"], data["role"], data["name"])
        obj.pk = seat.pk  # the admin's "added" message and redirect use it

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


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
