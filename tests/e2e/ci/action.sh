#!/usr/bin/env bash
# The composite action (action.yml) run locally: each `run:` step of it
# executes scripts/action.sh with the environment GitHub would give it
# (GITHUB_ACTION_PATH, GITHUB_OUTPUT, the inputs' defaults), on a copy of
# examples/ and on a clean project. The upload step is GitHub's own
# action; the SARIF it would upload is checked to be there and to parse.
#   action.sh ROOT      (asl-lsp on PATH, so the install step keeps it)
set -uo pipefail
root=${1:?usage: action.sh ROOT}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
check() {
  local what=$1
  shift
  if "$@"; then echo "PASS $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
# The steps action.yml runs, in order, as written there.
steps=$(grep -o 'scripts/action.sh" [a-z]*' "$root/action.yml" | awk '{print $2}' | tr '\n' ' ')
check "action.yml runs install, check and result through scripts/action.sh" test "$steps" = "install check result "

run_action() { # run_action DIR [fail-on-findings]: the action's steps in DIR
  local dir=$1 fail=${2:-true} code
  export GITHUB_ACTION_PATH=$root GITHUB_OUTPUT=$dir/.github-output
  : > "$GITHUB_OUTPUT"
  (cd "$dir" && bash "$root/scripts/action.sh" install) || return 10
  (cd "$dir" && ASL_LSP_PATHS=. ASL_LSP_ARGS= ASL_LSP_SARIF=asl-lsp.sarif bash "$root/scripts/action.sh" check) \
    > "$dir/.check.log" 2>&1 || return 11
  code=$(sed -n 's/^exit-code=//p' "$GITHUB_OUTPUT")
  (cd "$dir" && ASL_LSP_EXIT=$code ASL_LSP_FAIL=$fail bash "$root/scripts/action.sh" result)
}

mkdir -p "$work/findings" && cp -r "$root/examples/." "$work/findings/" && git -C "$work/findings" init -q
run_action "$work/findings"
code=$?
check "examples/: the action fails on their errors" test "$code" -eq 1
check "the SARIF report is written and valid JSON with results" \
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; sys.exit(0 if r["results"] else 1)' "$work/findings/asl-lsp.sarif"
check "exit-code is an output" grep -qx 'exit-code=1' "$work/findings/.github-output"
check "findings are annotated too" grep -q '^::error file=orders/orders.asl.json,line=17' "$work/findings/.check.log"
run_action "$work/findings" false
check "fail-on-findings: false passes" test $? -eq 0

mkdir -p "$work/clean" && git -C "$work/clean" init -q
cp "$root/tests/e2e/ci/clean.asl.json" "$work/clean/flow.asl.json"
cp "$root/tests/e2e/ci/clean.policy.json" "$work/clean/flow.policy.json"
run_action "$work/clean"
check "a clean project passes" test $? -eq 0
check "its SARIF has no results" \
  python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["runs"][0]["results"] == [] else 1)' "$work/clean/asl-lsp.sarif"
[ "$fails" -eq 0 ]
