# Storyreel: `make demo` renders the example film, `make test` runs every check. Both install into .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXAMPLE := resources/examples/the-lighthouse-keeper.storyreel
# The demo works on a copy so the example in resources/ stays pristine (takes and narration land in the copy).
WORKCOPY := out/the-lighthouse-keeper.storyreel
export QT_QPA_PLATFORM ?= offscreen

.PHONY: demo studio test lint bench screenshots install clean package package-test

install: $(STAMP)

# torch==2.13.0 is pinned here (a CPU wheel on our machines) while pyproject.toml keeps an open range for users.
$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0 -e ".[test,dev,cluster]"
	touch $(STAMP)

$(WORKCOPY):
	mkdir -p out
	cp -R $(EXAMPLE) $(WORKCOPY)

# With the offline neural voice on disk (`storyreel models download fastrtc/kokoro-onnx`) the film is voiced
# with it; otherwise with espeak-ng, as every machine can.
demo: $(STAMP) $(WORKCOPY)
	@if $(PY) -c "from studio.voice.kokoro_model import neural_voice_ready as r; raise SystemExit(0 if r() else 1)"; \
	then echo "The neural voice is on disk: voicing the film with it."; \
	$(VENV)/bin/storyreel voice $(WORKCOPY) --provider kokoro; fi
	$(VENV)/bin/storyreel render $(WORKCOPY) -o out/demo.mp4 --subtitles srt
	@echo "The example film is in out/demo.mp4 (subtitles beside it); its project is $(WORKCOPY)."

studio: $(STAMP) $(WORKCOPY)
	QT_QPA_PLATFORM= $(VENV)/bin/storyreel studio $(WORKCOPY)

lint: $(STAMP)
	$(VENV)/bin/ruff check studio engine resources tests bench tools packaging setup.py
	$(VENV)/bin/lint-imports

# Tests marked `playback` drive Qt's real multimedia backend, so they run on an X server (Xvfb) with the xcb
# platform and a sound server (the desktop's, or a private PulseAudio with a null sink where it is installed);
# everything else runs offscreen. On a desktop session xvfb-run still gives them their own display.
# Tests marked `cluster` drive loopback Ray clusters (started and stopped by their fixtures); they run in a
# pytest process of their own after the rest. The editor's tests (tests/ui) run in one of their own too, as the app
# does: one window's process, not one that has loaded every model and fake server of the other tiers.

test: lint
	$(PY) -m pytest -q -m "not playback and not cluster and not package" --ignore=tests/ui
	$(PY) -m pytest -q -p no:cacheprovider -m "not playback and not cluster and not package" tests/ui
	$(PY) -m pytest -q -p no:cacheprovider -m cluster
	tools/sound/with_sound_server.sh xvfb-run -a env QT_QPA_PLATFORM=xcb $(PY) -m pytest -q -m playback

bench: $(STAMP)
	$(PY) bench/run_all.py

# The desktop build: dist/storyreel/, its tarball and a .deb (packaging/build.sh prints their sizes). It is made
# from this venv plus the `package` extra, so it carries the CPU PyTorch installed here.
PACKAGE_STAMP := $(VENV)/.package-installed

$(PACKAGE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet torch==2.13.0 -e ".[package]"
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	packaging/build.sh

# The built app on its own: version, a headless render of the example film, the window, and (as root) the .deb.
package-test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m package tests/packaging/test_packaged_app.py

screenshots: $(STAMP)
	$(PY) tools/screenshots/screenshots.py docs/screenshots

clean:
	rm -rf out .pytest_cache .ruff_cache
