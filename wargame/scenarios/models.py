"""Scenario snapshots: the exact text and parsed form of a scenario file when it was loaded."""

import hashlib

from django.db import models

from wargame.scenarios.spec import ScenarioSpec


class Scenario(models.Model):
    """One version of a scenario file. Editing the file makes a new row; exercises keep theirs."""

    slug = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    source_path = models.CharField(max_length=500, blank=True)
    source_sha256 = models.CharField(max_length=64)
    source_text = models.TextField()
    spec_json = models.JSONField()
    bundled = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "source_sha256"], name="scenario_unique_version"
            )
        ]
        ordering = ["slug", "-loaded_at"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.source_sha256[:8]})"

    @property
    def spec(self) -> ScenarioSpec:
        cached = getattr(self, "_spec", None)
        if cached is None:
            cached = self._spec = ScenarioSpec.from_json(self.spec_json)
        return cached

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
