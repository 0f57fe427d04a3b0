#!/usr/bin/env bash
# The steps of the composite GitHub Action (action.yml), kept in one script
# so they can be run and tested outside GitHub (tests/e2e/ci/action.sh):
#
#   action.sh install   asl-lsp on PATH: the one already there, else built
#                       from the action's own checkout with cargo.
#   action.sh check     asl-lsp check --format sarif over $ASL_LSP_PATHS into
#                       $ASL_LSP_SARIF, the findings also as workflow
#                       annotations; writes exit-code to $GITHUB_OUTPUT.
#   action.sh result    exits with the check's code unless
#                       $ASL_LSP_FAIL is "false" (usage errors always fail).
set -euo pipefail
step=${1:?usage: action.sh install|check|result}
action_dir=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
output=${GITHUB_OUTPUT:-/dev/null}

case $step in
install)
  if command -v asl-lsp > /dev/null; then
    echo "asl-lsp $(asl-lsp --version | awk '{print $2}') is on PATH: $(command -v asl-lsp)"
    exit 0
  fi
  root=${ASL_LSP_INSTALL_ROOT:-${RUNNER_TOOL_CACHE:-$HOME/.cache}/asl-lsp}
  cargo install --locked --path "$action_dir" --root "$root"
  echo "$root/bin" >> "${GITHUB_PATH:-/dev/null}"
  ;;
check)
  read -r -a paths <<< "${ASL_LSP_PATHS:-.}"
  read -r -a extra <<< "${ASL_LSP_ARGS:-}"
  sarif=${ASL_LSP_SARIF:-asl-lsp.sarif}
  code=0
  asl-lsp check --format sarif --output-file "$sarif" "${extra[@]}" "${paths[@]}" || code=$?
  if [ "$code" -le 1 ]; then
    # The same findings as annotations on the pull request's files.
    asl-lsp check --format github --quiet --exit-zero "${extra[@]}" "${paths[@]}" || true
  fi
  echo "exit-code=$code" >> "$output"
  echo "asl-lsp check: exit $code, SARIF in $sarif"
  # Bad usage fails here; findings fail in the last step, after the upload.
  [ "$code" -le 1 ]
  ;;
result)
  code=${ASL_LSP_EXIT:-2}
  if [ "$code" -eq 1 ] && [ "${ASL_LSP_FAIL:-true}" = "false" ]; then
    echo "asl-lsp reported errors; fail-on-findings is false"
    exit 0
  fi
  exit "$code"
  ;;
*)
  echo "action.sh: unknown step $step" >&2
  exit 2
  ;;
esac
