# `tide run`: exit codes, compile errors, invalid requests, output as it
# is written (text and binary), limits, and the environment a program gets.

test_help_documents_exit_codes() {
  run_tide help run
  expect_rc 0
  expect_contains "$OUT" "usage: tide run [options] FILE [FILE...] [-- ARGS...]"
  for code in "124 timeout" "125 tide or the sandbox failed" "126 compile error" "127 the"; do
    expect_contains "$OUT" "$code"
  done
  run_tide --help
  expect_contains "$OUT" "run "
}

test_exit_code_and_signal_pass_through() {
  printf 'import sys\nprint("bye")\nsys.exit(7)\n' >seven.py
  run_tide run seven.py
  expect_rc 7
  expect_eq "$OUT" "bye"
  expect_contains "$ERR" "tide: runtime_error, exit code 7"
  printf 'import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n' >segv.py
  run_tide run --json segv.py
  expect_rc $((128 + 11))
  expect_eq "$(json_get "$OUT" '[j["status"], j["return_code"], j["signal"], j["success"]]')" \
    '["runtime_error", null, 11, false]'
}

test_compile_error_names_the_file_as_the_user_wrote_it() {
  printf '#include <stdio.h>\nint main(void)\n{\n    prinft("x");\n    return 0\n}\n' >main.c
  run_tide run main.c
  expect_rc 126
  expect_contains "$ERR" "main.c:5:13: error"
  expect_not_contains "$ERR" "/work"
  expect_contains "$ERR" "tide: compile_error"
  run_tide run --json main.c
  expect_rc 126
  expect_eq "$(json_get "$OUT" 'j["status"]')" compile_error
  expect_contains "$(json_get "$OUT" 'j["error"]')" "main.c:4:5: warning: implicit declaration of function"
  expect_eq "$(json_get "$OUT" 'j["output"]')" ""
}

# Memory as people write it (docker's -m 2g): a bare number is MiB.
test_memory_takes_a_unit() {
  printf 'b = bytearray(600 * 1024 * 1024)\nprint("ok")\n' >big.py
  run_tide run --ephemeral --json -m 512 big.py
  expect_eq "$(json_get "$OUT" 'j["status"]')" memory_limit
  run_tide run --ephemeral --json -m 1G big.py
  expect_eq "$(json_get "$OUT" 'j["status"]')" ok
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[run]\nmemory = 1024M\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  run_tide run --ephemeral big.py
  expect_rc 0
  expect_eq "$OUT" ok
  expect_not_contains "$ERR" warning
}

# The command line reads sizes as config.ini does (one parser, the same
# bounds): units K to T, fractions with a unit.
test_sizes_on_the_command_line_read_as_in_the_config() {
  printf 'import sys\nwhile True:\n    sys.stdout.write("y" * 1000)\n' >flood.py
  run_tide run --ephemeral --output-limit 2K --json flood.py
  expect_rc 141
  expect_eq "$(json_get "$OUT" '[j["status"], len(j["output"])]')" '["output_limit", 2048]'
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[run]\noutput_limit = 2K\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  run_tide run --ephemeral --json flood.py
  expect_eq "$(json_get "$OUT" '[j["status"], len(j["output"])]')" '["output_limit", 2048]'
  rm "$XDG_CONFIG_HOME/tide/config.ini"
  printf 'b = bytearray(600 * 1024 * 1024)\nprint("ok")\n' >big.py
  run_tide run --ephemeral -m 1.5G big.py
  expect_rc 0
  expect_eq "$OUT" ok
  run_tide run --ephemeral --memory 1T big.py
  expect_rc 0
  local bad
  for bad in 1023 0.5K 5G 2P 1.5; do
    run_tide run --ephemeral --output-limit "$bad" flood.py
    expect_rc 2
    expect_contains "$ERR" "--output-limit needs bytes from 1024 to 4294967296, or a size with a unit such as 64K or 2M, not '$bad'"
  done
  for bad in 15M 1.1T 1.5; do
    run_tide run --ephemeral --memory "$bad" big.py
    expect_rc 2
    expect_contains "$ERR" "--memory needs MiB from 16 to 1048576"
  done
}

test_invalid_requests_exit_2() {
  run_tide run missing.py
  expect_rc 2
  expect_contains "$ERR" "missing.py: No such file or directory"
  printf 'x\n' >notes.txt
  run_tide run notes.txt
  expect_rc 2
  expect_contains "$ERR" "cannot tell the language of notes.txt"
  run_tide run --lang cobol notes.txt
  expect_rc 2
  expect_contains "$ERR" "unknown language 'cobol'"
  # Found once the run is prepared, said the same way: one line.
  run_tide run --lang c notes.txt
  expect_rc 2
  expect_eq "$ERR" "tide run: notes.txt is not a C source file: the compiler goes by the name, so call it notes.c"
  mkdir sub && printf 'print(1)\n' >sub/a.py && printf 'print(2)\n' >b.py
  run_tide run sub/a.py b.py
  expect_rc 2
  expect_contains "$ERR" "is outside"
  run_tide run --json missing.py
  expect_rc 2
  expect_eq "$(json_get "$OUT" '[j["status"], j["success"]]')" '["invalid_request", false]'
  # With every key an answer has (files and notes too).
  expect_eq "$(json_get "$OUT" '[j["files"], j["notes"], j["result_id"]]')" '[[], [], null]'
  run_tide run --timeout 0 b.py
  expect_rc 2
  run_tide run
  expect_rc 2
  expect_contains "$ERR" "no FILE to run"
  # A script asking for JSON gets its answer in JSON whatever was wrong,
  # even in an option before --json.
  local bad
  for bad in "-m 1" "--bogus" "-t" "--allow-missing x"; do
    run_tide run $bad b.py --json
    expect_rc 2
    expect_eq "$(json_get "$OUT" 'j["status"]')" invalid_request
  done
  run_tide run -m 1 --json b.py
  expect_eq "$(json_get "$OUT" 'j["message"]')" "--memory needs MiB from 16 to 1048576, or a size with a unit such as 512M or 2G, not '1'"
  run_tide run --json
  expect_eq "$(json_get "$OUT" 'j["message"]')" "no FILE to run"
  # An option missing its value is named as the user wrote it.
  run_tide run b.py -qt
  expect_rc 2
  expect_contains "$ERR" "tide run: option '-t' needs a value"
  mkdir -p stdin_dir
  run_tide run --stdin stdin_dir b.py
  expect_rc 2
  expect_contains "$ERR" "--stdin stdin_dir is a folder: give a file to read"
  # A folder or '-' for FILE: said as such, not as an unknown language.
  mkdir empty
  run_tide run empty
  expect_rc 2
  expect_eq "$ERR" "tide run: empty holds no program to run: name the program's file"
  run_tide run --lang python - b.py
  expect_rc 2
  expect_contains "$ERR" "a program on standard input ('-') is the only FILE of its run"
}

# "-": the program is standard input, as an agent holding code has it.
# Recorded in a scratch session of its own; --ephemeral leaves nothing.
test_a_program_on_standard_input() {
  printf 'import sys\nprint("from stdin", "|".join(sys.argv[1:]), len(sys.stdin.read()))\n' >prog.txt
  run_tide_stdin prog.txt run --json --lang python - -- a 'b c'
  expect_rc 0 "$OUT"
  expect_eq "$(json_get "$OUT" '[j["output"], j["language"]]')" \
    '["from stdin a|b c 0\n", "python"]'
  sid=$(json_get "$OUT" 'j["session_id"]')
  run_tide session show "$sid" --json
  expect_eq "$(json_get "$OUT" '[j["kind"], j["language"], j["name"]]')" "[\"scratch\", \"python\", \"python-stdin-$sid\"]"
  run_tide result --json
  expect_eq "$(json_get "$OUT" 'j["commit"] is not None')" true "the run's files are in the session's git"
  git --git-dir="$XDG_DATA_HOME/tide/sessions/$sid/git" fsck --no-progress >/dev/null 2>&1 || fail "git fsck of session $sid"
  run_tide files "$sid" --json
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["files"]]')" '["main.py"]' "the starter gave way"
  expect_eq "$(cat "$(json_get "$OUT" 'j["files"][0]["path"]')")" "$(cat prog.txt)"
  # The language from a #! line; the program's own input from --stdin.
  printf '#!/usr/bin/env node\nrequire("fs").readFile(0, "utf8", (e, d) => console.log("node got", d.trim()))\n' >prog.js.txt
  printf 'fed\n' >in.txt
  run_tide_stdin prog.js.txt run --stdin in.txt -
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "node got fed"
  # Java: the file is named after its public class, as javac wants.
  printf 'public class Greeter {\n    public static void main(String[] a) { System.out.println("hi"); }\n}\n' >g.txt
  run_tide_stdin g.txt run --ephemeral --lang java -
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "hi"
  # No public class: the file is named after the first one, which java runs.
  printf '// the class of the day\nclass Today {\n    public static void main(String[] a) { System.out.println("today"); }\n}\n' >t.txt
  run_tide_stdin t.txt run --ephemeral --lang java -
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "today"
  expect_eq "$(ls "$XDG_CACHE_HOME/tide" | grep -c '^stdin-')" 0 "the --ephemeral folder is gone"
  # What cannot be run is said, and makes no session.
  run_tide session list --json
  before=$(json_get "$OUT" 'len(j["sessions"])')
  printf '  \n' >blank.txt
  run_tide_stdin blank.txt run --lang python -
  expect_rc 2
  expect_eq "$ERR" "tide run: standard input held no program: give its code there, or a FILE"
  run_tide_stdin prog.txt run -
  expect_rc 2
  expect_contains "$ERR" "cannot tell the language of a program on standard input: pass --lang"
  run_tide_stdin prog.txt run --stdin - --lang python -
  expect_rc 2
  expect_contains "$ERR" "--stdin - cannot feed it there too"
  run_tide session list --json
  expect_eq "$(json_get "$OUT" 'len(j["sessions"])')" "$before"
}

# A Go program's folder may hold a library of another package, or a file
# just created and still empty: go build refuses either beside the
# program, and go run main.go would not take them.
test_a_go_program_leaves_out_other_packages_of_its_folder() {
  mkdir -p gp
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("go", twice(21)) }\n' >gp/main.go
  printf 'package main\n\nfunc twice(x int) int { return 2 * x }\n' >gp/util.go
  printf 'package other\n\nfunc Y() {}\n' >gp/other.go
  : >gp/empty.go
  run_tide run --ephemeral gp/main.go
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "go 42"
}

# tide run DIR runs the folder's program, as go run . does: the file with
# its language's usual name, else the only one with a main of its own,
# else the only source; several say so.
test_a_folder_runs_its_program() {
  mkdir -p g c one many
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("go", twice(21)) }\n' >g/app.go
  printf 'package main\n\nfunc twice(x int) int { return 2 * x }\n' >g/util.go
  run_tide run --ephemeral g
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "go 42"
  printf '#include <stdio.h>\nint main(void) { puts("c main"); }\n' >c/main.c
  printf '#include <stdio.h>\nint main(void) { puts("other"); }\n' >c/other.c
  (cd c && run_tide run --ephemeral . && expect_rc 0 "$ERR" && expect_eq "$OUT" "c main") || fail "tide run ."
  printf 'print("the one")\n' >one/tool.py
  run_tide run --ephemeral one
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "the one"
  printf 'print(1)\n' >many/a.py
  printf 'console.log(2)\n' >many/b.js
  run_tide run --ephemeral many
  expect_rc 2
  expect_eq "$ERR" "tide run: many holds several programs (a.py, b.js): name the one to run"
  run_tide run --ephemeral --lang node many
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 2
}

# --lang runs a script of any name in an interpreter (an executable
# script has no .py); a compiler goes by the name, and the error says so.
test_lang_runs_a_script_without_its_extension() {
  printf 'print("no extension")\n' >script
  run_tide run --ephemeral --lang python script
  expect_rc 0
  expect_eq "$OUT" "no extension"
  printf '<?php echo "php too\\n";\n' >page
  run_tide run --ephemeral --lang php page
  expect_rc 0
  expect_eq "$OUT" "php too"
  printf 'int main(void) { return 0; }\n' >prog.txt
  run_tide run --ephemeral --lang c prog.txt
  expect_rc 2
  expect_contains "$ERR" "prog.txt is not a C source file: the compiler goes by the name, so call it prog.c"
  case "$ERR" in *"compile 0.00"*) fail "a refused request reports a compile time: $ERR" ;; esac
}

