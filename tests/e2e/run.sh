# The execution panel: F5 runs the file in its session, live, in a small
# terminal; input typed into it reaches the program; Ctrl-C / Shift-F5
# stop it; the result line; compiler errors and tracebacks jump to their
# line; F7 browses earlier results; output floods do not slow typing.

. "$TESTS/e2e/lib/tmux.sh"

test_python_reads_a_line_typed_into_the_panel() {
  printf 'name = input("Your " + "name? ")\nprint(f"Hello, {name}!")\n' >hello.py
  tui_start hello.py
  tui_wait 'input("Your " + "name? ")'
  tui_keys F5
  tui_wait 'Your name?' 30
  tui_type 'Ada'
  tui_keys Enter
  tui_wait 'Hello, Ada!' 20
  tui_wait 'ok · exit 0 · run ' 20
  tui_wait 'peak '
  tui_wait '[ok]'
  # Recorded in the folder's session, like tide run.
  run_tide history
  expect_contains "$OUT" "hello.py"
}

# A run's result is its file's: another tab's status bar names the file
# it belongs to rather than showing it as its own.
test_the_result_tag_is_shown_as_the_file_s_own_only_on_its_tab() {
  printf 'raise SystemExit(3)\n' >bad.py
  printf 'print("fine")\n' >other.py
  tui_start bad.py
  tui_wait 'raise SystemExit(3)'
  tui_keys F5
  tui_wait 'runtime_error · exit 3' 30
  tui_wait '[runtime_error]'
  tui_keys C-o
  tui_wait 'Open file:'
  tui_type 'other.py'
  tui_keys Enter
  tui_wait 'print("fine")'
  tui_wait '[bad.py: runtime_error]'
  case "$(tui_screen)" in *' [runtime_error]'*) fail "other.py's status bar shows bad.py's result as its own" ;; esac
  tui_keys M-Left
  tui_wait 'raise SystemExit(3)'
  tui_wait ' [runtime_error]'
  case "$(tui_screen)" in *'[bad.py:'*) fail "bad.py's own result is labelled as another file's" ;; esac
}

# Backspace in a line typed into the panel takes back a whole character,
# as in a terminal (the program's text is UTF-8).
test_backspace_in_the_panel_erases_a_whole_character() {
  printf 'x = input("name? ")\nprint("got", ascii(x))\n' >ask.py
  tui_start ask.py
  tui_wait 'input("name? ")'
  tui_keys F5
  tui_wait $'\nname?' 30
  tui_type 'aé'
  tui_keys BSpace
  tui_type 'b'
  tui_keys Enter
  tui_wait "got 'ab'" 20
}

# Ctrl-W typed to a running program takes back a word, as in a terminal
# (it closes the tab only from the editor).
test_ctrl_w_in_the_panel_erases_a_word() {
  printf 'x = input("words? ")\nprint("got", ascii(x))\n' >ask.py
  tui_start ask.py
  tui_wait 'input("words? ")'
  tui_keys F5
  tui_wait $'\nwords?' 30
  tui_type 'hello'
  tui_keys C-w
  tui_type 'bye'
  tui_keys Enter
  tui_wait "got 'bye'" 20
  tui_wait ' ask.py │'
}

# Each run starts on a new terminal, as a new tab of one would: a program
# that left the alternate screen on (a curses program that crashed) hides
# neither the next one's output nor, once a later one leaves that screen,
# what it wrote before.
test_each_run_starts_on_a_new_terminal() {
  printf 'print("first" + " out")\nprint("\\033[?1049h", end="")\nprint("left in" + " alt")\n' >a.py
  printf 'for i in range(3): print("second", i)\n' >b.py
  printf 'import sys\nprint("third" + " before")\nsys.stdout.write("\\033[?1049h" + "x\\n\\033[?1049l")\nprint("third" + " after")\n' >c.py
  tui_start a.py
  tui_wait 'print("first" + " out")'
  tui_keys F5
  tui_wait 'left in alt' 30
  tui_wait 'result #1' 30
  local f s n=1
  for f in b c; do
    n=$((n + 1))
    tui_keys C-o
    tui_wait 'Open file:'
    tui_type "$f.py"
    tui_keys Enter
    tui_wait " $f.py │"
    tui_keys F5
    tui_wait "· result #$n" 30
    s=$(tui_screen)
    expect_not_contains "$s" 'left in alt'
    expect_not_contains "$s" 'first out'
    [ $f = c ] || expect_contains "$s" $'\nsecond 0\nsecond 1\nsecond 2\n'
  done
  expect_contains "$s" $'\nthird before\nthird after\n'
  expect_not_contains "$s" 'second 2'
}

# The output can be picked with the mouse (a drag, from one place to
# another as the panel shows it) and copied with Ctrl-C: the terminal's own
# selection is the IDE's mouse. Ctrl-C with nothing picked still interrupts
# a running program.
test_output_picked_with_the_mouse_is_copied() {
  printf 'for i in range(4):\n    print(f"value {i} is {i*i}")\n' >p.py
  tui_start p.py
  tui_wait 'range(4)'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  local row
  row=$(tui_screen | grep -n '^value 1 is 1' | cut -d: -f1)
  [ -n "$row" ] || fail "no output line:$(tui_screen)"
  row=$((row - 1))
  # From "1 is 1" (column 6) to the "val" of the line after the next.
  tui_mouse 0 6 "$row"
  sleep 0.05
  tui_mouse 32 3 $((row + 2))
  sleep 0.05
  tui_mouse 3 3 $((row + 2))
  tui_wait 'Ctrl-C copies the picked text'
  tui_keys C-c
  tui_wait 'copied 3 lines of output'
  tui_keys F6
  tui_keys C-End
  tui_keys C-v C-s
  tui_wait 'saved p.py'
  expect_eq "$(tail -n 3 p.py)" "$(printf '1 is 1\nvalue 2 is 4\nval')"
  # Ctrl-A in the panel picks all of the output.
  tui_keys F6
  tui_keys C-a
  tui_wait 'Ctrl-C copies the picked text'
  tui_keys C-c
  tui_wait 'copied 4 lines of output'
}

# Ctrl-F in the panel finds text in the output (any case), scrolled to
# and picked; F3 and Shift-F3 go on; Ctrl-C copies the match.
test_find_in_the_output() {
  printf 'for i in range(60):\n    print(f"line {i}: value {i*i}")\n' >f.py
  tui_start f.py
  tui_wait 'range(60)'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_wait 'line 59: value 3481'
  tui_keys F6
  tui_keys C-f
  tui_wait 'Find in the output:'
  tui_type 'VALUE 4'
  tui_keys Enter
  tui_wait 'line 2: value 4'
  tui_wait 'F3: next, Shift-F3: previous'
  tui_keys F3
  tui_wait 'line 7: value 49'
  tui_keys F3
  tui_wait 'line 20: value 400'
  tui_wait_gone 'line 59: value 3481'
  tui_keys C-c
  tui_wait 'copied 7 characters of output'
  tui_keys C-f
  tui_keys C-u
  tui_type 'nowhere'
  tui_keys Enter
  tui_wait "'nowhere' is not in the output"
  # A pick dragged past the panel's top and held: the output scrolls back
  # a line at a time under it.
  tui_keys End
  tui_wait 'line 59: value 3481'
  local row
  row=$(tui_screen | grep -n '^line 59: ' | cut -d: -f1)
  tui_mouse 0 4 $((row - 1))
  sleep 0.05
  tui_mouse 32 4 2
  tui_wait 'line 30: value 900'
  tui_mouse 3 4 2
  tui_keys C-c
  tui_wait 'lines of output'
  local n
  n=$(tui_screen | grep -oE 'copied [0-9]+ lines' | grep -oE '[0-9]+')
  [ "${n:-0}" -ge 30 ] || fail "the held drag picked ${n:-no} lines"
}

