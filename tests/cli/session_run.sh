# Recorded runs: tide run in sessions, then history, result, diff,
# checkout and search -- the way a newcomer meets them.

db() { python3 -c "import sqlite3,sys; c=sqlite3.connect('$XDG_DATA_HOME/tide/tide.db'); r=c.execute(sys.argv[1]).fetchall(); c.commit(); print('\n'.join('|'.join(str(x) for x in row) for row in r))" "$1"; }

fsck_ok() {
  git --git-dir="$1" fsck --no-progress >"$T/fsck" 2>&1 || fail "git fsck $1: $(cat "$T/fsck")"
}

# The issue's "done when": for each language, a session, its starter run,
# an edit, a second run, both in the history and a diff between them.
test_every_language_run_edit_run_diff() {
  for lang in python node go c cpp java php rust fortran; do
    run_tide session new "$lang" --json
    id=$(json_get "$OUT" 'j["id"]')
    folder=$(json_get "$OUT" 'j["folder"]')
    entry=$(json_get "$OUT" 'j["entry"]')
    run_tide run --session "$id" "$entry"
    expect_rc 0 "$lang: the starter runs ($ERR)"
    expect_contains "$ERR" "tide: recorded as result "
    expect_eq "$OUT" "Hello from tide!" "$lang: the starter's output"
    sed -i 's/Hello from tide!/Hello again!/' "$folder/$entry"
    run_tide run --session "$id" "$entry"
    expect_rc 0 "$lang: the edited file runs ($ERR)"
    expect_eq "$OUT" "Hello again!"
    run_tide history "$id" --json
    expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 2 "$lang: two runs"
    new=$(json_get "$OUT" 'j["runs"][0]["id"]')
    old=$(json_get "$OUT" 'j["runs"][1]["id"]')
    expect_eq "$(json_get "$OUT" 'j["runs"][0]["commit"] != j["runs"][1]["commit"]')" true
    run_tide diff "$old" "$new"
    expect_rc 0
    expect_contains "$OUT" "--- a/$entry"
    expect_contains "$OUT" "Hello again!"
    expect_contains "$OUT" "-Hello from tide!"
    expect_contains "$OUT" "+Hello again!"
    expect_eq "$(ls -A "$folder")" "$entry" "$lang: nothing but the user's file in the folder"
    fsck_ok "$XDG_DATA_HOME/tide/sessions/$id/git"
  done
  run_tide history
  expect_eq "$(count_lines "$OUT")" 19 "a header and 18 runs"
}

# tide diff without two ids: one run against the one before it in its
# session, none: the newest run against the one before it in its session
# (a run of another session, other/'s, in between is not it).
test_diff_of_one_run_or_none_takes_the_run_before() {
  printf 'print("one")\n' >a.py
  run_tide run a.py --json
  first=$(json_get "$OUT" 'j["result_id"]')
  run_tide diff "$first"
  expect_rc 1
  expect_contains "$ERR" "run $first is the first of its session: there is nothing before it to compare with"
  printf 'print("two")\n' >a.py
  run_tide run a.py --json
  second=$(json_get "$OUT" 'j["result_id"]')
  mkdir other && printf 'print("elsewhere")\n' >other/b.py
  run_tide run other/b.py --json
  elsewhere=$(json_get "$OUT" 'j["result_id"]')
  run_tide diff "$second"
  expect_rc 0
  expect_contains "$OUT" "=== files: run $first -> run $second"
  expect_contains "$OUT" "+two"
  printf 'print("three")\n' >a.py
  run_tide run a.py --json
  third=$(json_get "$OUT" 'j["result_id"]')
  run_tide diff
  expect_rc 0
  expect_contains "$OUT" "=== files: run $second -> run $third"
  expect_contains "$OUT" "+three"
  run_tide diff 1 2 3
  expect_rc 2
  expect_contains "$ERR" "diff takes at most two run ids"
  # tide result alone: the newest run.
  run_tide result --json
  expect_rc 0
  expect_eq "$(json_get "$OUT" '[j["id"], j["output"]]')" "[$third, \"three\\n\"]"
  [ "$elsewhere" -gt "$second" ] || fail "the other session's run was not in between"
}

test_csv_in_plot_out_and_search() {
  run_tide session new python --name data --json
  folder=$(json_get "$OUT" 'j["folder"]')
  printf 'city,temp\nOslo,4\nLima,19\n' >"$T/weather data.csv"
  run_tide import data "$T/weather data.csv"
  expect_rc 0
  cat >"$folder/main.py" <<'PY'
import csv
rows = list(csv.DictReader(open("weather data.csv")))
warmest = max(rows, key=lambda r: int(r["temp"]))
print("warmest_city:", warmest["city"])
with open("report.txt", "w") as f:
    f.write("%d cities\n" % len(rows))
PY
  run_tide run --session data main.py --json
  expect_rc 0
  expect_eq "$(json_get "$OUT" 'j["output"]')" "warmest_city: Lima"
  expect_eq "$(json_get "$OUT" 'j["session_id"]')" 1
  rid=$(json_get "$OUT" 'j["result_id"]')
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["generated_files"]]')" '["report.txt"]'
  [ ! -e "$folder/report.txt" ] || fail "the run wrote into the session's folder"
  run_tide files data --json
  expect_eq "$(json_get "$OUT" '[(f["name"], f["origin"], f["result_id"]) for f in j["files"] if f["origin"] == "generated"]')" \
    "[[\"report.txt\", \"generated\", $rid]]"
  expect_eq "$(json_get "$OUT" '[f["type"] for f in j["files"] if f["name"] == "weather data.csv"][0]')" text/csv
  run_tide export data report.txt "$T/report.txt"
  expect_rc 0
  expect_eq "$(cat "$T/report.txt")" "2 cities"
  # Later runs; the old one is still found by a piece of its output.
  printf 'print("something else")\n' >"$folder/other.py"
  run_tide run --session data other.py
  run_tide search rmest_ci
  expect_rc 0
  expect_eq "$(count_lines "$OUT")" 1
  expect_contains "$OUT" "$rid "
  expect_contains "$OUT" "main.py"
  run_tide search RMEST_CI --json
  expect_eq "$(json_get "$OUT" '[r["id"] for r in j["runs"]]')" "[$rid]"
  expect_eq "$(json_get "$OUT" 'j["runs"][0]["match_in"]')" code
}