# A script without an extension says its language in its #! line, as the
# IDE already read it: no --lang needed.
test_a_script_runs_by_its_shebang() {
  printf '#!/usr/bin/env python3\nprint("by shebang")\n' >tool
  chmod +x tool
  run_tide run --ephemeral tool
  expect_rc 0 "a python script"
  expect_eq "$OUT" "by shebang"
  printf '#!/usr/bin/env -S node --no-warnings\nconsole.log("node " + "too")\n' >njs
  run_tide run --ephemeral njs
  expect_rc 0 "a node script"
  expect_eq "$OUT" "node too"
  printf '#!/bin/sh\necho sh\n' >shell
  run_tide run --ephemeral shell
  expect_rc 2 "a shell script"
  expect_contains "$ERR" "cannot tell the language of shell from its name or a #! line"
}

# --generated-dir takes an empty folder, or makes a new one: nothing in it
# is overwritten or passed off as the run's.
test_generated_dir_is_empty_or_new() {
  printf 'open("out.txt", "w").write("new")\n' >gen.py
  mkdir -p full && printf 'old\n' >full/out.txt
  run_tide run --generated-dir full gen.py
  expect_rc 2
  expect_contains "$ERR" "--generated-dir full is not empty: name an empty or new folder"
  expect_eq "$(cat full/out.txt)" "old"
  run_tide run --generated-dir fresh gen.py
  expect_rc 0
  expect_eq "$(cat fresh/out.txt)" "new"
  expect_contains "$ERR" "tide: wrote out.txt (3 B, text/plain)"
  expect_not_contains "$ERR" "keeps none"
  # --ephemeral alone keeps nothing, and says so (the user's folder has
  # none of it either).
  run_tide run --ephemeral gen.py
  expect_rc 0
  expect_contains "$ERR" "tide: --ephemeral keeps none of the files the program wrote (--generated-dir DIR does)"
  [ ! -e out.txt ] || fail "out.txt appeared in the user's folder"
  # --json says it too: generated_files lists what is gone.
  run_tide run --ephemeral --json gen.py
  expect_eq "$(json_get "$OUT" '[[f["name"] for f in j["generated_files"]], j["notes"]]')" \
    '[["out.txt"], ["--ephemeral keeps none of the files the program wrote (--generated-dir DIR does)"]]'
  run_tide run --ephemeral --generated-dir kept --json gen.py
  expect_eq "$(json_get "$OUT" 'j["notes"]')" '[]' "files kept in a --generated-dir"
  # What is not kept is said, and why.
  printf 'import os\nos.symlink("/etc/passwd", "link")\nopen("bad\\x01name", "w").write("x")\nopen("ok.txt", "w").write("y")\n' >gen2.py
  run_tide run --ephemeral gen2.py
  expect_rc 0
  expect_contains "$ERR" "tide: wrote ok.txt (1 B, text/plain)"
  expect_contains "$ERR" "tide: note: 2 files the program wrote are not kept: names with control characters or not in UTF-8; symlinks, hard links, fifos or devices (only plain files are kept)"
  # A file the program deleted is no file it wrote; a recorded run says
  # the same once, among its notes, and so does its JSON.
  printf 'import os\nos.remove("gen.py")\nopen("bad\\x01", "w").write("x")\n' >gen3.py
  run_tide run gen3.py
  expect_rc 0
  expect_eq "$(printf '%s\n' "$ERR" | grep -c 'not kept')" 1
  expect_contains "$ERR" "tide: note: 1 file the program wrote is not kept: names with control characters or not in UTF-8"
  run_tide run --json gen3.py
  expect_eq "$(json_get "$OUT" 'j["notes"]')" '["1 file the program wrote is not kept: names with control characters or not in UTF-8"]'
}

# The run step's cgroups are made while the run is prepared, before it is
# known whether a run step comes at all: whether the run worked, failed to
# compile or was refused, none is left behind.
test_no_cgroup_is_left_behind() {
  [ -d /sys/fs/cgroup ] || skip "no cgroups here"
  printf 'print(1)\n' >"$T/ok.py"
  printf 'int main(void) { return nope; }\n' >"$T/bad.c"
  local args pid left
  for args in "ok.py" "bad.c" "--lang c ok.py" "--timeout 1 --ephemeral ok.py"; do
    (cd "$T" && exec "$TIDE" run $args >/dev/null 2>&1) &
    pid=$!
    wait $pid || true
    left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "tide-$pid-*" 2>/dev/null || true)
    [ -z "$left" ] || fail "tide run $args left cgroups behind: $left"
  done
}

# Files named in ways that read as something else: each refusal says what
# to write instead.
test_misnamed_files_say_what_to_write() {
  printf 'print(1)\n' >./-dash.py
  printf 'import sys\nprint(sys.argv[1:])\n' >args.py
  run_tide run -dash.py
  expect_rc 2
  expect_contains "$ERR" "unknown option '-d' (for the file -dash.py, write ./-dash.py)"
  run_tide run args.py extra
  expect_rc 2
  expect_contains "$ERR" "extra: no such file (the program's arguments go after --: tide run args.py -- extra)"
  RC=0
  ERR=$("$TIDE" run --lang python <(echo 'print(1)') 2>&1 >/dev/null) || RC=$?
  expect_eq "$RC" 2
  expect_contains "$ERR" "is a pipe or a device, not a file: a program on standard input is given as '-'"
  # Unreadable, for a user who is not root (root reads everything).
  if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
    mkdir -p locked && chmod 000 locked
    printf 'print(3)\n' >secret.py && chmod 000 secret.py
    chmod 755 "$T"
    as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/nonexistent "$TIDE" "$@"; }
    RC=0
    ERR=$(as_nobody run --allow-missing cgroup locked 2>&1) || RC=$?
    expect_eq "$RC" 2
    expect_contains "$ERR" "cannot read the folder locked: Permission denied"
    RC=0
    ERR=$(as_nobody run --allow-missing cgroup --ephemeral secret.py 2>&1) || RC=$?
    expect_eq "$RC" 2
    expect_contains "$ERR" "cannot read secret.py: Permission denied"
  fi
}

test_missing_toolchain_exits_127() {
  printf 'print(1)\n' >a.py
  RC=0
  OUT=$(PATH=/nonexistent "$TIDE" run --json a.py 2>/dev/null) || RC=$?
  expect_rc 127
  expect_eq "$(json_get "$OUT" 'j["status"]')" sandbox_error
  expect_contains "$(json_get "$OUT" 'j["message"]')" "apt-get install python3"
  expect_eq "$(json_get "$OUT" 'j["notes"]')" "[]" "a run that could not start is not tried again unrecorded"
  # One line says it, with no step times of a step that never began.
  printf 'fn main() {}\n' >m.rs
  RC=0
  ERR=$(PATH=/nonexistent "$TIDE" run m.rs 2>&1 >/dev/null) || RC=$?
  expect_rc 127
  expect_eq "$ERR" "tide: sandbox_error: Rust is not available: rustc not found on PATH (install it with: apt-get install rustc)"
  # A tool the config's command names is the toolchain too.
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[lang.python]\nrun = python3-nope {entry}\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  run_tide run --json a.py
  expect_rc 127 "a configured tool missing"
  expect_eq "$(json_get "$OUT" '[j["status"], j["message"]]')" \
    '["sandbox_error", "python3-nope (from the python command) is not installed"]'
}

test_binary_output_is_byte_exact() {
  # A PBM image on stdout, with bytes that are not UTF-8.
  cat >img.c <<'P'
#include <stdio.h>
int main(void)
{
    printf("P4\n8 2\n");
    putchar(0xff);
    putchar(0x81);
    putchar(0);
    return 0;
}
P
  "$TIDE" run img.c >img.pbm 2>/dev/null
  expect_eq "$(od -An -tx1 img.pbm | tr -d ' \n')" "50340a3820320aff8100"
  run_tide run --json img.c
  expect_eq "$(json_get "$OUT" '__import__("base64").b64decode(j["output_base64"]).hex()')" \
    "50340a3820320aff8100"
  expect_eq "$(json_get "$OUT" 'j["output"]')" "$(printf 'P4\n8 2\n\xef\xbf\xbd\xef\xbf\xbd')"
  printf 'print("caf\\u00e9")\n' >text.py
  run_tide run --json text.py
  expect_eq "$(json_get "$OUT" '"output_base64" in j')" false
}

test_output_streams_while_the_program_runs() {
  # C's stdio must not sit on the output until exit.
  printf '#include <stdio.h>\n#include <unistd.h>\nint main(void)\n{\n    printf("first\\n");\n    sleep(30);\n    printf("second\\n");\n}\n' >slow.c
  "$TIDE" run --timeout 20 slow.c >out.txt 2>err.txt &
  pid=$!
  for _ in $(seq 100); do
    grep -q first out.txt 2>/dev/null && break
    sleep 0.1
  done
  grep -q first out.txt || { kill $pid; fail "nothing streamed within 10 s: $(cat out.txt err.txt)"; }
  kill -TERM $pid
  RC=0
  wait $pid || RC=$?
  expect_rc 143 "stopped by SIGTERM"
  expect_contains "$(cat err.txt)" "tide: killed"
}

