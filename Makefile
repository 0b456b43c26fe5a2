# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
LOGIN ?= coordinator@tuky.local
MAIL_PORT ?= 8025
PYTEST_ARGS ?=
# two worker processes (pytest-xdist): the suite is ~600 CPU-seconds, CI has two cores
PYTEST_WORKERS ?= 2

.PHONY: run test install system-deps bench messages clean

$(BIN)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(BIN)/.installed

## make run: install, migrate, load the 2023 plan and a demo campaign around today (the plan copied to this year),
## create a coordinator login, serve on 127.0.0.1,
## with one scheduler process beside the web app (and, without SMTP_URL, a local mail sink)
run: install
	@scripts/system-deps.sh run
	$(FLASK) db upgrade
	$(FLASK) seed tuky-2023
	$(FLASK) seed demo
	@echo "Tài khoản điều phối / coordinator login:"
	@$(FLASK) users create $(LOGIN) --role coordinator --reset
	@echo "Mở / open: http://$(HOST):$(PORT)/admin/  (Ctrl+C để dừng / to stop)"
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	if [ -z "$$SMTP_URL" ]; then \
	  export SMTP_URL=smtp://127.0.0.1:$(MAIL_PORT); \
	  $(BIN)/python -m aiosmtpd -n -l 127.0.0.1:$(MAIL_PORT) -c aiosmtpd.handlers.Mailbox instance/mail & \
	  echo "Thư gửi đi / mail sent: instance/mail/new/ (SMTP $$SMTP_URL)"; \
	fi; \
	BASE_URL=$${BASE_URL-http://$(HOST):$(PORT)} $(FLASK) jobs run & \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --limit-request-line 8190 --access-logfile - 'wsgi:create_app()'

## make test: install (system packages too, as root) and run the whole suite
test: install system-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)

system-deps:
	@scripts/system-deps.sh test

## make bench: the benchmarks in bench/, each printing its baseline measured in the same run; first,
## when the peers' benchmarks are there (outside the repository), their table with our row
PEERS_DIR ?= ../shared/peers
PEERS_CASES ?= 300
bench: install system-deps
	@if [ -x "$(PEERS_DIR)/run_all.sh" ]; then \
	  PROJECT_CMD='cd $(CURDIR) && $(CURDIR)/$(BIN)/python -m bench.peers $(PEERS_CASES) --floors' "$(PEERS_DIR)/run_all.sh" $(PEERS_CASES); \
	else echo "$(PEERS_DIR)/run_all.sh not found: the peers' table is skipped"; fi
	$(BIN)/python -m bench.fire_rate --profile 25
	$(BIN)/python -m bench.sweep
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.documents
	$(BIN)/python -m bench.startup

## make messages: extract the messages and update the Vietnamese catalog (then translate the new ones)
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k say -k lazy_gettext -o translations/messages.pot --no-location --sort-output --ignore-dirs='.venv tests bench instance' .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l vi -D messages --ignore-obsolete --no-fuzzy-matching --width 100

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
