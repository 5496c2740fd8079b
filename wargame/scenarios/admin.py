from django.contrib import admin

from wargame.scenarios.models import Scenario


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "source_sha256", "bundled", "loaded_at")
    readonly_fields = [f.name for f in Scenario._meta.fields]
