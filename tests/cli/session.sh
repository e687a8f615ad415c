# Sessions as a user meets them: tide session new|list|show|rm, and the
# one-line errors of every command that takes a session or a run.

db() { python3 -c "import sqlite3,sys; c=sqlite3.connect('$XDG_DATA_HOME/tide/tide.db'); r=c.execute(sys.argv[1]).fetchall(); c.commit(); print('\n'.join('|'.join(str(x) for x in row) for row in r))" "$1"; }

test_new_session_in_every_language() {
  for lang in python node go c cpp java php rust fortran; do
    run_tide session new "$lang" --json
    expect_rc 0 "session new $lang"
    folder=$(json_get "$OUT" 'j["folder"]')
    entry=$(json_get "$OUT" 'j["entry"]')
    expect_file "$folder/$entry"
    expect_eq "$(ls -A "$folder")" "$entry" "the folder holds only the starter"
    expect_file "$(json_get "$OUT" 'j["git_dir"]')/HEAD"
    expect_eq "$(json_get "$OUT" 'j["language"]')" "$lang"
    expect_eq "$(json_get "$OUT" 'j["kind"]')" scratch
  done
  run_tide session list --json
  expect_eq "$(json_get "$OUT" 'len(j["sessions"])')" 9
}

test_new_prints_the_id_and_says_where() {
  run_tide session new python
  expect_rc 0
  expect_eq "$OUT" 1
  expect_contains "$ERR" "created Python session 1 'python-1'"
  expect_contains "$ERR" "tide run --session 1 main.py"
  run_tide session new c --name "my c"
  expect_eq "$OUT" 2
  run_tide session show "my c" --json
  expect_eq "$(json_get "$OUT" 'j["id"]')" 2
  expect_eq "$(json_get "$OUT" 'j["files"][0]["name"]')" main.c
  expect_eq "$(json_get "$OUT" 'j["files"][0]["origin"]')" user
  # As tide run and the other commands name a session, too.
  run_tide session show --session "my c" --json
  expect_eq "$(json_get "$OUT" 'j["id"]')" 2
  run_tide session show --session "my c" 1
  expect_rc 2
  expect_contains "$ERR" "session show takes one session"
  run_tide session list --session 1
  expect_rc 2
  expect_contains "$ERR" "unknown option '--session'"
  # --lang, as tide run takes it, says the same.
  run_tide session new --lang go --name g
  expect_rc 0
  expect_eq "$OUT" 3
  expect_contains "$ERR" "created Go session 3 'g'"
  run_tide session new -l rust
  expect_eq "$OUT" 4
  run_tide session new --lang c myname
  expect_rc 2
  expect_contains "$ERR" "session new takes one language"
  expect_contains "$ERR" "--name NAME names the session"
}

test_new_refuses_bad_input() {
  run_tide session new cobol
  expect_rc 2
  expect_contains "$ERR" "unknown language 'cobol' (python|node|go|c|cpp|java|php|rust|fortran)"
  run_tide session new
  expect_rc 2
  run_tide session new python --name 12
  expect_rc 1
  expect_contains "$ERR" "cannot be a number"
  run_tide session new python --name dup
  run_tide session new node --name dup
  expect_rc 1
  expect_eq "$ERR" "tide: there is already a session called 'dup' (session 1)"
  run_tide session frobnicate
  expect_rc 2
  run_tide session list --bogus
  expect_rc 2
  expect_contains "$ERR" "unknown option '--bogus'"
}

test_list_and_show() {
  run_tide session list
  expect_rc 0
  expect_contains "$OUT" "no sessions yet"
  run_tide session new go
  run_tide session new php
  run_tide session list
  expect_eq "$(count_lines "$OUT")" 3 "a header and two sessions"
  expect_contains "$(printf '%s\n' "$OUT" | sed -n 2p)" "php-2"
  run_tide session show 1
  expect_rc 0
  expect_contains "$OUT" "session 1 'go-1'"
  expect_contains "$OUT" "language   Go"
  expect_contains "$OUT" "kind       scratch"
  expect_contains "$OUT" "runs       none yet"
  expect_contains "$OUT" "main.go"
  run_tide session show 1 --json
  # Times are ISO 8601 in UTC in JSON.
  expect_contains "$(json_get "$OUT" 'j["created_at"]')" "T"
  expect_eq "$(json_get "$OUT" 'j["created_at"][-1]')" Z
  expect_eq "$(json_get "$OUT" 'j["expires_at"] > j["created_at"]')" true
}

