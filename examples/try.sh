#!/usr/bin/env bash
# Try gates on the example project, in a throw-away git repository.
#
#   python -m pip install . && bash examples/try.sh
#
# 1. Copies examples/demo (a small, clean Python package whose pyproject.toml holds its
#    [tool.gates] config) into a fresh temporary git repository, plants one problem of each
#    kind from examples/planted/ (a leaked AWS key, a badly formatted file, a type error,
#    an eval(input()), a failing test, 50% coverage) and runs the three layers: each problem
#    is caught by its layer, and each layer exits 1.
# 2. Runs the clean demo through the same three layers: all of them pass.
#
# Works from any directory; needs git and gates (on PATH, or set GATES to the program to use).
# Set KEEP=1 to keep the temporary repositories for a look afterwards.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The gates to run: $GATES, else `gates` on PATH, else `python -m gates` (a `pip install .`
# whose scripts folder is not on PATH, e.g. a --user install).
if [[ -n "${GATES:-}" ]]; then
    gates=("$GATES")
elif command -v gates >/dev/null 2>&1; then
    gates=(gates)
else
    gates=()
    for python in python python3; do
        if command -v "$python" >/dev/null 2>&1 && "$python" -m gates --version >/dev/null 2>&1; then
            gates=("$python" -m gates)
            break
        fi
    done
    if [[ ${#gates[@]} == 0 ]]; then
        echo "try.sh: gates is not installed here; install it first: python -m pip install ." >&2
        exit 2
    fi
fi
if ! command -v git >/dev/null 2>&1; then
    echo "try.sh: git is needed" >&2
    exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/gates-try.XXXXXX")"
if [[ "${KEEP:-}" == 1 ]]; then
    echo "try.sh: keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# A repository of its own, with an identity of its own, so the user's git config does not matter.
new_repo() {
    local repo="$1"
    mkdir -p "$repo"
    (cd "$here/demo" && tar --exclude=__pycache__ --exclude='.*_cache' --exclude='.coverage*' \
        -cf - .) | (cd "$repo" && tar -xf -)
    git -C "$repo" init -q
    git -C "$repo" config user.name "gates example"
    git -C "$repo" config user.email "example@example.invalid"
    git -C "$repo" config commit.gpgsign false
}

commit_all() {
    git -C "$1" add -A
    git -C "$1" commit -q --no-verify -m "$2"
}

bold="" plain=""
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
    bold=$'\033[1m' plain=$'\033[0m'
fi

header() {
    printf '\n%s==> %s%s\n' "$bold" "$1" "$plain"
    shift
    printf '    $ gates %s\n\n' "$*"
}

# Runs one layer; a gate that fails (exit 1) is what we expect on the planted project.
layer() {
    local expect="$1"
    shift
    local code=0
    (cd "$repo" && "${gates[@]}" "$@") || code=$?
    if [[ "$code" != "$expect" ]]; then
        echo "try.sh: expected exit $expect from \`gates $*\`, got $code" >&2
        status=1
    else
        echo "    (exit $code, as expected)"
    fi
}

status=0

# --- 1. The demo with every planted problem --------------------------------------------------
repo="$work/planted"
new_repo "$repo"
commit_all "$repo" "the clean demo"
for problem in "$here"/planted/*/; do
    cp -R "$problem". "$repo"/
done
git -C "$repo" add -A  # staged, as they would be just before a commit

echo "gates on the demo with one planted problem of each kind (see examples/README.md):"
(cd "$repo" && git status --short)

header "pre-commit: secrets -> ruff-format, ruff-lint (the leaked key, the badly formatted file)" \
    run pre-commit --all-files --no-fail-fast
echo "    (--no-fail-fast: by default the first failed stage stops the layer; here we want to see every catch)"
layer 1 run pre-commit --all-files --no-fail-fast

header "pre-push: mypy, bandit -> tests (the type error, the eval(input()), the failing test)" \
    run pre-push --all-files --no-fail-fast
layer 1 run pre-push --all-files --no-fail-fast

commit_all "$repo" "plant the problems"
header "ci: everything, then the coverage gate and pip-audit (coverage 50% < 80%)" \
    run ci --no-fail-fast
layer 1 run ci --no-fail-fast

# --- 2. The clean demo -------------------------------------------------------------------------
repo="$work/clean"
new_repo "$repo"
commit_all "$repo" "the clean demo"

header "the clean demo: pre-commit" run pre-commit --all-files
layer 0 run pre-commit --all-files
header "the clean demo: pre-push" run pre-push --all-files
layer 0 run pre-push --all-files
header "the clean demo: ci (pip-audit warns when its service is unreachable)" run ci
layer 0 run ci

if [[ "$status" == 0 ]]; then
    printf '\nEvery planted problem was caught by its layer, and the clean demo passed all three.\n'
    echo "Next, in a project of your own: gates init && gates run pre-commit --all-files"
fi
exit "$status"
