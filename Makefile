# Tupa: `make run` and `make test` are the public quick start (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run test install lint format check typecheck migrations-check compilemessages messages pytest ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` needs only the runtime requirements; `make test` adds the test tools.
$(RUN_STAMP): $(BIN)/python requirements.txt
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Babel compiles the catalogues in pure Python: no GNU gettext needed to run or test. The same
# command as the Procfile's web and worker lines, so a catalogue broken by a merge fails here
# too (pybabel only warns and leaves the entry out).
compilemessages: $(RUN_STAMP)
	@if [ -d locale ]; then $(BIN)/python manage.py compile_translations; fi

messages: install
	$(BIN)/python manage.py makemessages -l fi -l sv -l en --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench

run: $(RUN_STAMP) compilemessages
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

migrations-check: check

# mypy with django-stubs over the files listed in pyproject.toml ([tool.mypy] files).
typecheck: install
	$(BIN)/mypy

pytest: install compilemessages
	$(BIN)/pytest

test: lint check typecheck compilemessages pytest

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