# The tables line up when names are not ASCII: a CJK character takes two
# columns and an accented one one, whatever their bytes (printf pads by
# bytes: "日本語.py" took 12 of ENTRY's 20 and the columns after it moved).
test_tables_line_up_with_wide_names() {
  mkdir 'wörk' && cd 'wörk'
  printf 'print(1)\n' >'日本語.py'
  run_tide run '日本語.py'
  expect_rc 0
  # Each cell: the name, spaces to the column's width (its widest cell's),
  # one between cells.
  run_tide history
  expect_contains "$OUT" "python   日本語.py ok "
  # The session named as tide run takes it, too.
  run_tide history --session 'wörk'
  expect_rc 0
  expect_contains "$OUT" "日本語.py ok "
  run_tide session list
  expect_contains "$OUT" "wörk python "
  expect_contains "$OUT" "NAME LANGUAGE"
  # The names' column is as wide as its widest name (9 columns here).
  run_tide files 'wörk'
  expect_contains "$OUT" "NAME$(printf '%*s' $((9 - 4 + 1)) '')ORIGIN "
  expect_contains "$OUT" "日本語.py user "
  printf 'print(2)\n' >'a-much-longer-name-than-the-others.py'
  run_tide run 'a-much-longer-name-than-the-others.py'
  run_tide files 'wörk'
  expect_contains "$OUT" "日本語.py$(printf '%*s' $((37 - 9 + 1)) '')user "
}

test_unknown_sessions_and_runs_are_one_line() {
  for args in "session show 7" "session rm 7" "files 7" "import 7 x" "export 7 x" "history 7" "session show nosuch"; do
    # shellcheck disable=SC2086
    run_tide $args
    expect_rc 1 "tide $args"
    expect_eq "$(count_lines "$ERR")" 1 "tide $args: one line"
    expect_contains "$ERR" "no session"
  done
  for args in "result 5" "checkout 5" "diff 5 6"; do
    # shellcheck disable=SC2086
    run_tide $args
    expect_rc 1 "tide $args"
    expect_eq "$ERR" "tide: there is no run 5 (tide history lists them)"
  done
  run_tide result abc
  expect_rc 2
  expect_contains "$ERR" "'abc' is not a run id"
  run_tide history --limit x
  expect_rc 2
}

# A folder has a session per language, all named for the folder: a run
# names one by the file's language; elsewhere the name stays ambiguous.
test_a_folder_name_picks_the_session_of_the_file_language() {
  mkdir -p "$T/proj"
  printf 'print("py")\n' >"$T/proj/a.py"
  printf 'console.log("js")\n' >"$T/proj/b.js"
  (cd "$T/proj" && "$TIDE" run a.py && "$TIDE" run b.js) >/dev/null 2>&1 || fail "the first runs failed"
  run_tide run --session proj "$T/proj/a.py"
  expect_rc 0
  expect_eq "$OUT" "py"
  run_tide run --session proj "$T/proj/b.js"
  expect_rc 0
  expect_eq "$OUT" "js"
  run_tide session show proj
  expect_rc 1
  expect_contains "$ERR" "2 sessions are called 'proj' (1 python, 2 node); give the id instead"
}

test_rm_scratch_removes_everything() {
  run_tide session new python --json
  dir=$(dirname "$(json_get "$OUT" 'j["folder"]')")
  expect_file "$dir"
  run_tide session new c
  run_tide session new go --name g
  run_tide session rm --session 1 g
  expect_rc 0
  expect_eq "$OUT" "removed session 1 'python-1' and its files
removed session 3 'g' and its files"
  [ ! -e "$dir" ] || fail "$dir is still there"
  expect_eq "$(db 'select id from code_sessions')" 2
  expect_eq "$(db 'select count(*) from code_files where session_id <> 2')" 0
  run_tide session rm 1
  expect_rc 1
}

test_history_of_an_empty_store() {
  run_tide history
  expect_rc 0
  expect_eq "$OUT" "no runs recorded yet"
  run_tide history --json
  expect_eq "$(json_get "$OUT" 'j["runs"]')" "[]"
  run_tide search hello
  expect_rc 0
  expect_contains "$OUT" "no run's code or output contains 'hello'"
}