# The snapshot is taken while the program runs (src/session.c): what the
# program writes over its own files and next to them lands in its own
# layer, so the commit holds the files that ran, whatever the program did.
test_the_commit_holds_the_files_that_ran_not_what_the_run_wrote() {
  run_tide session new python --name rewrite --json
  folder=$(json_get "$OUT" 'j["folder"]')
  git_dir=$(json_get "$OUT" 'j["git_dir"]')
  cat >"$folder/main.py" <<'PY'
# the original
for name in ("main.py", "helper.py"):
    with open(name, "w") as f:
        f.write("# rewritten by the run\n")
with open("made.txt", "w") as f:
    f.write("made\n")
print("done")
PY
  printf '# the helper\n' >"$folder/helper.py"
  run_tide run --session rewrite main.py --json
  expect_rc 0
  expect_eq "$(json_get "$OUT" 'j["output"]')" done
  expect_eq "$(json_get "$OUT" 'sorted(f["name"] for f in j["generated_files"])')" '["helper.py", "made.txt", "main.py"]'
  run_tide history rewrite --json
  commit=$(json_get "$OUT" 'j["runs"][0]["commit"]')
  expect_eq "$(git --git-dir="$git_dir" ls-tree --name-only "$commit")" "$(printf 'helper.py\nmain.py')"
  expect_eq "$(git --git-dir="$git_dir" show "$commit:main.py" | head -1)" "# the original"
  expect_eq "$(git --git-dir="$git_dir" show "$commit:helper.py")" "# the helper"
  expect_eq "$(head -1 "$folder/main.py")" "# the original" "the user's file is untouched"
  [ ! -e "$folder/made.txt" ] || fail "the run wrote into the session's folder"
}

# Looking at a recorded run on a terminal shows its colours but cannot
# retitle the window, set the clipboard (OSC 52) or send other controls;
# piped, the bytes are exact.
test_a_result_on_a_terminal_shows_controls_as_text() {
  command -v script >/dev/null || skip "script (util-linux) is missing"
  printf 'import sys\nsys.stdout.write("\\x1b[31mred\\x1b[0m \\x1b]0;TI" "TLE\\x07 \\x1b]52;c;aGk=\\x07 \\x00\\x7f \\u009b end\\n")\n' >esc.py
  "$TIDE" run esc.py >/dev/null 2>&1 || fail "esc.py did not run"
  expect_eq "$("$TIDE" result 1 | tail -1 | od -An -c | tr -s ' \n' ' ')" \
    "$(printf '\033[31mred\033[0m \033]0;TITLE\a \033]52;c;aGk=\a \0\177 \302\233 end\n' | od -An -c | tr -s ' \n' ' ')"
  shown=$(script -qec "$TIDE result 1" /dev/null | tr -d '\r' | tail -1)
  expect_eq "$shown" "$(printf '\033[31mred\033[0m ^[]0;TITLE^G ^[]52;c;aGk=^G ^@^? <U+009B> end')"
  shown=$(script -qec "$TIDE search TITLE" /dev/null | tr -d '\r')
  expect_contains "$shown" "output: $(printf '\033[31mred\033[0m') ^[]0;"
  expect_contains "$shown" "^G ^[]52;c;aGk=^G"
  expect_not_contains "$shown" "$(printf '\033]')"
}

# Names are shown as one line of text wherever tide lists them: an entry
# file's name, the files of the folder, arguments (quoted as a shell takes
# them again).  (The files a program writes under such names are not kept
# at all.)
test_names_in_listings_cannot_send_controls() {
  osc=$(printf '\033]0;PWNED\a')
  printf 'print(1)\n' >"w${osc}.py"
  printf 'x\n' >"$(printf 'data\033]52;c;aGk=\a.txt')"
  "$TIDE" run "w${osc}.py" -- a 'b c' >/dev/null 2>&1 || fail "the program did not run"
  for cmd in "history" "result 1" "files 1" "session show 1"; do
    # shellcheck disable=SC2086
    run_tide $cmd
    expect_rc 0 "$ERR"
    expect_not_contains "$OUT" "$(printf '\033')"
    expect_not_contains "$OUT" "$(printf '\a')"
  done
  run_tide result 1
  expect_contains "$OUT" "entry     w^[]0;PWNED^G.py a 'b c'"
  expect_contains "$OUT" "code (w^[]0;PWNED^G.py)"
  run_tide files 1
  expect_contains "$OUT" "data^[]52;c;aGk=^G.txt"
  run_tide history
  expect_contains "$OUT" " w^[]0;PWNED^G.py "
  if command -v script >/dev/null; then
    shown=$(script -qec "$TIDE search PWNED" /dev/null | tr -d '\r')
    expect_contains "$shown" "session 1  w^[]0;PWNED^G.py  entry: "
    expect_not_contains "$shown" "$(printf '\033]')"
  fi
  # JSON keeps the names as they are.
  run_tide result 1 --json
  expect_eq "$(json_get "$OUT" 'j["entry"]')" "w${osc}.py"
}

# A lone byte 0x9b is CSI to a terminal that takes 8-bit controls (a
# non-UTF-8 locale, the Linux console), as U+009B is in UTF-8; and tide's
# own notes quote the program's words.
test_eight_bit_controls_and_notes_are_shown_as_text() {
  f=$(printf 'c1\2332J.py')
  printf 'import sys\nsys.stdout.buffer.write(b"A\\x9b31mred \\xc3\\x80 ok\\n")\nsys.stderr.write("ModuleNotFoundError: No module named \x27nosuch\\x1b]0;PWNED\\x07mod\x27\\n")\nsys.exit(1)\n' >"$f"
  run_tide run "$f"
  expect_contains "$ERR" "tide: note: Python has no module 'nosuch^[]0;PWNED^Gmod' here"
  run_tide history
  expect_contains "$OUT" " c1M-^[2J.py "
  expect_not_contains "$OUT" "$(printf '\233')"
  if command -v script >/dev/null; then
    shown=$(script -qec "$TIDE result 1" /dev/null | tr -d '\r')
    expect_contains "$shown" "AM-^[31mred $(printf '\303\200') ok"
    expect_not_contains "$shown" "$(printf '\233')"
  fi
  # Piped, the bytes are exact.
  run_tide result 1
  expect_contains "$OUT" "$(printf 'A\23331mred')"
}