# A run stopped by a signal ends tide by that same signal, after the JSON
# and the record are written: the caller sees how it ended (SIGTERM, not an
# exit of 130), and a shell loop stops at Ctrl-C instead of going on to
# the next run (bash goes on when its child merely exited 130).
test_a_stop_by_signal_ends_tide_by_that_signal() {
  printf 'import time\nprint("up", flush=True)\ntime.sleep(60)\n' >wait.py
  OUT=$(python3 - "$TIDE" <<'P'
import subprocess, sys, time, json, signal, os
tide = sys.argv[1]
p = subprocess.Popen([tide, "run", "--json", "wait.py"], stdout=subprocess.PIPE)
time.sleep(1.5)
p.send_signal(signal.SIGTERM)
out = p.communicate(timeout=20)[0]
print(p.returncode, json.loads(out)["status"])
# A script's loop, its own process group, Ctrl-C sent to the group.
loop = subprocess.Popen(["bash", "-c", f"for i in 1 2; do {tide} run --ephemeral wait.py >/dev/null 2>&1; "
                         "echo went on >>loop.log; done"], start_new_session=True,
                        # (as in a terminal: a background job of a script would ignore SIGINT)
                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
time.sleep(1.5)
os.killpg(loop.pid, signal.SIGINT)
try:
    rc = loop.wait(timeout=10)
except subprocess.TimeoutExpired:
    os.killpg(loop.pid, signal.SIGKILL)
    rc = "still running"
print(rc, os.path.exists("loop.log"))
P
)
  expect_eq "$OUT" "$(printf '%s\n' "-15 killed" "-2 False")" "the run's end and the loop's"
  run_tide history --json
  expect_eq "$(json_get "$OUT" 'j["runs"][0]["status"]')" killed "the stopped run is recorded"
  # What the caller ignores does not stop the run: nohup's SIGHUP.
  printf 'import time\ntime.sleep(1.5)\nprint("finished")\n' >short.py
  nohup "$TIDE" run --ephemeral short.py >nohup.txt 2>&1 &
  local pid=$!
  sleep 0.7
  kill -HUP $pid
  RC=0
  wait $pid || RC=$?
  expect_rc 0 "a nohup run after SIGHUP"
  expect_contains "$(cat nohup.txt)" "finished"
}

# Ctrl-C (SIGINT to tide) interrupts the program as it would outside
# tide: a program may handle it (and its exit status is its own), Python
# shows where it was, a program that ignores it is stopped by the second.
test_ctrl_c_interrupts_the_program_as_outside_tide() {
  printf 'import sys, time\nprint("up", flush=True)\ntry:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    print("saved", flush=True)\n    sys.exit(3)\n' >handles.py
  printf 'import time\nprint("up", flush=True)\ntime.sleep(60)\n' >plain.py
  printf 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("up", flush=True)\ntime.sleep(60)\n' >ignores.py
  printf '#include <stdio.h>\n#include <unistd.h>\nint main(void)\n{\n    puts("up");\n    fflush(stdout);\n    sleep(60);\n}\n' >plain.c
  OUT=$(python3 - "$TIDE" <<'P'
import json, signal, subprocess, sys, time
tide = sys.argv[1]
def run(name, sigints):
    p = subprocess.Popen([tide, "run", "--json", "--ephemeral", name], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # "up" is in the JSON only at the end: wait for the program to be running.
    time.sleep(2.5 if name.endswith(".c") else 1)
    for i in range(sigints):
        p.send_signal(signal.SIGINT)
        time.sleep(0.7)
    try:
        out = p.communicate(timeout=4)[0]
    except subprocess.TimeoutExpired:
        p.kill()
        return f"{name}: still running after {sigints} SIGINT"
    j = json.loads(out)
    tb = "KeyboardInterrupt" in j["error"] and 'plain.py", line 3' in j["error"]
    return f'{name}: {p.returncode} {j["status"]} {j["return_code"]} {j["signal"]} {j["output"].split()} {tb}'
print(run("handles.py", 1))
print(run("plain.py", 1))
print(run("ignores.py", 1))
print(run("ignores.py", 2))
print(run("plain.c", 1))
P
)
  expect_eq "$OUT" "$(printf '%s\n' "handles.py: 3 runtime_error 3 None ['up', 'saved'] False" \
    "plain.py: -2 killed None 2 ['up'] True" \
    "ignores.py: still running after 1 SIGINT" \
    "ignores.py: -2 killed None None ['up'] False" \
    "plain.c: -2 killed None 2 ['up'] False")"
}

test_timeout_keeps_what_was_written() {
  printf 'import time\nprint("before", flush=True)\ntime.sleep(60)\n' >sleepy.py
  run_tide run --timeout 1 --json sleepy.py
  expect_rc 124
  expect_eq "$(json_get "$OUT" '[j["status"], j["output"]]')" '["timeout", "before\n"]'
  expect_eq "$(json_get "$OUT" 'j["execution_time"] < 10')" true
}

# SIGXCPU is a timeout only when the run used its CPU time limit
# (RLIMIT_CPU, a backstop behind --timeout's wall clock): a program that
# raises it itself, or meets a lower limit of its own, failed on its own.
test_sigxcpu_is_a_timeout_only_at_the_cpu_limit() {
  printf '#include <signal.h>\nint main(void) { raise(SIGXCPU); return 0; }\n' >xcpu.c
  run_tide run --ephemeral --json xcpu.c
  expect_rc $((128 + 24))
  expect_eq "$(json_get "$OUT" '[j["status"], j["signal"], j["message"]]')" '["runtime_error", 24, ""]'
  run_tide run --ephemeral xcpu.c
  expect_rc $((128 + 24))
  expect_contains "$ERR" "tide: runtime_error, signal 24"
  expect_not_contains "$ERR" "CPU time than its limit"
  printf '#include <sys/resource.h>\nint main(void)\n{\n    struct rlimit r = {1, 2};\n    setrlimit(RLIMIT_CPU, &r);\n    for (volatile unsigned long i = 0;; i++)\n        ;\n}\n' >ownlimit.c
  run_tide run --ephemeral --json --timeout 20 ownlimit.c
  expect_rc $((128 + 24))
  expect_eq "$(json_get "$OUT" '[j["status"], j["signal"]]')" '["runtime_error", 24]'
  # A spin under a tiny limit is still a timeout.
  printf 'int main(void)\n{\n    for (volatile unsigned long i = 0;; i++)\n        ;\n}\n' >spin.c
  run_tide run --ephemeral --json --timeout 0.3 spin.c
  expect_rc 124
  expect_eq "$(json_get "$OUT" 'j["status"]')" timeout
}

# --quiet: stderr holds the program's own and nothing of tide's, so a
# script gets exactly what the program printed; the status is in the exit
# code.  Only tide's own failures are said.
test_quiet_leaves_the_programs_output_alone() {
  printf 'import sys\nprint("out")\nprint("err", file=sys.stderr)\nsys.exit(3)\n' >q.py
  run_tide run -q q.py
  expect_rc 3
  expect_eq "$OUT" out
  expect_eq "$ERR" err
  printf 'import time\ntime.sleep(5)\n' >slow.py
  run_tide run --quiet --timeout 0.3 slow.py
  expect_rc 124
  expect_eq "$ERR" ""
  printf 'int main(void) { return x; }\n' >bad.c
  run_tide run -q bad.c
  expect_rc 126
  expect_contains "$ERR" "bad.c:1:25: error:"
  expect_not_contains "$ERR" "tide:"
  run_tide run -q --lang python missing.py
  expect_rc 2
  expect_eq "$ERR" "tide run: missing.py: No such file or directory"
}

# Timeouts read as timeout(1) reads them: fractions of a second (agents
# giving a snippet half a second) and units.
test_timeouts_take_fractions_and_units() {
  printf 'import time\nprint("before", flush=True)\ntime.sleep(30)\n' >sleepy.py
  run_tide run --timeout 0.4 --json sleepy.py
  expect_rc 124
  expect_eq "$(json_get "$OUT" '[j["status"], j["output"], 0.35 < j["execution_time"] < 5]')" \
    '["timeout", "before\n", true]'
  expect_contains "$(json_get "$OUT" 'j["message"]')" "the program ran longer than 0.4 s"
  printf 'print("quick")\n' >quick.py
  run_tide run --timeout 2m quick.py
  expect_rc 0
  expect_eq "$OUT" "quick"
  for bad in 0 -1 1e3 1ms 90000 soon; do
    run_tide run --timeout "$bad" quick.py
    expect_rc 2
    expect_contains "$ERR" "--timeout needs seconds from 0.001 to 86400, such as 0.5, 30 or 2m, not '$bad'"
  done
  mkdir -p cfg/tide && printf '[run]\ntimeout = 0.4\n' >cfg/tide/config.ini
  XDG_CONFIG_HOME=$PWD/cfg run_tide run sleepy.py
  expect_rc 124
  expect_contains "$ERR" "the program ran longer than 0.4 s"
}

# A compile stopped by its limit reports no run step: no run time in the
# summary, none recorded (history shows "-"; its JSON, as tide run --json,
# 0 s and no return code).
test_a_compile_timeout_reports_no_run() {
  python3 -c '
for i in range(5000): print(f"int f{i}(int x) {{ return x * {i} + (x >> 3); }}")
print("int main(void) { return f7(1) & 1; }")' >big.c
  run_tide run --compile-timeout 1 big.c
  expect_rc 124
  expect_contains "$ERR" "tide: timeout, compile 1."
  expect_contains "$ERR" "s: the compile step took longer than 1 s"
  expect_not_contains "$ERR" "run 0.00 s"
  run_tide history
  expect_eq "$(printf '%s\n' "$OUT" | sed -n 2p | awk '{print $(NF-1)}')" - "no run time in the listing"
  run_tide history --json
  expect_eq "$(json_get "$OUT" '[j["runs"][0][k] for k in ("status", "execution_time", "return_code")]')" \
    '["timeout", 0.0, null]'
}

# The summary starts a line of its own after a program's stderr that did
# not end one, on a terminal or not, so a script finds it as the last line.
test_the_summary_has_a_line_of_its_own() {
  printf 'import sys\nsys.stderr.write("partial")\nprint("out")\n' >partial.py
  run_tide run partial.py
  expect_rc 0
  expect_eq "$OUT" "out"
  expect_eq "$(printf '%s\n' "$ERR" | head -1)" "partial"
  expect_eq "$(printf '%s\n' "$ERR" | sed -n 2p | cut -c1-17)" "tide: ok, exit co"
  # Sent where stdout goes (2>&1), it follows stdout's last line too.
  printf 'print("no newline", end="")' >n.py
  local got
  got=$("$TIDE" run n.py 2>&1 </dev/null)
  expect_eq "$(printf '%s\n' "$got" | head -1)" "no newline"
  expect_eq "$(printf '%s\n' "$got" | sed -n 2p | cut -c1-17)" "tide: ok, exit co"
  "$TIDE" run n.py >log.txt 2>&1 </dev/null
  expect_eq "$(sed -n 2p log.txt | cut -c1-17)" "tide: ok, exit co"
  # Apart, stdout's unfinished line is not stderr's.
  "$TIDE" run n.py >out.txt 2>err.txt </dev/null
  expect_eq "$(head -1 err.txt | cut -c1-17)" "tide: ok, exit co"
}

# stdout and stderr sent to one place (2>&1) arrive in the order the
# program wrote them, as a shell keeps it: one pipe for both.  The record
# then has both in its output, and the notes that read stderr still see
# them; --json keeps them apart.
test_stdout_and_stderr_to_one_place_keep_their_order() {
  cat >w.py <<'P'
import sys; [print("progress", i, flush=True) for i in range(3)]; print("warning!", file=sys.stderr, flush=True); print("after", flush=True)
P
  local got
  got=$("$TIDE" run -q w.py 2>&1 </dev/null)
  expect_eq "$got" "progress 0
progress 1
progress 2
warning!
after"
  run_tide result --json
  expect_eq "$(json_get "$OUT" '[j["output"], j["error"]]')" '["progress 0\nprogress 1\nprogress 2\nwarning!\nafter\n", ""]'
  printf 'import sys\nfor i in range(10):\n    print("out", i, flush=True)\n    print("err", i, file=sys.stderr, flush=True)\n' >alt.py
  local want i
  want=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf 'out %d\nerr %d\n' "$i" "$i"; done)
  for i in $(seq 20); do
    got=$("$TIDE" run -q --ephemeral alt.py 2>&1 </dev/null)
    expect_eq "$got" "$want" "run $i"
  done
  # Apart, or in JSON, the streams stay apart.
  "$TIDE" run -q --ephemeral alt.py >out.txt 2>err.txt </dev/null
  expect_eq "$(cat out.txt)" "$(printf '%s\n' "$want" | grep out)"
  expect_eq "$(cat err.txt)" "$(printf '%s\n' "$want" | grep err)"
  got=$("$TIDE" run --json --ephemeral alt.py 2>&1 </dev/null)
  expect_eq "$(json_get "$got" 'j["error"].split()[:2]')" '["err", "0"]'
  # The note on a missing module reads the combined text.
  printf 'import no_such_pkg_tide\n' >needs.py
  got=$("$TIDE" run needs.py 2>&1 </dev/null || true)
  expect_contains "$got" "ModuleNotFoundError"
  expect_contains "$got" "tide: note: Python has no module 'no_such_pkg_tide' here"
}

# `tide run prog | head -1`: once head is gone, the program's next write
# fails as it would without tide (SIGPIPE: 141, as the bare pipeline
# gives), instead of running on unread until its timeout.
test_a_closed_output_pipe_ends_the_program_as_it_would_bare() {
  printf '#include <stdio.h>\n#include <unistd.h>\nint main(void)\n{\n    for (int i = 0;; i++) {\n        printf("%%d\\n", i);\n        fflush(stdout);\n        usleep(10000);\n    }\n}\n' >"$T/slow.c"
  local start end rc first
  start=$(date +%s)
  first=$(cd "$T" && "$TIDE" run --ephemeral --timeout 20 slow.c 2>"$T/err" | head -1; echo "rc=${PIPESTATUS[0]}")
  end=$(date +%s)
  expect_eq "$first" "0
rc=141"
  [ $((end - start)) -lt 10 ] || fail "the run went on for $((end - start)) s after its reader left"
  expect_contains "$(cat "$T/err")" "signal 13"
}

# Output tide cannot write (a full disk: /dev/full) is not hidden as a
# reader gone is: the program's stream is closed (it sees its writes
# fail), tide says so once, and exits 125 unless the program's own status
# already failed; the record keeps what the program printed.
test_output_tide_cannot_write_is_not_hidden() {
  cat >loud.c <<'C'
#include <signal.h>
#include <stdio.h>
int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < 100000; i++)
        if (printf("line %d\n", i) < 0 || fflush(stdout) != 0) {
            fprintf(stderr, "closed after %d\n", i);
            return 0;
        }
    return 0;
}
C
  local rc=0
  "$TIDE" run loud.c >/dev/full 2>err.txt </dev/null || rc=$?
  expect_eq "$rc" 125 "exit status"
  ERR=$(cat err.txt)
  expect_contains "$ERR" "closed after "
  expect_eq "$(grep -c "cannot write" err.txt)" 1 "lines saying it"
  expect_contains "$ERR" "tide: cannot write the program's stdout: No space left on device"
  expect_contains "$ERR" "tide: ok, exit code 0"
  run_tide result --json
  expect_eq "$(json_get "$OUT" 'j["output"].startswith("line 0\n")')" true
  rc=0
  "$TIDE" run -q loud.c >/dev/full 2>err.txt </dev/null || rc=$?
  expect_eq "$rc" 125 "exit status with -q"
  expect_eq "$(grep -v '^closed after' err.txt)" "tide: cannot write the program's stdout: No space left on device"
  # The program's own failure says more than tide's.
  printf '#include <stdio.h>\nint main(void) { puts("hello"); return 3; }\n' >three.c
  rc=0
  "$TIDE" run -q three.c >/dev/full 2>err.txt </dev/null || rc=$?
  expect_eq "$rc" 3 "the program's exit status"
  expect_eq "$(cat err.txt)" "tide: cannot write the program's stdout: No space left on device"
  printf 'import sys\nprint("fine")\nsys.stderr.write("warn\\n")\n' >warn.py
  rc=0
  "$TIDE" run -q warn.py 2>/dev/full >out.txt </dev/null || rc=$?
  expect_eq "$rc" 125 "exit status of an unwritable stderr"
  expect_eq "$(cat out.txt)" fine
}

