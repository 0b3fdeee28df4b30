# mqtt-dumper: `make demo` and `make test` install what is missing, build, and run.
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
DEBS := libmosquitto-dev zlib1g-dev mosquitto mosquitto-clients jq openssl strace python3 python3-pip
PYTHON ?= python3
BIN_DEBUG := .build/debug/mqtt-dumper
BIN_RELEASE := .build/release/mqtt-dumper

.PHONY: deps build release test demo bench benchmarks captures format lint clean

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

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The end-to-end tests run the release binary: the one `make demo` and users run, and fast enough to keep up
# with a default mosquitto's 20-in-flight window over MQTT 3.1.1 (see README, "Holds up under load").
test: build
	$(SWIFT) build -c release
	$(SWIFT) build --build-tests
	MQTT_DUMPER_BIN=$(CURDIR)/$(BIN_RELEASE) $(SWIFT) test --skip-build

demo: release
	bash scripts/demo.sh $(BIN_RELEASE)

bench benchmarks: release
	@# The capture benchmark publishes QoS 1 and 2 with paho-mqtt 2 (Debian 12 packages only 1.6).
	@python3 -c 'import paho.mqtt.enums' 2>/dev/null || python3 -m pip install -q -r benchmarks/requirements.txt \
	  || python3 -m pip install -q --break-system-packages -r benchmarks/requirements.txt
	bash benchmarks/capture.sh $(BIN_RELEASE)
	bash benchmarks/format.sh $(BIN_RELEASE)
	bash benchmarks/replay.sh $(BIN_RELEASE)
	bash benchmarks/durability.sh $(BIN_RELEASE)

# The shipped captures, made deterministically.
captures: build
	bash scripts/make_captures.sh $(BIN_DEBUG)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

clean:
	rm -rf .build
