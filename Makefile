# Two commands for a fresh machine:  make run  (the bot on SQLite)  and  make test  (all the tests).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FLASK  := $(PY) -m flask --app app.wsgi

.PHONY: run test typecheck install migrate seed chat worker clock satusehat bench clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed demo

## make run: the web app, the dispatcher, the SATUSEHAT sender and the clock in one process on SQLite.
run: seed
	SIMULATOR_ENABLED=$${SIMULATOR_ENABLED:-true} $(PY) -m app.embedded

## make typecheck: mypy as mypy.ini says (strict for health/ and storage/); ~20 s of CPU cold, <1 s cached.
typecheck: install
	$(PY) -m mypy

## make test: the types first, then the whole suite (SQLite, and PostgreSQL too where 127.0.0.1:5432 answers).
test: install typecheck
	$(PY) -m pytest -q

chat: migrate
	$(PY) -m bot chat

worker: install
	$(PY) -m app.worker

clock: install
	$(PY) -m app.clock

satusehat: install
	$(PY) -m app.satusehat

clean:
	rm -rf $(VENV) instance/*.sqlite3*