# While a program runs, F3 finds in what it printed so far (asking what,
# the first time); the keys it does not take still go to the program.
test_find_in_the_output_of_a_running_program() {
  printf 'for i in range(40):\n    print(f"row {i}: sq {i*i}")\nname = input("name? ")\nprint("hello", name)\n' >w.py
  tui_start w.py
  tui_wait 'range(40)'
  tui_keys F5
  tui_wait 'row 39: sq 1521' 30
  tui_keys F3
  tui_wait 'Find in the output:'
  tui_type 'SQ 49'
  tui_keys Enter
  tui_wait 'row 7: sq 49'
  tui_wait 'F3: next, Shift-F3: previous, Ctrl-C copies it, typing lets go'
  tui_wait_gone 'row 39: sq 1521'
  tui_type 'Ann'
  tui_keys Enter
  tui_wait 'hello Ann' 20
  tui_wait 'ok · exit 0' 20
}

# Ctrl-F5 asks for the program's arguments (a shell line: quotes keep
# blanks, nothing is expanded) and runs; F5 then gives the same ones; they
# are recorded with the run.
test_ctrl_f5_runs_with_arguments_and_f5_keeps_them() {
  printf 'import sys\nprint("n=%%d" %% (len(sys.argv) - 1), sys.argv[1:])\n' >a.py
  tui_start a.py
  tui_wait 'import sys'
  tui_keys C-F5
  tui_wait 'Arguments for a.py'
  tui_type "one 'two words' \"\$HOME\""
  tui_keys Enter
  tui_wait "n=3 ['one', 'two words', '\$HOME']" 30
  tui_wait 'result #1'
  tui_keys F5
  tui_wait 'result #2'
  tui_wait "n=3 ['one', 'two words', '\$HOME']" 30
  "$TIDE" result --json | python3 -c 'import json,sys; a=json.load(sys.stdin)["args"]; sys.exit(a != ["one", "two words", "$HOME"])' ||
    fail "the run was not recorded with its arguments: $("$TIDE" result --json | head -c 600)"
  # F7 shows them with the result.
  tui_keys F7
  tui_wait "── run as: a.py one 'two words' '\$HOME' ──"
  tui_esc
  # An open quote runs nothing and says why; the arguments offered again
  # are the last ones.
  tui_keys C-F5
  tui_wait "Arguments for a.py (< FILE: input; network off, Alt-N): one 'two words' '\$HOME'"
  tui_keys C-u
  tui_type "'open"
  tui_keys Enter
  # Asked again, with what was typed and why above it.
  tui_wait "not run: a ' is not closed"
  tui_wait "Arguments for a.py (< FILE: input; network off, Alt-N): 'open"
  tui_type "'"
  tui_keys Enter
  tui_wait "n=1 ['open']" 30
  tui_wait 'result #3'
  # None: the program gets none.
  tui_keys C-F5
  tui_keys C-u Enter
  tui_wait 'n=0 []' 30
  # Forgotten for the next tide too.
  [ -z "$(ls "$XDG_STATE_HOME/tide/run-lines")" ] ||
    fail "the arguments are still kept: $(ls -l "$XDG_STATE_HOME/tide/run-lines")"
}

# `< FILE` gives the program a file as its input, as a shell would (its
# output still goes to the panel's terminal); what only a shell does is
# refused rather than passed on as words.
test_ctrl_f5_gives_a_file_as_input() {
  mkdir data
  printf 'import sys\nn = int(input())\nprint("sum", sum(int(x) for x in input().split()) * n, sys.argv[1:])\nprint("tty", sys.stdin.isatty(), sys.stdout.isatty())\n' >sol.py
  printf '2\n1 2 3\n' >data/in.txt
  tui_start sol.py
  tui_wait 'import sys'
  tui_keys C-F5
  tui_wait 'Arguments for sol.py'
  # Tab completes names from the program's folder.
  tui_type 'x <da'
  tui_keys Tab
  tui_wait 'Arguments for sol.py (< FILE: input; network off, Alt-N): x <data/'
  tui_type 'i'
  tui_keys Tab
  tui_wait 'Arguments for sol.py (< FILE: input; network off, Alt-N): x <data/in.txt'
  tui_keys Enter
  tui_wait "sum 12 ['x']" 30
  tui_wait 'tty False True'
  tui_wait 'result #1'
  # F5 gives it the file again, read anew.
  printf '3\n1 1\n' >data/in.txt
  tui_keys F5
  tui_wait 'result #2' 30
  tui_wait "sum 6 ['x']"
  "$TIDE" result --json | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(r["stdin"] != "3\n1 1\n" or r["stdin_mode"] != "file" or r["stdin_name"] != "data/in.txt")' ||
    fail "the run was not recorded with its input: $("$TIDE" result --json | head -c 600)"
  # F7 shows the input with the output (no terminal echoed it), and the
  # command line as it was given.
  tui_keys F7
  tui_wait '── input ──'
  tui_wait '── run as: sol.py x < data/in.txt ──'
  tui_esc
  # The next tide runs the file as this one last did.
  tui_stop
  tui_start sol.py
  tui_wait 'import sys'
  tui_keys F5
  tui_wait 'result #3' 30
  tui_wait "sum 6 ['x']"
  # Saved under another name, the file takes its command line along.
  tui_keys M-s
  tui_wait 'Save as: sol.py'
  tui_keys C-u
  tui_type 'sol2.py'
  tui_keys Enter
  tui_wait 'saved sol2.py'
  tui_keys F5
  tui_wait 'result #4' 30
  expect_eq "$(ls "$XDG_STATE_HOME/tide/run-lines" | sed 's/\..*//')" sol2
  tui_keys C-F5
  tui_wait 'Arguments for sol2.py (< FILE: input; network off, Alt-N): x < data/in.txt'
  tui_keys C-u
  tui_type '< nope.txt'
  tui_keys Enter
  tui_wait 'cannot open '"$PWD"'/nope.txt for the input (< nope.txt)'
  tui_keys C-F5
  tui_keys C-u
  tui_type 'x > out.txt'
  tui_keys Enter
  tui_wait "not run: '>' would need a shell"
  tui_wait 'Arguments for sol2.py (< FILE: input; network off, Alt-N): x > out.txt'
  # Narrower, the label gives way to what is typed, and says it is cut
  # (the answer was squeezed into ten columns, the label's end after it).
  tui_tmux resize-window -t 0 -x 50
  tui_wait 'Arguments for sol2.py (< FILE: … x > out.txt'
  case "$(tui_screen | tail -1)" in *'out.txt'?*) fail "something follows the answer: $(tui_screen | tail -1)" ;; esac
}

# F5 while the last program still runs (often one waiting for input that
# was forgotten) asks to stop it and run again, rather than only saying
# that Shift-F5 stops it.
test_f5_while_a_program_runs_offers_to_run_it_again() {
  printf 'name = input("Name? ")\nprint("hi", name)\n' >ask.py
  tui_start ask.py
  tui_wait 'name = input'
  tui_keys F5
  tui_wait $'\nName?' 30
  tui_keys F5
  tui_wait 'ask.py is still running. Stop it and run ask.py? (y)es, Esc'
  tui_esc
  tui_wait_gone 'still running'
  tui_keys F5
  tui_wait 'still running'
  tui_keys y
  # The first is recorded as stopped; the second has started by then.
  for _ in $(seq 150); do
    "$TIDE" history 2>/dev/null | grep -q killed && break
    sleep 0.1
  done
  tui_wait 'Name?'
  tui_type 'Bo'
  tui_keys Enter
  tui_wait 'hi Bo' 30
  tui_wait 'result #2'
  expect_eq "$("$TIDE" history --json | python3 -c 'import json,sys; print(" ".join(r["status"] for r in json.load(sys.stdin)["runs"]))')" 'ok killed'
}

test_unsaved_edits_are_saved_before_the_run() {
  printf 'print("one")\n' >s.py
  tui_start s.py
  tui_wait 'print("one")'
  tui_keys End Left Left BSpace BSpace BSpace
  tui_type 'two'
  tui_wait 's.py +'
  tui_keys F5
  tui_wait_file s.py 'two'
  tui_wait 'ok · exit 0' 30
  tui_wait_gone 's.py +'
  case "$(tui_screen)" in *two*) ;; *) fail "the run did not print two" ;; esac
}