test_status_reports_what_is_kept() {
  run_tide status --json
  expect_rc 0
  expect_eq "$(json_get "$OUT" 'j["sessions"]["total"]')" 0
  expect_eq "$(json_get "$OUT" 'j["oldest_expiry"]')" null
  run_tide session new python
  run_tide status --json
  expect_eq "$(json_get "$OUT" 'j["sessions"]["scratch"]')" 1
  expect_eq "$(json_get "$OUT" 'j["runs"]')" 0
  expect_eq "$(json_get "$OUT" 'j["files"]["count"]')" 1
  expect_eq "$(json_get "$OUT" 'j["data_dir"]')" "$XDG_DATA_HOME/tide"
  expect_eq "$(json_get "$OUT" 'j["database"]["path"]')" "$XDG_DATA_HOME/tide/tide.db"
  expect_eq "$(json_get "$OUT" 'j["database"]["bytes"] > 0')" true
  expect_eq "$(json_get "$OUT" 'j["disk_bytes"] > 0')" true
  expect_eq "$(json_get "$OUT" 'j["oldest_expiry"] is not None')" true
  run_tide status
  expect_contains "$OUT" "sessions      1 (1 scratch, 0 folder)"
  expect_contains "$OUT" "data folder   $XDG_DATA_HOME/tide"
}

test_gc_removes_expired_scratch_sessions() {
  run_tide session new python --name old
  run_tide session new python --name young
  db "update code_sessions set expires_at = strftime('%s','now') - 10 where name = 'old'" >/dev/null
  run_tide gc --dry-run
  expect_rc 0
  expect_contains "$OUT" "would remove session: session 1 'old' (Python scratch session"
  [ -e "$XDG_DATA_HOME/tide/sessions/1" ] || fail "a dry run removed something"
  run_tide gc --json
  expect_eq "$(json_get "$OUT" '[i["kind"] for i in j["removed"]]')" '["session"]'
  [ ! -e "$XDG_DATA_HOME/tide/sessions/1" ] || fail "the expired session is still there"
  expect_file "$XDG_DATA_HOME/tide/sessions/2/files/main.py"
  run_tide gc
  expect_eq "$OUT" "nothing has expired"
}

# What expired goes without tide gc: a recorded run clears it, once a day.
test_runs_clear_what_expired_once_a_day() {
  printf 'print("x")\n' | "$TIDE" run -l python - >/dev/null 2>&1 || fail "the first run failed"
  db "update code_sessions set expires_at = strftime('%s','now') - 10 where id = 1" >/dev/null
  stamp=$XDG_STATE_HOME/tide/gc-stamp
  expect_file "$stamp"
  # Not due: the stamp is from the first run.
  mkdir proj && printf 'print("y")\n' >proj/y.py
  run_tide run proj/y.py
  expect_rc 0 "$ERR"
  expect_not_contains "$ERR" "expired"
  expect_file "$XDG_DATA_HOME/tide/sessions/1/files/main.py"
  # A day later, the next recorded run clears it.
  touch -d '25 hours ago' "$stamp"
  run_tide run proj/y.py
  expect_rc 0 "$ERR"
  expect_eq "$OUT" y
  expect_contains "$ERR" "tide: note: cleared what had expired (1 item,"
  [ ! -e "$XDG_DATA_HOME/tide/sessions/1" ] || fail "the expired session is still there"
  expect_eq "$(db "select count(*) from code_sessions where id = 1")" 0
  # ...and not again until a day has passed.
  printf 'print("z")\n' | "$TIDE" run -l python - >/dev/null 2>&1 || fail "the scratch run failed"
  db "update code_sessions set expires_at = strftime('%s','now') - 10 where id = 3" >/dev/null
  run_tide run proj/y.py
  expect_not_contains "$ERR" "expired"
  # auto_gc = false leaves it to tide gc; --json runs clear without a word.
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[session]\nauto_gc = false\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  touch -d '25 hours ago' "$stamp"
  run_tide run proj/y.py
  expect_file "$XDG_DATA_HOME/tide/sessions/3"
  rm "$XDG_CONFIG_HOME/tide/config.ini"
  run_tide run --json proj/y.py
  expect_rc 0 "$ERR"
  expect_eq "$ERR" ""
  [ ! -e "$XDG_DATA_HOME/tide/sessions/3" ] || fail "the second expired session is still there"
  expect_file "$XDG_DATA_HOME/tide/sessions/2" # the folder's session never expires
}

