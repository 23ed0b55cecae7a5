# editionbuilder: `make` on a fresh Debian 12 machine installs what is
# missing, then builds every edition declared in editions.toml into output/,
# and the site output/site/ (bookshelf, web editions, OPDS feeds).
#
#   make / make all   set up, then build every edition and the site
#   make serve        build, then serve the site on http://127.0.0.1:8000/,
#                     rebuilt and reloaded on every change (Ctrl-C stops it)
#   make setup        system packages and .venv only (nothing to do when up to date)
#   make test         set up, run the static checks (make lint), then the test suite
#                     (no build; a process per core: pytest-xdist)
#   make lint         ruff (lint and format check) and mypy on the code
#   make check        build, then preflight every print edition's press PDF and
#                     cover against KDP's and IngramSpark's rules (a failure
#                     fails make: `editionbuilder preflight` exits 7)
#   make tools        Chromium and the npm test tools in tools/ (DAISY Ace, epub.js, axe-core)
#   make score        set up, then score the plain-text reader on the web-page
#                     corpus (tests/corpus/web): per-field accuracy and misses
#   make bench        our builds against pandoc and plain WeasyPrint
#   make typography   word spacing, hyphenation, notes and display faults of
#                     the print editions, measured from their PDFs
#   make clean        remove the outputs and caches (the compiled templates and
#                     patterns kept in .venv too; keeps the packages)
#   make distclean    clean, and remove .venv
#
# Setup steps are real files (stamps inside .venv), so a second `make setup`
# does nothing: system packages are checked again only when this Makefile
# changes, and pip runs again only when pyproject.toml is newer than its stamp.

PYTHON ?= python3
VENV ?= .venv
CONFIG ?= editions.toml

# Debian packages the outputs need:
#   fonts-ebgaramond     the book face (08 and 12 cuts)
#   poppler-utils, qpdf  inspecting and checking PDFs
#   libgs-common         the CMYK ICC profile for PDF/X output intents
#   libharfbuzz-subset0  fast font subsetting in WeasyPrint
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint's text layout
# Checked by capability instead of by name: a Java runtime (EPUBCheck) only
# when `java` is absent; python3-venv only when $(PYTHON) lacks ensurepip.
APT_PACKAGES := fonts-ebgaramond poppler-utils qpdf libgs-common \
	libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0

# Root runs apt-get itself; anyone else goes through sudo when there is one.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

# Shell code run inside a recipe: installs the Debian packages listed in
# $$missing (as root, or through sudo), after one `apt-get update`.
APT_INSTALL = if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ] && [ -z "$(SUDO)" ]; then \
	    echo "error: installing$$missing needs root or sudo" >&2; exit 1; \
	  fi; \
	  echo "==> installing$$missing"; \
	  $(SUDO) apt-get update -qq \
	    && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	       apt-get install -y -qq --no-install-recommends $$missing \
	    || exit 1; \
	fi

SYSTEM_STAMP := $(VENV)/.system-packages.stamp
INSTALL_STAMP := $(VENV)/.install.stamp

.DEFAULT_GOAL := all
.PHONY: all setup build serve test lint check tools score bench typography clean distclean

all: build

setup: $(SYSTEM_STAMP) $(INSTALL_STAMP)

# The build always runs: only the builder knows which sources an edition
# reads, and builds are reproducible, so a rebuild changes no byte.
# What a build reads: the config, the project's text files (sources, user
# templates and styles; not outputs, the virtualenv, git, npm modules or the
# test runners' caches),
# the package's code, templates and stylesheets, and the fonts it embeds.
# `make` with none of them changed since the last good build does nothing.
BUILD_INPUTS := $(CONFIG) $(shell find . \( -path ./output -o -path ./$(VENV) -o -path ./.git \
	-o -path ./tools -o -path ./tests -o -path ./bench -o -name __pycache__ \
	-o -path ./.hypothesis -o -path ./.pytest_cache -o -name '*.egg-info' \) -prune -o -type f -print) \
	$(wildcard /usr/share/fonts/opentype/ebgaramond/EBGaramond12-*.otf)
BUILD_STAMP := output/.build.stamp
# The stamp lists the files the last build wrote (its "wrote FILE" lines):
# one of them missing (deleted, moved away) makes the build run again.
BUILT := $(shell cat $(BUILD_STAMP) 2>/dev/null)
MISSING_OUTPUTS := $(filter-out $(wildcard $(BUILT)),$(BUILT))

build: setup $(BUILD_STAMP)

$(BUILD_STAMP): $(BUILD_INPUTS) $(INSTALL_STAMP) $(MISSING_OUTPUTS)
	@echo "==> building every edition in $(CONFIG) into output/"
	@mkdir -p $(@D)
	@$(VENV)/bin/editionbuilder build --config $(CONFIG) > $@.log || { cat $@.log; rm -f $@.log; exit 1; }
	@cat $@.log; sed -n 's/^wrote //p' $@.log > $@; rm -f $@.log

