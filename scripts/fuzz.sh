#!/usr/bin/env bash
# Coverage-guided fuzzing of asl-lsp's readers, analysis and fixer with
# cargo-fuzz (libFuzzer). The targets are in fuzz/fuzz_targets/:
#
#   json yaml hcl     the front ends (spans stay inside the text)
#   policy            the IAM policy reader, then a one-task analysis
#   cloudformation    a CloudFormation/SAM template (YAML or JSON) analysed
#   terraform         a Terraform file analysed
#   analysis          the whole analysis over a small file set
#   fixer             every preferred fix applied, then re-parsed and
#                     re-analysed (a file that parsed must still parse)
#
# FUZZ_SEED=N fixes libFuzzer's random seed (0, the default, picks one).
# CI uses a fixed seed so that its runs start alike; they can still part
# ways (timing, and the order of hash maps in the code under test), so a
# fixed seed narrows what CI explores to a repeatable start, not a replay.
#
# Usage:
#   scripts/fuzz.sh TARGET SECONDS   fuzz one target for SECONDS
#   scripts/fuzz.sh all SECONDS      fuzz each target in turn, SECONDS each
#   scripts/fuzz.sh seed             only (re)build the seed corpora
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). cargo-fuzz builds
# with nightly-only compiler flags (`-Zsanitizer`, sancov passes); this
# machine and CI have one stable toolchain, so the build runs with
# RUSTC_BOOTSTRAP=1, which lets a stable compiler accept them. The code
# under test is safe Rust, so no sanitizer is compiled in (`-s none`):
# libFuzzer still catches panics, stack overflows, timeouts (10 s per
# input) and memory over 2 GiB, and debug assertions (overflow checks) are
# on.
#
# Seeds are copied at run time into fuzz/corpus/TARGET (not committed):
# tests/fixtures, the rule fixtures in tests/rules and, when present, the
# shared corpus beside the checkout (../shared/corpus). The analysis and
# fixer targets take one fixture folder per input, packed as NUL-separated
# chunks of "relative/path\n" + text (see fuzz/src/lib.rs). Crashing inputs
# land in fuzz/artifacts/TARGET (copied to tests/fixtures/fuzz/TARGET/, an
# input becomes a regression test: tests/fuzz_regressions.rs replays each
# through its target's checks); the final line libFuzzer prints
# (stat::number_of_executed_units) says how many inputs ran.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
targets=(json yaml hcl policy cloudformation terraform analysis fixer)
export RUSTC_BOOTSTRAP=1

usage() {
    sed -n '18,20p' "$0" >&2
    exit 2
}

# Sources of seeds: every folder that exists.
sources() {
    for dir in tests/fixtures tests/rules ../shared/corpus; do
        [ -d "$dir" ] && echo "$dir"
    done
    return 0
}

# Copies the files matching find's arguments into corpus $1, one file per
# seed, named by content so reruns add nothing twice.
copy_seeds() {
    local corpus=fuzz/corpus/$1 prefix=$2
    shift 2
    mkdir -p "$corpus"
    # shellcheck disable=SC2046
    find $(sources) -type f -size -512k "$@" -print0 |
        while IFS= read -r -d '' file; do
            local tmp
            tmp=$(mktemp)
            printf '%s' "$prefix" >"$tmp"
            cat "$file" >>"$tmp"
            mv "$tmp" "$corpus/$(sha1sum <"$tmp" | cut -c1-40)"
        done
}

# Packs each folder holding a definition, template or Terraform file (with
# its subfolders, at most 8 files) into one seed of corpus $1.
pack_folders() {
    local corpus=fuzz/corpus/$1
    mkdir -p "$corpus"
    # shellcheck disable=SC2046
    find $(sources) -type f \( -name '*.asl.json' -o -name '*.asl.yaml' -o -name 'template.yaml' \
        -o -name 'template.yml' -o -name '*.template.json' -o -name 'main.tf' \) -printf '%h\n' |
        sort -u | while IFS= read -r dir; do
            local tmp
            tmp=$(mktemp)
            (cd "$dir" && find . -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.tf' \) \
                -size -128k | sort | head -n 8) | while IFS= read -r file; do
                printf '%s\n' "${file#./}" >>"$tmp"
                cat "$dir/$file" >>"$tmp"
                printf '\0' >>"$tmp"
            done
            if [ -s "$tmp" ]; then
                mv "$tmp" "$corpus/$(sha1sum <"$tmp" | cut -c1-40)"
            else
                rm -f "$tmp"
            fi
        done
}

seed() {
    case $1 in
    json) copy_seeds json '' -name '*.json' ;;
    yaml) copy_seeds yaml '' \( -name '*.yaml' -o -name '*.yml' \) ;;
    hcl | terraform) copy_seeds "$1" '' -name '*.tf' ;;
    policy) copy_seeds policy '' \( -name '*.policy.json' -o -path '*policy*' -name '*.json' \) ;;
    cloudformation)
        copy_seeds cloudformation Y \( -name '*.yaml' -o -name '*.yml' \) ! -name '*.asl.yaml'
        copy_seeds cloudformation J -name '*.template.json'
        ;;
    analysis | fixer) pack_folders "$1" ;;
    *) usage ;;
    esac
}

run() {
    local target=$1 seconds=$2
    seed "$target"
    echo "fuzz: $target for ${seconds}s ($(find "fuzz/corpus/$target" -type f | wc -l) inputs in the corpus)"
    mkdir -p "fuzz/artifacts/$target"
    # cargo-fuzz runs from fuzz/, so paths are given absolute.
    local status=0
    (cd fuzz && cargo fuzz run --sanitizer none "$target" "$root/fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$root/fuzz/artifacts/$target/") >"fuzz/artifacts/$target.log" 2>&1 || status=$?
    grep -E '^(stat::|==|SUMMARY|Done|INFO: Running|artifact_prefix|Test unit)|panicked|ERROR|exited with signal' \
        "fuzz/artifacts/$target.log" || true
    # A crash libFuzzer could not catch (a signal) leaves no artifact and no
    # final statistics: a failed exit or missing statistics fail the run.
    if [ "$status" -ne 0 ] ||
        ! grep -q 'stat::number_of_executed_units' "fuzz/artifacts/$target.log" ||
        grep -qE 'ERROR: libFuzzer|panicked at|deadly signal|Test unit written|exited with signal' "fuzz/artifacts/$target.log"; then
        echo "fuzz: $target FAILED; see fuzz/artifacts/$target.log" >&2
        return 1
    fi
    echo "fuzz: $target ok, $(grep -o 'stat::number_of_executed_units: [0-9]*' "fuzz/artifacts/$target.log" | grep -o '[0-9]*$') executions"
}

[ $# -ge 1 ] || usage
command -v cargo-fuzz >/dev/null || {
    echo "fuzz: cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
}
case $1 in
seed)
    for t in "${targets[@]}"; do seed "$t"; done
    ;;
all)
    [ $# -eq 2 ] || usage
    (cd fuzz && cargo fuzz build --sanitizer none)
    failed=0
    for t in "${targets[@]}"; do run "$t" "$2" || failed=1; done
    exit $failed
    ;;
*)
    [ $# -eq 2 ] || usage
    printf '%s\n' "${targets[@]}" | grep -qx "$1" || usage
    run "$1" "$2"
    ;;
esac
