# Several tide processes on one data folder: runs in one session take
# turns and are all recorded; runs in different sessions go on at once.

# The [start, end] wall times a run printed.
interval() {
  python3 -c "import json,sys; o=json.loads(sys.argv[1])['output'].split(); print(o[0], o[1])" "$1"
}

slow_program() {
  cat >"$1" <<'PY'
import time
a = time.time()
time.sleep(1.5)
print(a, time.time())
PY
}

test_two_runs_in_one_session_take_turns() {
  run_tide session new python --json
  slow_program "$(json_get "$OUT" 'j["folder"]')/main.py"
  "$TIDE" run --session 1 main.py >"$T/a" 2>"$T/a.err" </dev/null &
  a=$!
  "$TIDE" run --session 1 main.py >"$T/b" 2>"$T/b.err" </dev/null &
  b=$!
  wait $a || fail "run a failed: $(cat "$T/a.err")"
  wait $b || fail "run b failed: $(cat "$T/b.err")"
  run_tide history 1 --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 2 "both runs are recorded"
  run_tide result "$(json_get "$OUT" 'j["runs"][0]["id"]')" --json
  read -r s2 e2 <<<"$(interval "$OUT")"
  run_tide history 1 --json
  run_tide result "$(json_get "$OUT" 'j["runs"][1]["id"]')" --json
  read -r s1 e1 <<<"$(interval "$OUT")"
  python3 -c "import sys; s1,e1,s2,e2=map(float,sys.argv[1:]); sys.exit(0 if e1 <= s2 or e2 <= s1 else 1)" \
    "$s1" "$e1" "$s2" "$e2" || fail "the runs overlapped: [$s1, $e1] and [$s2, $e2]"
}

test_runs_in_different_sessions_go_on_at_once() {
  run_tide session new python --json
  slow_program "$(json_get "$OUT" 'j["folder"]')/main.py"
  run_tide session new python --json
  slow_program "$(json_get "$OUT" 'j["folder"]')/main.py"
  "$TIDE" run --session 1 main.py --json >"$T/a" 2>"$T/a.err" </dev/null &
  a=$!
  "$TIDE" run --session 2 main.py --json >"$T/b" 2>"$T/b.err" </dev/null &
  b=$!
  wait $a || fail "run a failed: $(cat "$T/a.err")"
  wait $b || fail "run b failed: $(cat "$T/b.err")"
  read -r s1 e1 <<<"$(interval "$(cat "$T/a")")"
  read -r s2 e2 <<<"$(interval "$(cat "$T/b")")"
  python3 -c "import sys; s1,e1,s2,e2=map(float,sys.argv[1:]); sys.exit(0 if s1 < e2 and s2 < e1 else 1)" \
    "$s1" "$e1" "$s2" "$e2" || fail "runs of two sessions did not overlap: [$s1, $e1] and [$s2, $e2]"
  run_tide history --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 2
}

test_rm_and_gc_wait_for_a_run_in_progress() {
  run_tide session new python --json
  slow_program "$(json_get "$OUT" 'j["folder"]')/main.py"
  "$TIDE" run --session 1 main.py >"$T/a" 2>&1 </dev/null &
  a=$!
  sleep 0.5
  run_tide session rm 1
  expect_rc 1
  expect_contains "$ERR" "a run is in progress in session 1"
  wait $a || fail "the run failed: $(cat "$T/a")"
  run_tide history 1 --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 1
  run_tide session rm 1
  expect_rc 0
}

# A run waiting its turn says so (a silent wait looks like a hang), and a
# signal stops it at once: it never starts, nothing is recorded of it, and
# tide ends by that signal as for a run it stopped.
test_a_run_waiting_its_turn_says_so_and_a_signal_stops_it_at_once() {
  run_tide session new python --json
  printf 'import time\ntime.sleep(5)\n' >"$(json_get "$OUT" 'j["folder"]')/main.py"
  "$TIDE" run -q --session 1 main.py </dev/null &
  local a=$!
  sleep 0.5
  "$TIDE" run --session 1 main.py >"$T/b" 2>"$T/b.err" </dev/null &
  local b=$!
  local i=0
  while ! grep -q waiting "$T/b.err" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  expect_eq "$(cat "$T/b.err")" "tide: waiting for the run in progress in session 1 to finish" "the notice"
  # --json and -q say nothing while they wait (stderr is the program's).
  "$TIDE" run --json --session 1 main.py >"$T/c" 2>"$T/c.err" </dev/null &
  local c=$!
  sleep 0.5
  kill -TERM $b $c
  local start=$(date +%s%N)
  RC=0
  wait $b || RC=$?
  expect_rc 143 "the waiting run stopped by SIGTERM"
  RC=0
  wait $c || RC=$?
  expect_rc 143 "the waiting --json run stopped by SIGTERM"
  [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ] || fail "the waiting runs took more than 2 s to stop"
  kill -0 $a 2>/dev/null || fail "the first run ended before the waiting ones stopped: nothing was shown"
  expect_contains "$(cat "$T/b.err")" "tide: killed: stopped while waiting for the run in progress in session 1 to finish; it did not start"
  expect_eq "$(cat "$T/c.err")" ""
  expect_eq "$(json_get "$(cat "$T/c")" '[j["status"], j["result_id"], j["execution_time"]]')" '["killed", null, 0.0]'
  wait $a || fail "the first run failed"
  run_tide history 1 --json
  expect_eq "$(json_get "$OUT" '[r["status"] for r in j["runs"]]')" '["ok"]' "only the run that ran is recorded"
}

# A run that ends while another process writes the database (another
# session's run being recorded: its search index can hold the lock for a
# while) waits its turn to be recorded: here 12 s, past the 10 s the rest
# of tide waits.
test_a_run_waits_for_the_database_rather_than_lose_its_record() {
  printf 'print("kept")\n' >a.py
  run_tide run a.py
  expect_rc 0
  python3 - "$XDG_DATA_HOME/tide/tide.db" "$T/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(12)
c.execute("COMMIT")
PY
  local holder=$!
  local i=0
  while [ ! -e "$T/locked" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
  run_tide run --json a.py
  wait $holder
  expect_rc 0 "$OUT"
  expect_eq "$(json_get "$OUT" '[j["output"], j["notes"], j["result_id"] is not None]')" '["kept\n", [], true]'
  run_tide history --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 2 "both runs are recorded"
}
