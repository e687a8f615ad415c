# Languages and sessions in the IDE: the language selector (F2), a
# scratch session offered in an empty folder, tide --session ID.

. "$TESTS/e2e/lib/tmux.sh"

test_language_selector_sets_the_language() {
  printf 'print("hi")\n' >script.txt
  tui_start script.txt
  tui_wait 'plain text  Ln 1, Col 1'
  tui_keys F2
  tui_wait 'Language of script.txt'
  tui_wait 'Python '
  # The toolchains are probed in the background: versions appear.
  tui_wait 'Python 3' 20
  tui_wait 'Plain text  highlighting off'
  tui_keys p
  tui_keys Enter
  tui_wait 'script.txt is now Python: F5 runs it as that'
  tui_wait 'Python  Ln 1, Col 1'
  # Esc leaves it as it is.
  tui_keys F2
  tui_wait 'Language of script.txt'
  tui_esc
  tui_wait_gone 'Language of script.txt'
  tui_wait 'Python  Ln 1, Col 1'
}

# A main.c, and a gcc first on tide's PATH that notes in $T/gcc.log each
# time it is started.
with_logging_gcc() {
  mkdir bin
  printf '#!/bin/sh\necho started >>%q\nexec /usr/bin/gcc "$@"\n' "$T/gcc.log" >bin/gcc
  chmod +x bin/gcc
  printf 'int main(void) { return 0; }\n' >main.c
  TUI_ENV="PATH=$T/bin:$PATH"
}

# The selector's versions come from the toolchain cache `tide run` keeps
# (src/toolcache.h): a second start of the IDE starts no toolchain to ask
# it again (every start used to run all nine, two JVMs among them, right
# when the user began typing).
test_the_ide_asks_each_toolchain_once() {
  with_logging_gcc
  tui_start main.c
  tui_keys F2
  tui_wait 'Language of main.c'
  tui_wait 'gcc (' 20
  tui_stop
  local first
  first=$(wc -l <"$T/gcc.log")
  [ "$first" -ge 1 ] || fail "the first start did not ask gcc"
  tui_start main.c
  tui_keys F2
  tui_wait 'Language of main.c'
  tui_wait 'gcc (' 20
  tui_stop
  expect_eq "$(wc -l <"$T/gcc.log")" "$first" "gcc started again by the second start"
}

# Asking the toolchains (programs started, a JVM among them) waits until
# the user pauses, so it never competes with the first keystrokes.
test_the_toolchains_are_asked_when_the_user_pauses() {
  with_logging_gcc
  tui_start main.c
  tui_wait 'main.c'
  local i
  for i in $(seq 1 12); do
    tui_type k
    sleep 0.3
  done
  tui_wait 'kkkkkkkkkkkkint main'
  [ ! -e "$T/gcc.log" ] || fail "gcc was started while the user typed"
  tui_wait_file "$T/gcc.log" started 10
}