# A file may be named in bytes that are not UTF-8, which JSON cannot hold:
# the name comes with U+FFFD for them, and exactly in NAME_base64 where a
# script may need it to find the file; it is never left out.
test_names_that_are_not_utf8_stay_in_the_json() {
  f=$(printf 'bad\377.py')
  printf 'print(1)\n' >"$f"
  run_tide run --json "$f" -- "$(printf 'arg\377')"
  expect_rc 0 "$ERR"
  expect_eq "$(json_get "$OUT" 'j["files"]')" '["bad\ufffd.py"]'
  run_tide result 1 --json
  expect_eq "$(json_get "$OUT" '[j["entry"], j["entry_base64"], j["args"]]')" '["bad\ufffd.py", "YmFk/y5weQ==", ["arg\ufffd"]]'
  run_tide history --json
  expect_eq "$(json_get "$OUT" 'j["runs"][0]["entry"]')" "$(printf 'bad\357\277\275.py')"
  run_tide files 1 --json
  expect_eq "$(json_get "$OUT" '[[f["name"], f.get("name_base64")] for f in j["files"] if f["name"].startswith("bad")]')" \
    '[["bad\ufffd.py", "YmFk/y5weQ=="]]'
  run_tide session show 1 --json
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["files"] if f["name"].startswith("bad")]')" '["bad\ufffd.py"]'
}

test_result_shows_everything() {
  run_tide session new python --json
  folder=$(json_get "$OUT" 'j["folder"]')
  cat >"$folder/main.py" <<'PY'
import sys
print("args:", sys.argv[1:])
print("in:", sys.stdin.read().strip())
print("to stderr", file=sys.stderr)
sys.exit(3)
PY
  printf 'line one\n' >"$T/input.txt"
  run_tide run --session 1 --stdin "$T/input.txt" main.py -- a "b c"
  expect_rc 3
  run_tide result 1 --json
  expect_eq "$(json_get "$OUT" 'j["status"]')" runtime_error
  expect_eq "$(json_get "$OUT" 'j["return_code"]')" 3
  expect_eq "$(json_get "$OUT" 'j["args"]')" '["a", "b c"]'
  # The names tide run --json uses are there too.
  expect_eq "$(json_get "$OUT" '[j["result_id"] == j["id"], j["notes"] == (j["note"].split("\n") if j["note"] else [])]')" \
    '[true, true]'
  expect_eq "$(json_get "$OUT" 'j["stdin_mode"]')" file
  expect_eq "$(json_get "$OUT" 'j["stdin_name"]')" "$T/input.txt"
  expect_eq "$(json_get "$OUT" 'j["net"]')" false
  expect_eq "$(json_get "$OUT" 'j["stdin"] == "line one\n"')" true
  expect_contains "$(json_get "$OUT" 'j["output"]')" "in: line one"
  expect_eq "$(json_get "$OUT" 'j["error"] == "to stderr\n"')" true
  expect_contains "$(json_get "$OUT" 'j["code"]')" "sys.exit(3)"
  expect_eq "$(json_get "$OUT" 'len(j["commit"])')" 40
  run_tide result 1
  expect_rc 0
  expect_contains "$OUT" "run 1 of session 1, python"
  expect_contains "$OUT" "status    runtime_error (exit 3)"
  expect_contains "$OUT" "stdin     file ($T/input.txt)"
  expect_contains "$OUT" "network   none (its own loopback)"
  expect_contains "$OUT" "--- output"
  expect_contains "$OUT" "--- errors"
  # Piped stdin is recorded too, and still reaches the program.
  RC=0
  OUT=$(printf 'from a pipe\n' | "$TIDE" run --session 1 main.py 2>/dev/null) || RC=$?
  expect_eq "$RC" 3
  expect_contains "$OUT" "in: from a pipe"
  run_tide result 2 --json
  expect_eq "$(json_get "$OUT" 'j["stdin_mode"]')" pipe
  expect_eq "$(json_get "$OUT" 'j["stdin_name"]')" null
  expect_eq "$(json_get "$OUT" 'j["stdin"] == "from a pipe\n"')" true
  # A run given the host's network is recorded as such.
  run_tide run --net --session 1 main.py </dev/null
  run_tide result --json
  expect_eq "$(json_get "$OUT" 'j["net"]')" true
  run_tide result
  expect_contains "$OUT" "network   the host's (--net)"
}

test_binary_output_is_kept_exactly() {
  run_tide session new python --json
  folder=$(json_get "$OUT" 'j["folder"]')
  printf 'import sys\nsys.stdout.buffer.write(bytes(range(256)))\n' >"$folder/main.py"
  run_tide run --session 1 main.py --json
  expect_rc 0
  run_tide result 1 --json
  expect_eq "$(json_get "$OUT" '__import__("base64").b64decode(j["output_base64"]) == bytes(range(256))')" true
  "$TIDE" result 1 | python3 -c 'import sys; d=sys.stdin.buffer.read(); i=d.index(b"--- output\n")+11; sys.exit(d[i:i+256] != bytes(range(256)))' ||
    fail "tide result does not print the exact bytes"
}

# Every key tide run --json and tide result --json both give has the same
# value and JSON type for the same run: a script may read either.  What
# only one has is documented in tide.1; result's generated files add path
# and expires_at, and its notes are the recorded ones (tide run's add what
# to do about the run's outcome).
json_agree() {
  local differ
  differ=$(python3 - "$1" "$2" <<'PY'
import json, sys
run, res = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def differ(a, b, where):
    if type(a) is not type(b):
        return [f"{where}: {a!r} ({type(a).__name__}) vs {b!r} ({type(b).__name__})"]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{where}: {a!r} vs {b!r}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differ(x, y, f"{where}[{i}]")]
    if isinstance(a, dict):
        return [d for k in a if k in b for d in differ(a[k], b[k], f"{where}.{k}")]
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]
bad = []
for k in run:
    if k == "notes":
        if [n for n in run[k] if n in res[k]] != res[k]:
            bad.append(f"notes: {run[k]!r} vs {res[k]!r}")
    elif k in res:
        bad += differ(run[k], res[k], k)