# Ctrl-C in the panel interrupts the program as a terminal would: Python
# shows where it was, and Enter goes there; one that ignores it is stopped
# by the second Ctrl-C; Shift-F5 stops at once.
test_runaway_program_is_stopped() {
  printf 'import time\ni = 0\nwhile True:\n    i += 1\n    print("tick", i, flush=True)\n    time.sleep(0.05)\n' >loop.py
  tui_start loop.py
  tui_wait 'while True'
  tui_keys F5
  tui_wait 'tick 3' 30
  tui_wait 'Ctrl-C: interrupt  Shift-F5: stop'
  tui_keys C-c
  tui_wait 'KeyboardInterrupt' 20
  tui_wait 'killed · ' 20
  tui_wait '[killed]'
  tui_keys Enter
  tui_wait 'Python  Ln 6, Col'
  # A program that ignores it: the second Ctrl-C stops it.
  printf 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ni = 0\nwhile True:\n    i += 1\n    print("tock", i, flush=True)\n    time.sleep(0.05)\n' >loop.py
  tui_wait 'SIG_IGN' 10
  tui_keys F5
  tui_wait 'tock 3' 30
  tui_keys C-c
  tui_wait 'interrupted the program (SIGINT): Ctrl-C again or Shift-F5 stops it'
  tui_wait 'tock 20' 20
  tui_keys C-c
  tui_wait 'killed · ' 20
  # Shift-F5 stops it at once.
  tui_keys F5
  tui_wait 'running' 20
  tui_wait 'tock 2' 30
  tui_keys S-F5
  tui_wait 'killed · ' 20
  # The status bar's "stopping..." goes with the run, not seconds later.
  tui_wait_gone 'stopping the program' 2
}

# A run ended by Ctrl-C is recorded, and its title names the result as
# every title does: its "interrupted" (which SIGINT says already) gives way
# first when the title is narrow (it kept that and dropped the number).
test_an_interrupted_run_names_its_result() {
  printf 'import time\n\ndef wait():\n    print("wait" + "ing", flush=True)\n    while True:\n        time.sleep(0.05)\n\nwait()\n' >loop.py
  tui_start -x 90 loop.py
  tui_wait 'while True'
  tui_keys F5
  tui_wait $'\nwaiting' 30
  tui_keys C-c
  tui_wait 'killed · signal 2 (SIGINT)' 20
  tui_wait 'peak '
  expect_contains "$(tui_screen | grep 'killed · ')" ' · result #1'
  run_tide history
  expect_contains "$OUT" 'killed'
}

# "Ctrl-C again stops it" is said while the program may still run: one
# that ends at the interrupt takes it away (it stayed on for seconds).
test_the_interrupt_hint_goes_when_the_program_ends() {
  printf 'import time\nprint("wait" + "ing", flush=True)\nwhile True:\n    time.sleep(0.05)\n' >loop.py
  tui_start loop.py
  tui_wait 'while True'
  tui_keys F5
  tui_wait $'\nwaiting' 30
  tui_keys C-c
  tui_wait 'killed · signal 2 (SIGINT)' 20
  tui_wait_gone 'interrupted the program' 1
}

# Keys the user rebound in config.ini are the keys the hints name: the
# panel's title, the messages, the help page.
test_hints_name_the_keys_the_user_bound() {
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[keys]\nrun = F9\nstop = Shift-F9\nhistory = F11\nnext_pane = F12\nfind_next = F4\n' \
    >"$XDG_CONFIG_HOME/tide/config.ini"
  # It ignores SIGINT: what stops it leaves no traceback, whose file:line
  # would take the title's place of the run key.
  printf 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    print("tick", flush=True)\n    time.sleep(0.1)\n' >keys.py
  tui_start keys.py
  tui_wait 'while True'
  tui_keys F9
  tui_wait 'tick' 30
  tui_wait 'Ctrl-C: interrupt  Shift-F9: stop'
  tui_keys S-F9
  tui_wait 'killed · ' 20
  tui_wait 'F9: run again  F11: history'
  tui_keys F9
  tui_wait 'Shift-F9: stop' 20
  # Interrupted once it runs (the output's line, not the source's): a
  # Ctrl-C while Python still starts ends it with a traceback.
  tui_wait $'\ntick' 30
  tui_keys C-c
  tui_wait 'interrupted the program (SIGINT): Ctrl-C again or Shift-F9 stops it'
  tui_keys C-c
  tui_wait '  F9: run again' 20
  tui_keys F1
  tui_wait 'tide: keys'
  tui_keys NPage NPage NPage
  tui_wait ' Run panel (F12 to reach it)'
  tui_wait 'Ctrl-F, F4, Shift-F3'
  tui_wait 'F11: older, newer result'
  case "$(tui_screen)" in
    *F5*|*F7*|*F6*) fail "the help page names a default key: $(tui_screen)" ;;
  esac
  tui_esc
}

# Ctrl-Q while a program runs asks first; Esc keeps both; yes stops the
# run (recorded as killed) and quits, leaving no process behind.
test_quitting_while_a_program_runs_asks_first() {
  printf 'import time\nwhile True:\n    print("still" + " here", flush=True)\n    time.sleep(0.1)\n' >forever.py
  tui_start forever.py
  tui_wait 'while True'
  tui_keys F5
  tui_wait 'still here' 30
  tui_keys C-q
  tui_wait 'A program is running. Quit and stop it?'
  tui_keys Escape
  tui_wait_gone 'A program is running'
  tui_wait 'Ctrl-C: interrupt  Shift-F5: stop'
  tui_keys C-q
  tui_wait 'A program is running. Quit and stop it?'
  tui_keys y
  tui_wait_exit 20
  expect_eq "$TUI_EXIT" 0 "tide's exit status"
  run_tide history --json
  expect_eq "$(json_get "$OUT" 'j["runs"][0]["status"]')" killed
  pgrep -f forever.py >/dev/null && fail "the program survived tide"
  true
}

test_compiler_error_jumps_to_its_line() {
  printf '#include <stdio.h>\n\nint main(void)\n{\n    printf("hi\\n")\n    return 0;\n}\n' >bad.c
  tui_start bad.c
  tui_wait 'int main'
  tui_keys F5
  tui_wait 'compile_error · compile' 60
  tui_wait "bad.c:5:19: error: expected"
  tui_wait 'Enter: go to the line'
  # The first error is selected: Enter goes there.
  tui_keys Enter
  tui_wait 'C  Ln 5, Col 19'
  tui_type ';'
  tui_keys F5
  tui_wait 'hi' 60
  tui_wait 'ok · exit 0' 60
}

# A compiler's first error far above its last lines: the panel shows it
# (it is what Enter goes to), not only the end of the output.
test_the_first_error_is_in_sight_after_a_long_compile_output() {
  {
    printf '#include <stdio.h>\nint main(void)\n{\n    int broken = ;\n'
    for i in $(seq 1 12); do printf '    int unused%d = 0;\n' "$i"; done
    printf '    return 0;\n}\n'
  } >many.c
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[lang.c]\ncompile = gcc -Wall -o {out} {files}\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  tui_start -y 30 many.c
  tui_wait 'int broken = ;'
  tui_keys F5
  tui_wait 'compile_error · compile' 60
  tui_wait "many.c:4:18: error: expected expression"
  tui_keys Enter
  tui_wait 'C  Ln 4, Col 18'
}

# A finished run's output stays in sight when the terminal gets smaller,
# and all of it can be scrolled back to (its terminal keeps the height it
# had: the panel showed its blank rows and could not reach its top).
test_a_finished_runs_output_survives_a_smaller_terminal() {
  printf 'for i in range(20):\n    print("row", i)\n' >rows.py
  tui_start -y 40 rows.py
  tui_wait 'print("row", i)'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_wait 'row 19'
  tui_tmux resize-window -t 0 -x 120 -y 26
  tui_wait 'row 19'
  tui_keys F6 Home
  tui_wait $'\nrow 0\n'
  tui_keys End
  tui_wait 'row 19'
  printf 'print("hi")\nprint("there")\n' >short.py
  tui_keys C-o
  tui_wait 'Open file:'
  tui_type short.py
  tui_keys Enter
  tui_wait 'print("there")'
  tui_tmux resize-window -t 0 -x 120 -y 40
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_tmux resize-window -t 0 -x 120 -y 28
  tui_wait $'\nhi\nthere\n'
}

