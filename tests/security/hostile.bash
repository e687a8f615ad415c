# Helpers for the hostile-program tests (sourced by tests/security/*.sh;
# not a suite file itself).  Every test asserts the contained outcome AND,
# where it can, that the attack would have worked outside the sandbox, so a
# test cannot pass because the attack was broken.

# A marker unique to this test, to find the program's processes by.
new_marker() {
  MARK="tidemark$$x$RANDOM$RANDOM"
}

# run_tide_bg ARGS...: like run_tide, and sets TIDE_PID to tide's pid so
# the test can look for what the run left behind.
run_tide_bg() {
  local out err
  out=$(mktemp) err=$(mktemp)
  "$TIDE" "$@" >"$out" 2>"$err" </dev/null &
  TIDE_PID=$!
  RC=0
  wait "$TIDE_PID" || RC=$?
  OUT=$(cat "$out") ERR=$(cat "$err")
  rm -f "$out" "$err"
}

# No process anywhere on the machine has MARK in its command line.
expect_no_process() {
  local left
  sleep 0.2
  left=$(pgrep -af -- "$1" | grep -v pgrep || true)
  [ -z "$left" ] || { pkill -9 -f -- "$1" || true; fail "processes survived the run: $left"; }
}

# tide (pid $1) left no cgroup behind.
expect_no_cgroups() {
  local left
  left=$(find /sys/fs/cgroup -maxdepth 5 -type d -name "tide-$1-*" 2>/dev/null || true)
  [ -z "$left" ] || fail "cgroups left behind: $left"
}

# The host uid sandboxed programs run as (the user's, or a reserved one when
# tide runs as root).
sandbox_host_uid() {
  if [ "$(id -u)" = 0 ]; then echo 2147418112; else id -u; fi
}

# Every file below the current folder: names, sizes, modes, times, hashes.
snapshot() {
  find . -printf '%p %s %m %u %T@\n' | sort
  find . -type f -exec sha256sum {} + | sort
}

json_field() {
  json_get "$OUT" "j[\"$1\"]"
}