test_output_limit_keeps_exactly_the_limit() {
  printf 'import sys\nwhile True:\n    sys.stdout.write("y" * 1000)\n' >flood.py
  run_tide run --output-limit 5000 --json flood.py
  expect_rc 141
  expect_eq "$(json_get "$OUT" '[j["status"], len(j["output"]), j["output_truncated"]]')" \
    '["output_limit", 5000, true]'
}

# Near the limit both streams are read in turns: what is kept is a share
# of each, not 4 KiB of stdout and none of the stderr the program wrote
# beside it (an error message, a traceback) because tide read stdout first.
test_output_limit_keeps_the_first_lines_of_both_streams() {
  cat >both.py <<'P'
import sys
for i in range(100000):
    sys.stdout.write("o%05d" % i + "o" * 94 + "\n")
    sys.stderr.write("e%05d" % i + "e" * 94 + "\n")
P
  first=$(python3 -c 'print("".join("e%05d" % i + "e" * 94 + "\n" for i in range(4)), end="")')
  for _ in 1 2 3; do
    run_tide run --ephemeral --output-limit 4K --json both.py
    expect_rc 141
    expect_eq "$(json_get "$OUT" '[j["status"], len(j["output"]) + len(j["error"]), j["output_truncated"]]')" \
      '["output_limit", 4096, true]'
    expect_eq "$(json_get "$OUT" 'j["error"][:404]')" "$first" "the first lines of stderr"
  done
}

# A raised output limit is the user's to see whole; the record keeps the
# first 32 MiB of each stream and says so (past 1 GB SQLite refused the
# whole record: the run was not recorded at all).
test_a_raised_output_limit_streams_all_and_records_the_first_32_mib() {
  mkdir big && cd big
  printf 'import sys\nline = b"z" * 1023 + b"\\n"\nfor i in range(33 * 1024): sys.stdout.buffer.write(line)\nsys.stderr.write("done\\n")\n' >big.py
  note="the record keeps the first 32 MiB of the 33 MiB the program wrote to stdout"
  # Too big to pass as an argument: read from the file.
  field() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
  RC=0
  "$TIDE" run --output-limit 40M big.py >out.txt 2>err.txt </dev/null || RC=$?
  expect_rc 0 "$(cat err.txt)"
  expect_eq "$(stat -c %s out.txt)" $((33 << 20)) "all of it reached stdout"
  expect_contains "$(cat err.txt)" "tide: note: $note"
  "$TIDE" result --json >r.json
  expect_eq "$(field r.json '[len(j["output"]), j["error"], j["status"], j["notes"]]')" \
    "[$((32 << 20)), 'done\n', 'ok', ['$note']]"
  # --json answers with everything; the record is the same.
  RC=0
  "$TIDE" run --json --output-limit 40M big.py >run.json 2>err.txt </dev/null || RC=$?
  expect_rc 0
  expect_eq "$(field run.json '[len(j["output"]), j["notes"]]')" "[$((33 << 20)), ['$note']]"
  "$TIDE" result --json >r.json
  expect_eq "$(field r.json 'len(j["output"])')" $((32 << 20))
}

test_environment_is_built_from_scratch() {
  mkdir w && cd w
  cat >env.py <<'P'
import os
print(os.getcwd(), os.getuid(), os.getgid(), os.environ["HOME"], "SECRET" in os.environ)
print(sorted(os.listdir(".")))
P
  RC=0
  OUT=$(SECRET=hunter2 PYTHONPATH=/evil "$TIDE" run env.py 2>/dev/null) || RC=$?
  expect_rc 0
  expect_eq "$(printf '%s\n' "$OUT" | head -1)" "/work 1000 1000 /home/tide False"
  expect_eq "$(printf '%s\n' "$OUT" | tail -1)" "['env.py']"
}

test_stdin_sources() {
  printf 'import sys\nprint(repr(sys.stdin.read()))\n' >cat.py
  printf 'from file\n' >in.txt
  run_tide run --stdin in.txt cat.py
  expect_eq "$OUT" "'from file\\n'"
  RC=0
  OUT=$(printf 'piped\n' | "$TIDE" run cat.py 2>/dev/null) || RC=$?
  expect_eq "$OUT" "'piped\\n'" "tide's stdin reaches the program"
  OUT=$(printf 'piped\n' | "$TIDE" run --stdin /dev/null cat.py 2>/dev/null) || RC=$?
  expect_eq "$OUT" "''" "--stdin /dev/null"
  OUT=$(printf 'dash\n' | "$TIDE" run --stdin - --json cat.py 2>/dev/null) || RC=$?
  expect_eq "$(json_get "$OUT" 'j["output"]')" "'dash\\n'"
}

# OUT: what COMMAND shows on a terminal (script(1)) when INPUT is typed
# once PROMPT is on the screen -- typed before, a terminal would echo it
# ahead of the prompt (typeahead), as any terminal does.
type_at_prompt() { # PROMPT INPUT COMMAND
  local prompt=$1 input=$2 cmd=$3 i
  rm -f keys.fifo shown.txt && mkfifo keys.fifo
  script -qfec "$cmd" /dev/null <keys.fifo >shown.txt 2>&1 &
  local pid=$!
  exec 7>keys.fifo
  for i in $(seq 1 200); do
    grep -qF -- "$prompt" shown.txt 2>/dev/null && break
    sleep 0.05
  done
  printf '%b' "$input" >&7
  exec 7>&-
  wait "$pid"
  OUT=$(tr -d '\r' <shown.txt)
}

test_program_in_a_terminal() {
  command -v script >/dev/null || skip "script (util-linux) is missing"
  printf 'import os\nname = input("name? ")\nprint("hi", name, os.isatty(0), os.ttyname(0))\n' >ask.py
  type_at_prompt "name? " 'bob\n' "$TIDE run ask.py"
  expect_contains "$OUT" "name? bob"
  expect_contains "$OUT" "hi bob True /dev/pts/0"
  expect_contains "$OUT" "tide: ok"
}

# At a shell, `prog < in.txt` still writes to the terminal (colours,
# line-buffered output); so does the program tide feeds from a file or a
# pipe, and a stderr sent elsewhere (2> file) stays apart from it, typed
# into or not.
test_output_to_a_terminal_is_a_terminal_whatever_feeds_the_input() {
  command -v script >/dev/null || skip "script (util-linux) is missing"
  printf 'import os, sys
line = sys.stdin.readline().strip()
print("got", line, [os.isatty(f) for f in (0, 1, 2)])
print("to stderr", file=sys.stderr)
' >st.py
  printf 'from file\n' >in.txt
  OUT=$(script -qfec "$TIDE run --stdin in.txt st.py" /dev/null </dev/null 2>&1 | tr -d '\r')
  expect_contains "$OUT" "got from file [False, True, True]"
  expect_contains "$OUT" "to stderr"
  OUT=$(script -qfec "printf 'piped\\n' | $TIDE run st.py" /dev/null </dev/null 2>&1 | tr -d '\r')
  expect_contains "$OUT" "got piped [False, True, True]"
  OUT=$(script -qfec "$TIDE run --stdin in.txt st.py 2>err.txt" /dev/null </dev/null 2>&1 | tr -d '\r')
  expect_contains "$OUT" "got from file [False, True, False]"
  expect_not_contains "$OUT" "to stderr"
  expect_contains "$(cat err.txt)" "to stderr"
  OUT=$( (sleep 1; printf 'typed\n') | script -qfec "$TIDE run st.py 2>err.txt" /dev/null 2>&1 | tr -d '\r')
  expect_contains "$OUT" "got typed [True, True, False]"
  expect_contains "$(cat err.txt)" "to stderr"
  run_tide result --json
  expect_eq "$(json_get "$OUT" 'j["error"]')" "to stderr"
  expect_eq "$(json_get "$OUT" 'j["stdin_mode"]')" "interactive"
}

# The program's terminal edits a typed line as the user's does: Backspace
# takes back a whole UTF-8 character, and the erase key is the user's
# terminal's (here Ctrl-H, as some terminals send).
test_a_line_typed_in_a_terminal_is_edited_as_in_the_users() {
  command -v script >/dev/null || skip "script (util-linux) is missing"
  printf 'x = input("name? ")\nprint("got", ascii(x))\n' >ask.py
  type_at_prompt "name? " 'ab\303\251\177\177c\n' "$TIDE run ask.py"
  expect_contains "$OUT" "got 'ac'"
  type_at_prompt "name? " 'xy\010z\n' "stty erase ^H; $TIDE run ask.py"
  expect_contains "$OUT" "got 'xz'"
}

# The user's terminal closed with no SIGHUP to say so (tide in a session
# of its own): the run stops, as a hang-up stops it, instead of the program
# waiting for input nobody can type until the timeout.
test_a_terminal_closed_without_sighup_stops_the_run() {
  command -v tmux >/dev/null || skip "tmux is missing"
  command -v setsid >/dev/null || skip "setsid (util-linux) is missing"
  printf 'x = input("name? ")\nprint("got", x)\n' >ask.py
  local sock=$T/tmux.sock i=0
  tmux -S "$sock" -f /dev/null new-session -d -x 80 -y 24 \
    "cd $T && XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME setsid -w $TIDE run ask.py; sleep 60"
  while ! tmux -S "$sock" capture-pane -p 2>/dev/null | grep -q 'name?'; do
    [ $i -lt 300 ] || { tmux -S "$sock" kill-server; fail "the program never asked"; }
    sleep 0.1
    i=$((i + 1))
  done
  tmux -S "$sock" kill-server
  i=0
  while pgrep -f "tide run ask.py" >/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if pgrep -f "tide run ask.py" >/dev/null; then
    pkill -9 -f "tide run ask.py"
    fail "tide run still waits 10 s after its terminal closed"
  fi
  run_tide history
  expect_contains "$OUT" "killed"
}

test_ctrl_c_in_a_terminal_stops_the_run() {
  command -v script >/dev/null || skip "script (util-linux) is missing"
  printf 'import time\nprint("start", flush=True)\ntime.sleep(60)\n' >loop.py
  # Ctrl-C reaches the whole foreground group, the shell that script(1)
  # starts included: dash (CI's /bin/sh) dies of it before it can report
  # tide's status unless it traps SIGINT. The trap is reset for tide by exec.
  # Ctrl-C once the program runs (it prints "start"): typed before tide
  # starts, it would only reach the shell.  SIGINT is made the default
  # first: started in the background by a script, it arrives ignored, and
  # a program (tide too, like nohup'd ones) keeps what it inherits.
  (for _ in $(seq 300); do grep -q start typescript 2>/dev/null && break; sleep 0.1; done
   printf '\003'; sleep 3) |
    env --default-signal=INT script -qfec "trap : INT; $TIDE run loop.py; echo rc=\$?" /dev/null >typescript 2>&1
  OUT=$(tr -d '\r' <typescript)
  expect_contains "$OUT" "tide: killed"
  expect_contains "$OUT" "rc=130"
}

test_unchanged_programs_reuse_their_build() {
  . "$TESTS/cli/run_languages.sh"
  for lang in c cpp go rust java fortran; do
    mkdir -p "$T/$lang" && cd "$T/$lang"
    file=$(write_hello "$lang")
    run_tide run --ephemeral --json "$file"
    expect_eq "$(json_get "$OUT" '[j["status"], j["build_cached"]]')" '["ok", false]' "$lang first run"
    run_tide run --ephemeral --json "$file"
    expect_eq "$(json_get "$OUT" '[j["status"], j["build_cached"], j["compile_time"], j["output"]]')" \
      "[\"ok\", true, 0.0, \"hello from $lang\\n\"]" "$lang second run"
    # Any change to the source compiles again.
    printf '\n' >>"$file"
    run_tide run --ephemeral --json "$file"
    expect_eq "$(json_get "$OUT" 'j["build_cached"]')" false "$lang after an edit"
  done
}