# In an 80-column terminal the result line fills the panel's title; the
# key that goes to the error still shows, shorter, at the title's end.
test_an_error_to_go_to_says_so_in_a_narrow_terminal() {
  printf 'def f(x):\n    return 10 / x\n\nprint(f(0))\n' >tb.py
  tui_start -x 80 tb.py
  tui_wait 'def f(x):'
  tui_keys F5
  tui_wait 'ZeroDivisionError' 30
  tui_wait 'Enter: go there'
  tui_keys Enter
  tui_wait 'Python  Ln 2, Col'
}

# A result too long for the title loses whole fields from its end: never a
# cut figure or a dangling separator.  The explorer, at its narrowest,
# still shows which run wrote the files (run 10: two digits).
test_a_narrow_title_shows_whole_fields() {
  printf 'open("out.txt", "w").write("hi")\n' >hi.py
  local i
  for i in 1 2 3 4 5 6 7 8 9; do "$TIDE" run hi.py >/dev/null 2>&1 || fail "run $i failed"; done
  tui_start -x 64 hi.py
  tui_wait 'open("out.txt"'
  tui_keys F5
  tui_wait 'ok · exit 0'
  local title
  title=$(tui_screen | grep 'ok · exit 0')
  [[ "$title" =~ (exit\ 0|\ s|\ MiB|\ #[0-9]+)\ *$ ]] || fail "the title ends in a cut field: $title"
  tui_wait 'run #10 wrote'
}

test_python_traceback_jumps_to_its_line() {
  printf 'def f(x):\n    return 10 / x\n\nprint(f(0))\n' >tb.py
  tui_start tb.py
  tui_wait 'def f(x):'
  tui_keys F5
  tui_wait 'ZeroDivisionError' 30
  tui_wait 'runtime_error · exit 1'
  # The place selected first is the line that failed (line 2), the last
  # frame; the one before it where the traceback starts (line 4).  Python
  # 3.11 marks the failing part (^^^^, ~~~^~~): there, at its first column.
  local c4=1 c2=1
  if tui_screen | grep -q '~~~^~~'; then c4=7 c2=12; fi
  tui_keys Enter
  tui_wait "Python  Ln 2, Col $c2"
  tui_keys F6
  tui_keys Up Enter
  tui_wait "Python  Ln 4, Col $c4"
}

# Of a Python traceback, the frame selected first is the innermost in the
# user's files: where it failed, not where the program started (the first
# frame) nor inside the libraries it called (the last ones: one installed
# in the folder, then Python's own).
test_a_python_traceback_selects_where_it_failed_in_your_files() {
  mkdir -p vendor/site-packages
  printf 'import json\n\n\ndef load(text):\n    return json.loads(text)\n' >vendor/site-packages/strict.py
  printf 'import strict\n\n\ndef parse(text):\n    return strict.load(text)\n' >helper.py
  printf 'import sys\nsys.path.insert(0, "vendor/site-packages")\nfrom helper import parse\n\nprint(parse("{not json"))\n' >main.py
  tui_start main.py
  tui_wait 'from helper import parse'
  tui_keys F5
  tui_wait 'runtime_error · exit 1' 30
  # The frame selected is in sight, at the panel's top.
  expect_contains "$(tui_screen | grep -A1 'runtime_error · exit 1' | tail -1)" 'File "/work/helper.py", line 5, in parse'
  tui_keys Enter
  tui_wait ' helper.py │'
  tui_wait 'Python  Ln 5, Col'
}

# One click on a line that names a place goes there, as Enter does; a
# drag from it picks text instead, and a click on other output only gives
# the panel the keys.
test_a_click_on_a_traceback_line_goes_there() {
  printf 'def f(x):\n    return 10 / x\n\nprint(f(0))\n' >tb.py
  tui_start tb.py
  tui_wait 'def f(x):'
  tui_keys F5
  tui_wait 'runtime_error · exit 1' 30
  local at2 at4 exc
  at2=$(tui_screen | grep -n 'tb.py", line 2, in f' | cut -d: -f1)
  at4=$(tui_screen | grep -n 'tb.py", line 4, in <module>' | cut -d: -f1)
  exc=$(tui_screen | grep -n '^ZeroDivisionError' | cut -d: -f1)
  [ -n "$at2" ] && [ -n "$at4" ] && [ -n "$exc" ] || fail "no traceback:$(tui_screen)"
  # Other output: the panel has the keys, the editor stays where it was.
  tui_click 4 $((exc - 1))
  tui_wait 'Python  Ln 1, Col 1'
  tui_keys Escape
  # A drag from a place picks text: no jump.
  tui_mouse 0 4 $((at4 - 1))
  sleep 0.05
  tui_mouse 32 9 $((at4 - 1))
  sleep 0.05
  tui_mouse 3 9 $((at4 - 1))
  tui_wait 'Ctrl-C copies the picked text'
  tui_keys C-c
  tui_wait 'copied 5 characters of output'
  expect_contains "$(tui_screen)" 'Python  Ln 1, Col 1'
  # A click on each place goes there at once, the selected one or not.
  tui_click 10 $((at2 - 1))
  tui_wait 'Python  Ln 2, Col'
  tui_click 10 $((at4 - 1))
  tui_wait 'Python  Ln 4, Col'
}

# After a run, what is typed in the panel goes on in the editor: the fix
# of what the run showed (it was dropped).  The panel's own keys keep their
# meaning, and in F7's results a letter is no text.
test_typing_after_a_failed_run_goes_to_the_editor() {
  printf 'print(undefined_name)\n' >nm.py
  tui_start nm.py
  tui_wait 'print(undefined_name)'
  tui_keys F5
  tui_wait 'runtime_error · exit 1' 30
  tui_wait 'Enter: go to the line'
  tui_keys Down Up Home End PageUp PageDown
  tui_type 'x = 1'
  tui_wait ' 1 x = 1print(undefined_name)'
  tui_wait 'Python  Ln 1, Col 6'
  # Back in the panel, Enter still goes to the error (Python 3.11 marks
  # its column).
  local col=1
  if tui_screen | grep -q '  \^\^\^'; then col=7; fi
  tui_keys F6 Enter
  tui_wait "Python  Ln 1, Col $col"
  tui_keys F7
  tui_wait 'result #1 (1 of 1)'
  tui_type 'q'
  tui_wait 'the results take d, r, Left and Right'
  expect_contains "$(tui_screen)" ' 1 x = 1print(undefined_name)'
  # Back at the ended run, a paste and Backspace go to the editor too.
  tui_keys Escape
  tui_wait_gone 'result #1 (1 of 1)'
  printf 'QQ' >paste.txt
  tui_tmux load-buffer paste.txt
  tui_tmux paste-buffer -p -t 0
  tui_wait 'QQ'
  tui_keys BSpace
  tui_wait_gone 'QQ'
  [ "$(tui_screen | grep ' 1 x = 1' | tr -cd Q | wc -c)" = 1 ] || fail "the paste or Backspace did not reach the editor: $(tui_screen)"
}

# Node's syntax error names a line; the caret under the line it echoes
# gives the column.
test_a_node_syntax_error_jumps_to_its_column() {
  command -v node >/dev/null || skip "node is not installed"
  printf 'function f() {\n\tconst x = 1 +;\n}\n' >n.js
  tui_start n.js
  tui_wait 'function f'
  tui_keys F5
  tui_wait 'runtime_error · exit 1' 30
  tui_keys Enter
  tui_wait 'Node.js  Ln 2, Col 15'
}

# A syntax error's caret, under the line Python echoes without its
# indentation (tabs here), is a column of the file.
test_a_python_syntax_error_jumps_to_its_column() {
  printf 'def f():\n\tif True:\n\t\tprint(1 +)\n' >s.py
  tui_start s.py
  tui_wait 'def f'
  tui_keys F5
  tui_wait 'SyntaxError' 30
  tui_wait 'runtime_error · exit 1'
  tui_keys Enter
  tui_wait 'Python  Ln 3, Col 12'
}

# A file in a subfolder runs in its own folder, as tide run does: the data
# beside it opens by its name, and the traceback's "f.py" is that file, not
# the f.py at the top of the folder the IDE has open.
# tide FILE in a project: F5 sees the project as `tide run` does (here a
# Node package's node_modules above the file), and starts in the file's
# folder.
test_a_file_opened_in_a_project_runs_with_its_packages() {
  mkdir -p pj/src pj/node_modules/leftpad
  printf '{"name": "pj"}\n' >pj/package.json
  printf 'module.exports = (s, n) => String(s).padStart(n, "0");\n' >pj/node_modules/leftpad/index.js
  printf 'const lp = require("leftpad");\nconsole.log(lp(42, 5), process.cwd());\n' >pj/src/app.js
  tui_start pj/src/app.js
  tui_wait 'require("leftpad")'
  tui_keys F5
  tui_wait '00042 /work/src' 30
  tui_wait 'ok · exit 0'
}

# The folder opened lies inside the file's project: a failed run says
# where the project is, to open that instead.
test_a_folder_inside_a_project_points_at_the_project() {
  mkdir -p pj/src pj/node_modules/leftpad
  printf '{"name": "pj"}\n' >pj/package.json
  printf 'module.exports = (s, n) => String(s).padStart(n, "0");\n' >pj/node_modules/leftpad/index.js
  printf 'console.log(require("leftpad")(42, 5));\n' >pj/src/app.js
  tui_start pj/src
  tui_wait 'app.js'
  tui_keys C-o
  tui_type 'app.js'
  tui_keys Enter
  tui_wait 'require("leftpad")'
  tui_keys F5
  tui_wait 'runtime_error' 30
  tui_wait '/pj: open that folder to run it with the project'
}

test_a_file_in_a_subfolder_runs_in_its_folder() {
  mkdir -p sub
  printf 'print("the top-level f.py")\n' >f.py
  printf 'beside\n' >sub/data.txt
  printf 'print(open("data.txt").read().strip())\n\nprint(1 / 0)\n' >sub/f.py
  tui_start
  tui_wait 'sub'
  tui_keys C-o
  tui_type 'sub/f.py'
  tui_keys Enter
  tui_wait 'print(1 / 0)'
  tui_keys F5
  tui_wait 'ZeroDivisionError' 30
  tui_wait 'runtime_error · exit 1'
  case "$(tui_screen)" in *beside*) ;; *) fail "the program did not read the file beside it:$(tui_screen)" ;; esac
  local col=1
  if tui_screen | grep -q '~~^~~'; then col=7; fi # Python 3.11 marks the failing part
  tui_keys Enter
  tui_wait "Python  Ln 3, Col $col"
  case "$(tui_screen)" in *'the top-level f.py'*) fail "the jump opened the other f.py:$(tui_screen)" ;; esac
}