# A missing output has no recipe of its own: it only marks the stamp out of date.
ifneq ($(MISSING_OUTPUTS),)
$(MISSING_OUTPUTS):
endif

serve: setup
	@$(VENV)/bin/editionbuilder serve --config $(CONFIG) --watch

test: setup tools lint
	@echo "==> running the tests"
	@$(VENV)/bin/python -m pytest -q -n auto --dist loadfile

# The ecosystem's static checks; their settings are in pyproject.toml.
lint: setup
	@echo "==> ruff and mypy"
	@$(VENV)/bin/ruff check src tests bench
	@$(VENV)/bin/ruff format --check --quiet src tests bench
	@$(VENV)/bin/mypy

check: build
	@echo "==> preflight: the print editions' press PDFs and covers"
	@$(VENV)/bin/editionbuilder preflight --config $(CONFIG)
	@echo "==> fidelity: every EPUB and PDF word for word against the model"
	@$(VENV)/bin/editionbuilder check --config $(CONFIG)

# apt-get runs only when something is missing, and `apt-get update` once.
$(SYSTEM_STAMP): Makefile
	@echo "==> checking system packages"
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg -s "$$pkg" 2>/dev/null | grep -q '^Status: install ok installed' \
	    || missing="$$missing $$pkg"; \
	done; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	$(PYTHON) -c 'import ensurepip' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	$(APT_INSTALL)
	@mkdir -p $(@D) && touch $@

$(VENV)/bin/python: | $(SYSTEM_STAMP)
	@echo "==> creating $(VENV)"
	@$(PYTHON) -m venv $(VENV)

$(INSTALL_STAMP): pyproject.toml $(VENV)/bin/python
	@echo "==> installing editionbuilder, its test tools and Dask (tests/test_cluster.py) into $(VENV)"
	@$(VENV)/bin/python -m pip install -q -e '.[test,cluster]'
	@touch $@

# Test tools for the EPUBs (tests/test_ace.py, tests/test_reading_system.py)
# and the site (tests/test_site_browser.py, tests/test_serve.py: axe-core):
# Debian's Chromium, then tools/package-lock.json installed with `npm ci`.
# PUPPETEER_SKIP_DOWNLOAD=1 and --ignore-scripts: no browser download (it
# fails here); the tests drive /usr/bin/chromium through tools/chromium-headless.
# @daisy/ace-cli needs Node.js 20 or newer (Debian 12's own nodejs is 18): npm
# and node are installed from Debian only when absent, then the version checked.
TOOLS_DIR := tools
CHROMIUM_STAMP := $(VENV)/.chromium.stamp
TOOLS_STAMP := $(TOOLS_DIR)/node_modules/.install.stamp

tools: $(TOOLS_STAMP)

$(CHROMIUM_STAMP): Makefile
	@echo "==> checking Chromium and Node.js for the EPUB test tools"
	@missing=""; \
	dpkg -s chromium 2>/dev/null | grep -q '^Status: install ok installed' \
	  || missing="$$missing chromium"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	$(APT_INSTALL); \
	node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
	  || { echo "error: DAISY Ace needs Node.js 20 or newer, found $$(node --version)" >&2; exit 1; }
	@mkdir -p $(@D) && touch $@

$(TOOLS_STAMP): $(TOOLS_DIR)/package.json $(TOOLS_DIR)/package-lock.json | $(CHROMIUM_STAMP)
	@echo "==> installing the EPUB test tools into $(TOOLS_DIR)/node_modules"
	@cd $(TOOLS_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The plain-text reader against the hand-made keys of the web-page corpus:
# a table of per-field accuracy, then every miss (page:line, expected, found).
score: setup
	@$(VENV)/bin/python tests/webscore.py

# Benchmarks (not part of the tests): our builds against pandoc and plain
# WeasyPrint, side by side; the table goes to bench/results/latest.md.
bench: setup
	@$(VENV)/bin/python bench/run.py

# Typography of the print editions (issue #16), measured from the glyphs of
# the press PDFs: word spacing, hyphenation, notes, display faults, and blank
# pages of the screen PDFs. Builds the anthology and print editions of the
# three Gutenberg texts of tests/corpus into bench/results/typography/.
typography: setup
	@$(VENV)/bin/python bench/typography.py --build

clean:
	@echo "==> removing outputs and caches"
	@if [ -d output ]; then find output -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +; fi
	@rm -rf .pytest_cache .hypothesis $(VENV)/var/cache/editionbuilder
	@find src tests -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	@echo "==> removing $(VENV)"
	@rm -rf $(VENV)