test_a_changed_header_is_a_changed_build() {
  printf '#include <stdio.h>\n#include "msg.h"\nint main(void)\n{\n    puts(MSG);\n}\n' >main.c
  printf '#define MSG "one"\n' >msg.h
  run_tide run --ephemeral main.c
  expect_eq "$OUT" one
  printf '#define MSG "two"\n' >msg.h
  run_tide run --ephemeral --json main.c
  expect_eq "$(json_get "$OUT" '[j["output"], j["build_cached"]]')" '["two\n", false]'
}

# A build from the cache says what its compile said: the same program gives
# the same result (compile_output, the warnings on stderr) whether or not
# it was built before.
test_a_cached_build_keeps_the_compilers_warnings() {
  printf '#include <stdio.h>\nint main(void)\n{\n    int x;\n    printf("%%d\\n", x);\n}\n' >w.c
  run_tide run --ephemeral --json w.c
  expect_eq "$(json_get "$OUT" '[j["status"], j["build_cached"]]')" '["ok", false]'
  first=$(json_get "$OUT" 'j["compile_output"]')
  expect_contains "$first" "w.c:5:5: warning:"
  run_tide run --ephemeral --json w.c
  expect_eq "$(json_get "$OUT" 'j["build_cached"]')" true
  expect_eq "$(json_get "$OUT" 'j["compile_output"]')" "$first"
  run_tide run --ephemeral w.c
  expect_contains "$ERR" "w.c:5:5: warning:"
  # A clean build keeps nothing to say.
  printf 'int main(void)\n{\n    return 0;\n}\n' >z.c
  run_tide run --ephemeral z.c
  run_tide run --ephemeral --json z.c
  expect_eq "$(json_get "$OUT" '[j["build_cached"], j["compile_output"]]')" '[true, ""]'
}

# A helper run on its own: the linker says "undefined reference to main",
# the note says what to do.
test_a_file_without_main_says_to_run_the_one_with_it() {
  printf 'int twice(int x) { return 2 * x; }\n' >util.c
  run_tide run --ephemeral util.c
  expect_rc 126 "$ERR"
  expect_contains "$ERR" "note: none of the files built has a main function: run the file that has one"
  printf 'module m\ncontains\n  integer function twice(x)\n    integer :: x\n    twice = 2 * x\n  end function\nend module m\n' >m.f90
  run_tide run --ephemeral --json m.f90
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "none of the files built has a main program unit"
}

# A flood of compiler warnings past the kept megabyte: its end (the error,
# the linker's last word) is what says why the build failed, so the head
# and the end are kept, with a line saying what was left out between.
test_a_flood_of_compiler_messages_keeps_its_end() {
  python3 -c '
for i in range(8000): print("#warning this is warning number %d of a long flood of warnings" % i)
print("int main(void)\n{\n    return undefined_thing;\n}")' >flood.c
  "$TIDE" run --ephemeral --json flood.c >flood.json 2>/dev/null && fail "the build did not fail"
  # (Read from the file: a megabyte is more than one argument may hold.)
  got=$(python3 -c '
import json, sys
j = json.load(open("flood.json"))
c = j["compile_output"]
print(j["status"], len(c.encode()) <= 1 << 20, "messages left out here" in c,
      "flood.c:8003:12: error:" in c[-2000:], c.startswith("flood.c:1:2: warning: #warning this is warning number 0 "))')
  expect_eq "$got" "compile_error True True True True"
  # Streamed, the same.
  run_tide run --ephemeral flood.c
  expect_contains "$(printf '%s' "$ERR" | tail -c 3000)" "flood.c:8003:12: error:"
}

test_build_cache_can_be_turned_off() {
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[run]\nbuild_cache = 0\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  printf 'int main(void)\n{\n    return 0;\n}\n' >z.c
  run_tide run --ephemeral --json z.c
  run_tide run --ephemeral --json z.c
  expect_eq "$(json_get "$OUT" 'j["build_cached"]')" false
  [ ! -d "$XDG_CACHE_HOME/tide/build" ] || [ -z "$(ls "$XDG_CACHE_HOME/tide/build")" ] ||
    fail "builds were kept: $(ls "$XDG_CACHE_HOME/tide/build")"
}

test_without_overlayfs_the_program_gets_a_bounded_copy() {
  # TIDE_WORK_COPY=1 takes the path of machines where overlayfs cannot be
  # mounted in a user namespace.
  mkdir w && cd w
  printf 'secret\n' >private.txt
  chmod 600 private.txt
  ln -s private.txt link.txt
  cat >copy.py <<'P'
import os
print(open("link.txt").read().strip(), os.readlink("link.txt"))
open("private.txt", "a").write("more\n")
open("new.txt", "w").write("new\n")
os.remove("copy.py")
P
  sum=$(find . -printf '%p %s %m %T@\n' | sort; cat private.txt)
  RC=0
  OUT=$(TIDE_WORK_COPY=1 "$TIDE" run --ephemeral --json copy.py 2>/dev/null) || RC=$?
  expect_rc 0
  expect_eq "$(json_get "$OUT" 'j["output"]')" "secret private.txt"
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["generated_files"]]')" '["new.txt", "private.txt"]'
  expect_eq "$(find . -printf '%p %s %m %T@\n' | sort; cat private.txt)" "$sum" "the user's folder"
  # Bounded: a folder too big to copy is refused, saying why.
  mkdir many && (cd many && seq 5001 | xargs touch)
  RC=0
  OUT=$(TIDE_WORK_COPY=1 "$TIDE" run --ephemeral --json copy.py 2>/dev/null) || RC=$?
  expect_rc 125
  expect_contains "$(json_get "$OUT" 'j["message"]')" "too big to copy into the sandbox"
}

test_a_missing_layer_is_refused_unless_allowed() {
  [ "$(id -u)" = 0 ] && command -v unshare >/dev/null || skip "needs root and unshare to hide the cgroups"
  printf 'chunks = []\ntry:\n    while True:\n        chunks.append(bytearray(8 << 20))\nexcept MemoryError:\n    print("MemoryError after", len(chunks) * 8, "MiB")\n' >mem.py
  hide='mount -t tmpfs none /sys/fs/cgroup && exec "$@"'
  RC=0
  OUT=$(unshare -m sh -c "$hide" sh "$TIDE" run --ephemeral --json mem.py 2>/dev/null) || RC=$?
  expect_rc 125
  msg=$(json_get "$OUT" 'j["message"]')
  expect_contains "$msg" "cgroup"
  expect_contains "$msg" "--allow-missing cgroup"
  # The explicit opt-out: memory is still bounded, by RLIMIT_DATA.
  RC=0
  OUT=$(unshare -m sh -c "$hide" sh "$TIDE" run --ephemeral --json --memory 128 \
        --allow-missing cgroup mem.py 2>/dev/null) || RC=$?
  expect_rc 0
  expect_contains "$(json_get "$OUT" 'j["output"]')" "MemoryError after"
  mib=$(json_get "$OUT" 'int(j["output"].split()[2])')
  [ "$mib" -le 128 ] || fail "allocated $mib MiB with a 128 MiB limit"
}

# A program in a project sees the project as its toolchain finds it by
# walking up: a Node package's node_modules (also a workspace's hoisted
# one), a Go module's packages, a Java source root's other packages.  It
# still starts in its own folder; a home folder is never shown for it.
test_a_program_sees_its_project() {
  mkdir -p pj/src pj/node_modules/leftpad ws/packages/app ws/node_modules/shout
  printf '{"name": "pj"}\n' >pj/package.json
  printf 'module.exports = (s, n) => String(s).padStart(n, "0");\n' >pj/node_modules/leftpad/index.js
  printf 'const lp = require("leftpad");\nconsole.log(lp(42, 5), process.cwd(), require("fs").existsSync("app.js"));\n' >pj/src/app.js
  run_tide run --ephemeral pj/src/app.js
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "00042 /work/src true"
  printf '{"name": "ws", "workspaces": ["packages/*"]}\n' >ws/package.json
  printf '{"name": "app"}\n' >ws/packages/app/package.json
  printf 'module.exports = (s) => s.toUpperCase();\n' >ws/node_modules/shout/index.js
  printf 'console.log(require("shout")("hoisted"));\n' >ws/packages/app/index.js
  run_tide run --ephemeral ws/packages/app/index.js
  expect_rc 0 "$ERR"
  expect_eq "$OUT" HOISTED
  mkdir -p gm/cmd/app gm/internal/calc
  printf 'module example.com/gm\n\ngo 1.19\n' >gm/go.mod
  printf 'package calc\n\nfunc Twice(x int) int { return 2 * x }\n' >gm/internal/calc/calc.go
  printf 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/gm/internal/calc"\n)\n\nfunc main() { fmt.Println(calc.Twice(21)) }\n' >gm/cmd/app/main.go
  run_tide run --ephemeral gm/cmd/app/main.go
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 42
  # A Go workspace: its modules use each other through go.work.
  mkdir -p gw/app gw/lib
  printf 'go 1.19\n\nuse (\n\t./app\n\t./lib\n)\n' >gw/go.work
  printf 'module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v0.0.0\n' >gw/app/go.mod
  printf 'module example.com/lib\n\ngo 1.19\n' >gw/lib/go.mod
  printf 'package lib\n\nfunc Hi() string { return "from the workspace" }\n' >gw/lib/lib.go
  printf 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/lib"\n)\n\nfunc main() { fmt.Println(lib.Hi()) }\n' >gw/app/main.go
  run_tide run --ephemeral gw/app/main.go
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "from the workspace"
  mkdir -p ph/public ph/vendor
  printf '{}\n' >ph/composer.json
  printf '<?php function greet() { return "composed"; }\n' >ph/vendor/autoload.php
  printf '<?php\nrequire __DIR__ . "/../vendor/autoload.php";\necho greet(), "\\n";\n' >ph/public/index.php
  run_tide run --ephemeral ph/public/index.php
  expect_rc 0 "$ERR"
  expect_eq "$OUT" composed
  mkdir -p jv/src/com/ex/util
  printf 'package com.ex;\n\nimport com.ex.util.Helper;\n\npublic class Main {\n    public static void main(String[] a) { System.out.println(Helper.twice(21)); }\n}\n' >jv/src/com/ex/Main.java
  printf 'package com.ex.util;\n\npublic class Helper {\n    public static int twice(int x) { return 2 * x; }\n}\n' >jv/src/com/ex/util/Helper.java
  run_tide run --ephemeral jv/src/com/ex/Main.java
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 42
  # A change in the other package is a changed build.
  sed -i 's/2 \* x/3 * x/' jv/src/com/ex/util/Helper.java
  run_tide run --ephemeral jv/src/com/ex/Main.java
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 63
  # Recorded: the session is the project's.
  run_tide run --json pj/src/app.js
  expect_eq "$(json_get "$OUT" 'j["success"]')" true
  run_tide session list --json
  expect_eq "$(json_get "$OUT" '[s["folder"] for s in j["sessions"]]')" "[\"$PWD/pj\"]"
  # The project's folder is never a home: a package.json there is not
  # a reason to show it.
  mkdir -p home/u/code
  printf '{}\n' >home/u/package.json
  printf 'console.log(process.cwd(), require("fs").existsSync("../package.json"))\n' >home/u/code/x.js
  HOME=$PWD/home/u run_tide run --ephemeral home/u/code/x.js
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "/work false"
}

# C and C++ headers in the project's include/ folder are found, as with
# gcc -Iinclude: src/ beside include/ is one project, and include/ beside
# the file counts too.
test_headers_in_an_include_folder_are_found() {
  mkdir -p pc/include pc/src flat/include
  printf '#pragma once\nint twice(int x);\n' >pc/include/util.h
  printf '#include "util.h"\nint twice(int x) { return 2 * x; }\n' >pc/src/util.c
  printf '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%%d\\n", twice(21)); return 0; }\n' >pc/src/main.c
  run_tide run --ephemeral pc/src/main.c
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 42
  cp pc/include/util.h flat/include/
  printf '#include <iostream>\n#include "util.h"\nint twice(int x) { return 3 * x; }\nint main() { std::cout << twice(7) << "\\n"; }\n' \
    >flat/main.cpp
  run_tide run --ephemeral flat/main.cpp
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 21
  # A broken header is named as from the file's folder.
  printf '#pragma once\nint twice(int x)\n' >pc/include/util.h
  run_tide run --ephemeral pc/src/main.c
  expect_rc 126
  expect_not_contains "$ERR" "/work"
}

