# BLKK Evaluation Workbench. `make report`, `make test` and `make check` set everything up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)
SCOPE  ?= 33
JOBS   ?= 2

.PHONY: setup report test check lab sample clean browser notebooks

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name blkk --display-name "Python (blkk)" >/dev/null
	rm -f $(VENV)/.installed-*
	touch $@

report: $(STAMP)
	$(BIN)/blkk report --scope $(SCOPE) --jobs $(JOBS)

# The newcomer's suite: unit and reference tests, the command line, every notebook once on a
# small slice of the sample. `make check` runs everything, the slow tests too.
test: $(STAMP) browser
	$(BIN)/python -m pytest -m "not slow"

check: $(STAMP) browser
	$(BIN)/python -m pytest

# The index-page test opens reports in headless Chromium; install Debian's where we can,
# and otherwise that one test is skipped with a message.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	  echo "note: no Chromium available; the browser test will be skipped"

lab: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab notebooks/

# the percent scripts beside the notebooks (readable diffs), from the notebooks
notebooks: $(STAMP)
	$(BIN)/jupytext --quiet --sync notebooks/*.ipynb

sample: $(STAMP)
	$(BIN)/blkk sample --seed 20260101 --out data/sample

clean:
	rm -rf reports/*
