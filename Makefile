# The README's two commands: `make brief` builds the brief, `make test` runs the tests.
# Both create the virtual environment (.venv) and install wreport into it on first use.
VENV ?= .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	@echo "Installing wreport and its libraries into $(VENV) (once; about 30 s, pip shows its progress)"
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[test]'
	touch $@

.PHONY: brief test
brief: $(VENV)/.installed
	$(VENV)/bin/wreport build

test: $(VENV)/.installed
	$(PY) -m pytest
