#!/usr/bin/env bash
# `make check-install`: installs into a fresh temporary PREFIX, checks that the man page renders, the binary
# runs and the bash completion loads, then uninstalls and checks that nothing is left.
set -euo pipefail
MAKE=${MAKE:-make}
ROOT=$(mktemp -d)
PREFIX=$ROOT/prefix
trap 'rm -rf "$ROOT"' EXIT
$MAKE --no-print-directory install PREFIX="$PREFIX" >/dev/null
for f in bin/mqtt-dumper share/man/man1/mqtt-dumper.1 share/bash-completion/completions/mqtt-dumper \
  share/zsh/site-functions/_mqtt-dumper share/fish/vendor_completions.d/mqtt-dumper.fish; do
  [ -s "$PREFIX/$f" ] || { echo "missing: $PREFIX/$f" >&2; exit 1; }
done
"$PREFIX/bin/mqtt-dumper" --version
if command -v man >/dev/null; then
  man -l "$PREFIX/share/man/man1/mqtt-dumper.1" 2>/dev/null | grep -q 'mqtt-dumper' || { echo "man page does not render" >&2; exit 1; }
fi
bash -c "source '$PREFIX/share/bash-completion/completions/mqtt-dumper'; complete -p mqtt-dumper"
$MAKE --no-print-directory uninstall PREFIX="$PREFIX" >/dev/null
if [ -e "$PREFIX" ]; then echo "left after uninstall:" >&2; find "$PREFIX" >&2; exit 1; fi
echo "install and uninstall: OK"