# F2 on a file without an extension: an interpreter runs it as chosen.
test_a_script_without_extension_runs_in_the_chosen_language() {
  printf 'print("ran" + " as python")\n' >script
  tui_start script
  tui_wait 'print("ran"'
  tui_keys F2
  tui_wait 'Plain text'
  tui_keys Home Enter
  tui_wait 'script is now Python: F5 runs it as that'
  tui_keys F5
  tui_wait 'ran as python' 30
  tui_wait 'ok · exit 0'
}

# A script typed from scratch into a new file without an extension is
# what its #! line says, as when it is opened: F5 runs it, saving
# highlights it; plain text chosen with F2 stays plain text.
test_a_new_script_runs_as_its_shebang_says() {
  tui_start ./greet
  tui_wait 'greet'
  tui_type '#!/usr/bin/env python3'
  tui_keys Enter
  tui_type 'print("six times seven is", 6 * 7)'
  tui_wait 'plain text  Ln 2'
  tui_keys F5
  tui_wait 'six times seven is 42' 30
  tui_wait 'ok · exit 0'
  tui_wait 'Python  Ln 2'
  [ "$(head -1 greet)" = '#!/usr/bin/env python3' ] || fail "greet: $(cat greet)"

  # Saved under a name (Alt-S), it is highlighted as what it is.
  tui_keys C-n
  tui_wait 'untitled'
  tui_type '#!/usr/bin/env node'
  tui_keys M-s
  tui_wait 'Save as:'
  tui_type 'second'
  tui_keys Enter
  tui_wait 'saved second'
  tui_wait 'Node.js  Ln 1'

  tui_keys C-n
  tui_wait 'untitled'
  tui_keys F2
  tui_wait 'Plain text'
  tui_keys Enter
  tui_wait 'untitled is now plain text'
  tui_type '#!/usr/bin/env python3'
  tui_keys F5
  tui_wait 'has no language tide runs: F2 chooses one'
}

# F5 compiles the helpers beside a C file (the sources with no main of
# their own), not the folder's other one-file programs.
test_a_c_program_and_its_helper_files_run_with_f5() {
  printf '#include <stdio.h>\n#include "util.h"\n\nint main(void)\n{\n    printf("twice(21) = %%d\\n", twice(21));\n    return 0;\n}\n' >main.c
  printf 'int twice(int x);\n' >util.h
  printf '#include "util.h"\n\nint twice(int x) { return 2 * x; }\n' >util.c
  printf '#include <stdio.h>\n\nint main(void) { puts("other" ": ran"); return 0; }\n' >other.c
  # Not a file to compile (and never to open: it would wait for a writer).
  mkfifo stray.c
  tui_start main.c
  tui_wait 'twice(21)'
  tui_keys F5
  tui_wait 'twice(21) = 42' 60
  tui_wait 'ok · exit 0'
  tui_keys C-o
  tui_type 'other.c'
  tui_keys Enter
  tui_wait 'puts("other" ": ran")'
  tui_keys F5
  tui_wait 'other: ran' 60
  tui_wait 'ok · exit 0'
  # A half-written file no program links with stays out of their builds.
  printf 'int broken(void) { return }\n' >wip.c
  tui_keys F5
  tui_wait 'result #3' 60
  tui_wait 'other: ran'
  # A broken helper breaks the build of the program that links with it,
  # and the status bar says which files went in with the program.
  printf '#include "util.h"\n\nint twice(int x) { return 2 * x }\n' >util.c
  tui_keys M-Left
  tui_wait 'printf("twice(21) = %d'
  tui_keys F5
  tui_wait 'compile_error' 60
  tui_wait 'built with util.c from the file'
}

# Followed from the program's compile error into its helper and mended
# there, F5 runs the program again, not the helper alone (it has no main:
# its own build would fail to link), the helper saved first.
test_f5_in_a_helper_runs_the_program_it_is_part_of() {
  printf '#include <stdio.h>\n#include "util.h"\n\nint main(void)\n{\n    printf("twice(21) = %%d\\n", twice(21));\n    fflush(stdout);\n    getchar();\n    return 0;\n}\n' >main.c
  printf 'int twice(int x);\n' >util.h
  printf '#include "util.h"\n\nint twice(int x) { return 2 * x }\n' >util.c
  tui_start main.c
  tui_wait 'twice(21)'
  tui_keys F5
  tui_wait 'compile_error' 60
  tui_wait "util.c:3:32: error: expected"
  tui_keys Enter
  tui_wait "Ln 3, Col 32"
  tui_type ';'
  tui_wait 'return 2 * x; }'
  tui_keys F5
  tui_wait 'twice(21) = 42' 60
  tui_wait 'util.c has no main of its own: F5 runs main.c, the program it is part of'
  expect_eq "$(cat util.c)" "$(printf '#include "util.h"\n\nint twice(int x) { return 2 * x; }')"
  # While it waits for input, F5 asks about the program, not the helper.
  tui_keys F5
  tui_wait 'main.c is still running. Stop it and run main.c?'
  tui_esc
  tui_keys Enter
  tui_wait 'ok · exit 0'
  # With the program's tab closed, F5 opens it behind the helper.
  tui_keys F6 M-Left
  tui_wait 'Ln 1, Col 1'
  tui_keys C-w
  tui_wait_gone 'main.c │'
  tui_keys F5
  tui_wait 'util.c has no main of its own: F5 runs main.c, the program it is part of' 60
  tui_wait 'twice(21) = 42'
  tui_wait ' util.c │ main.c │'
  tui_keys Enter
  tui_wait 'ok · exit 0'
  tui_wait 'result #3'
}

