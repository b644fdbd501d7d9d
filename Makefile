# The two commands of the README: `make run` and `make test`. Nothing else to install by hand
# but Python 3.12 (pyenv selects it through .python-version; elsewhere python3.12 on PATH).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
PORT ?= 8000
PYTHON312 ?= $(shell command -v python3.12 2>/dev/null)

.PHONY: install run test messages check clean backup restore

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

# Backups (docs/backup.md): a dump of the database of DATABASE_URL into BACKUP_DIR, and its
# restore into a new database RESTORE_DB on the same server, checked by migrate --check.
BACKUP_DIR ?= backups
RESTORE_URL = $(dir $(DATABASE_URL))$(RESTORE_DB)
backup:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL (the PostgreSQL database to back up)." >&2; exit 1; }
	mkdir -p $(BACKUP_DIR)
	pg_dump -Fc --file "$(BACKUP_DIR)/welfare-$$(date +%Y%m%d-%H%M).dump" "$(DATABASE_URL)"

restore: install
	@test -n "$(DATABASE_URL)" -a -n "$(DUMP)" -a -n "$(RESTORE_DB)" || { echo "Usage: make restore DATABASE_URL=postgres://... DUMP=backups/welfare-YYYYMMDD-HHMM.dump RESTORE_DB=welfare_restored" >&2; exit 1; }
	createdb --maintenance-db="$(DATABASE_URL)" "$(RESTORE_DB)"
	pg_restore --no-owner --exit-on-error --dbname="$(RESTORE_URL)" "$(DUMP)"
	DATABASE_URL="$(RESTORE_URL)" $(PY) manage.py migrate --check
	@echo "Restored into $(RESTORE_DB). Compare: DATABASE_URL=$(RESTORE_URL) $(PY) manage.py halfyear_summary --province CODE --year YYYY --half H"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
