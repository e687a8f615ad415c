# The command-line skeleton, tide doctor and the database, as a new user
# meets them.

test_help_and_version() {
  run_tide --help
  expect_rc 0
  expect_contains "$OUT" "usage: tide"
  expect_contains "$OUT" "doctor"
  run_tide --version
  expect_rc 0
  expect_contains "$OUT" "tide "
  run_tide help doctor
  expect_rc 0
  expect_contains "$OUT" "usage: tide doctor"
}

test_unknown_command_is_one_line_and_exit_2() {
  run_tide frobnicate
  expect_rc 2
  expect_eq "$(printf '%s\n' "$ERR" | head -1)" \
    "tide: 'frobnicate' is not a tide command or an existing file (for a new file, write ./frobnicate)"
  expect_contains "$ERR" "usage: tide"
  [ ! -e "$XDG_DATA_HOME" ] || fail "an unknown command must not create anything"
  case "$ERR" in *"did you mean"*) fail "no command is near frobnicate: $ERR" ;; esac
  # A command mistyped is named.
  run_tide sessions
  expect_rc 2
  expect_contains "$ERR" "tide: did you mean 'tide session'?"
  run_tide reslt
  expect_contains "$ERR" "tide: did you mean 'tide result'?"
  run_tide ab
  case "$ERR" in *"did you mean"*) fail "a short word is not a command mistyped: $ERR" ;; esac
}

test_unknown_option_exit_2() {
  run_tide --frobnicate
  expect_rc 2
  expect_contains "$ERR" "unknown option '--frobnicate'"
  run_tide doctor --frobnicate
  expect_rc 2
  expect_contains "$ERR" "tide doctor: unknown option '--frobnicate'"
  run_tide help frobnicate
  expect_rc 2
  # An option tide knows, given to a command that does not take it, is
  # named as written (it was '-t', from the short form's letter).
  run_tide diff --to x
  expect_rc 2
  expect_contains "$ERR" "tide diff: unknown option '--to'"
  run_tide files --result 3
  expect_rc 2
  expect_contains "$ERR" "tide files: unknown option '--result'"
}

# A command's --help (or -h) is its help, on stdout; a mistake on a
# command line is one line saying what is wrong, the command's synopsis
# and where the rest is, not sixty lines of help burying the error.
# A command given --json answers a failure on stdout too, as one JSON
# object (a script reads stdout), besides the line on stderr; its exit
# status is the same.
test_json_commands_answer_failures_in_json() {
  local c
  for c in "result 999999" "history nosuch" "files nosuch" "session show nosuch"; do
    run_tide $c --json
    expect_rc 1 "$c"
    expect_eq "$(json_get "$OUT" '[sorted(j), j["exit_code"]]')" '[["error", "exit_code"], 1]' "$c: $OUT"
    expect_contains "$ERR" "tide: $(json_get "$OUT" 'j["error"]')"
  done
  run_tide result --bogus --json
  expect_rc 2
  expect_eq "$(json_get "$OUT" '[j["error"], j["exit_code"]]')" '["unknown option '"'"'--bogus'"'"'", 2]'
  # An answer of its own is the only one.
  run_tide history --json
  expect_rc 0
  expect_eq "$(json_get "$OUT" 'sorted(j)')" '["runs"]'
}

test_command_help_and_short_usage_errors() {
  for cmd in run session history doctor gc files result diff checkout search import export status; do
    run_tide $cmd --help
    expect_rc 0
    expect_contains "$OUT" "usage: tide $cmd"
    [ -z "$ERR" ] || fail "tide $cmd --help wrote to stderr: $ERR"
    # Read in an 80-column terminal: no line wraps.
    wide=$(printf '%s\n' "$OUT" | awk 'length > 80')
    [ -z "$wide" ] || fail "tide $cmd --help has lines over 80 columns: $wide"
  done
  run_tide --help
  wide=$(printf '%s\n' "$OUT" | awk 'length > 80')
  [ -z "$wide" ] || fail "tide --help has lines over 80 columns: $wide"
  run_tide session new -h
  expect_rc 0
  expect_contains "$OUT" "usage: tide session new LANG"
  run_tide run --timeout 0 x.py
  expect_rc 2
  expect_eq "$ERR" "tide run: --timeout needs seconds from 0.001 to 86400, such as 0.5, 30 or 2m, not '0'
usage: tide run [options] FILE [FILE...] [-- ARGS...]
(tide help run shows all of it)"
  # After --, --help is the program's.
  printf 'import sys\nprint(sys.argv[1:])\n' >"$T/args.py"
  (cd "$T" && "$TIDE" run --ephemeral args.py -- --help >"$T/out" 2>/dev/null) || fail "the run failed"
  expect_eq "$(cat "$T/out")" "['--help']"
}