# Fortran: the modules beside the program, compiled before it.
test_a_fortran_program_and_its_module_run_with_f5() {
  command -v gfortran >/dev/null || skip "gfortran is not installed"
  printf 'program main\n  use greet\n  call hello()\nend program main\n' >main.f90
  printf 'module greet\ncontains\n  subroutine hello()\n    print "(a)", "hello from the module"\n  end subroutine hello\nend module greet\n' >zgreet.f90
  tui_start main.f90
  tui_wait 'use greet'
  tui_keys F5
  tui_wait 'hello from the module' 60
  tui_wait 'ok · exit 0'
}

# A new buffer given a language is offered a name with its extension when
# F5 saves it (Enter takes it); a name the compiler refuses is explained
# in full in the panel, not only in its cut title.
test_a_new_buffer_gets_a_name_the_compiler_takes() {
  printf 'int main(void) { return 0; }\n' >main.c
  tui_start
  tui_wait 'main.c'
  tui_keys C-n
  tui_type 'int main(void) { return 3'
  tui_type ';'
  tui_type ' }'
  tui_keys F2
  tui_wait 'Plain text'
  tui_keys Home Down Down Down Enter
  tui_wait 'untitled is now C'
  tui_keys F5
  tui_wait 'Save as: main2.c'
  tui_keys Enter
  tui_wait 'runtime_error · exit 3' 60
  tui_wait_file main2.c 'return 3;'
  tui_keys C-n
  tui_type 'int main(void) { return 0'
  tui_type ';'
  tui_type ' }'
  tui_keys F2
  tui_wait 'Plain text'
  tui_keys Home Down Down Down Enter
  tui_keys F5
  tui_wait 'Save as: main3.c'
  tui_keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
  tui_type 'prog'
  tui_keys Enter
  tui_wait 'tide: prog is not a C source file' 30
  case "$(tui_screen)" in *'compile 0.00'*) fail "a refused run shows a compile time:$(tui_screen)" ;; esac
}

# Java wants a public class in a file of its name: that is the name offered.
test_a_new_java_buffer_is_offered_its_class_name() {
  command -v javac >/dev/null || skip "javac is not installed"
  printf 'notes\n' >notes.txt
  tui_start
  tui_wait 'notes.txt'
  tui_keys C-n
  tui_type 'public final class Greeter { public static void main(String[] a) { System.out.println("hi from " + "Greeter")'
  tui_type ';'
  tui_type ' } }'
  tui_keys F2
  tui_wait 'Plain text'
  tui_keys Home Down Down Down Down Down Enter
  tui_wait 'untitled is now Java'
  tui_keys F5
  tui_wait 'Save as: Greeter.java'
  tui_keys Enter
  tui_wait 'hi from Greeter' 90
  tui_wait 'ok · exit 0'
}

# F5 on a file right in /tmp: the program gets only its file, and the
# status bar says why its neighbours are missing.
test_a_run_from_tmp_says_it_saw_only_its_file() {
  E2E_TMP_PROG=/tmp/tide-e2e-$$-$RANDOM.py
  printf 'import os\nprint("sees", len(os.listdir(".")), "file" + "s")\n' >"$E2E_TMP_PROG"
  tui_start "$E2E_TMP_PROG"
  trap 'tui_stop; rm -f "$E2E_TMP_PROG"' EXIT
  tui_wait 'import os'
  tui_keys F5
  tui_wait 'tide never shows a program all of /tmp' 30
  # With the note over the panel's last rows, a short output stays where
  # it is, in sight.
  case "$(tui_screen)" in
    *'sees 1 files'*) ;;
    *) fail "the output is not in sight beside the note: $(tui_screen)" ;;
  esac
}

test_java_compile_error_jumps_to_its_line_and_column() {
  command -v javac >/dev/null || skip "javac is not installed"
  printf 'public class Main {\n    public static void main(String[] a) {\n        System.out.println("x")\n    }\n}\n' >Main.java
  tui_start Main.java
  tui_wait 'public class Main'
  tui_keys F5
  tui_wait 'compile_error' 90
  tui_wait "Main.java:3: error: ';' expected"
  tui_keys Enter
  # javac gives no column; its caret under the echoed line does.
  tui_wait 'Java  Ln 3, Col 32'
  # With tabs before it, counted as characters of the line.
  printf 'public class T {\n\tpublic static void main(String[] a) {\n\t\tSystem.out.println("x")\n\t}\n}\n' >T.java
  tui_keys C-o
  tui_type 'T.java'
  tui_keys Enter
  tui_wait 'public class T'
  tui_keys F5
  tui_wait 'result #2' 90
  tui_wait "T.java:3: error: ';' expected"
  tui_keys Enter
  tui_wait 'Java  Ln 3, Col 26'
}

# F5 on a file of a Cargo workspace builds it with cargo, and cargo names
# files from the workspace's top: Enter still goes to the error.
test_a_cargo_error_in_another_file_jumps_to_it() {
  command -v cargo >/dev/null || skip "cargo is not installed"
  mkdir -p ws/app/src
  printf '[workspace]\nmembers = ["app"]\nresolver = "2"\n' >ws/Cargo.toml
  printf '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n' >ws/app/Cargo.toml
  printf 'pub fn twice(x: i32) -> i32 {\n    2 * x + "a"\n}\n' >ws/app/src/lib.rs
  printf 'fn main() {\n    println!("{}", app::twice(21));\n}\n' >ws/app/src/main.rs
  tui_start ws/app/src/main.rs
  tui_wait 'app::twice'
  tui_keys F5
  tui_wait 'compile_error · compile' 90
  tui_keys Enter
  tui_wait 'app/src/lib.rs'
  tui_wait 'Rust  Ln 2, Col 11'
}

# A name with a space, as a download or a file manager makes it: gcc's
# "my prog.c:4:18:" is a place to go to like any other.
test_an_error_in_a_file_named_with_a_space_jumps_to_its_line() {
  printf '#include <stdio.h>\nint main(void)\n{\n    printf("x\\n")\n    return 0;\n}\n' >'my prog.c'
  tui_start 'my prog.c'
  tui_wait 'int main'
  tui_keys F5
  tui_wait 'compile_error · compile' 60
  tui_wait 'Enter: go to the line'
  tui_keys Enter
  tui_wait 'C  Ln 4, Col 18'
}

# gfortran's run-time errors say "At line N of file F": Enter goes there.
test_a_fortran_runtime_error_jumps_to_its_line() {
  command -v gfortran >/dev/null || skip "gfortran is not installed"
  printf 'program m\n  integer :: i\n  open(unit=10, file="nope.txt", status="old")\n  read(10, *) i\n  print *, i\nend program m\n' >m.f90
  tui_start m.f90
  tui_wait 'program m'
  tui_keys F5
  tui_wait 'Fortran runtime error' 60
  tui_wait 'runtime_error · exit 2'
  tui_keys Enter
  tui_wait 'Fortran  Ln 3, Col 1'
}

test_colours_and_progress_bars_render() {
  printf 'import time\nfor i in range(0, 101, 20):\n    print(f"\\r\\033[32m{i:3d}%%\\033[0m", end="", flush=True)\n    time.sleep(0.05)\nprint()\nprint("\\033[1;31mred bold\\033[0m done")\n' >bar.py
  tui_start bar.py
  tui_wait 'import time'
  tui_keys F5
  tui_wait 'red bold done' 30
  tui_wait 'ok · exit 0'
  local s
  s=$(tui_screen)
  # \r rewrote the line in place: one line with 100%, no trace of 0%..80%.
  expect_contains "$s" '100%'
  expect_not_contains "$s" ' 80%'
  # The colours reach the screen.
  s=$(tui_screen -e)
  case "$s" in *$'\e['*'31m'*'red bold'*) ;; *) fail "no red in: $(printf '%s' "$s" | grep 'red bold' | cat -v)" ;; esac
  # And F7 shows the result as it looked: the bar in its last state, in
  # its colours.
  tui_keys F7
  tui_wait 'result #1 (1 of 1)'
  tui_wait '── output ──'
  # (The code shows the escapes as text: the output's lines are the ones
  # without print.)
  s=$(tui_screen -e | grep -v 'print')
  grep -qE $'\e\\[[0-9;]*31m(\e\\[[0-9;]*m)*red bold' <<<"$s" ||
    fail "F7 lost the red: $(grep 'red bold' <<<"$s" | cat -v)"
  grep -qE $'\e\\[[0-9;]*32m(\e\\[[0-9;]*m)* *100%' <<<"$s" ||
    fail "F7 lost the green: $(grep '100%' <<<"$s" | cat -v)"
}

