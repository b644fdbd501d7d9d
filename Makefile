# The two commands of the README: `make run` and `make test`. Nothing else to install by hand
# but Python 3.12 (pyenv selects it through .python-version; elsewhere python3.12 on PATH).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
PORT ?= 8000
PYTHON312 ?= $(shell command -v python3.12 2>/dev/null)

.PHONY: install run test messages check clean

install: $(STAMP)

$(STAMP): requirements.lock
	@if [ -z "$(PYTHON312)" ]; then echo "Python 3.12 is needed: python3.12 was not found on PATH." >&2; exit 1; fi
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then \
		rm -rf $(VENV) && $(PYTHON312) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data --if-empty
	@echo ""
	@echo "  Open http://127.0.0.1:$(PORT)/  (stop with Ctrl+C)"
	@echo "  Demo logins, password demo-welfare-2026:"
	@echo "    canbo    commune officer of Xã Hữu Lũng (Lạng Sơn)"
	@echo "    canbo2   commune officer of Xã Chi Lăng (Lạng Sơn)"
	@echo "    lanhdao  department head of Lạng Sơn"
	@echo "    quantri  administrator (also /admin/)"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The tests run in parallel, one process per core (pytest-xdist), each on its own test database.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS)

# Refresh the translation catalogues after changing user-facing strings (needs gettext);
# the compiled .mo files are committed so that `make run` needs nothing beyond Python.
messages: install
	$(PY) manage.py makemessages --locale vi --ignore '$(VENV)/*' --no-obsolete
	$(PY) manage.py makemessages --locale vi --domain djangojs --ignore '$(VENV)/*' --no-obsolete
	$(PY) manage.py compilemessages --locale vi --ignore '$(VENV)/*'

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