test_doctor_json_reports_languages_and_sandbox() {
  run_tide doctor --json
  expect_eq "$(json_get "$OUT" 'len(j["languages"])')" 9 "languages"
  expect_eq "$(json_get "$OUT" '",".join(l["key"] for l in j["languages"])')" \
    "python,node,go,c,cpp,java,php,rust,fortran"
  for k in user_namespaces seccomp cgroup_memory cgroup_pids overlayfs; do
    expect_eq "$(json_get "$OUT" "type(j['sandbox']['$k']['available']).__name__")" bool "sandbox.$k"
  done
  # libgit2, opened only when needed, is checked here.
  expect_eq "$(json_get "$OUT" '[j["git"]["ok"], j["git"]["library"].startswith("libgit2.so.")]')" \
    '[true, true]' "git"
  # Every language that is there says where and which version.
  expect_eq "$(json_get "$OUT" 'all(t["version"] and t["path"] for l in j["languages"] if l["available"] for t in l["tools"])')" \
    true "versions of available tools"
  # Exit status follows the report.
  if [ "$(json_get "$OUT" 'j["ok"]')" = true ]; then expect_rc 0; else expect_rc 1; fi
}

test_doctor_all_languages_available_after_make_deps() {
  # `make check` runs `make deps` first: every toolchain must be here.
  run_tide doctor --json
  expect_eq "$(json_get "$OUT" '[l["key"] for l in j["languages"] if not l["available"]]')" "[]" \
    "languages missing"
}

test_fresh_folders_create_the_database() {
  run_tide doctor --json
  db=$XDG_DATA_HOME/tide/tide.db
  expect_file "$db"
  expect_eq "$(json_get "$OUT" 'j["database"]["schema_version"]')" \
    "$(python3 -c "import sqlite3; print(sqlite3.connect('$db').execute('pragma user_version').fetchone()[0])")"
  tables=$(python3 -c "import sqlite3; print(','.join(r[0] for r in sqlite3.connect('$db').execute(\"select name from sqlite_schema where type='table' and name like 'code_%' order by name\")))")
  expect_eq "$tables" "code_files,code_results,code_sessions"
  expect_eq "$(stat -c %a "$XDG_DATA_HOME/tide")" 700 "data folder mode"
}

test_text_file_as_database_is_refused_unchanged() {
  mkdir -p "$XDG_DATA_HOME/tide"
  db=$XDG_DATA_HOME/tide/tide.db
  printf 'my shopping list\n' >"$db"
  sum=$(sha256sum "$db")
  run_tide doctor
  expect_rc 1
  expect_contains "$OUT" "is not a tide database"
  expect_eq "$(sha256sum "$db")" "$sum" "the file is unchanged"
  [ ! -e "$db-wal" ] || fail "a WAL file appeared next to the foreign file"
}

test_folder_as_database_is_refused() {
  mkdir -p "$XDG_DATA_HOME/tide/tide.db/keep"
  run_tide doctor --json
  expect_rc 1
  expect_contains "$(json_get "$OUT" 'j["database"]["problem"]')" "is a folder"
  [ -d "$XDG_DATA_HOME/tide/tide.db/keep" ] || fail "the folder was changed"
}

test_unwritable_data_folder_is_one_line() {
  # A file where the data folder should be: no user can write there.
  mkdir -p "$XDG_DATA_HOME"
  printf 'x' >"$XDG_DATA_HOME/tide"
  run_tide doctor
  expect_rc 1
  expect_contains "$OUT" "cannot create the data folder"
  expect_eq "$(cat "$XDG_DATA_HOME/tide")" x
}