# A wide character (CJK, most emoji) is one character over two columns:
# the panel shows it once, and what follows it stays in its column,
# on the live screen and in the scrollback.
test_wide_characters_in_the_output_take_two_columns() {
  # (Built from parts: the source on the screen above must not match.)
  printf 'print("wide:", "日本" + "語", "end|")\nprint("emoji:", "🙂" + "", "ok|")\nimport sys\nif sys.argv[1:] != ["short"]:\n    for i in range(60):\n        print("line", i)\n' >wide.py
  tui_start wide.py
  tui_wait 'range(60)'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_wait 'line 59'
  # Scrolled off the panel's screen into its scrollback: the panel (F6)
  # pages back to them.
  tui_keys F6
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    case "$(tui_screen)" in *'emoji: 🙂'*) break ;; esac
    tui_keys PPage
    sleep 0.2
  done
  local s
  s=$(tui_screen)
  expect_contains "$s" 'wide: 日本語 end|'
  expect_contains "$s" 'emoji: 🙂 ok|'
}

test_typing_stays_quick_while_a_program_floods_output() {
  printf 'while True:\n    print("flood " * 10)\n' >flood.py
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[run]\noutput_limit = 1G\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  printf 'notes\n' >notes.txt
  tui_start flood.py
  tui_wait 'while True'
  local t0 t1 t2 start end
  t0=$(date +%s%N)
  tui_keys F5
  tui_wait 'flood flood' 30
  t1=$(date +%s%N)
  # A second of flood first: the keys below meet a panel with a backlog.
  sleep 1
  tui_keys C-o
  tui_type 'notes.txt'
  tui_keys Enter
  tui_wait '1 notes'
  t2=$(date +%s%N)
  # Each key shows within a second while the output pours in.
  start=$(date +%s%N)
  tui_type 'abc'
  tui_wait '1 abcnotes' 5
  end=$(date +%s%N)
  [ $(( (end - start) / 1000000 )) -lt 3000 ] || fail "typing took $(( (end - start) / 1000000 )) ms"
  echo "    output shown after $(( (t1 - t0) / 1000000 )) ms, notes.txt open after $(( (t2 - t1) / 1000000 )) ms," \
       "typing $(( (end - start) / 1000000 )) ms" >&2
  tui_keys S-F5
  # Stopped ("stopping the program..." shows until then, maybe too briefly
  # to see), and everything it printed (a flood: megabytes) is recorded.
  tui_wait 'killed · ' 60
  expect_contains "$(tui_screen)" ' · result #1 · stopped'
}

test_history_shows_earlier_results() {
  printf 'print("first" + " version")\n' >h.py
  printf 'LIMIT = 10\n' >settings.py
  tui_start h.py
  tui_wait 'print("first" + " version")'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_esc
  tui_keys C-a
  tui_type 'print("second version")'
  tui_keys F5
  tui_wait 'result #2' 30
  tui_keys F7
  tui_wait 'result #2 (1 of 2) · ok · h.py'
  tui_wait '── code of h.py'
  tui_wait '── output ──'
  tui_wait '── toolchain ──'
  tui_wait 'Python 3.'
  # What it printed, not blank lines: a terminal ends its lines with \r\n.
  tui_wait 'second version'
  tui_keys Left
  tui_wait 'result #1 (2 of 2) · ok · h.py'
  tui_wait 'print("first" + " version")'
  tui_keys Right
  tui_wait 'result #2 (1 of 2)'
  # r puts the shown run's code back in its file's tab: one change, which
  # Ctrl-Z takes back.
  tui_keys Left
  tui_wait 'result #1 (2 of 2)'
  tui_wait 'Left/Right: older/newer  d: diff  r: restore'
  tui_keys r
  tui_wait 'h.py: the code of result #1 (not saved; Ctrl-Z brings yours back)'
  tui_keys C-s
  tui_wait 'saved h.py'
  expect_eq "$(cat h.py)" 'print("first" + " version")'
  tui_keys F7 Left
  tui_wait 'result #1 (2 of 2)'
  tui_keys r
  tui_wait 'h.py already holds the code of result #1'
  tui_keys C-z C-s
  tui_wait_file h.py 'second version'
  # d: what changed in the files since that run: the entry first, then
  # the others of the folder as the run saw them.
  printf 'LIMIT = 20\n' >settings.py
  tui_keys F7 Left
  tui_wait 'result #1 (2 of 2)'
  tui_keys d
  tui_wait "── result #1's files then (-), and now (+): in the editor, else on disk ──"
  tui_wait '--- h.py (result #1)'
  tui_wait '-print("first" + " version")'
  tui_wait '+print("second version")'
  tui_wait '+++ settings.py (now)'
  tui_keys PgDn
  tui_wait '-LIMIT = 10'
  tui_wait '+LIMIT = 20'
  tui_wait 'result #1 (2 of 2) vs now · h.py'
  tui_keys d
  tui_wait 'result #1 (2 of 2) · ok · h.py'
  tui_wait_gone 'vs now'
  # r puts back each file that changed, the entry's tab last.
  tui_keys r
  tui_wait 'h.py and settings.py: the code of result #1 (not saved; Ctrl-Z in each brings yours back)'
  tui_wait 'print("first" + " version")'
  tui_keys M-Right
  tui_wait 'LIMIT = 10'
  tui_keys C-s
  tui_wait 'saved settings.py'
  expect_eq "$(cat settings.py)" 'LIMIT = 10'
}

# A narrow F7 title keeps the keys that go through the results: the
# others (F7 to go back, which Esc does too) give way first.
test_a_narrow_history_title_names_left_and_right() {
  printf 'print("one")\n' >n.py
  tui_start -x 80 n.py
  tui_wait 'print("one")'
  tui_keys F5
  tui_wait 'result #1' 30
  tui_keys F5
  tui_wait 'result #2' 30
  tui_keys F7
  tui_wait 'result #2 (1 of 2) · ok · n.py'
  tui_wait 'Left/Right: older/newer'
  tui_keys Left
  tui_wait 'result #1 (2 of 2)'
}

# r puts the code back and the cursor in it: the results close, so that
# none of the keys they name (d, r, Esc) is typed into the code, and a
# diff shown before goes with them; d then compares with the code as it
# is by then.
test_history_restore_leaves_the_results_for_the_code() {
  printf 'print("one")\n' >h.py
  tui_start h.py
  tui_wait 'print("one")'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_esc
  tui_keys C-a
  tui_type 'print("two")'
  tui_keys F5
  tui_wait 'result #2' 30
  tui_keys F7
  tui_wait 'result #2 (1 of 2)'
  tui_keys F7
  tui_wait_gone '(1 of 2)'
  tui_keys F7 Left
  tui_wait 'result #1 (2 of 2)'
  tui_keys d
  tui_wait '+print("two")'
  tui_keys r
  tui_wait 'h.py: the code of result #1 (not saved; Ctrl-Z brings yours back)'
  tui_wait_gone '(2 of 2)'
  tui_wait_gone '+print("two")'
  tui_wait 'F5: run again  F7: history'
  tui_keys End
  tui_type ' # mine'
  tui_wait 'print("one") # mine'
  tui_keys F7 Left
  tui_wait 'result #1 (2 of 2)'
  tui_keys d
  tui_wait '+print("one") # mine'
  tui_wait '-print("one")'
}

# A folder's worth of changed files is not a tab each: r puts back the
# entry's code and says where the rest is.
test_history_restores_a_program_not_a_folder() {
  printf 'print("first")\n' >m.py
  for i in $(seq 13); do printf 'v = 1\n' >"d$i.txt"; done
  tui_start m.py
  tui_wait 'print("first")'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  for i in $(seq 13); do printf 'v = 2\n' >"d$i.txt"; done
  tui_keys F7
  tui_wait 'result #1 (1 of 1)'
  tui_keys r
  tui_wait 'm.py already held the code of result #1; 13 other files changed since'
  tui_wait 'tide checkout 1 writes'
  # Changed too, it is put back.
  tui_keys C-a
  tui_type 'print("later")'
  tui_keys F7
  tui_wait 'result #1 (1 of 1)'
  tui_keys r
  tui_wait 'm.py has the code of result #1; 13 other files changed since'
  tui_wait 'print("first")'
  case "$(tui_screen | head -1)" in *d1.txt*) fail "a tab was opened for a data file" ;; esac
}