print("; ".join(bad))
PY
) || fail "$3: the two answers could not be compared"
  unset OUT ERR
  [ -z "$differ" ] || fail "$3: tide run --json and tide result --json differ: $differ"
}

# run_and_result WHAT STDIN TIDE-RUN-ARGS...: both answers, compared.
run_and_result() {
  local what=$1 in=$2
  shift 2
  run_tide_stdin "$in" run --json "$@"
  local run=$OUT id
  id=$(json_get "$run" 'j["result_id"]')
  [ "$id" != null ] || fail "$what: not recorded"
  run_tide result --json "$id"
  expect_rc 0
  json_agree "$run" "$OUT" "$what"
  RUN_JSON=$run
}

test_run_and_result_json_agree() {
  printf 'print("hello")\n' >ok.py
  printf 'int main(void) { return missing; }\n' >broken.c
  printf '#include <stdio.h>\nint main(void) { int unused; puts("c"); return 0; }\n' >warn.c
  printf 'import sys\nprint("partial")\nsys.exit(3)\n' >fails.py
  printf 'while True:\n    pass\n' >spins.py
  printf 'import sys\nsys.stdout.buffer.write(b"a\\x00b\\n")\nsys.stderr.buffer.write(b"\\x00")\n' >nul.py
  printf 'import sys\nsys.stdout.buffer.write(b"a\\xffb\\n")\nsys.stderr.buffer.write(b"e\\x00\\xfe")\n' >bad.py
  printf 'print(input()[::-1])\n' >echo.py
  printf 'open("table.csv", "w").write("a,b\\n")\n' >writes.py
  printf 'olleh\n' >in.txt
  run_and_result ok /dev/null ok.py
  expect_eq "$(json_get "$RUN_JSON" '[j["compile_time"], j["message"]]')" '[0.0, ""]' "no compile step, no message"
  run_and_result compile_error /dev/null broken.c
  expect_eq "$(json_get "$RUN_JSON" '[j["status"], j["execution_time"], j["return_code"]]')" \
    '["compile_error", 0.0, null]' "no run step"
  run_and_result "compiled with a warning" /dev/null warn.c
  run_and_result "cached build" /dev/null warn.c
  expect_eq "$(json_get "$RUN_JSON" 'j["build_cached"]')" true
  run_and_result runtime_error /dev/null fails.py
  expect_eq "$(json_get "$RUN_JSON" '[j["status"], j["return_code"]]')" '["runtime_error", 3]'
  run_and_result timeout /dev/null --timeout 1 spins.py
  expect_eq "$(json_get "$RUN_JSON" 'j["status"]')" timeout
  run_and_result "a NUL byte" /dev/null nul.py
  expect_eq "$(json_get "$RUN_JSON" '[j["output"], j["error"], "output_base64" in j]')" '["a\u0000b\n", "\u0000", false]'
  run_and_result "bytes that are not UTF-8" /dev/null bad.py
  expect_eq "$(json_get "$RUN_JSON" '[j["output"], j["output_base64"], j["error"], j["error_base64"]]')" \
    '["a\ufffdb\n", "Yf9iCg==", "e\u0000\ufffd", "ZQD+"]'
  run_and_result "stdin from a file" /dev/null --stdin in.txt echo.py
  run_and_result "stdin from a pipe" in.txt echo.py
  expect_eq "$(json_get "$RUN_JSON" 'j["output"]')" hello
  run_and_result "a generated file" /dev/null writes.py
  expect_eq "$(json_get "$RUN_JSON" '[f["name"] for f in j["generated_files"]]')" '["table.csv"]'
}

test_folder_session_is_made_on_first_run() {
  mkdir "$T/proj"
  printf 'print("from the folder")\n' >"$T/proj/app.py"
  printf 'data\n' >"$T/proj/notes.txt"
  before=$(cd "$T/proj" && ls -lA --time-style=+%s)
  run_tide run proj/app.py
  expect_rc 0
  expect_eq "$OUT" "from the folder"
  run_tide run proj/app.py --json
  expect_eq "$(json_get "$OUT" 'j["session_id"]')" 1
  expect_eq "$(json_get "$OUT" 'j["result_id"]')" 2
  expect_eq "$(cd "$T/proj" && ls -lA --time-style=+%s)" "$before" "the folder is exactly as it was"
  run_tide session show 1 --json
  expect_eq "$(json_get "$OUT" 'j["kind"]')" folder
  expect_eq "$(json_get "$OUT" 'j["folder"]')" "$T/proj"
  expect_eq "$(json_get "$OUT" 'j["runs"]')" 2
  expect_eq "$(json_get "$OUT" 'j["expires_at"]')" null
  expect_eq "$(json_get "$OUT" 'sorted(f["name"] for f in j["files"])')" '["app.py", "notes.txt"]'
  # Another language in the same folder: a session of its own.
  printf 'console.log(1)\n' >"$T/proj/x.js"
  run_tide run proj/x.js --json
  expect_eq "$(json_get "$OUT" 'j["session_id"]')" 2
  # Forgetting the session leaves every file.
  run_tide session rm 1
  expect_contains "$OUT" "forgot session 1"
  expect_file "$T/proj/app.py"
  expect_file "$T/proj/notes.txt"
}

test_tide_never_snapshots_its_own_folders() {
  # The tests' data folder is inside $T, as ~/.local/share/tide is inside
  # a home folder.
  printf 'print(1)\n' >"$T/main.py"
  run_tide run main.py
  run_tide run main.py
  run_tide history --json
  commit=$(json_get "$OUT" 'j["runs"][0]["commit"]')
  files=$(git --git-dir="$XDG_DATA_HOME/tide/sessions/1/git" ls-tree -r --name-only "$commit")
  expect_contains "$files" main.py
  expect_not_contains "$files" .xdg
}

test_ephemeral_records_nothing() {
  printf 'print("gone")\n' >"$T/main.py"
  run_tide run --ephemeral main.py --json
  expect_rc 0
  expect_eq "$(json_get "$OUT" 'j["output"]')" gone
  expect_eq "$(json_get "$OUT" 'j["session_id"]')" null
  expect_eq "$(json_get "$OUT" 'j["result_id"]')" null
  [ ! -e "$XDG_DATA_HOME/tide/tide.db" ] || expect_eq "$(db 'select count(*) from code_sessions')" 0
  [ ! -e "$XDG_DATA_HOME/tide/sessions" ] || fail "an ephemeral run left a session folder"
  run_tide run --ephemeral --session 1 main.py
  expect_rc 2
}

