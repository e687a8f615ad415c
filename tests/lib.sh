# Helpers for tide's shell test suites (tests/cli, tests/security,
# tests/e2e).  tests/run-suite sources this and the suite file, then runs
# every function named test_* in its own subshell, in a fresh folder with
# fresh XDG folders, so tests cannot see each other's data.
#
#   run_tide ARGS...        runs $TIDE, sets OUT, ERR and RC (never fails)
#   expect_eq A B [WHAT]    fail unless A == B
#   expect_rc N [WHAT]      fail unless RC == N
#   expect_contains S SUB   fail unless S contains SUB
#   expect_not_contains S SUB
#   expect_file PATH        fail unless PATH exists
#   fail MSG                fail the current test
#   skip MSG                end the current test as skipped (only for what
#                           this machine cannot do, and say why)

fail() {
  printf '    FAIL: %s\n' "$*" >&2
  if [ -n "${OUT+x}" ]; then printf '    stdout: %s\n' "$(printf '%s' "$OUT" | head -c 2000)" >&2; fi
  if [ -n "${ERR+x}" ]; then printf '    stderr: %s\n' "$(printf '%s' "$ERR" | head -c 2000)" >&2; fi
  exit 1
}

skip() {
  printf '    SKIP: %s\n' "$*" >&2
  exit 77
}

run_tide() {
  local out err
  out=$(mktemp) err=$(mktemp)
  RC=0
  "$TIDE" "$@" >"$out" 2>"$err" </dev/null || RC=$?
  OUT=$(cat "$out") ERR=$(cat "$err")
  rm -f "$out" "$err"
}

# Like run_tide, with stdin from a file or "-" for the caller's stdin.
run_tide_stdin() {
  local in=$1 out err
  shift
  out=$(mktemp) err=$(mktemp)
  RC=0
  if [ "$in" = - ]; then "$TIDE" "$@" >"$out" 2>"$err" || RC=$?
  else "$TIDE" "$@" >"$out" 2>"$err" <"$in" || RC=$?; fi
  OUT=$(cat "$out") ERR=$(cat "$err")
  rm -f "$out" "$err"
}

expect_eq() {
  [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

expect_rc() {
  [ "$RC" = "$1" ] || fail "${2:-exit status}: expected $1, got $RC"
}

expect_contains() {
  case "$1" in *"$2"*) ;; *) fail "expected to find '$2' in: $(printf '%s' "$1" | head -c 600)" ;; esac
}

expect_not_contains() {
  case "$1" in *"$2"*) fail "did not expect '$2' in: $(printf '%s' "$1" | head -c 600)" ;; esac
}

expect_file() {
  [ -e "$1" ] || fail "expected $1 to exist"
}

# The number of lines of a string (0 for an empty one).
count_lines() {
  if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi
}

# json_get JSON EXPR: evaluate a Python expression on the parsed value `j`.
json_get() {
  python3 -c 'import json,sys; j=json.loads(sys.argv[1]); v=eval(sys.argv[2]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1" "$2"
}