# A result shown again (F7) lines up as it did when it ran: tabs in the
# output stop every 8 columns, as the terminal's did, after wide
# characters too; tabs in the code at the editor's tab width.
test_history_shows_tabs_as_the_run_did() {
  printf 'print("ab" + "\\t" + "X|")\nprint("abcdefghij" + "\\t" + "Y|")\nprint("日本" + "\\t" + "Z|")\nif True:\n\tprint("a"\t"b")\n' >t.py
  tui_start t.py
  tui_wait 'if True:'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_wait 'abcdefghij      Y|'
  tui_wait '日本    Z|'
  tui_keys F7
  tui_wait 'result #1 (1 of 1)'
  local s
  s=$(tui_screen)
  expect_contains "$s" $'\nab      X|'
  expect_contains "$s" $'\nabcdefghij      Y|'
  expect_contains "$s" $'\n日本    Z|'
  expect_contains "$s" $'\n    print("a"   "b")'
}

# A result shown again shows its output as the panel did when it ran:
# bars redrawn in place (\r, cursor up, erase line) in their last state,
# a spinner's backspaces, a line partly written over.
test_history_shows_the_output_as_the_terminal_left_it() {
  cat >bars.py <<'P'
import sys
for i in range(4):
    if i:
        sys.stdout.write("\033[2A")
    sys.stdout.write("\r\033[2Kjob A %d/3\n\033[2Kjob B %d/3\n" % (i, i))
sys.stdout.write("spin |\b/\b-\bdone\n")
sys.stdout.write("12345678\rab\n")
P
  tui_start bars.py
  tui_wait 'import sys'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_keys F7
  tui_wait 'result #1 (1 of 1)'
  tui_keys End
  tui_wait '── toolchain ──'
  local s
  s=$(tui_screen)
  expect_contains "$s" $'── output ──\njob A 3/3\njob B 3/3\nspin done\nab345678\n── toolchain ──'
}

test_files_the_run_writes_are_listed() {
  mkdir p
  printf 'open("out.csv", "w").write("a,b\\n1,2\\n")\nprint("written")\n' >p/w.py
  tui_start p
  tui_wait 'w.py'
  tui_keys C-e Down Enter
  tui_wait 'open("out.csv"'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_wait 'run #1 wrote'
  tui_wait 'out.csv *'
  [ ! -e p/out.csv ] || fail "the run wrote into the folder"
}

# A file a run wrote opens (from F7's list, or the tree's) as tide's record
# of the run: typing, a paste, a cut and replace are refused, saying how to
# have a copy, and Ctrl-S does not write it; Alt-S saves a copy in the
# folder, the user's to edit.
test_a_file_a_run_wrote_opens_read_only() {
  printf 'open("out.txt", "w").write("data " + "one\\n")\nprint("wrote")\n' >w.py
  tui_start -x 160 w.py
  tui_wait 'open("out.txt"'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  local rec refused="out.txt is tide's record of run #1 (Alt-S saves a copy elsewhere; tide export 1 out.txt --result 1 copies it out)"
  rec=$(ls "$XDG_DATA_HOME"/tide/sessions/*/generated/1/out.txt)
  tui_keys F7
  tui_wait '── files it wrote ──'
  tui_keys Down Enter
  tui_wait "out.txt is tide's record of a run: read-only (Alt-S saves a copy to edit)"
  tui_wait '1 data one'
  tui_type 'X'
  tui_wait "not changed: $refused"
  tui_esc
  tui_wait_gone 'not changed'
  printf 'pasted' >clip
  tui_tmux load-buffer clip
  tui_tmux paste-buffer -p -t 0
  tui_wait "not changed: $refused"
  tui_esc
  tui_keys C-x
  tui_wait "not changed: $refused"
  tui_esc
  tui_keys C-r
  tui_wait "not changed: $refused"
  case "$(tui_screen)" in *Replace*) fail "replace asks what to replace in a run's record" ;; esac
  tui_esc
  tui_keys C-s
  tui_wait "not saved: out.txt is tide's record of run #1 (Alt-S saves a copy elsewhere; tide export 1 out.txt"
  tui_wait '1 data one'
  expect_eq "$(cat "$rec")" 'data one'
  tui_keys M-s
  tui_wait 'Save as: out.txt'
  tui_keys Enter
  tui_wait 'saved out.txt'
  expect_eq "$(cat out.txt)" 'data one'
  tui_type 'X'
  tui_keys C-s
  tui_wait_file out.txt 'Xdata one'
  expect_eq "$(cat "$rec")" 'data one'
}

# A package the program lacks: the status bar says where packages come
# from, runs being offline.
# A program killed by a signal says which, by its name too.
test_a_crash_names_its_signal() {
  printf '#include <stdio.h>\nint main(void) {\n    int *p = 0;\n    printf("before\\n");\n    *p = 1;\n    return 0;\n}\n' >seg.c
  tui_start seg.c
  tui_wait 'int *p = 0;'
  tui_keys F5
  tui_wait 'runtime_error · signal 11 (SIGSEGV) · ' 60
}

# A program that needs the network is told it has none, and how to give it
# the host's in the IDE: Alt-N in Ctrl-F5's line, shown there and in the
# result line, kept for F5 until turned off again.
test_alt_n_in_the_run_line_gives_the_network() {
  python3 - "$T/port" <<'P' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
s.settimeout(90)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
try:
    while True:
        c, _ = s.accept()
        c.sendall(b"hello from the host\n")
        c.close()
except OSError:
    pass
P
  local server=$! i=0
  while [ ! -s "$T/port" ] && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
  printf 'import socket\nc = socket.create_connection(("127.0.0.1", %s), timeout=5)\nprint(c.recv(100).decode().strip())\n' \
    "$(cat "$T/port")" >fetch.py
  tui_start fetch.py
  tui_wait 'import socket'
  tui_keys F5
  tui_wait 'Ctrl-F5 then Alt-N' 30
  tui_wait 'runtime_error · exit 1'
  # The note covers the panel's last rows while it shows: the output moves
  # up, so that the error it is about stays in sight.
  case "$(tui_screen)" in
    *'ConnectionRefusedError: [Errno 111] Connection refused'*) ;;
    *) fail "the note hides the error it explains: $(tui_screen)" ;;
  esac
  tui_keys C-F5
  tui_wait 'network off, Alt-N):'
  tui_keys M-n
  tui_wait 'network on, Alt-N):'
  tui_keys Enter
  tui_wait 'hello from the host' 30
  tui_wait '· network · result #2'
  # F5 runs it the same way.
  tui_keys F5
  tui_wait '· network · result #3' 30
  # F7 shows which results had it.
  tui_keys F7
  tui_wait 'result #3 (1 of 3) · ok · fetch.py'
  tui_screen | grep 'result #3 (1 of 3)' | grep -q '· network  ' || fail "F7 does not say the run had the network: $(tui_screen)"
  tui_esc
  # Off again: the runs have no network.
  tui_keys C-F5
  tui_wait 'network on, Alt-N):'
  tui_keys M-n Enter
  tui_wait 'Ctrl-F5 then Alt-N' 30
  tui_wait 'result #4' 
  case "$(tui_screen)" in *'· network'*) fail "the result line still says network: $(tui_screen)" ;; esac
  kill $server 2>/dev/null || true
  wait $server 2>/dev/null || true
}

test_a_missing_python_module_is_explained() {
  printf 'import no_such_pkg_tide\n' >needs.py
  tui_start needs.py
  tui_wait 'import no_such_pkg_tide'
  tui_keys F5
  tui_wait "ModuleNotFoundError" 30
  tui_wait "Python has no module 'no_such_pkg_tide' here"
  # The record keeps it: F7 shows it under the result.
  tui_keys F7
  tui_wait '── notes ──'
  tui_keys End
  tui_wait "Python has no module 'no_such_pkg_tide' here: runs have no network"
}
