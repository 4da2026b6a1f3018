# Two entry points set up a fresh Debian machine and run: `make demo` and `make test`.
# Both install what is missing (Debian packages, the virtualenv) and are safe to re-run.
VENV ?= .venv
PY := $(VENV)/bin/python
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils \
                fonts-liberation fonts-liberation2 fonts-dejavu-core \
                libreoffice-writer-nogui postgresql openjdk-17-jdk-headless maven chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_HOME ?= $(CURDIR)/.sohoa-demo

.PHONY: system venv demo test bench clean-demo

system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $@

venv: $(VENV)/.installed

demo: system venv
	SOHOA_HOME=$${SOHOA_HOME:-$(DEMO_HOME)} $(VENV)/bin/sohoa demo

test: system venv
	$(PY) -m pytest

bench: system venv
	$(PY) -m bench.ocr_throughput
	$(PY) -m bench.born_digital

clean-demo:
	rm -rf $(DEMO_HOME)
