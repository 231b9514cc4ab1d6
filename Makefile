# The portal's commands. `make run` and `make test` need only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages messages-check migrations-check ci clean \
	api-check drill-load drill-faults drill-backup drill-scale bench bench-smoke lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[test]"
	touch $(VENV)/.installed $@

## run: install, migrate SQLite, load the data packs (seven programmes), serve on 127.0.0.1:8000
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_source_data
	$(PY) manage.py setup_roles --verbosity 0
	@echo ""
	@echo "The portal is at http://$(HOST):$(PORT)/ (English: http://$(HOST):$(PORT)/en/)."
	@echo "To create a staff account for http://$(HOST):$(PORT)/admin/ run, in another terminal:"
	@echo "    $(PY) manage.py createsuperuser"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: install the test extras and run the whole suite (SQLite; DATABASE_URL for PostgreSQL)
test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff check and format check
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: update both catalogues from the code and compile them (needs gettext)
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans -l en --no-location --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=media --ignore=tests
	@# The creation date changes on every run; dropping it keeps the catalogues
	@# (and the compiled .mo) identical when nothing else changed.
	sed -i '/^"POT-Creation-Date:/d' locale/*/LC_MESSAGES/django.po
	$(PY) manage.py fill_english_catalogue
	$(PY) manage.py compilemessages -l zh_Hans -l en --ignore=.venv

## messages-check: fail when a catalogue is stale, incomplete or fuzzy
messages-check: $(VENV)/.installed
	@$(MAKE) --no-print-directory messages >/dev/null
	@git diff --exit-code --stat -- locale/ \
		|| (echo "Catalogues are stale: run 'make messages', translate and commit." && exit 1)
	@for po in locale/*/LC_MESSAGES/django.po; do \
		stats=$$(msgfmt --statistics -o /dev/null $$po 2>&1); echo "$$po: $$stats"; \
		case "$$stats" in *untranslated*|*fuzzy*) echo "Incomplete catalogue: $$po"; exit 1;; esac; \
	done

## migrations-check: fail when models and migrations disagree
migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

## api-check: schemathesis, every phase and check, against a throw-away server of the
## source data (or API_URL=http://127.0.0.1:8000, a running portal); cases per operation
api-check: $(VENV)/.installed-test
	$(PY) .ci/api_check.py $(API_URL)

# The drills need the installed .venv, the local PostgreSQL (and Redis, when it
# answers); see docs/operations.md. They are not part of CI.
## drill-load: gunicorn + PostgreSQL under wrk (DRILL_SECONDS, DRILL_CONNECTIONS); prints req/s, p50/p90/p99
drill-load:
	$(PY) deploy/drills/drill_load.py

## drill-faults: restart PostgreSQL and stop Redis under load; 503 not hangs, recovery time, no lost feedback
drill-faults:
	$(PY) deploy/drills/drill_faults.py

## drill-scale: a streaming replica, two gunicorn servers behind nginx; replica share, cross-server edits, read-your-writes paused, replica stopped (root)
drill-scale:
	$(PY) deploy/drills/drill_scale.py

## drill-follow: 10,000 followers told through Celery; a worker killed mid-way; each follower gets one message
drill-follow:
	$(PY) deploy/drills/drill_follow.py

## drill-backup: pg_dump + media tar, restore into a fresh database and folder, compare counts and checksums
drill-backup:
	$(PY) deploy/drills/drill_backup.py

ci: lint migrations-check messages-check test

## bench: the benchmark of issue 7 against PostgreSQL (DATABASE_URL, default the
## database portal_bench on 127.0.0.1; BENCH_ESTATES, default 250000); needs wrk
bench: $(VENV)/.installed
	$(PY) bench/bench.py

## bench-smoke: the same with 1,000 compounds and short loads (database portal_bench_smoke)
bench-smoke: $(VENV)/.installed
	$(PY) bench/bench.py --smoke

## lighthouse: Lighthouse scores (mobile) of five pages in both languages (one with nine photos); needs npm.
## LIGHTHOUSE_ARGS=--map: the home page with the tile map on it instead (issue 19)
lighthouse: $(VENV)/.installed
	$(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