# A Rust file of a Cargo package is built as cargo builds it: the package's
# library, path dependencies in its workspace, vendored crates, a binary of
# src/bin or an example; any other file of the package stands for its
# program; a library alone is no program.
test_a_rust_file_in_a_cargo_package_builds_with_cargo() {
  command -v cargo >/dev/null || skip "cargo is not installed"
  mkdir -p ws/app/src/bin ws/app/examples ws/helper/src vd/src vd/vendor/tinydep/src vd/.cargo
  printf '[workspace]\nmembers = ["app", "helper"]\nresolver = "2"\n' >ws/Cargo.toml
  printf '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nhelper = { path = "../helper" }\n' \
    >ws/app/Cargo.toml
  printf 'pub fn twice(x: i32) -> i32 { 2 * x }\n' >ws/app/src/lib.rs
  printf 'fn main() { println!("{} {}", app::twice(21), helper::hi()); }\n' >ws/app/src/main.rs
  printf 'fn main() { println!("extra {}", app::twice(1)); }\n' >ws/app/src/bin/extra.rs
  printf 'fn main() { println!("example {}", helper::hi()); }\n' >ws/app/examples/demo.rs
  printf '[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\n' >ws/helper/Cargo.toml
  printf 'pub fn hi() -> &'"'"'static str { "hi" }\n' >ws/helper/src/lib.rs
  run_tide run --ephemeral ws/app/src/main.rs
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "42 hi"
  run_tide run --ephemeral --json ws/app/src/main.rs
  expect_eq "$(json_get "$OUT" 'j["build_cached"]')" true
  expect_eq "$(json_get "$OUT" '[t["command"] for t in j["toolchain"]]')" '["rustc", "cargo"]'
  sed -i 's/2 \* x/3 * x/' ws/app/src/lib.rs
  run_tide run --ephemeral ws/app/src/lib.rs
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "63 hi" "a changed library is a changed build; its file runs the package's program"
  run_tide run --ephemeral ws/app
  expect_eq "$OUT" "63 hi" "the package's folder runs its program, as cargo run does"
  run_tide run --ephemeral ws/app/src/bin/extra.rs
  expect_eq "$OUT" "extra 3"
  run_tide run --ephemeral ws/app/examples/demo.rs
  expect_eq "$OUT" "example hi"
  run_tide run --ephemeral ws/helper/src/lib.rs
  expect_rc 2
  expect_contains "$ERR" "src/lib.rs is not a program of Cargo package helper"
  # Vendored crates (cargo vendor), offline.
  printf '[package]\nname = "vd"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntinydep = "1.0"\n' >vd/Cargo.toml
  printf 'fn main() { println!("{}", tinydep::answer()); }\n' >vd/src/main.rs
  printf '[package]\nname = "tinydep"\nversion = "1.0.0"\nedition = "2021"\n' >vd/vendor/tinydep/Cargo.toml
  printf 'pub fn answer() -> u32 { 42 }\n' >vd/vendor/tinydep/src/lib.rs
  printf '{"files":{},"package":null}\n' >vd/vendor/tinydep/.cargo-checksum.json
  printf '[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = "vendor"\n' >vd/.cargo/config.toml
  run_tide run --ephemeral vd/src/main.rs
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 42
  # Nothing of the build lands in the user's folders.
  [ ! -e ws/target ] && [ ! -e ws/Cargo.lock ] && [ ! -e vd/target ] || fail "cargo wrote into the user's folder"
}

# A Java program's jars are on its class path as an IDE puts them there:
# those of the project's lib/ folder (src/ beside lib/ is the project)
# and those beside the program.  A changed jar is a changed build.
test_java_uses_the_jars_of_its_project() {
  mkdir -p jar/com/acme jl/src jl/lib jb
  printf 'package com.acme;\npublic class Greeter { public static String greet(String n) { return "Hi " + n; } }\n' \
    >jar/com/acme/Greeter.java
  (cd jar && javac com/acme/Greeter.java && jar cf ../jl/lib/acme.jar com/acme/Greeter.class) || fail "cannot build the jar"
  cp jl/lib/acme.jar jb/
  printf 'import com.acme.Greeter;\npublic class Main { public static void main(String[] a) { System.out.println(Greeter.greet("jar")); } }\n' \
    >jl/src/Main.java
  cp jl/src/Main.java jb/
  run_tide run --ephemeral jl/src/Main.java
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "Hi jar"
  cd jb
  run_tide run --ephemeral Main.java
  cd ..
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "Hi jar"
  sed -i 's/greet(String n)/hello(String n)/' jar/com/acme/Greeter.java
  (cd jar && javac com/acme/Greeter.java && jar cf ../jb/acme.jar com/acme/Greeter.class) || fail "cannot build the jar"
  run_tide run --ephemeral jb/Main.java
  expect_rc 126 "$OUT"
  expect_contains "$ERR" "cannot find symbol"
  # Maven's layout: the project is the pom's folder, src/main/resources
  # are on the class path.
  mkdir -p mv/src/main/java/com/ex mv/src/main/resources
  : >mv/pom.xml
  printf 'from resources\n' >mv/src/main/resources/greeting.txt
  printf 'package com.ex;\npublic class App {\n    public static void main(String[] a) throws Exception {\n        System.out.println(new String(App.class.getResourceAsStream("/greeting.txt").readAllBytes()).trim());\n    }\n}\n' \
    >mv/src/main/java/com/ex/App.java
  run_tide run --ephemeral mv/src/main/java/com/ex/App.java
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "from resources"
}

# The program's folder is also where it is on the host, as it would be
# outside: absolute paths into it work (a file named by its full path, an
# editable install's .pth in the project's venv), and writes there are the
# run's like those to /work.  Not below /tmp: the program's /tmp is its own.
test_the_folder_is_also_at_its_own_path() {
  umask 022
  OWN_BASE="$HOME/tide-test-$$-$RANDOM"
  trap 'rm -rf "$OWN_BASE"' EXIT
  local base=$OWN_BASE
  mkdir -p "$base/ab"
  printf 'data\n' >"$base/ab/data.txt"
  printf 'import os, sys\nd = sys.argv[1]\nprint(open(d + "/data.txt").read().strip(), os.getcwd())\nopen(d + "/made.txt", "w").write("x")\n' \
    >"$base/ab/abs.py"
  run_tide run --ephemeral --json "$base/ab/abs.py" -- "$base/ab"
  expect_rc 0 "$ERR"
  expect_eq "$(json_get "$OUT" 'j["output"]')" "data /work" "a file by its full path"
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["generated_files"]]')" '["made.txt"]'
  [ ! -e "$base/ab/made.txt" ] || fail "the program wrote into the user's folder"
  # An editable install (pip install -e .) of a src/ layout project.
  mkdir -p "$base/ed/src/mypkg"
  printf '[project]\nname = "mypkg"\nversion = "0.1"\n' >"$base/ed/pyproject.toml"
  printf 'def hello():\n    return "editable"\n' >"$base/ed/src/mypkg/__init__.py"
  printf 'import mypkg\nprint(mypkg.hello())\n' >"$base/ed/src/mypkg/cli.py"
  python3 -m venv --without-pip "$base/ed/.venv" || fail "cannot make a venv"
  site=$("$base/ed/.venv/bin/python3" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
  printf '%s\n' "$base/ed/src" >"$site/__editable__.mypkg-0.1.pth"
  run_tide run --ephemeral "$base/ed/src/mypkg/cli.py"
  expect_rc 0 "$ERR"
  expect_eq "$OUT" editable
  # Below /tmp, the program's /tmp starts empty all the same.
  mkdir -p tp
  printf 'import os\nprint(os.listdir("/tmp"))\n' >tp/t.py
  run_tide run --ephemeral tp/t.py
  expect_eq "$OUT" "[]"
}