test_read_only_data_folder() {
  mkdir -p "$XDG_DATA_HOME/tide"
  if [ "$(id -u)" != 0 ]; then
    chmod 0500 "$XDG_DATA_HOME/tide"
    run_tide doctor
  else
    # root writes anywhere; a read-only mount stops even root.
    command -v unshare >/dev/null || skip "unshare is missing"
    RC=0
    OUT=$(unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && "$2" doctor' \
          sh "$XDG_DATA_HOME/tide" "$TIDE" 2>&1) || RC=$?
  fi
  expect_rc 1
  expect_contains "$OUT" "cannot create the database"
  [ -z "$(ls -A "$XDG_DATA_HOME/tide")" ] || fail "something was written: $(ls -A "$XDG_DATA_HOME/tide")"
}

test_newer_schema_is_refused() {
  mkdir -p "$XDG_DATA_HOME/tide"
  python3 -c "import sqlite3; c=sqlite3.connect('$XDG_DATA_HOME/tide/tide.db'); c.execute('pragma user_version=9999'); c.commit()"
  run_tide doctor --json
  expect_rc 1
  expect_contains "$(json_get "$OUT" 'j["database"]["problem"]')" "newer tide"
}

test_config_warnings_name_file_and_line() {
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[run]\ntimeout = forever\n[bogus]\nx = 1\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  run_tide doctor --json
  expect_contains "$ERR" "config.ini:2: bad value 'forever' for run.timeout"
  expect_contains "$ERR" "config.ini:4: unknown key 'x' in [bogus]"
  # Warnings are not fatal: the report still comes.
  expect_eq "$(json_get "$OUT" 'len(j["languages"])')" 9
}

test_the_ide_is_a_program_of_its_own() {
  # tide starts tide-ide from its own folder; a tide copied away from it
  # (and not installed) says what is missing instead of failing obscurely.
  [ -x "$(dirname "$TIDE")/tide-ide" ] || fail "tide-ide was not built next to tide"
  if [ -e /usr/local/bin/tide-ide ]; then skip "an installed tide-ide would be found"; fi
  mkdir -p alone && cp "$TIDE" alone/tide
  printf 'x = 1\n' >f.py
  rc=0
  alone/tide f.py >out.txt 2>err.txt </dev/null || rc=$?
  expect_eq "$rc" 1
  expect_eq "$(wc -l <err.txt | tr -d ' ')" 1
  grep -q "cannot start the IDE, tide-ide (No such file or directory; looked next to tide and in " err.txt ||
    fail "unexpected message: $(cat err.txt)"
  expect_eq "$(cat f.py)" 'x = 1'
  # Without /proc (a tmpfs over it, in a namespace of the test's own) tide
  # cannot know its folder, and says it looked only where installs go.
  if unshare -rm true 2>/dev/null; then
    rc=0
    unshare -rm sh -c 'mount -t tmpfs none /proc && exec alone/tide f.py' >out.txt 2>err.txt </dev/null || rc=$?
    expect_eq "$rc" 1
    grep -q "looked only in .*, since /proc/self/exe, which says where tide is, cannot be read" err.txt ||
      fail "unexpected message without /proc: $(cat err.txt)"
  fi
  # tide-ide itself refuses what it does not understand.
  rc=0
  "$(dirname "$TIDE")/tide-ide" a b >out.txt 2>err.txt </dev/null || rc=$?
  expect_eq "$rc" 2
  grep -q 'usage: tide-ide' err.txt || fail "tide-ide printed: $(cat err.txt)"
}

test_libgit2_is_opened_only_for_sessions() {
  # Loading libgit2 and the libraries under it was half of tide's own
  # start-up: a run that records nothing must not pay for it.
  printf 'print("hi")\n' >h.py
  LD_DEBUG=libs "$TIDE" --version >/dev/null 2>ld.log
  if grep -q 'libgit2' ld.log; then fail "tide --version loaded libgit2"; fi
  LD_DEBUG=libs "$TIDE" run --ephemeral h.py >out.txt 2>ld.log
  expect_eq "$(cat out.txt)" hi
  if grep -q 'libgit2' ld.log; then fail "an ephemeral run loaded libgit2"; fi
  # Nor for the IDE's libraries: they are tide-ide's.
  if grep -qE 'libncursesw|libvterm|libtree-sitter|libpcre2' ld.log; then
    fail "tide run loaded the IDE's libraries: $(grep -oE 'lib(ncursesw|vterm|tree-sitter|pcre2)[^ ]*' ld.log | sort -u | tr '\n' ' ')"
  fi
  # A recorded run snapshots the files in git: there it is.
  LD_DEBUG=libs "$TIDE" run h.py >out.txt 2>ld.log
  expect_eq "$(cat out.txt)" hi
  grep -q 'libgit2' ld.log || fail "a recorded run did not load libgit2"
  run_tide history --json
  expect_eq "$(json_get "$OUT" 'len(j)')" 1
}
