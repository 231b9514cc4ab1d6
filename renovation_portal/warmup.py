"""A fresh worker made ready before its first visitor, then its heap frozen.

gunicorn calls :func:`warm_up` in each worker once the application is loaded
(``post_worker_init`` in ``deploy/gunicorn.conf.py``). Django builds several
things on first use: the URL resolvers of each language, the translation
catalogues, every compiled template. Without this, the first visitors of each
worker paid for them.

Then :func:`gc.freeze` moves every object the worker holds by then (about
370,000: Django, the libraries, the catalogues and templates) into a generation
the garbage collector no longer walks. A full collection over them took about
100 ms, once every couple of hundred requests: an occasional visitor waited
that much longer (issue 7, measured with ``gc.callbacks`` on the search and
compound pages; the longest of 200 requests fell from 112 ms to 34 ms).
Objects made later are collected as before.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# Templates of the public site and the admin's own pages; bench/ is mounted
# only by BENCH=1.
SKIPPED_FOLDERS = {"bench"}


# Each template engine (settings.TEMPLATES) and the folder of its templates.
TEMPLATE_FOLDERS = {"django": "templates", "jinja2": "jinja_templates"}


def site_templates() -> list[tuple[str, str]]:
    """The project's own templates: (engine, name) for each."""
    found = []
    for engine, folder in TEMPLATE_FOLDERS.items():
        root = Path(settings.BASE_DIR) / folder
        found += [
            (engine, path.relative_to(root).as_posix())
            for path in root.rglob("*.html")
            if path.relative_to(root).parts[0] not in SKIPPED_FOLDERS
        ]
    return sorted(found)


def warm_up() -> dict:
    """Build the resolvers, catalogues and templates, then freeze the heap.

    Never raises: a worker that could not warm up serves as before. Returns
    what it did, for the log and the tests."""
    done = {"languages": 0, "templates": 0, "frozen": 0}
    try:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                reverse("home")
            done["languages"] += 1
        for engine, name in site_templates():
            # In each language: Jinja2 compiles a template once per language
            # (sitewide.jinja.PerLanguageJinja2).
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    engines[engine].get_template(name)
            done["templates"] += 1
    except Exception:  # a warm-up is an optimisation, never a reason to fail
        logger.warning("Warming up the worker stopped early", exc_info=True)
    gc.collect()
    gc.freeze()
    done["frozen"] = gc.get_freeze_count()
    return done
