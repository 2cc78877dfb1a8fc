# qifu: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py serve

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

test: install lint
	$(VENV)/bin/pytest -n 2 -p no:cacheprovider

bench: install
	@for m in $$(ls bench/*.py | xargs -n1 basename | sed 's/\.py$$//' | grep -v '^_'); do \
		echo "== bench.$$m"; $(PY) -m bench.$$m $(BENCH_ARGS) || exit 1; done

# Regenerate the locked dependency set from pyproject.toml (needs the network).
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet $$($(PYTHON) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print(' '.join(p['dependencies'] + p['optional-dependencies']['dev']))")
	.lockvenv/bin/pip freeze > requirements.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV)