# Debian's libgit2 (mbed TLS) parsed the system's whole CA bundle when it
# started: most of a recorded run's time, for remotes tide never uses.
# tide's program binds libgit2 to its own loaders, which load nothing
# (src/gitlib.c); the dynamic linker's own account of the binding proves it.
test_recording_a_run_does_not_parse_the_ca_bundle() {
  local lib
  lib=$(ldconfig -p | sed -n 's/^\t*libgit2\.so\.[0-9.]* (libc6,x86-64) => //p' | head -1)
  [ -n "$lib" ] || skip "no libgit2 in ldconfig's cache"
  ldd "$lib" | grep -q libmbedx509 || skip "$lib is not built with mbed TLS"
  printf 'print("kept")\n' >"$T/main.py"
  # LD_BIND_NOW: every binding is made, and written down, before the
  # sandbox's init (a copy of tide) closes the descriptor they go to.
  (cd "$T" && LD_BIND_NOW=1 LD_DEBUG=bindings LD_DEBUG_OUTPUT="$T/ld" "$TIDE" run main.py >"$T/out" 2>"$T/err") ||
    fail "the run failed: $(cat "$T/err")"
  expect_contains "$(cat "$T/err")" "recorded as result 1"
  local bound
  bound=$(cat "$T"/ld.* | grep -E "binding file [^ ]*libgit2[^ ]* .* normal symbol \`mbedtls_x509_crt_parse_(file|path)'" | sed -n 's/.* to \([^ ]*\) \[.*/\1/p' | sort -u)
  expect_eq "$bound" "$(readlink -f "$TIDE")" "libgit2's CA loaders are tide's"
  rm -f "$T"/ld.*
}