test_gc_clears_what_a_crash_left() {
  run_tide session new python
  # A session folder without a row (creation crashed before its commit),
  # old enough not to be a creation in progress.
  mkdir -p "$XDG_DATA_HOME/tide/sessions/9/files"
  touch -d '1 hour ago' "$XDG_DATA_HOME/tide/sessions/9"
  # A run's generated files whose record was never committed.
  mkdir -p "$XDG_DATA_HOME/tide/sessions/1/generated/.run-abc123" "$XDG_DATA_HOME/tide/sessions/1/generated/77"
  # The folder of a program from standard input whose tide was killed;
  # one as old that a run still holds, and a new one, stay.
  c=$XDG_CACHE_HOME/tide
  mkdir -p "$c/stdin-old" "$c/stdin-held" "$c/stdin-new"
  touch -d '1 hour ago' "$c/stdin-old" "$c/stdin-held"
  flock "$c/stdin-held" sleep 10 &
  holder=$!
  sleep 0.3
  run_tide gc
  kill $holder 2>/dev/null
  expect_contains "$OUT" "stdin-old (a program from standard input whose run was cut short)"
  [ ! -e "$c/stdin-old" ] || fail "the killed run's folder stayed"
  expect_file "$c/stdin-held"
  expect_file "$c/stdin-new"
  expect_contains "$OUT" "no session owns it"
  expect_contains "$OUT" "ended without being recorded"
  expect_contains "$OUT" "generated/77 (files of a run that is not recorded)"
  [ ! -e "$XDG_DATA_HOME/tide/sessions/9" ] || fail "the orphan folder stayed"
  [ -z "$(ls -A "$XDG_DATA_HOME/tide/sessions/1/generated")" ] || fail "leftovers stayed"
  expect_file "$XDG_DATA_HOME/tide/sessions/1/files/main.py"
}

# Each Go session has a build cache of its own (security.md): that of a
# session unused for expiry_hours goes, the folder session itself stays and
# builds again; the cache all sessions once shared goes too.
test_gc_removes_the_go_caches_of_idle_sessions() {
  command -v go >/dev/null || skip "Go is missing"
  mkdir old new
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("old") }\n' >old/main.go
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("new") }\n' >new/main.go
  run_tide run old/main.go
  expect_eq "$OUT" old "$ERR"
  run_tide run new/main.go
  expect_eq "$OUT" new "$ERR"
  s=$XDG_DATA_HOME/tide/sessions
  [ -d "$s/1/go-build" ] && [ -d "$s/2/go-build" ] || fail "no Go build cache in the sessions: $(ls "$s"/*)"
  mkdir -p "$XDG_CACHE_HOME/tide/go-build/00"
  db "update code_sessions set last_used_at = strftime('%s','now') - 49 * 3600 where id = 1" >/dev/null
  run_tide gc --dry-run
  expect_contains "$OUT" "would remove go-cache: Go's build cache of session 1 'old'"
  expect_contains "$OUT" "would remove leftover: $XDG_CACHE_HOME/tide/go-build (Go's build cache all sessions shared"
  expect_file "$s/1/go-build"
  run_tide gc --json
  expect_eq "$(json_get "$OUT" 'sorted(i["kind"] for i in j["removed"])')" '["go-cache", "leftover"]'
  [ ! -e "$s/1/go-build" ] || fail "the idle session's Go cache stayed"
  [ ! -e "$XDG_CACHE_HOME/tide/go-build" ] || fail "the shared Go cache stayed"
  expect_file "$s/2/go-build"
  expect_file "$s/1/git"
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("old again") }\n' >old/main.go
  run_tide run old/main.go
  expect_eq "$OUT" "old again" "$ERR"
  expect_file "$s/1/go-build"
}

