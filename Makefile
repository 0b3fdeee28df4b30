# mqtt-dumper: `make demo` and `make test` install what is missing, build, and run.
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
DEBS := libmosquitto-dev zlib1g-dev libdeflate-dev mosquitto mosquitto-clients jq openssl strace python3 python3-pip chromium tcpdump tshark
PYTHON ?= python3
BIN_DEBUG := .build/debug/mqtt-dumper
BIN_RELEASE := .build/release/mqtt-dumper

.PHONY: deps build release test demo bench benchmarks captures format lint clean install uninstall man completions check-install

# Installs the Debian packages that are not there yet (root, or sudo).
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# paho-mqtt for the stress tests' publishers, into the python3 the tests run (first on PATH). Debian's own
	@# python refuses pip without --break-system-packages (PEP 668); older pips do not know that flag.
	@$(PYTHON) -c 'import paho.mqtt' 2>/dev/null || { \
	  echo "Installing: paho-mqtt (pip)"; \
	  $(PYTHON) -m pip install -q paho-mqtt 2>/dev/null \
	  || $(PYTHON) -m pip install -q --break-system-packages paho-mqtt; \
	}
	@# jsonschema and PyYAML: the independent validator and YAML reader of the schema tests.
	@$(PYTHON) -c 'import jsonschema, yaml' 2>/dev/null || { \
	  echo "Installing: jsonschema PyYAML (pip)"; \
	  $(PYTHON) -m pip install -q jsonschema PyYAML 2>/dev/null \
	  || $(PYTHON) -m pip install -q --break-system-packages jsonschema PyYAML; \
	}

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The end-to-end tests run the release binary: the one `make demo` and users run, and fast enough to keep up
# with a default mosquitto's 20-in-flight window over MQTT 3.1.1 (see README, "Holds up under load").
test: build
	$(SWIFT) build -c release
	$(SWIFT) build --build-tests
	@# Every temporary file of the run (tests, brokers, scripts) goes under one directory, removed at the end
	@# whatever the outcome; 755 so that mosquitto, which drops to its own user, can reach its files in it.
	@dir=$$(mktemp -d /tmp/mqtt-dumper-tests.XXXXXX) && chmod 755 $$dir && \
	  TMPDIR=$$dir MQTT_DUMPER_BIN=$(CURDIR)/$(BIN_RELEASE) $(SWIFT) test --skip-build; \
	  status=$$?; rm -rf $$dir; exit $$status

demo: release
	bash scripts/demo.sh $(BIN_RELEASE)

bench benchmarks: release
	@# The capture benchmark publishes QoS 1 and 2 with paho-mqtt 2 (Debian 12 packages only 1.6).
	@python3 -c 'import paho.mqtt.enums' 2>/dev/null || python3 -m pip install -q -r benchmarks/requirements.txt \
	  || python3 -m pip install -q --break-system-packages -r benchmarks/requirements.txt
	bash benchmarks/capture.sh $(BIN_RELEASE)
	bash benchmarks/format.sh $(BIN_RELEASE)
	bash benchmarks/replay.sh $(BIN_RELEASE)
	bash benchmarks/simulate.sh $(BIN_RELEASE)
	bash benchmarks/merge.sh $(BIN_RELEASE)
	bash benchmarks/durability.sh $(BIN_RELEASE)
	bash benchmarks/analysis.sh $(BIN_RELEASE)

# Installing: the release binary, its man page and bash/zsh/fish completions under $(DESTDIR)$(PREFIX).
# The man page and completions are generated into .build/share (ignored), never into the repository.
PREFIX ?= /usr/local
DESTDIR ?=
GEN := .build/share
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
# The directories install had to create, so that uninstall removes those and no others (Debian ships an empty
# /usr/local/share/man, for one).
DIRLIST := $(DESTDIR)$(PREFIX)/share/mqtt-dumper/created-directories
INSTALLED := $(BINDIR)/mqtt-dumper $(MANDIR)/mqtt-dumper.1 $(BASHDIR)/mqtt-dumper $(ZSHDIR)/_mqtt-dumper \
  $(FISHDIR)/mqtt-dumper.fish $(DIRLIST)

# One page, mqtt-dumper.1, with every subcommand in it: `man mqtt-dumper` then finds all of it, the way the
# README reads (--multi-page would name the others mqtt-dumper.capture.1 …, which `man mqtt-dumper-capture` misses).
man: release
	@mkdir -p $(GEN)/man
	$(SWIFT) package --allow-writing-to-directory $(GEN)/man generate-manual --output-directory $(GEN)/man

completions: release
	@mkdir -p $(GEN)/completions
	$(BIN_RELEASE) --generate-completion-script bash > $(GEN)/completions/mqtt-dumper
	$(BIN_RELEASE) --generate-completion-script zsh > $(GEN)/completions/_mqtt-dumper
	$(BIN_RELEASE) --generate-completion-script fish > $(GEN)/completions/mqtt-dumper.fish

install: release man completions
	@created=""; for d in $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR) $(dir $(DIRLIST)); do \
	  d=$${d%/}; while [ -n "$$d" ] && [ "$$d" != "$(patsubst %/,%,$(DESTDIR))" ] && [ ! -e "$$d" ]; do created="$$created $${d#$(DESTDIR)}"; d=$$(dirname "$$d"); done; \
	done; \
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR) $(dir $(DIRLIST)) && \
	{ cat $(DIRLIST) 2>/dev/null; for d in $$created; do echo "$$d"; done; } | sort -u > $(DIRLIST).new && \
	mv $(DIRLIST).new $(DIRLIST)
	install -m 755 $(BIN_RELEASE) $(BINDIR)/mqtt-dumper
	install -m 644 $(GEN)/man/mqtt-dumper.1 $(MANDIR)/mqtt-dumper.1
	install -m 644 $(GEN)/completions/mqtt-dumper $(BASHDIR)/mqtt-dumper
	install -m 644 $(GEN)/completions/_mqtt-dumper $(ZSHDIR)/_mqtt-dumper
	install -m 644 $(GEN)/completions/mqtt-dumper.fish $(FISHDIR)/mqtt-dumper.fish

# The files, then the directories install created (deepest first, and only when empty).
uninstall:
	@dirs=$$(sort -r $(DIRLIST) 2>/dev/null); \
	echo rm -f $(INSTALLED); rm -f $(INSTALLED); \
	for d in $$dirs; do rmdir "$(DESTDIR)$$d" 2>/dev/null && echo "rmdir $(DESTDIR)$$d"; done; true

# Installs into a temporary PREFIX, checks what is there, uninstalls and checks that nothing is left.
check-install:
	MAKE="$(MAKE)" bash scripts/check_install.sh

# The shipped captures, made deterministically.
captures: build
	bash scripts/make_captures.sh $(BIN_DEBUG)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

# 0 findings, or it fails (CI runs it before the tests).
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build