test_empty_folder_offers_a_scratch_session() {
  mkdir empty
  # Only `tide` with no argument in an empty folder offers one.
  tui_start empty
  tui_wait ' empty'
  tui_wait_gone 'New scratch session' 1
  tui_stop
  tui_start -C "$T/empty"
  tui_wait 'New scratch session: choose its language'
  tui_keys Down
  tui_keys Enter
  tui_wait 'new Node.js session node-'
  tui_wait 'console.log("Hello from tide!");'
  tui_wait 'session node-'
  [ -z "$(ls -A "$T/empty")" ] || fail "the scratch session wrote into the folder"
  ls "$XDG_DATA_HOME"/tide/sessions/*/files/main.js >/dev/null || fail "no scratch work tree"
}

# A scratch session's files are in tide's data folder, not in the folder
# tide started in: started there again, the dialog offers to resume the
# session (with its runs), and opens its file.  Programs given on standard
# input (a script's, an agent's) are scratch sessions too, not offered.
test_the_scratch_dialog_offers_the_last_sessions_to_resume() {
  mkdir empty
  tui_start -x 160 -C "$T/empty"
  tui_wait 'New scratch session: choose its language'
  tui_keys Enter
  tui_wait 'new Python session python-1'
  # Its files are tide's, not the folder's: the message says where.
  tui_wait "python-1 in $XDG_DATA_HOME/tide/sessions/1/files: F5 runs main.py"
  tui_keys C-a BSpace
  tui_type 'print("kept work")'
  tui_keys F5
  tui_wait 'result #1'
  tui_keys C-q
  tui_wait_exit
  echo 'print(2)' >code.txt
  run_tide_stdin code.txt run --lang python -
  expect_rc 0
  expect_contains "$ERR" "session 2"
  tui_start -C "$T/empty"
  tui_wait 'Scratch session: a new one in a language, or one to resume'
  tui_wait 'python-1    resume: Python, 1 run, last used'
  case "$(tui_screen)" in *stdin*) fail "a session of code from standard input is offered" ;; esac
  tui_keys End Enter
  tui_wait 'Python session python-1: 1 run so far'
  tui_wait 'print("kept work")'
  [ -z "$(ls -A "$T/empty")" ] || fail "resuming wrote into the folder"
}

# A session or a folder opened again shows what its last run wrote, marked
# in the explorer as right after that run.
test_a_session_opened_again_shows_what_its_last_run_wrote() {
  run_tide session new python --name w --json
  folder=$(json_get "$OUT" 'j["folder"]')
  printf 'open("report.txt", "w").write("done\\n")\n' >"$folder/main.py"
  run_tide run --session w main.py
  expect_rc 0
  tui_start --session w
  tui_wait 'run #1 wrote'
  tui_wait 'report.txt'
  tui_stop
  # A folder's runs, the newest of its sessions (here the Node one).
  mkdir proj
  printf 'open("table.csv", "w").write("a,b\\n")\n' >proj/gen.py
  printf 'require("fs").writeFileSync("list.txt", "x\\n")\n' >proj/gen.js
  run_tide run proj/gen.py
  expect_rc 0
  run_tide run proj/gen.js
  expect_rc 0
  tui_start -C "$T/proj"
  tui_wait 'run #3 wrote'
  tui_wait 'list.txt'
  case "$(tui_screen)" in *table.csv*) fail "an older run's file is marked" ;; esac
}

# A scratch session open in the IDE is in use however long it sits: gc
# (tide gc, or the daily one after a run) leaves it until the IDE lets go.
test_gc_leaves_the_session_open_in_the_ide() {
  run_tide session new python --name kept
  expect_rc 0
  tui_start --session kept
  tui_wait 'Hello from tide!'
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"update code_sessions set expires_at = strftime('%s','now') - 10\"); c.commit()" \
    "$XDG_DATA_HOME/tide/tide.db"
  run_tide gc
  expect_rc 0
  expect_eq "$OUT" "nothing has expired"
  expect_contains "$ERR" "tide: left for later: session 1: it is open in tide's IDE"
  expect_file "$XDG_DATA_HOME/tide/sessions/1/files/main.py"
  tui_stop
  run_tide gc
  expect_contains "$OUT" "removed session: session 1 'kept'"
}

# Someone who only ever uses the IDE gets what expired cleared too: once a
# day, when the IDE ends, with a line on the terminal.
test_the_ide_clears_what_expired_once_a_day() {
  run_tide session new python --name old
  expect_rc 0
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"update code_sessions set expires_at = strftime('%s','now') - 10\"); c.commit()" \
    "$XDG_DATA_HOME/tide/tide.db"
  mkdir -p "$XDG_STATE_HOME/tide"
  touch -d '25 hours ago' "$XDG_STATE_HOME/tide/gc-stamp"
  echo 'x = 1' >x.py
  tui_start x.py
  tui_wait 'x = 1'
  tui_keys C-q
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
  tui_wait 'tide: note: cleared what had expired (1 item,'
  [ ! -e "$XDG_DATA_HOME/tide/sessions/1" ] || fail "the expired session is still there"
}

test_open_a_session_by_id() {
  run_tide session new python --name demo
  expect_rc 0
  tui_start --session demo
  tui_wait 'Hello from tide!'
  tui_wait 'session demo  Python'
  tui_wait 'main.py'
  # A file of another language in a scratch session: the IDE's own way
  # to a session for it, not the command line's.
  tui_keys C-n
  tui_type 'console.log(1)'
  tui_keys C-s
  tui_wait 'Save as:'
  tui_type 'x.js'
  tui_keys Enter
  tui_wait 'saved x.js'
  tui_keys F5
  tui_wait 'session demo runs Python files; Alt-N starts a Node.js session'
  tui_stop
  tui_start --session nosuch
  tui_wait_exit
  expect_eq "$TUI_EXIT" 1
}
