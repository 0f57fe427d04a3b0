#!/usr/bin/env bash
# Helix in a detached tmux pane, with editors/helix/languages.toml as its
# configuration and `asl-lsp` from PATH. Checks what is on screen (hover,
# code action menu, the edit) and, from Helix's -vvv log, the exact
# diagnostics the server published.
#   test.sh FILE    env HX: command that runs Helix; EDITORS_HELIX: editors/helix
# Exit status: 0 pass, 1 a failed check.
set -u

# What the test expects.
EXPECTED_CODES='sync-missing-events-permissions unscoped-lambda-invoke'
FIX_LINE=7 # 1-based line of the Lambda task's Resource: hover and the quick fix there
HOVER_TEXT='Task Validate order'
FIX_CODE=unscoped-lambda-invoke
FIX_TITLE='Scope lambda:InvokeFunction to the invoked functions'
FIXED_FILE=orders/orders.policy.json
FIXED_TEXT='function:ValidateOrder:*'

file=$1
# A Terraform file: only that asl-lsp attaches (beside terraform-ls, if
# installed) and publishes its findings, shown inline.
if [[ $file == *.tf ]]; then
  EXPECTED_CODES='logging-disabled unscoped-lambda-invoke'
  terraform=1
fi
here=$(mktemp -d)
session=asl-lsp-hx-$$
log=$here/helix.log
fails=0
mkdir -p "$here/config/helix"
cp "$EDITORS_HELIX/languages.toml" "$here/config/helix/languages.toml"
cat > "$here/config/helix/config.toml" << 'TOML'
[editor]
end-of-line-diagnostics = "hint"
[editor.inline-diagnostics]
cursor-line = "hint"
other-lines = "hint"
TOML

screen() { tmux capture-pane -p -t "$session"; }
pass() { echo "PASS $*"; }
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}
# wait_for SECONDS WHAT PREDICATE...: polls PREDICATE until it holds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  while ((SECONDS < deadline)); do
    "$@" && { pass "$what"; return 0; }
    sleep 0.2
  done
  fail "$what"
  screen | sed 's/^/  | /'
  return 1
}
on_screen() { screen | grep -qF -- "$1"; }
# The codes of the last diagnostics the server published for FILE.
published_codes() {
  python3 - "$log" "$1" << 'PY'
import json, re, sys
log, name = sys.argv[1], sys.argv[2]
last = None
for line in open(log, errors="replace"):
    m = re.search(r'<- (\{.*\})\s*$', line)
    if not m or "publishDiagnostics" not in line:
        continue
    try:
        msg = json.loads(m.group(1))
    except ValueError:
        continue
    params = msg.get("params", {})
    if params.get("uri", "").endswith("/" + name):
        last = params["diagnostics"]
if last is not None:
    print(" ".join(sorted({str(d.get("code")) for d in last})))
PY
}
has_codes() { [ "$(published_codes "$(basename "$file")")" = "$1" ]; }
lacks_code() {
  local codes
  codes=$(published_codes "$(basename "$file")")
  [ -n "$codes" ] || return 1
  [[ " $codes " != *" $1 "* ]]
}

XDG_CONFIG_HOME=$here/config XDG_CACHE_HOME=$here/cache \
  tmux new-session -d -s "$session" -x 160 -y 40 \
  "XDG_CONFIG_HOME=$here/config XDG_CACHE_HOME=$here/cache ASL_LSP_LOG=asl_lsp=debug $HX -vvv --log $log $file"

wait_for 20 "asl-lsp published $EXPECTED_CODES for $file" has_codes "$EXPECTED_CODES"
wait_for 10 'the finding is shown inline' on_screen 'lambda:InvokeFunction is allowed on "*"'
if [ -n "${terraform:-}" ]; then
  tmux send-keys -t "$session" ':quit-all!' Enter
  sleep 0.3
  tmux kill-session -t "$session" 2> /dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$here"
  echo "$fails failure(s)"
  exit $((fails > 0))
fi

# Cursor into the Resource value: line FIX_LINE, past ': "'.
tmux send-keys -t "$session" ":$FIX_LINE" Enter f: 'f"' l
tmux send-keys -t "$session" Space k
wait_for 10 "hover shows \"$HOVER_TEXT\"" on_screen "$HOVER_TEXT"
tmux send-keys -t "$session" Escape

tmux send-keys -t "$session" Space a
if wait_for 10 "code action \"$FIX_TITLE\" listed" on_screen "$FIX_TITLE"; then
  tmux send-keys -t "$session" Enter
fi
tmux send-keys -t "$session" ':write-all' Enter
wait_for 10 "$FIXED_FILE now lists the invoked function" grep -qF -- "$FIXED_TEXT" "$FIXED_FILE"
wait_for 20 "$FIX_CODE is gone from $file" lacks_code "$FIX_CODE"

tmux send-keys -t "$session" ':quit-all!' Enter
sleep 0.3
tmux kill-session -t "$session" 2> /dev/null
if ((fails > 0)); then
  # What asl-lsp was sent and logged (its stderr, at debug level), in order.
  echo "-- asl-lsp's side (from the helix log):"
  grep -E 'asl-lsp err <-|-> \{"jsonrpc":"2.0","method":"(textDocument/did|workspace/did)' "$log" |
    grep -v vscode-json | cut -c1-300 | tail -60
  echo "-- helix log (tail):"
  tail -20 "$log"
fi
[ -n "${KEEP:-}" ] || rm -rf "$here"; echo "log: $log"
echo "$fails failure(s)"
exit $((fails > 0))
