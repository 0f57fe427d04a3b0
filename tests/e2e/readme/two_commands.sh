#!/usr/bin/env bash
# The first command of README.md's "Two commands", run as written from the
# checkout's root: it installs asl-lsp with cargo and checks examples/,
# which has errors to show (exit code 1). Cargo installs into a temporary
# root whose bin folder is put first on PATH, as ~/.cargo/bin is.
set -uo pipefail
cd "$(dirname "$0")/../../.."
command=$(python3 - <<'PY'
import re
readme = open("README.md").read()
section = readme.split("\n## Two commands\n", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
print(blocks[0].strip())
PY
)
[ -n "$command" ] || { echo "FAIL README: no sh block under 'Two commands'"; exit 1; }
install_root=$(mktemp -d)
trap 'rm -rf "$install_root"' EXIT
echo "\$ $command"
output=$(CARGO_INSTALL_ROOT=$install_root PATH="$install_root/bin:$PATH" bash -c "$command" 2>&1)
rc=$?
echo "$output" | tail -3
if [ $rc -ne 1 ]; then
    echo "FAIL README first command: exit code $rc, expected 1 (findings)"
    exit 1
fi
if ! echo "$output" | grep -qE '^[0-9]+ error\(s\), [0-9]+ warning\(s\)'; then
    echo "FAIL README first command: no summary line"
    exit 1
fi
[ -x "$install_root/bin/asl-lsp" ] || { echo "FAIL README first command: asl-lsp was not installed"; exit 1; }
echo "PASS README first command installs asl-lsp and checks examples/ (exit 1, findings shown)"