# The command lines the IDE keeps for files (Ctrl-F5) go once their file
# is gone; those of files still there stay.
test_gc_forgets_command_lines_of_files_that_are_gone() {
  k=$XDG_STATE_HOME/tide/run-lines
  mkdir -p "$k"
  echo x >here.py
  printf '%s\none < in.txt\n' "$PWD/here.py" >"$k/here.py.0000000000000001.line"
  printf '%s\ntwo\n' "$PWD/gone.py" >"$k/gone.py.0000000000000002.line"
  run_tide gc --dry-run
  expect_contains "$OUT" "the command line kept for $PWD/gone.py, which is gone"
  expect_file "$k/gone.py.0000000000000002.line"
  run_tide gc
  expect_rc 0
  expect_contains "$OUT" "the command line kept for $PWD/gone.py, which is gone"
  [ ! -e "$k/gone.py.0000000000000002.line" ] || fail "the gone file's line stayed"
  expect_file "$k/here.py.0000000000000001.line"
}

test_expiry_follows_the_config() {
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[session]\nexpiry_hours = 2\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  run_tide session new node --json
  expect_eq "$(db 'select expires_at - last_used_at from code_sessions')" 7200
}

test_full_disk_is_one_line_and_loses_nothing() {
  command -v unshare >/dev/null || skip "unshare is missing"
  [ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root (CI runs as root)"
  mkdir -p "$XDG_DATA_HOME" "$T/in"
  head -c 300000 /dev/urandom >"$T/in/big.bin"
  # A 600 KiB data folder: sessions until it is full, then an import that
  # does not fit.  Every failure is one line; what was recorded stays.
  RC=0
  OUT=$(unshare -m sh -c '
    mount -t tmpfs -o size=600k tmpfs "$1" || exit 99
    i=0
    while "$2" session new python >/dev/null 2>"$3/err"; do i=$((i+1)); [ $i -lt 60 ] || break; done
    echo "made=$i"; echo "err=$(cat "$3/err")"; echo "lines=$(wc -l <"$3/err")"
    "$2" session rm 1 >/dev/null 2>&1
    "$2" session rm 2 >/dev/null 2>&1
    "$2" import 3 "$3/in/big.bin" 2>"$3/err2"; echo "import_rc=$?"
    echo "err2=$(cat "$3/err2")"; echo "lines2=$(wc -l <"$3/err2")"
    echo "files=$(ls -A "$1/tide/sessions/3/files" | tr "\n" " ")"
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(\"integrity=\" + c.execute(\"pragma integrity_check\").fetchone()[0]); print(\"sessions=%d\" % c.execute(\"select count(*) from code_sessions\").fetchone()[0])" "$1/tide/tide.db"
  ' sh "$XDG_DATA_HOME" "$TIDE" "$T" 2>&1) || RC=$?
  [ "$RC" != 99 ] || skip "cannot mount a tmpfs here"
  made=$(printf '%s\n' "$OUT" | sed -n 's/^made=//p')
  [ "$made" -ge 3 ] || fail "only $made sessions fit: $OUT"
  expect_contains "$OUT" "lines=1"
  expect_contains "$(printf '%s\n' "$OUT" | grep '^err=')" "full"
  expect_contains "$OUT" "import_rc=1"
  expect_contains "$OUT" "lines2=1"
  expect_contains "$OUT" "No space left on device"
  expect_contains "$OUT" "integrity=ok"
  expect_contains "$OUT" "sessions=$((made - 2))"
  expect_contains "$OUT" "files=main.py "
}

# session show --json names the session's entry: the starter file at first,
# then its last run's entry; none once that file is gone.  tide run
# --session without a FILE runs it.
test_session_show_names_its_entry() {
  run_tide session new python --json
  local folder
  folder=$(json_get "$OUT" 'j["folder"]')
  run_tide session show 1 --json
  expect_eq "$(json_get "$OUT" 'j["entry"]')" main.py
  printf 'print(2)\n' >"$folder/other.py"
  run_tide run --session 1 other.py
  expect_rc 0
  run_tide session show 1 --json
  expect_eq "$(json_get "$OUT" 'j["entry"]')" other.py
  # tide run --session without FILE runs it.
  run_tide run --session 1 --json
  expect_rc 0 "$OUT"
  expect_eq "$(json_get "$OUT" '[j["output"], j["files"]]')" '["2\n", ["other.py"]]'
  rm "$folder/other.py"
  run_tide session show 1 --json
  expect_eq "$(json_get "$OUT" 'j["entry"]')" null
  run_tide run --session 1
  expect_rc 2
  expect_contains "$ERR" "session 1 has no program to run yet: name its FILE (tide files 1 lists them)"
}