# A project's own venv is used when none is activated, as uv and VS Code
# use it: .venv in the file's folder or the nearest one above.  An
# activated venv is the user's choice and wins.
test_a_projects_venv_is_used_unless_one_is_activated() {
  umask 022
  mkdir -p vp/app
  python3 -m venv --without-pip vp/.venv || fail "cannot make a venv"
  python3 -m venv --without-pip other || fail "cannot make a venv"
  for v in vp/.venv other; do
    site=$("$v/bin/python3" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
    mkdir -p "$site/projpkg"
    printf 'WHERE = "%s"\n' "$v" >"$site/projpkg/__init__.py"
  done
  printf 'import projpkg\nprint(projpkg.WHERE)\n' >vp/app/main.py
  run_tide run --ephemeral vp/app/main.py
  expect_rc 0 "$ERR"
  expect_eq "$OUT" vp/.venv
  # The result says which Python ran, and so does its record.
  run_tide run --json vp/app/main.py
  expect_eq "$(json_get "$OUT" 'j["toolchain"][0]["path"]')" "$PWD/vp/.venv/bin/python3"
  expect_contains "$(json_get "$OUT" 'j["toolchain"][0]["version"]')" "Python 3."
  rid=$(json_get "$OUT" 'j["result_id"]')
  run_tide result "$rid" --json
  expect_eq "$(json_get "$OUT" 'j["toolchain"][0]["path"]')" "$PWD/vp/.venv/bin/python3"
  run_tide result "$rid"
  expect_contains "$OUT" "toolchain Python 3."
  expect_contains "$OUT" "($PWD/vp/.venv/bin/python3)"
  cp vp/app/main.py vp/top.py
  run_tide run --ephemeral vp/top.py
  expect_rc 0 "$ERR"
  expect_eq "$OUT" vp/.venv
  VIRTUAL_ENV=$PWD/other PATH=$PWD/other/bin:$PATH run_tide run --ephemeral vp/app/main.py
  expect_rc 0 "$ERR"
  expect_eq "$OUT" other
  # tide starts a venv's Python to learn where it lives: one that another
  # user could have planted or changed is not taken.
  chmod g+w vp/.venv/bin
  run_tide run --ephemeral vp/app/main.py
  expect_rc 1 "a group-writable venv"
  expect_contains "$ERR" "No module named 'projpkg'"
  chmod g-w vp/.venv/bin
  if [ "$(id -u)" = 0 ]; then
    chown -R nobody vp/.venv
    run_tide run --ephemeral vp/app/main.py
    expect_rc 1 "another user's venv"
    chown -R 0 vp/.venv
  fi
  run_tide run --ephemeral vp/app/main.py
  expect_eq "$OUT" vp/.venv
}

# Packages installed with pip install --user are seen as a bare run sees
# them: the user's site folder, read-only.
test_the_users_site_packages_are_seen() {
  pyv=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  mkdir -p "home/.local/lib/python$pyv/site-packages/upkg"
  printf 'X = "user site"\n' >"home/.local/lib/python$pyv/site-packages/upkg/__init__.py"
  printf 'import upkg\nprint(upkg.X)\nopen(upkg.__file__, "a").write("#")\n' >u.py
  HOME=$PWD/home run_tide run --ephemeral u.py
  expect_rc 1
  expect_eq "$OUT" "user site"
  expect_eq "$(cat "home/.local/lib/python$pyv/site-packages/upkg/__init__.py")" 'X = "user site"' "it cannot be changed"
  run_tide run --ephemeral u.py
  expect_rc 1
  expect_contains "$ERR" "No module named 'upkg'"
}

# A Go module the user has downloaded builds offline in tide as it does
# for them: their module cache is there, read-only.
# A PHP snippet on standard input without <?php, as agents send code,
# runs instead of coming back as text; line numbers stay the program's.
test_a_php_snippet_on_standard_input_runs_without_its_tag() {
  printf 'echo 1 + 2, "\\n";\nnot_defined();\n' >snippet.txt
  run_tide_stdin snippet.txt run --json --lang php -
  expect_eq "$(json_get "$OUT" '[j["output"], j["status"]]')" '["3\n", "runtime_error"]'
  expect_contains "$(json_get "$OUT" 'j["output"] + j["error"]')" "on line 2"
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "the PHP program had no <?php tag"
  printf '<?php echo "tagged\\n"; ?>\nplain text\n' >tagged.txt
  run_tide_stdin tagged.txt run -q --lang php -
  expect_eq "$OUT" "tagged
plain text"
}

# go build of a package that is not main writes an archive and succeeds;
# the run was then "cannot execute the program", a sandbox error.  As
# go run says, it does not compile; a second run (its build cached
# before) says the same.
test_a_go_file_not_in_package_main_is_a_compile_error() {
  printf 'package shapes\n\nfunc main() {}\n' >shapes.go
  for round in 1 2; do
    run_tide run shapes.go
    expect_rc 126
    expect_contains "$ERR" "shapes.go: not a main package"
    expect_contains "$ERR" "tide: compile_error"
    expect_not_contains "$ERR" "cannot execute"
  done
  run_tide run --json shapes.go
  expect_eq "$(json_get "$OUT" '[j["status"], j["success"]]')" '["compile_error", false]'
  expect_contains "$(json_get "$OUT" 'j["error"]')" "shapes.go: not a main package"
  expect_contains "$(json_get "$OUT" 'j["compile_output"]')" "shapes.go: not a main package"
}

test_go_modules_come_from_the_users_module_cache() {
  command -v go >/dev/null || skip "go is not installed"
  python3 - "$PWD/proxy" <<'PY'
import json, os, sys, zipfile
base = os.path.join(sys.argv[1], "example.org/greet/@v")
os.makedirs(base)
open(os.path.join(base, "list"), "w").write("v1.0.0\n")
open(os.path.join(base, "v1.0.0.info"), "w").write(json.dumps({"Version": "v1.0.0"}))
mod = "module example.org/greet\n\ngo 1.19\n"
open(os.path.join(base, "v1.0.0.mod"), "w").write(mod)
with zipfile.ZipFile(os.path.join(base, "v1.0.0.zip"), "w") as z:
    z.writestr("example.org/greet@v1.0.0/go.mod", mod)
    z.writestr("example.org/greet@v1.0.0/greet.go", 'package greet\n\nfunc Hello() string { return "hello from a module" }\n')
PY
  mkdir gp
  printf 'module example.com/gp\n\ngo 1.19\n\nrequire example.org/greet v1.0.0\n' >gp/go.mod
  printf 'package main\n\nimport (\n\t"fmt"\n\n\t"example.org/greet"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n' >gp/main.go
  # As the user fetched it once (here from a local proxy).
  (cd gp && export GOPROXY=file://$PWD/../proxy GOSUMDB=off GOMODCACHE=$PWD/../mods GOFLAGS=-mod=mod \
     GOCACHE=$PWD/../gocache && go mod download example.org/greet && go mod tidy) >/dev/null 2>&1 ||
    fail "could not fill the module cache"
  GOMODCACHE=$PWD/mods run_tide run --ephemeral gp/main.go
  expect_rc 0 "$ERR"
  expect_eq "$OUT" "hello from a module"
  # Through GOPATH too (compiled again: no build cache); nothing of it is
  # written.
  mkdir -p gopath/pkg cfg/tide
  mv mods gopath/pkg/mod
  printf '[run]\nbuild_cache = 0\n' >cfg/tide/config.ini
  before=$(find gopath -newer gp/main.go | wc -l)
  GOPATH=$PWD/gopath XDG_CONFIG_HOME=$PWD/cfg run_tide run --ephemeral gp/main.go
  expect_rc 0 "$ERR"
  expect_not_contains "$ERR" "(cached)"
  expect_eq "$(find gopath -newer gp/main.go | wc -l)" "$before"
  chmod -R u+w gopath
  # A module the cache lacks: the reason is the cache and the offline run,
  # not tide's read-only mount ("mkdir /cache/go-mod/cache: read-only file
  # system") or a GOPROXY=off the user never set.
  mkdir -p empty
  printf 'module example.com/gp\n\ngo 1.19\n\nrequire example.org/absent v1.0.0\n' >gp/go.mod
  printf 'package main\n\nimport "example.org/absent"\n\nfunc main() { absent.F() }\n' >gp/main.go
  for cache in "$PWD/empty" "$PWD/none"; do
    GOMODCACHE=$cache run_tide run --ephemeral gp/main.go
    expect_rc 126 "$cache: $ERR"
    expect_contains "$ERR" "a module it needs is not in your Go module cache, and runs are offline"
  done
}

# One FILE of a compiled language brings the other sources of its folder
# that belong to its program, as F5 does in the IDE: the C helpers it links
# with (no main of their own, a function it calls), a Go package (not its
# tests).  Naming files chooses.
test_a_single_file_brings_its_helpers() {
  mkdir c go
  printf '#include <stdio.h>\nint twice(int);\nint main(void) { printf("%%d\\n", twice(21)); }\n' >c/main.c
  printf 'int twice(int x) { return 2 * x; }\n' >c/util.c
  printf '#include <stdio.h>\nint main(void) { puts("other"); }\n' >c/other.c
  run_tide run --ephemeral c/main.c
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 42
  run_tide run --ephemeral --json c/main.c
  expect_eq "$(json_get "$OUT" 'j["files"]')" '["main.c", "util.c"]'
  run_tide run --ephemeral c/other.c
  expect_rc 0 "a program with a main of its own is not a helper: $ERR"
  expect_eq "$OUT" other
  printf 'package main\nimport "fmt"\nfunc main() { fmt.Println(twice(21)) }\n' >go/main.go
  printf 'package main\nfunc twice(x int) int { return 2 * x }\n' >go/util.go
  printf 'package main\nthis is not go\n' >go/util_test.go
  printf 'package main\nfunc main() { println("another program") }\n' >go/tool.go
  run_tide run --ephemeral go/main.go
  expect_rc 0 "$ERR"
  expect_eq "$OUT" 42
  # A file the program does not link with stays out (another exercise's
  # half-written helper broke this one's build).
  printf 'int broken(void) { return }\n' >c/wip.c
  run_tide run --ephemeral --json c/main.c
  expect_rc 0 "a stray helper: $(json_get "$OUT" 'j["error"]')"
  expect_eq "$(json_get "$OUT" 'j["files"]')" '["main.c", "util.c"]'
  # A helper it links with goes in, and a failed build says so, and what
  # was left out.
  printf 'int twice(int x) { return 2 * x }\n' >c/util.c
  run_tide run --ephemeral c/main.c
  expect_rc 126
  expect_contains "$ERR" "tide: note: built with util.c from the file's folder, as part of its program; left out wip.c, which defines nothing it names; naming the files to build chooses them"
  printf 'int main(void) { return undeclared; }\n' >c/alone.c
  run_tide run --ephemeral c/alone.c
  expect_rc 126
  expect_contains "$ERR" "tide: note: built alone: left out util.c, wip.c, which define nothing it names; naming the files to build chooses them"
  rm c/alone.c
  printf 'int twice(int x) { return 2 * x; }\n' >c/util.c
  run_tide run --ephemeral c/main.c c/util.c
  expect_rc 0 "named files are the program: $ERR"
  expect_eq "$OUT" 42
  run_tide run --ephemeral c/main.c c/util.c c/wip.c
  expect_rc 126 "named files are the program, even a broken one"
  # A helper the program includes itself is compiled in already: beside
  # it, it was defined twice.
  mkdir unity
  printf 'int twice(int x) { return 2 * x; }\n' >unity/funcs.c
  printf '#include <stdio.h>\n#include "funcs.c"\nint main(void) { printf("%%d\\n", twice(4)); }\n' >unity/main.c
  run_tide run --ephemeral unity/main.c
  expect_rc 0 "#include \"funcs.c\": $ERR"
  expect_eq "$OUT" 8
}

# A compiled program's further FILEs are its language's sources (built
# with it) or files it is given (headers, data): a source of another
# language was silently left out of the build while "files" listed it.
test_a_file_of_another_language_is_refused_not_left_out() {
  printf '#include <stdio.h>\nint helper(void);\nint main(void) { printf("%%d\\n", helper()); }\n' >m.c
  printf 'extern "C" int helper() { return 7; }\n' >h.cpp
  printf 'int helper(void);\n' >h.h
  printf '7\n' >data.txt
  run_tide run --ephemeral --json m.c h.cpp
  expect_rc 2
  expect_eq "$(json_get "$OUT" '[j["status"], j["message"], j["files"]]')" \
    '["invalid_request", "h.cpp is C++ source, not C: a run builds the files of one language (run it on its own, or rename it)", []]'
  printf '#include <cstdio>\nint main() { std::puts("c++"); }\n' >p.cpp
  run_tide run --ephemeral p.cpp m.c
  expect_rc 2
  expect_eq "$ERR" "tide run: m.c is C source, not C++: a run builds the files of one language (run it on its own, or rename it)"
  printf 'print(open("m.c").readline().strip())\n' >p.py
  run_tide run --ephemeral m.c p.py
  expect_rc 2 "a Python file beside a C program"
  expect_contains "$ERR" "p.py is Python source, not C"
  # Headers and data are given as before; so is anything to an
  # interpreted program, which builds nothing.
  printf 'int helper(void) { return 7; }\n' >h2.c
  run_tide run --ephemeral --json m.c h2.c h.h data.txt
  expect_rc 0 "$ERR"
  expect_eq "$(json_get "$OUT" '[j["output"], j["files"]]')" '["7\n", ["m.c", "h2.c", "h.h", "data.txt"]]'
  run_tide run --ephemeral --json p.py m.c
  expect_rc 0
  expect_eq "$(json_get "$OUT" '[j["output"], j["files"]]')" '["#include <stdio.h>\n", ["p.py", "m.c"]]'
}

test_language_details() {
  # A .js with import (module syntax detected), an .mjs.
  printf 'import { basename } from "path";\nconsole.log(basename("/a/esm.js"));\n' >esm.js
  run_tide run --ephemeral esm.js
  expect_rc 0 "esm.js"
  expect_eq "$OUT" esm.js
  printf 'import os from "os";\nconsole.log(typeof os.cpus);\n' >mod.mjs
  run_tide run --ephemeral mod.mjs
  expect_eq "$OUT" function
  # Fixed-form Fortran (.f): statements from column 7.
  printf "      PROGRAM FIXED\n      PRINT *, 'FIXED FORM'\n      END\n" >old.f
  run_tide run --ephemeral old.f
  expect_rc 0 "old.f"
  expect_eq "$(echo $OUT)" "FIXED FORM"
  # A Java class in a package, using another class in another file.
  mkdir -p j && cd j
  printf '/* header */\npackage demo.app;\n\npublic class App {\n    public static void main(String[] a) {\n        System.out.println(Util.twice(21));\n    }\n}\n' >App.java
  printf 'package demo.app;\n\nclass Util {\n    static int twice(int x) { return 2 * x; }\n}\n' >Util.java
  run_tide run --ephemeral App.java Util.java
  expect_rc 0 "java package"
  expect_eq "$OUT" 42
  cd ..
  # The class java starts is the one that declares main, as `java
  # Hello.java` finds it: "class Main" in Hello.java failed with
  # ClassNotFoundException: Hello.
  printf 'import java.util.*;\n\nclass Main {\n    public static void main(String[] args) {\n        System.out.println("main of " + args.length);\n    }\n}\n' >Hello.java
  run_tide run --ephemeral Hello.java -- a b
  expect_rc 0 "Hello.java with class Main: $ERR"
  expect_eq "$OUT" "main of 2"
  # A Java file brings the files declaring the classes it names (Helper in
  # Shapes.java), not a half-written exercise beside it.
  mkdir jx && cd jx
  printf 'public class Ex1 {\n    public static void main(String[] a) {\n        System.out.println(new Shapes().area() + Helper.ONE);\n    }\n}\n' >Ex1.java
  printf 'class Shapes {\n    int area() { return 41; }\n}\n\nclass Helper {\n    static int ONE = 1;\n}\n' >Shapes.java
  printf 'public class Ex2 {\n    public static void main(String[] a) {\n        int x = \n    }\n}\n' >Ex2.java
  run_tide run --ephemeral --json Ex1.java
  expect_rc 0 "Ex1.java beside a broken Ex2.java: $(json_get "$OUT" 'j["error"]')"
  expect_eq "$(json_get "$OUT" 'j["output"]')" 42
  expect_eq "$(json_get "$OUT" 'j["files"]')" '["Ex1.java", "Shapes.java"]'
  cd ..
  # C in two files.
  printf 'int add(int a, int b);\n#include <stdio.h>\nint main(void)\n{\n    printf("%%d\\n", add(2, 3));\n}\n' >two.c
  printf 'int add(int a, int b)\n{\n    return a + b;\n}\n' >add.c
  run_tide run --ephemeral two.c add.c
  expect_eq "$OUT" 5
  # The entry, then every file of the program (the shell's *.c holds the
  # entry again): each is compiled once; gcc said "multiple definition of
  # main".  The same through a session.
  mkdir many && mv two.c add.c many/ && cd many
  run_tide run --ephemeral two.c *.c ./two.c
  expect_rc 0 "two.c *.c: $ERR"
  expect_eq "$OUT" 5
  run_tide run two.c *.c
  expect_rc 0 "recorded two.c *.c: $ERR"
  run_tide run --session many two.c two.c add.c
  expect_rc 0 "--session two.c two.c add.c: $ERR"
  expect_eq "$OUT" 5
  cd ..
  # Rust modules are found from the entry.
  printf 'mod helper;\nfn main() {\n    println!("{}", helper::name());\n}\n' >main.rs
  printf 'pub fn name() -> &'"'"'static str {\n    "from a module"\n}\n' >helper.rs
  run_tide run --ephemeral main.rs
  expect_eq "$OUT" "from a module"
}

# File names as downloads and file managers make them run as they are:
# rustc names the crate after the file and refused "my prog.rs" and "2.rs".
test_file_names_with_spaces_and_digits() {
  printf 'fn main() {\n    println!("spaced rust");\n}\n' >'my prog.rs'
  run_tide run --ephemeral 'my prog.rs'
  expect_rc 0 "my prog.rs"
  expect_eq "$OUT" "spaced rust"
  printf 'fn main() {\n    println!("two");\n}\n' >2.rs
  run_tide run --ephemeral 2.rs
  expect_rc 0 "2.rs"
  expect_eq "$OUT" "two"
  printf '#include <stdio.h>\nint main(void)\n{\n    puts("spaced c");\n}\n' >'my prog (1).c'
  run_tide run --ephemeral 'my prog (1).c'
  expect_rc 0 "my prog (1).c"
  expect_eq "$OUT" "spaced c"
  # A name starting with '-' is a file to the interpreter or compiler, not
  # an option, from the folder itself or from above it.
  mkdir dash
  printf 'print("dash py")\n' >dash/-d.py
  printf '#include <stdio.h>\nint main(void) { puts("dash c"); }\n' >dash/-o.c
  run_tide run --ephemeral dash/-d.py
  expect_rc 0 "dash/-d.py: $ERR"
  expect_eq "$OUT" "dash py"
  (cd dash && run_tide run --ephemeral ./-o.c && expect_rc 0 "-o.c: $ERR" && expect_eq "$OUT" "dash c") ||
    fail "-o.c from its folder"
}

# An activated venv is the Python of the run, as it is of `python3`: its
# packages import.  It was resolved to its base interpreter, which runs
# without them.  One in the program's folder is used through /work.
test_an_activated_venv_is_the_python_of_the_run() {
  mkdir proj && cd proj
  python3 -m venv --without-pip env || skip "python3 cannot make a venv"
  local site
  site=$(env/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  mkdir -p "$site/tidepkg" && printf 'X = 42\n' >"$site/tidepkg/__init__.py"
  printf 'import sys, tidepkg\nprint(tidepkg.X, sys.prefix)\n' >u.py
  PATH=$PWD/env/bin:$PATH VIRTUAL_ENV=$PWD/env run_tide run --ephemeral u.py
  expect_rc 0 "with the venv"
  expect_eq "$OUT" "42 /work/env"
  # The control: without it, there is no such package (a venv called
  # env is not one tide looks for by itself).
  run_tide run --ephemeral u.py
  expect_rc 1 "without the venv"
  expect_contains "$ERR" "No module named 'tidepkg'"
  # One elsewhere is shown at its own path, read-only, also below /tmp
  # (which the program gets a private one of: it is bound inside that).
  mkdir ../other
  printf '%s\n' "$PWD/env" >../other/venv.txt
  printf 'import sys, tidepkg\nprint(tidepkg.X, sys.prefix == open("venv.txt").read().strip())\nopen("/tmp/mine", "w").write("x")\ntry:\n    open(sys.prefix + "/x", "w")\nexcept OSError as e:\n    print(e.strerror)\n' >../other/v.py
  PATH=$PWD/env/bin:$PATH run_tide run --ephemeral ../other/v.py
  expect_rc 0 "a venv outside the program's folder"
  expect_eq "$OUT" "42 True
Read-only file system"
}

# Debian's matplotlib (make check installs it) in a sandboxed run: its
# defaults are in /etc/matplotlibrc, without which it cannot be imported,
# and it finds fonts through fontconfig's /etc/fonts.
test_debian_matplotlib_draws_a_plot() {
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null ||
    fail "Debian's python3-matplotlib is not installed (make check installs it)"
  cat >plot.py <<'P'
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [1, 4, 9])
plt.title("squares")
plt.savefig("squares.png")
print("saved")
P
  PATH=/usr/bin:$PATH run_tide run --json plot.py
  expect_rc 0 "$OUT"
  expect_eq "$(json_get "$OUT" 'j["toolchain"][0]["path"]')" /usr/bin/python3
  expect_eq "$(json_get "$OUT" 'j["output"]')" saved
  expect_eq "$(json_get "$OUT" 'j["error"]')" ""
  expect_eq "$(json_get "$OUT" '[(f["name"], f["type"]) for f in j["generated_files"]]')" '[["squares.png", "image/png"]]'
}

# matplotlib scans the system's fonts into a list in its cache, which a
# run's fresh HOME does not keep: tide keeps the list its own sandboxed
# run of matplotlib's font manager made, and gives later runs a copy as
# their own.  What a program writes there (a list of its own, of a format
# tide's run cannot make) reaches no later run, and makes no new list
# after each run.
test_matplotlib_font_list_is_made_once_and_not_by_the_program() {
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null ||
    fail "Debian's python3-matplotlib is not installed (make check installs it)"
  cat >fonts.py <<'P'
import glob, os
d = os.path.expanduser("~/.cache/matplotlib")
lists = sorted(glob.glob(d + "/fontlist-*.json"))
print([os.path.basename(f) for f in lists], os.access(d, os.W_OK))
print(all("DejaVu" in open(f).read() for f in lists))
import matplotlib.font_manager
for f in glob.glob(d + "/fontlist-*.json"):
    open(f, "w").write('{"_version": "poison"}')
open(d + "/fontlist-v999.json", "w").write("{}")
P
  PATH=/usr/bin:$PATH run_tide run --json fonts.py
  expect_rc 0 "$OUT"
  expect_eq "$(json_get "$OUT" 'j["output"]')" "$(printf '[] False\nTrue')"
  kept=$(echo "$XDG_CACHE_HOME"/tide/matplotlib/*)
  [ -d "$kept" ] || fail "no font list kept: $(ls -R "$XDG_CACHE_HOME/tide")"
  expect_eq "$(cd "$kept" && ls)" "$(printf 'fontlist-v330.json\nfontlist-v999.json.none')"
  expect_contains "$(cat "$kept"/fontlist-v330.json)" DejaVu
  inode=$(stat -c %i "$kept")
  for i in 1 2; do
    PATH=/usr/bin:$PATH run_tide run --json fonts.py
    expect_rc 0 "$OUT"
    expect_eq "$(json_get "$OUT" 'j["output"]')" "$(printf "['fontlist-v330.json'] True\nTrue")"
    expect_eq "$(json_get "$OUT" 'j["error"]')" ""
  done
  expect_eq "$(stat -c %i "$kept")" "$inode" "made again after a run"
  expect_not_contains "$(cat "$kept"/fontlist-v330.json)" poison
}

# There is no window in the sandbox: plt.show() and fig.show() save the
# figures as pictures the run wrote (Figure_1.png, ...), named past files
# already there; the program goes on; plt.pause() saves the frames of an
# animation that changed.  A run command that makes Python
# ignore PYTHONPATH (-I) gets matplotlib's own non-interactive backend.
test_plt_show_saves_the_figures() {
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null ||
    fail "Debian's python3-matplotlib is not installed (make check installs it)"
  mkdir p && cd p
  cat >show.py <<'P'
import os
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [3, 1, 2])
plt.show()
os.chdir("/tmp")
fig, ax = plt.subplots()
ax.bar(["a", "b"], [2, 5])
fig.show()
plt.figure()
plt.plot([0, 1])
plt.show()
print("went on", len(plt.get_fignums()))
for i in range(2):
    plt.plot([0, i + 2])
    plt.pause(0.01)
plt.pause(0.01)
print("animated", len(plt.get_fignums()))
P
  cp show.py Figure_2.png
  PATH=/usr/bin:$PATH run_tide run --json show.py
  expect_rc 0 "$OUT"
  expect_eq "$(json_get "$OUT" 'j["output"]')" "$(printf 'went on 0\nanimated 1')"
  expect_eq "$(json_get "$OUT" 'j["error"]')" ""
  # plt.pause() saves the frames that changed, the figure staying.
  expect_eq "$(json_get "$OUT" '[(f["name"], f["type"]) for f in j["generated_files"]]')" \
    '[["Figure_1.png", "image/png"], ["Figure_3.png", "image/png"], ["Figure_4.png", "image/png"], ["Figure_5.png", "image/png"], ["Figure_6.png", "image/png"]]'
  expect_eq "$(cmp -s Figure_2.png show.py && echo untouched)" untouched
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[lang.python]\nrun = python3 -I {entry}\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  PATH=/usr/bin:$PATH run_tide run --json show.py
  expect_rc 0 "$OUT"
  expect_eq "$(json_get "$OUT" 'j["generated_files"]')" "[]"
}

# A Python program that stops on a package it lacks is told where packages
# come from (runs are offline), in the JSON's notes and on stderr, once; the
# record keeps the note (tide result shows it later); another error gets no
# such note.
test_a_missing_python_module_says_where_packages_come_from() {
  printf 'import json\nimport no_such_pkg_tide.sub\n' >needs.py
  run_tide run --json --ephemeral needs.py
  expect_rc 1 "$OUT"
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "Python has no module 'no_such_pkg_tide' here: runs have no network, so install the package that provides it outside tide (pip install --user, or into the project's .venv)"
  run_tide run needs.py
  expect_contains "$ERR" "tide: note: Python has no module 'no_such_pkg_tide' here"
  expect_eq "$(grep -c 'has no module' <<<"$ERR")" 1 "said once: $ERR"
  run_tide result --json
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "Python has no module 'no_such_pkg_tide' here"
  run_tide result
  expect_contains "$OUT$ERR" "Python has no module 'no_such_pkg_tide' here"
  printf 'raise ValueError("no module named here")\n' >other.py
  run_tide run --json --ephemeral other.py
  expect_eq "$(json_get "$OUT" 'j["notes"]')" "[]"
}

# A program that fails for want of a network (here: a service on the
# host's 127.0.0.1, which the run's own loopback does not have) is told
# runs have none, in Python and in Node alike; with --net, or failing for
# another reason, it is not.
test_a_program_that_finds_no_network_is_told_why() {
  printf 'import socket\nsocket.create_connection(("127.0.0.1", 9), timeout=5)\n' >conn.py
  run_tide run --json --ephemeral conn.py
  expect_rc 1 "$OUT"
  expect_contains "$(json_get "$OUT" 'j["error"]')" "Connection refused"
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "the program found no network: runs have none but their own loopback"
  run_tide run conn.py
  expect_contains "$ERR" "tide: note: the program found no network"
  printf 'require("net").connect(9, "127.0.0.1").on("error", e => { throw e; });\n' >conn.js
  run_tide run --json --ephemeral conn.js
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "the program found no network"
  run_tide run --json --ephemeral --net conn.py
  expect_rc 1 "$OUT"
  expect_eq "$(json_get "$OUT" 'j["notes"]')" "[]"
  # The summary says the run had the network (and only then).
  run_tide run --ephemeral --net conn.py
  expect_contains "$ERR" "peak memory"
  expect_contains "$ERR" ", host network"
  run_tide run --ephemeral conn.py
  expect_not_contains "$ERR" "host network"
  printf 'raise ValueError("bad value")\n' >other.py
  run_tide run --json --ephemeral other.py
  expect_eq "$(json_get "$OUT" 'j["notes"]')" "[]"
}
