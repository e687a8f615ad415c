# A kill -9 at any point of a recorded run leaves a database that passes
# PRAGMA integrity_check and a git folder git fsck accepts, and the next
# run records as usual.

integrity() {
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])" \
    "$XDG_DATA_HOME/tide/tide.db"
}

runs() {
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from code_results').fetchone()[0])" \
    "$XDG_DATA_HOME/tide/tide.db"
}

check_intact() {
  expect_eq "$(integrity)" ok "PRAGMA integrity_check ($1)"
  git --git-dir="$XDG_DATA_HOME/tide/sessions/1/git" fsck --no-progress >"$T/fsck" 2>&1 ||
    fail "git fsck after $1: $(cat "$T/fsck")"
}

# No process of the killed run may survive it.
no_leftover() {
  local marker=$1 i
  for i in $(seq 50); do
    pgrep -f "$marker" >/dev/null || return 0
    sleep 0.1
  done
  fail "a process of the killed run survived: $(pgrep -af "$marker")"
}

test_kill_during_a_run() {
  run_tide session new python --json
  folder=$(json_get "$OUT" 'j["folder"]')
  cat >"$folder/main.py" <<'PY'
import time
print("started", flush=True)
time.sleep(60)
PY
  "$TIDE" run --session 1 main.py -- tide_crash_marker_run >"$T/out" 2>&1 </dev/null &
  pid=$!
  for i in $(seq 150); do grep -q started "$T/out" 2>/dev/null && break; sleep 0.1; done
  grep -q started "$T/out" || { kill -9 $pid; fail "the run did not start: $(cat "$T/out")"; }
  kill -9 $pid
  wait $pid 2>/dev/null || true
  no_leftover tide_crash_marker_run
  check_intact "a kill during the run"
  expect_eq "$(runs)" 0 "a killed run is not half-recorded"
  # The next run records as usual, and git has its files.
  printf 'print("after")\n' >"$folder/main.py"
  run_tide run --session 1 main.py
  expect_rc 0
  expect_eq "$OUT" after
  expect_eq "$(runs)" 1
  check_intact "the run after the kill"
  run_tide gc
  expect_rc 0
  [ -z "$(ls -A "$XDG_DATA_HOME/tide/sessions/1/generated" | grep '^\.run-')" ] || fail "gc left a killed run's folder"
}

test_kill_during_snapshot_and_commit() {
  run_tide session new python --json
  folder=$(json_get "$OUT" 'j["folder"]')
  printf 'print("ok")\n' >"$folder/main.py"
  # Enough files that taking the snapshot takes a while: kills at growing
  # delays land before, in and after it.
  python3 - "$folder" <<'PY'
import os, sys
for i in range(3000):
    d = os.path.join(sys.argv[1], "data", str(i % 30))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.txt"), "wb") as f:
        f.write(os.urandom(4096))
PY
  for delay in 0.02 0.05 0.1 0.2 0.3 0.5 0.8 1.2; do
    # Change every file so each attempt hashes everything again.
    python3 - "$folder" <<'PY'
import os, sys
for root, _, files in os.walk(os.path.join(sys.argv[1], "data")):
    for n in files:
        with open(os.path.join(root, n), "r+b") as f:
            f.write(os.urandom(16))
PY
    "$TIDE" run --session 1 main.py >/dev/null 2>&1 </dev/null &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    check_intact "a kill after ${delay}s"
  done
  before=$(runs)
  run_tide run --session 1 main.py
  expect_rc 0
  expect_eq "$OUT" ok
  expect_eq "$(runs)" $((before + 1)) "the run after the kills is recorded"
  run_tide history 1 --json
  commit=$(json_get "$OUT" 'j["runs"][0]["commit"]')
  [ "$commit" != null ] || fail "the run after the kills has no snapshot"
  git --git-dir="$XDG_DATA_HOME/tide/sessions/1/git" cat-file -e "$commit" || fail "its commit is missing"
  check_intact "the final run"
}

test_lock_files_a_killed_commit_left_are_cleared() {
  run_tide session new python
  run_tide run --session 1 main.py
  git_dir=$XDG_DATA_HOME/tide/sessions/1/git
  # What a process killed while writing the index and moving the branch
  # leaves behind.
  : >"$git_dir/index.lock"
  : >"$git_dir/refs/heads/main.lock"
  printf 'print("changed")\n' >"$XDG_DATA_HOME/tide/sessions/1/files/main.py"
  run_tide run --session 1 main.py
  expect_rc 0
  expect_not_contains "$ERR" "not in git"
  run_tide history 1 --json
  expect_eq "$(json_get "$OUT" 'j["runs"][0]["commit"] != j["runs"][1]["commit"]')" true
  expect_eq "$(git --git-dir="$git_dir" rev-parse main)" "$(json_get "$OUT" 'j["runs"][0]["commit"]')"
  check_intact "stale locks"
}

# A power cut empties the git files written and not yet on disk (objects,
# index, branch; tide does not fsync them, the database is what stays
# whole).  The runs after it are snapshotted whole again, and say the
# history before is damaged; before, every later run of the session was
# left out of git.
test_git_files_a_power_cut_emptied_are_written_again() {
  run_tide session new python
  printf 'print("one")\n' >"$XDG_DATA_HOME/tide/sessions/1/files/main.py"
  printf 'data\n' >"$XDG_DATA_HOME/tide/sessions/1/files/data.txt"
  run_tide run --session 1 main.py
  expect_rc 0 "$ERR"
  git_dir=$XDG_DATA_HOME/tide/sessions/1/git
  find "$git_dir/objects" "$git_dir/refs" "$git_dir/index" -type f -exec truncate -s 0 {} +
  printf 'print("two")\n' >"$XDG_DATA_HOME/tide/sessions/1/files/main.py"
  run_tide run --session 1 main.py
  expect_rc 0 "$ERR"
  expect_eq "$OUT" two
  expect_not_contains "$ERR" "not in git"
  expect_contains "$ERR" "tide: note: the session's earlier snapshots are damaged"
  expect_contains "$ERR" "this one is whole"
  run_tide checkout 2 --to "$T/back"
  expect_rc 0 "$ERR"
  expect_eq "$(cat "$T/back/main.py") $(cat "$T/back/data.txt")" 'print("two") data'
  expect_eq "$(integrity)" ok
  # The next run is a run like any other.
  run_tide run --session 1 main.py
  expect_rc 0
  expect_not_contains "$ERR" "note"
}
