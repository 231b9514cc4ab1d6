"""A worker warms up before its first visitor and freezes its heap
(renovation_portal/warmup.py, called by gunicorn's post_worker_init)."""

import gc
import logging
import runpy
from pathlib import Path

import pytest
from django.template import engines

from renovation_portal import warmup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_warm_up_compiles_every_site_template_in_both_languages_and_freezes():
    names = warmup.site_templates()

    done = warmup.warm_up()

    assert ("jinja2", "estates/estate_detail.html") in names
    assert ("django", "home.html") in names
    assert not any(name.startswith("bench/") for _engine, name in names)
    assert done["languages"] == 2
    assert done["templates"] == len(names)
    # Jinja2's templates are compiled once per language, before any visitor.
    for environment in engines["jinja2"].environments.values():
        compiled = {key[1] for key in environment.cache}
        assert "estates/estate_detail.html" in compiled
    # Frozen (the count is not compared: a frozen object freed since lowers it).
    assert done["frozen"] > 0
    assert gc.get_freeze_count() > 0


def test_a_template_that_cannot_load_does_not_stop_the_worker(monkeypatch, caplog):
    monkeypatch.setattr(warmup, "site_templates", lambda: ["no/such/template.html"])

    with caplog.at_level(logging.WARNING, logger="renovation_portal.warmup"):
        done = warmup.warm_up()

    assert done["languages"] == 2
    assert done["templates"] == 0
    assert done["frozen"] > 0
    assert "stopped early" in caplog.text


def test_gunicorn_runs_the_warm_up_in_each_worker():
    class Worker:
        class log:
            messages = []

            @classmethod
            def debug(cls, message, *args):
                cls.messages.append(message % args)

    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    config["post_worker_init"](Worker)

    assert gc.get_freeze_count() > 0
    assert Worker.log.messages[0].startswith("Warmed up: {'languages': 2")
    assert engines["django"].get_template("home.html")