# SQLite is opened by the commands that use the database, not at every
# start: a run that records nothing (and tide --version) never maps it.
test_only_commands_that_use_the_database_load_sqlite() {
  printf 'print("kept")\n' >"$T/main.py"
  (cd "$T" && LD_DEBUG=files LD_DEBUG_OUTPUT="$T/eph" "$TIDE" run --ephemeral main.py >"$T/out" 2>"$T/err") ||
    fail "the ephemeral run failed: $(cat "$T/err")"
  (LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ver" "$TIDE" --version >/dev/null) || fail "tide --version failed"
  (cd "$T" && LD_DEBUG=files LD_DEBUG_OUTPUT="$T/rec" "$TIDE" run main.py >"$T/out" 2>"$T/err") ||
    fail "the recorded run failed: $(cat "$T/err")"
  expect_contains "$(cat "$T/err")" "recorded as result 1"
  [ -z "$(cat "$T"/eph.* "$T"/ver.* | grep -E 'file=[^ ]*libsqlite3')" ] ||
    fail "libsqlite3 was loaded by a command that does not use the database"
  cat "$T"/rec.* | grep -qE 'file=[^ ]*libsqlite3' || fail "the recorded run did not load libsqlite3 (is this check blind?)"
  rm -f "$T"/eph.* "$T"/ver.* "$T"/rec.*
}

# A run of files nobody touched since the last run is recorded against
# the same commit from the last snapshot's record (tide-unchanged in the
# git folder), without loading libgit2; an edit that keeps the size and a
# new file are seen, and libgit2 takes a new snapshot.
test_an_untouched_rerun_is_recorded_without_libgit2() {
  local ld
  ld=$(mktemp -d) # (not in the folder: a new file there is a change to it)
  printf 'print("same")\n' >"$T/main.py"
  run_tide run main.py --json
  expect_rc 0 "first run: $ERR"
  # Times within two seconds of a snapshot are not trusted (see snapstat.h).
  sleep 2.2
  run_tide run main.py --json
  expect_rc 0
  local c2
  c2=$(db "SELECT commit_oid FROM code_results ORDER BY id DESC LIMIT 1")
  (cd "$T" && LD_DEBUG=files LD_DEBUG_OUTPUT="$ld/same" "$TIDE" run main.py >"$ld/out" 2>"$ld/err") ||
    fail "the run failed: $(cat "$ld/err")"
  expect_contains "$(cat "$ld/err")" "recorded as result 3"
  expect_eq "$(cat "$ld/out")" "same"
  [ -z "$(cat "$ld"/same.* | grep -E 'file=[^ ]*libgit2')" ] || fail "libgit2 was loaded for an untouched rerun"
  expect_eq "$(db "SELECT commit_oid FROM code_results WHERE id = 3")" "$c2" "the same commit"
  printf 'print("diff")\n' >"$T/main.py"
  (cd "$T" && LD_DEBUG=files LD_DEBUG_OUTPUT="$ld/edit" "$TIDE" run main.py >"$ld/out" 2>"$ld/err") ||
    fail "the edited run failed: $(cat "$ld/err")"
  expect_eq "$(cat "$ld/out")" "diff"
  cat "$ld"/edit.* | grep -qE 'file=[^ ]*libgit2' || fail "the edited run did not load libgit2 (is this check blind?)"
  local c4
  c4=$(db "SELECT commit_oid FROM code_results WHERE id = 4")
  [ "$c4" != "$c2" ] || fail "a same-size edit was recorded against the old commit"
  run_tide diff 3 4
  expect_contains "$OUT" '+print("diff")'
  sleep 2.2
  run_tide run main.py
  printf 'X = 1\n' >"$T/helper.py"
  run_tide run main.py
  local git
  git=$(ls -d "$XDG_DATA_HOME"/tide/sessions/*/git)
  git --git-dir="$git" ls-tree --name-only "$(db "SELECT commit_oid FROM code_results WHERE id = 6")" >"$ld/tree"
  grep -qx helper.py "$ld/tree" || fail "a new file is not in the snapshot: $(cat "$ld/tree")"
  rm -rf "$ld"
  fsck_ok "$git"
}

# A file in a subfolder of a session runs where it lies, as it would when
# run from there: the files beside it open by their names, the rest of
# the session is one folder up, and compilers name the file as it sits
# in that folder.
test_a_run_starts_in_its_entry_folder() {
  run_tide session new python --json
  local folder
  folder=$(json_get "$OUT" 'j["folder"]')
  mkdir -p "$folder/sub"
  printf 'top\n' >"$folder/top.txt"
  printf 'beside\n' >"$folder/sub/data.txt"
  printf 'import os\nprint(os.getcwd(), os.environ["PWD"])\nprint(open("data.txt").read().strip())\nprint(open("../top.txt").read().strip())\n' >"$folder/sub/f.py"
  run_tide run --session 1 sub/f.py
  expect_rc 0
  expect_eq "$OUT" "/work/sub /work/sub
beside
top"
  (cd "$folder/sub" && "$TIDE" run --session 1 f.py >"$T/out" 2>"$T/err") || fail "$(cat "$T/err")"
  expect_eq "$(head -1 "$T/out")" "/work/sub /work/sub"

  run_tide session new c --json
  folder=$(json_get "$OUT" 'j["folder"]')
  mkdir -p "$folder/lib"
  printf '#include <stdio.h>\nint twice(int);\nint main(void)\n{\n    FILE *f = fopen("data.txt", "r");\n    printf("%%d %%s\\n", twice(21), f ? "beside" : "missing");\n    return 0;\n}\n' >"$folder/lib/main.c"
  printf 'int twice(int x) { return 2 * x; }\n' >"$folder/helper.c"
  : >"$folder/lib/data.txt"
  run_tide run --session 2 lib/main.c helper.c
  expect_rc 0
  expect_eq "$OUT" "42 beside"
  printf 'int main(void) { return nope; }\n' >"$folder/lib/bad.c"
  run_tide run --session 2 lib/bad.c
  expect_rc 126
  expect_contains "$ERR" "bad.c:1:"
  case "$ERR" in *lib/bad.c*) fail "the compiler named the file from the session's top: $ERR" ;; esac
}

test_run_errors_are_one_line() {
  run_tide session new python --json
  folder=$(json_get "$OUT" 'j["folder"]')
  printf 'console.log(1)\n' >"$folder/app.js"
  run_tide run --session 1 app.js
  expect_rc 2
  expect_contains "$ERR" "session 1 is a Python session and app.js is Node.js"
  run_tide run --session 1 --lang node main.py
  expect_rc 2
  expect_contains "$ERR" "session 1 is a Python session, not Node.js"
  run_tide run --session 9 main.py
  expect_rc 2
  expect_contains "$ERR" "there is no session 9"
  run_tide run --session 1 nothere.py
  expect_rc 2
  expect_contains "$ERR" "nothere.py: no such file here or in session 1"
  printf 'print(2)\n' >"$T/outside.py"
  run_tide run --session 1 outside.py
  expect_rc 2
  expect_contains "$ERR" "tide import 1 outside.py"
  run_tide run --session 1 main.py --json --generated-dir "$T"
  expect_rc 2
  expect_eq "$(db 'select count(*) from code_results')" 0
}

# A folder keeps a session per language: --session with the wrong one
# points at the folder's own, not at a new scratch session.
test_a_folder_session_of_another_language_points_at_the_right_one() {
  mkdir "$T/two" && cd "$T/two" || fail "cd"
  printf 'print(1)\n' >a.py
  printf 'console.log(2)\n' >a.js
  run_tide run -q a.py
  expect_rc 0
  py=$(db "select id from code_sessions where language = 'python'")
  run_tide run --session "$py" a.js
  expect_rc 2
  expect_contains "$ERR" "is a Python session and a.js is Node.js; run it without --session and tide makes $T/two's Node.js session"
  case "$ERR" in *"session new"*) fail "a folder's file sent to a scratch session: $ERR" ;; esac
  run_tide run -q a.js
  expect_rc 0
  js=$(db "select id from code_sessions where language = 'node'")
  run_tide run --session "$py" a.js
  expect_rc 2
  expect_contains "$ERR" "the folder's Node.js session is $js (--session $js)"
  run_tide run --session "$py" --lang node a.py
  expect_rc 2
  expect_contains "$ERR" "is a Python session, not Node.js; the folder's Node.js session is $js"
  run_tide run --session "$js" a.js
  expect_rc 0
  expect_eq "$OUT" 2
}

test_folder_gone_behind_a_folder_session() {
  mkdir "$T/p"
  printf 'print(1)\n' >"$T/p/main.py"
  run_tide run p/main.py
  expect_rc 0
  rm -rf "$T/p"
  run_tide run --session 1 main.py
  expect_rc 2
  expect_contains "$ERR" "the folder $T/p of session 1 is gone; \`tide session rm 1\` forgets the session"
  run_tide session show 1
  expect_rc 0
  expect_contains "$OUT" "(gone)"
  run_tide result 1
  expect_rc 0
  expect_contains "$OUT" "print(1)"
}

test_damaged_git_folder_still_runs_and_says_so() {
  run_tide session new python
  run_tide run --session 1 main.py
  expect_rc 0
  printf 'garbage' >"$XDG_DATA_HOME/tide/sessions/1/git/HEAD"
  run_tide run --session 1 main.py
  expect_rc 0
  expect_eq "$OUT" "Hello from tide!"
  expect_contains "$ERR" "tide: note: the files of this run are not in git: the git folder"
  expect_contains "$ERR" "is damaged"
  run_tide result 2 --json
  expect_eq "$(json_get "$OUT" 'j["commit"]')" null
  expect_contains "$(json_get "$OUT" 'j["note"]')" "damaged"
  run_tide checkout 2 --to "$T/co"
  expect_rc 1
  expect_eq "$(count_lines "$ERR")" 1
  expect_contains "$ERR" "run 2 has no snapshot of its files"
  run_tide diff 1 2
  expect_rc 0
  expect_contains "$OUT" "run 2 has no snapshot of its files: comparing the entry files"
  # Run 1's snapshot does not need the broken HEAD: it is still there.
  run_tide checkout 1 --to "$T/co"
  expect_rc 0
  expect_file "$T/co/main.py"
  # A git folder gone altogether: one line, the records stay.
  rm -rf "$XDG_DATA_HOME/tide/sessions/1/git"
  run_tide checkout 1 --to "$T/co2"
  expect_rc 1
  expect_eq "$(count_lines "$ERR")" 1
  expect_contains "$ERR" "is missing"
  run_tide run --session 1 main.py
  expect_rc 0
  expect_contains "$ERR" "not in git"
  run_tide history 1 --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 3
  run_tide checkout 1 "$T/co3"
  expect_rc 2
  expect_contains "$ERR" "checkout takes one run id; to write into $T/co3, say --to $T/co3"
  [ ! -e "$T/co3" ] || fail "checkout wrote into a folder it was not given with --to"
}

test_checkout_writes_the_files_of_a_past_run() {
  run_tide session new c --json
  folder=$(json_get "$OUT" 'j["folder"]')
  printf 'int helper(void) { return 1; }\n' >"$folder/helper.c"
  run_tide run --session 1 main.c helper.c
  expect_rc 0
  printf 'int helper(void) { return 2; }\n' >"$folder/helper.c"
  run_tide run --session 1 main.c helper.c
  run_tide checkout 1
  expect_rc 0
  expect_eq "$OUT" "wrote the 2 files of run 1 to tide-run-1"
  expect_eq "$(cat tide-run-1/helper.c)" 'int helper(void) { return 1; }'
  run_tide checkout 1
  expect_rc 1
  expect_contains "$ERR" "tide-run-1 already exists"
  run_tide checkout 2 --to tide-run-1
  expect_rc 1
  expect_contains "$ERR" "already exists; choose an empty folder or use --force"
  expect_eq "$(cat tide-run-1/helper.c)" 'int helper(void) { return 1; }'
  run_tide checkout 2 --to tide-run-1 --force
  expect_rc 0
  expect_eq "$(cat tide-run-1/helper.c)" 'int helper(void) { return 2; }'
}

test_history_limits_and_sessions() {
  run_tide session new python
  run_tide session new python
  for i in 1 2 3; do run_tide run --session 1 main.py; done
  run_tide run --session 2 main.py
  run_tide history --limit 2 --json
  expect_eq "$(json_get "$OUT" '[r["id"] for r in j["runs"]]')" "[4, 3]"
  run_tide history 1 --json
  expect_eq "$(json_get "$OUT" '[r["id"] for r in j["runs"]]')" "[3, 2, 1]"
  run_tide history python-2
  expect_eq "$(count_lines "$OUT")" 2
  run_tide history --limit 0 --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 4
  run_tide diff 1 2
  expect_contains "$OUT" "(no change in the files)"
  expect_contains "$OUT" "(the output is the same)"
  run_tide status --json
  expect_eq "$(json_get "$OUT" 'j["runs"]')" 4
}

test_what_a_snapshot_leaves_out_is_said() {
  mkdir "$T/p"
  printf 'print("hi")\n' >"$T/p/main.py"
  truncate -s $((50 * 1024 * 1024 + 1)) "$T/p/huge.bin"
  printf 'secret.txt\n' >"$T/p/.gitignore"
  printf 'x\n' >"$T/p/secret.txt"
  run_tide run p/main.py
  expect_rc 0
  expect_contains "$ERR" "tide: note: left huge.bin (50.0 MiB) out of the snapshot: files over 50 MiB are not kept in git"
  run_tide history --json
  commit=$(json_get "$OUT" 'j["runs"][0]["commit"]')
  expect_eq "$(git --git-dir="$XDG_DATA_HOME/tide/sessions/1/git" ls-tree -r --name-only "$commit" | tr '\n' ' ')" \
    ".gitignore main.py "
  run_tide result 1 --json
  expect_contains "$(json_get "$OUT" 'j["note"]')" "huge.bin"
  # Said once: the next run of the session leaves the same out, records it
  # and gives it to --json, but does not tell a person again...
  mkdir "$T/p/vendor" && git -C "$T/p/vendor" init -q
  run_tide run p/main.py
  expect_not_contains "$ERR" "huge.bin"
  expect_contains "$ERR" "tide: note: left vendor/ out of the snapshot: it is a git repository of its own"
  run_tide run --json p/main.py
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "huge.bin"
  run_tide run p/main.py
  expect_not_contains "$ERR" "note:"
  run_tide result 4 --json
  expect_contains "$(json_get "$OUT" 'j["note"]')" "huge.bin"
  # ...until it was not so for a run in between.
  mv "$T/p/huge.bin" "$T/huge.bin"
  run_tide run p/main.py
  mv "$T/huge.bin" "$T/p/huge.bin"
  run_tide run p/main.py
  expect_contains "$ERR" "tide: note: left huge.bin (50.0 MiB)"
  expect_not_contains "$ERR" "vendor/"
}

test_a_big_folder_snapshots_its_language_only() {
  mkdir -p "$T/big/src" "$T/big/.cache" "$T/big/data"
  python3 -c 'import sys; [open("%s/%d.txt" % (sys.argv[1], i), "w").write("x") for i in range(10050)]' "$T/big/data"
  printf 'print("big")\n' >"$T/big/main.py"
  printf 'X = 1\n' >"$T/big/src/lib.py"
  printf 'Y = 1\n' >"$T/big/.cache/hidden.py"
  run_tide run big/main.py
  expect_rc 0
  expect_eq "$OUT" big
  expect_contains "$ERR" "the folder is big (over 10000 files or 200 MiB): the snapshot holds only its Python files outside hidden folders"
  run_tide history --json
  commit=$(json_get "$OUT" 'j["runs"][0]["commit"]')
  expect_eq "$(git --git-dir="$XDG_DATA_HOME/tide/sessions/1/git" ls-tree -r --name-only "$commit" | tr '\n' ' ')" \
    "main.py src/lib.py "
}

test_a_terminal_run_is_recorded_as_interactive() {
  command -v script >/dev/null || skip "script(1) is missing"
  run_tide session new python --json
  folder=$(json_get "$OUT" 'j["folder"]')
  printf 'name = input("name? ")\nprint("hello", name)\n' >"$folder/main.py"
  printf 'Ada\n' | script -qec "$TIDE run --session 1 main.py" /dev/null >"$T/typescript" 2>&1 || true
  run_tide result 1 --json
  expect_eq "$(json_get "$OUT" 'j["stdin_mode"]')" interactive
  expect_contains "$(json_get "$OUT" 'j["output"]')" "hello Ada"
}

test_endless_stdin_does_not_hang_the_record() {
  printf 'import sys\nprint(sys.stdin.readline().strip())\n' >"$T/one.py"
  RC=0
  OUT=$(yes | timeout 30 "$TIDE" run one.py 2>/dev/null) || RC=$?
  expect_eq "$RC" 0 "the run ends when the program does"
  expect_eq "$OUT" y
  # What came in is kept (more than fits in an argument: read it from a file).
  "$TIDE" result 1 --json >"$T/r.json"
  expect_eq "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["stdin_mode"], j["stdin"].startswith("y\ny\n"))' "$T/r.json")" \
    "pipe True"
}

# The record keeps the first MiB of a program's input, and says so when
# the program was given more.
test_a_long_stdin_is_recorded_as_its_first_mib() {
  printf 'import sys\nprint(len(sys.stdin.buffer.read()))\n' >"$T/count.py"
  head -c 3000000 /dev/zero | tr '\0' x >"$T/big.txt"
  run_tide run --stdin "$T/big.txt" "$T/count.py"
  expect_eq "$OUT" 3000000
  "$TIDE" result 1 --json >"$T/r.json"
  expect_eq "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len(j["stdin"]), j["stdin_truncated"])' "$T/r.json")" \
    "1048576 True"
  expect_contains "$("$TIDE" result 1 | grep -- '^--- stdin')" "its first MiB: the program was given more"
  printf 'abc' >"$T/small.txt"
  run_tide run --stdin "$T/small.txt" "$T/count.py"
  run_tide result 2 --json
  expect_eq "$(json_get "$OUT" '[j["stdin"], j["stdin_truncated"]]')" '["abc", false]'
  run_tide result 2
  expect_contains "$OUT" "$(printf -- '--- stdin\nabc')"
}

test_a_full_disk_runs_and_says_what_was_not_recorded() {
  command -v unshare >/dev/null || skip "unshare is missing"
  [ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root (CI runs as root)"
  mkdir -p "$XDG_DATA_HOME"
  printf 'print(5)\n' >"$T/x.py"
  RC=0
  OUT=$(unshare -m sh -c '
    mount -t tmpfs -o size=1m tmpfs "$1" || exit 99
    "$2" run "$3/x.py" >/dev/null 2>&1 || exit 98
    head -c 4000000 /dev/zero >"$1/filler" 2>/dev/null
    "$2" run "$3/x.py"; echo "rc=$?"
    "$2" run -q "$3/x.py"; echo "rc_quiet=$?"
    "$2" run --session 1 x.py; echo "rc_session=$?"
    rm "$1/filler"
    "$2" history --json | python3 -c "import json,sys; print(\"runs=%d\" % len(json.load(sys.stdin)[\"runs\"]))"
    python3 -c "import sqlite3,sys; print(\"integrity=\" + sqlite3.connect(sys.argv[1]).execute(\"pragma integrity_check\").fetchone()[0])" "$1/tide/tide.db"
    git --git-dir="$1/tide/sessions/1/git" fsck >/dev/null 2>&1; echo "fsck=$?"
  ' sh "$XDG_DATA_HOME" "$TIDE" "$T" 2>&1) || RC=$?
  [ "$RC" != 99 ] || skip "cannot mount a tmpfs here"
  [ "$RC" != 98 ] || fail "the first run failed: $OUT"
  expect_contains "$OUT" "5
"
  expect_contains "$OUT" "rc=0"
  expect_contains "$OUT" "tide: note: this run is not recorded:"
  expect_contains "$OUT" "the disk holding it is full"
  # -q says nothing of tide's own but that: the record is lost.
  expect_contains "$OUT" "5
tide run: this run is not recorded:"
  expect_contains "$OUT" "rc_quiet=0"
  expect_contains "$OUT" "rc_session=2"
  expect_contains "$OUT" "runs=1"
  expect_contains "$OUT" "integrity=ok"
  expect_contains "$OUT" "fsck=0"
}

test_a_big_output_is_written_to_the_database_once() {
  # 8 MB of output: the row that records it is written once, not once and
  # then again when the run's commit is added (which left 8 MB of free pages).
  printf 'import sys\nsys.stdout.write("x" * (8 << 20))\n' >big.py
  "$TIDE" run --output-limit 16777216 big.py >/dev/null 2>&1
  expect_eq "$(python3 - "$XDG_DATA_HOME/tide/tide.db" <<'P'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
size = db.execute("SELECT length(output) FROM code_results").fetchone()[0]
free = db.execute("PRAGMA freelist_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
print(size, "free pages under 1 MB" if free < (1 << 20) else "%d bytes free" % free)
P
)" "8388608 free pages under 1 MB"
}

# Search reads the first MiB of what a run printed: indexing more held
# the database for seconds (varied text: base64, hashes) while other runs
# waited to be recorded.  The record keeps all of it.
test_search_finds_what_a_run_printed_in_its_first_mib() {
  printf 'import base64, os, sys\nprint("early" + "_marker")\nfor i in range(40): print(base64.b64encode(os.urandom(48 * 1024)).decode())\nprint("late" + "_marker")\n' >b.py
  run_tide run --output-limit 8M -q b.py
  expect_rc 0
  run_tide search early_marker --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 1 "$OUT"
  run_tide search late_marker --json
  expect_eq "$(json_get "$OUT" 'len(j["runs"])')" 0 "$OUT"
  "$TIDE" result --json >r.json
  python3 -c 'import json, sys; sys.exit(0 if json.load(open("r.json"))["output"].endswith("late_marker\n") else 1)' ||
    fail "the record lost the end of the output"
}

# tide diff says how each run ended as tide result does: an exit code, a
# signal, or '-' for a program that never ran (not tide's internal -1).
test_diff_says_how_each_run_ended() {
  printf 'int main(void) { return 0; }\n' >p.c
  run_tide run p.c
  expect_rc 0
  printf 'int main(void) { return 0 }\n' >p.c
  run_tide run p.c
  expect_rc 126
  printf '#include <signal.h>\nint main(void) { raise(SIGKILL); return 0; }\n' >p.c
  run_tide run p.c
  run_tide diff 1 2
  expect_contains "$OUT" "=== status: ok (exit 0) -> compile_error (-)"
  run_tide diff 2 3
  expect_contains "$OUT" "=== status: compile_error (-) -> runtime_error (signal 9)"
}
