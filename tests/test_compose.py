"""docker-compose.yml cannot run here (no Docker engine), so we parse it and check that every
service's command names modules and commands that exist."""

import importlib
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def words(command) -> list[str]:
    args = command if isinstance(command, list) else shlex.split(command)
    if args[:2] == ["sh", "-c"]:  # a shell line: check the commands inside it
        return shlex.split(args[2].replace("&&", " && "))
    return args


def test_every_part_of_the_production_topology_is_there_with_a_health_check():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in SERVICES.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in ("web", "worker", "beat"):
        env = SERVICES[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith(
            "redis://"
        )
        assert "SECRET_KEY" in env
        assert SERVICES[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_commands_name_modules_and_commands_that_exist(name):
    args = words(SERVICES[name]["command"])
    checked = 0
    for i, word in enumerate(args):
        if word == "manage.py":
            assert args[i + 1] in get_commands(), f"no management command {args[i + 1]}"
            checked += 1
        if word == "-m":
            importlib.import_module(args[i + 1])
            checked += 1
        if word == "uvicorn" and args[i - 1] == "-m":
            module, attr = args[i + 1].split(":")
            assert callable(getattr(importlib.import_module(module), attr))
            assert int(args[args.index("--workers") + 1]) >= 2
        if word == "-A":
            app = importlib.import_module(args[i + 1]).celery_app
            subcommand = args[i + 2]
            assert subcommand in {"worker", "beat"}
            if subcommand == "beat":
                app.loader.import_default_modules()
                for entry in app.conf.beat_schedule.values():
                    assert entry["task"] in app.tasks, (
                        f"beat schedules unknown task {entry['task']}"
                    )
            checked += 1
    assert checked >= 1


def test_the_image_installs_from_the_lock_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert SERVICES["web"]["build"] == "."
