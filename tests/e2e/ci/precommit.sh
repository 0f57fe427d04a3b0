#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml) as a user gets it: a
# temporary repository's .pre-commit-config.yaml names a snapshot of this
# checkout (its files as they are, committed in a repository of their own)
# and a rev; pre-commit from PyPI builds asl-lsp from it with cargo (once:
# the second run reuses the environment) and runs it on the staged files.
#   precommit.sh PRE_COMMIT ROOT
# Asserts: a staged definition with an error fails the commit, naming the
# finding; a good staged definition passes while a broken file that is not
# staged sits beside it (only staged files and their links are checked).
set -uo pipefail
pre_commit=${1:?usage: precommit.sh PRE_COMMIT ROOT}
root=${2:?usage: precommit.sh PRE_COMMIT ROOT}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
fails=0
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then echo "PASS $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

# The hook repository: this checkout's files (tracked and new, not ignored).
hooks=$repo.hooks
mkdir -p "$hooks"
trap 'rm -rf "$repo" "$hooks"' EXIT
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$hooks" 2> /dev/null)
git -C "$hooks" init -q && git -C "$hooks" add -A &&
  git -C "$hooks" -c user.email=ci@example.com -c user.name=ci commit -qm snapshot || exit 1
rev=$(git -C "$hooks" rev-parse HEAD)

cd "$repo" || exit 1
git init -q . && git config user.email ci@example.com && git config user.name ci
cat > .pre-commit-config.yaml << YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: asl-lsp
YAML
git add .pre-commit-config.yaml
cat > flow.asl.json << 'JSON'
{
  "StartAt": "Notify",
  "States": {
    "Notify": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sns:publish",
      "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Message": "done"},
      "End": true
    }
  }
}
JSON
cat > flow.policy.json << 'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sns:Publish"], "Resource": "arn:aws:sns:us-east-1:123456789012:alerts"}
  ]
}
JSON
# Broken: Next names no state.
sed 's/"End": true/"Next": "Missing"/' flow.asl.json > broken.asl.json

try_hook() { # the hook on what is staged, as `git commit` runs it; output in $repo.out
  "$pre_commit" run > "$repo.out" 2>&1
}

git add broken.asl.json
try_hook
code=$?
cat "$repo.out"
check "a staged definition with an error fails the hook" test "$code" -eq 1
check "the failure names the finding and the file" grep -q 'broken.asl.json:.*error\[asl-unknown-state\]' "$repo.out"

git rm -q --cached broken.asl.json
git add flow.asl.json flow.policy.json
try_hook
code=$?
cat "$repo.out"
check "a good staged definition passes, the unstaged broken one beside it unread" test "$code" -eq 0
check "the hook ran on the staged files" grep -q '^asl-lsp\.*Passed' "$repo.out"
rm -f "$repo.out"
[ "$fails" -eq 0 ]
