# The editor pane as a user meets it: open, type, undo, save, select,
# copy and paste, find and replace, go to line, paste from the terminal,
# resize, help, quitting with unsaved changes.

. "$TESTS/e2e/lib/tmux.sh"

test_open_type_undo_redo_save() {
  printf 'def main():\n    print("hi")\n' >prog.py
  tui_start prog.py
  tui_wait 'print("hi")'
  tui_wait 'Python  Ln 1, Col 1'
  tui_keys End Enter
  tui_type 'if x:'
  tui_keys Enter
  tui_type 'pass'
  tui_wait '        pass'
  tui_wait 'prog.py +'
  tui_keys C-z
  tui_wait_gone 'pass'
  tui_keys C-y
  tui_wait '        pass'
  tui_keys C-s
  tui_wait 'saved prog.py: 4 lines, 51 bytes'
  tui_wait_gone 'prog.py +'
  expect_eq "$(cat prog.py)" "$(printf 'def main():\n    if x:\n        pass\n    print("hi")')"
  # Undo survives the save; the file is modified again after it.
  tui_keys C-z
  tui_wait 'prog.py +'
  tui_keys C-q
  tui_wait 'before quitting?'
  tui_keys n
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
  expect_contains "$(cat prog.py)" "pass"
}

test_new_file_in_existing_folder() {
  mkdir src
  tui_start src/new.js
  tui_wait 'new file: Ctrl-S creates it'
  tui_type 'console.log(1);'
  tui_keys Enter C-s
  tui_wait 'saved new.js'
  expect_eq "$(cat src/new.js)" 'console.log(1);'
  expect_eq "$(stat -c %a src/new.js)" 644
}

# FILE:LINE[:COL] as a compiler names a place opens FILE there (a trailing
# colon too, as gcc prints it); a name with no such file before its colon
# is a new file of that name.  +LINE[,COL] FILE does it too, and Ctrl-O.
test_a_file_opens_at_the_place_a_compiler_names() {
  mkdir src
  seq 1 40 | sed 's/^/line /' >src/t.c
  tui_start src/t.c:25
  tui_wait 'Ln 25, Col 1'
  tui_wait 'line 25'
  tui_stop
  tui_start src/t.c:7:5:
  tui_wait 'Ln 7, Col 5'
  tui_stop
  tui_start new.py:3
  tui_wait 'new.py:3 is a new file'
  tui_stop
  # As nano and vim take it.
  tui_start +31,4 src/t.c
  tui_wait 'Ln 31, Col 4'
  # Ctrl-O takes the place too (a name in the open folder, src).
  tui_keys C-o
  tui_wait 'Open file:'
  tui_type 't.c:12:2'
  tui_keys Enter
  tui_wait 'Ln 12, Col 2'
}

# Tab in Ctrl-O completes a name as far as the folder's names agree, and
# lists them above the prompt when they part (the next key takes the list
# away); the tree's order, folders marked.
test_tab_completes_a_name_and_lists_the_others() {
  mkdir -p proj/day1 proj/day10
  : >proj/day2.py
  : >proj/day10.py
  echo 'print("unique")' >proj/unique_name.py
  tui_start proj
  tui_wait 'day10.py'
  tui_keys C-o
  tui_wait 'Open file:'
  tui_type 'uni'
  tui_keys Tab
  tui_wait 'Open file: unique_name.py'
  tui_keys C-u
  tui_type 'd'
  tui_keys Tab
  tui_wait 'Open file: day'
  tui_wait "4 names start with 'd':  day1/  day2.py  day10/  day10.py"
  tui_type '2'
  tui_wait_gone "names start with 'd'"
  tui_type 'x'
  tui_keys Tab
  tui_wait "no file starts with 'day2x'"
  tui_esc
  tui_wait_gone "no file starts with"
}

# Ctrl-/ (Alt-/ too) comments the line or the selected lines out in the
# file's language, at the least indentation, blank lines left alone; again
# takes the marks away; one undo step each.
test_ctrl_slash_comments_lines_out_and_back() {
  printf 'def f():\n    x = 1\n\n    return x\n' >cm.py
  printf 'int main(void)\n{\n    return 0;\n}\n' >cm.c
  tui_start cm.py
  tui_wait 'return x'
  tui_keys Down S-Down S-Down S-Down
  tui_hex 1f
  tui_wait '2     # x = 1'
  tui_wait '4     # return x'
  tui_keys C-s
  tui_wait_file cm.py '# return x'
  expect_eq "$(cat cm.py)" "$(printf 'def f():\n    # x = 1\n\n    # return x')"
  tui_keys M-/
  tui_wait '4     return x'
  tui_keys C-z
  tui_wait '4     # return x'
  tui_keys C-o
  tui_type cm.c
  tui_keys Enter
  tui_wait 'return 0;'
  tui_keys Down Down
  tui_hex 1f
  tui_wait '3     // return 0;'
  tui_keys C-g
  tui_type 1
  tui_keys Enter
  tui_hex 1f
  tui_wait '1 // int main(void)'
  # Plain text has no comments: said so, nothing changed.
  printf 'notes\n' >n.txt
  tui_keys C-o
  tui_type n.txt
  tui_keys Enter
  tui_wait '1 notes'
  tui_hex 1f
  tui_wait 'plain text has no comments to add'
  tui_wait '1 notes'
}

# Alt-Up and Alt-Down move the line (or the selected lines) past the
# next one; the cursor goes along.
test_alt_arrows_move_lines() {
  printf 'one\ntwo\nthree\nfour\n' >ml.txt
  tui_start ml.txt
  tui_wait '4 four'
  tui_keys Down M-Down
  tui_wait '3 two'
  tui_wait 'Ln 3, Col 1'
  tui_keys S-Down S-End M-Up M-Up
  tui_wait '1 two'
  tui_wait '2 four'
  tui_keys C-s
  tui_wait 'saved ml.txt'
  expect_eq "$(cat ml.txt)" "$(printf 'two\nfour\none\nthree')"
}

test_file_in_a_missing_folder_is_refused() {
  tui_start nowhere/x.py
  tui_wait_exit
  expect_eq "$TUI_EXIT" 1
  tui_wait 'tide: cannot use nowhere/x.py: its folder nowhere: No such file or directory'
}

test_crlf_binary_and_invalid_utf8_saved_identical() {
  printf 'line one\r\nline two\r\n\xff\xfe\x00\x01 bytes \xc3\x28\r\nlast' >data.txt
  cp data.txt orig.txt
  tui_start data.txt
  tui_wait 'CRLF'
  tui_wait '^@^A bytes <C3>('
  tui_wait '<FF><FE>'
  # An edit and its undo, then a save: the same bytes go back.
  tui_keys End
  tui_type 'XY'
  tui_wait 'line oneXY'
  tui_keys BSpace BSpace
  tui_wait_gone 'line oneXY'
  tui_keys C-s
  tui_wait 'saved data.txt'
  cmp data.txt orig.txt || fail "the file changed"
  # A new line in a CRLF file gets CRLF.
  tui_keys C-End Enter
  tui_type 'added'
  tui_keys C-s
  tui_wait_file data.txt 'added'
  expect_eq "$(tail -c 11 data.txt | od -An -c | tr -s ' ')" " l a s t \r \n a d d e d"
}

# Lines cut one after the other (Ctrl-K, or Ctrl-X with nothing
# selected) go to the clipboard together, as in nano and micro: three cuts
# and one paste move three lines.  A move in between starts afresh.
test_lines_cut_in_a_row_are_pasted_together() {
  printf 'one\ntwo\nthree\nfour\nfive\n' >k.txt
  tui_start k.txt
  tui_wait 'five'
  tui_keys C-k C-k C-x
  tui_wait_gone 'three'
  tui_keys Down
  tui_keys C-v
  tui_keys C-s
  tui_wait 'saved k.txt'
  expect_eq "$(cat k.txt)" "$(printf 'four\none\ntwo\nthree\nfive')"
  tui_keys C-Home C-k Down C-k C-v C-s
  tui_wait 'saved k.txt: 4 lines'
  expect_eq "$(cat k.txt)" "$(printf 'one\ntwo\nthree\nfive')"
}

test_selection_copy_cut_paste() {
  printf 'alpha beta\ngamma\n' >t.txt
  tui_start t.txt
  tui_wait 'alpha beta'
  tui_keys S-Right S-Right S-Right S-Right S-Right C-c
  tui_wait 'copied'
  tui_keys C-End
  tui_keys C-v
  tui_wait 'alpha'
  tui_keys C-Home C-Right S-End C-x
  tui_keys C-s
  tui_wait 'saved t.txt'
  expect_eq "$(cat t.txt)" "$(printf 'alpha\ngamma\nalpha')"
  # Without a selection, Ctrl-C copies the line and Ctrl-V puts it above.
  tui_keys Down C-c Up C-v C-s
  tui_wait_file t.txt 'gamma'
  sleep 0.3
  expect_eq "$(cat t.txt)" "$(printf 'gamma\nalpha\ngamma\nalpha')"
}

test_find_replace_and_regex() {
  printf 'x = 10\ny = 20\nname = "x"\n' >v.py
  tui_start v.py
  tui_wait 'name = "x"'
  tui_keys C-f
  tui_wait 'Find (Alt-R: regex):'
  tui_type 'name'
  tui_keys Enter
  tui_wait 'F3: next match'
  tui_wait 'Ln 3, Col 5'
  tui_esc
  # Replace all with a regex and groups: one undo step.
  tui_keys C-r
  tui_wait 'Replace (Alt-R: regex):'
  tui_keys M-r
  tui_wait 'Replace regex (Alt-R: plain text):'
  tui_type '([a-z]) = ([0-9]+)'
  tui_keys Enter
  tui_wait 'with (\1.. groups):'
  tui_type '\1 := \2 * 2'
  tui_keys Enter
  tui_wait 'Replace this match?'
  tui_keys a
  tui_wait 'replaced 2'
  tui_keys C-s
  tui_wait 'saved v.py'
  expect_eq "$(cat v.py)" "$(printf 'x := 10 * 2\ny := 20 * 2\nname = "x"')"
  tui_keys C-z C-s
  tui_wait_file v.py 'x = 10'
  # Plain replace one by one: yes, no.
  tui_keys C-Home C-r
  tui_wait 'Replace regex (Alt-R: plain text):'
  tui_keys M-r
  tui_wait 'Replace (Alt-R: regex):'
  tui_type '0'
  tui_keys Enter
  tui_wait 'with:'
  tui_type '5'
  tui_keys Enter
  tui_wait 'Replace this match?'
  tui_keys y
  tui_wait 'Replace this match?'
  tui_keys n
  tui_wait 'replaced 1'
  tui_keys C-s
  tui_wait 'saved v.py'
  expect_eq "$(head -2 v.py)" "$(printf 'x = 15\ny = 20')"
}

# A find with no match says so when Enter ends it, not only at the next
# F3 (what was said as it was typed went with the prompt).
test_find_says_at_once_that_the_text_is_not_there() {
  printf 'alpha\nbeta\n' >keys.py
  tui_start keys.py
  tui_wait 'alpha'
  tui_keys C-f
  tui_wait 'Find (Alt-R: regex):'
  tui_type 'qqq'
  tui_keys Enter
  tui_wait_gone 'Find (Alt-R: regex):'
  tui_wait "'qqq' is not in keys.py" 2
}

test_go_to_line() {
  seq 1 500 >n.txt
  tui_start n.txt
  tui_wait 'Ln 1, Col 1'
  tui_keys C-g
  tui_wait 'Go to line'
  tui_type '321:2'
  tui_keys Enter
  tui_wait 'Ln 321, Col 2'
  tui_wait '321 321'
  tui_keys C-g
  tui_type 'abc'
  tui_keys Enter
  tui_wait "'abc' is not a line number"
}

# A go to line that works takes back what a mistyped one was told (the
# error stayed on, under the place it went to).
test_a_go_to_line_that_works_ends_the_error() {
  seq 1 20 >n.txt
  tui_start n.txt
  tui_wait 'Ln 1, Col 1'
  tui_keys C-g
  tui_wait 'Go to line'
  tui_type 'abc'
  tui_keys Enter
  tui_wait "'abc' is not a line number"
  tui_keys C-g
  tui_wait 'Go to line'
  tui_type '3:2'
  tui_keys Enter
  tui_wait 'Ln 3, Col 2'
  tui_wait_gone "'abc' is not a line number" 1
}

# Smart case knows letters beyond ASCII: a pattern in small letters finds
# the word in capitals too, in any script, and F3 goes through them all
# before wrapping (it found only the small one, then said it wrapped).
test_find_ignores_case_beyond_ascii() {
  printf 'x\n\303\211cole \303\251cole \303\211COLE\n' >f.txt
  tui_start f.txt
  tui_wait 'COLE'
  tui_keys C-f
  tui_wait 'Find (Alt-R: regex):'
  tui_type 'école'
  tui_keys Enter
  tui_wait 'F3: next match'
  tui_wait 'Ln 2, Col 6'
  tui_keys F3
  tui_wait 'Ln 2, Col 12'
  tui_keys F3
  tui_wait 'Ln 2, Col 18'
  tui_wait_gone 'search wrapped'
  tui_keys F3
  tui_wait 'search wrapped to the top'
  tui_wait 'Ln 2, Col 6'
  # A capital makes it exact.
  tui_keys C-f
  tui_type 'ÉCOLE'
  tui_keys Enter
  tui_wait 'Ln 2, Col 18'
  tui_keys F3
  tui_wait 'search wrapped to the top'
  tui_wait 'Ln 2, Col 18'
}

# Enter between a bracket and its closer opens an indented line between
# them, the closer below at the line's indentation (it stayed after the
# cursor: "    x();}"), and Ctrl-Z takes it all back; after an opener with
# a comment behind it, Enter indents one level more.
test_enter_between_brackets_and_after_a_comment() {
  : >g.c
  tui_start g.c
  tui_wait 'Ln 1, Col 1'
  tui_type 'void g(void) {}'
  tui_keys Left Enter
  tui_wait 'Ln 2, Col 5'
  tui_type 'x();'
  tui_keys C-s
  tui_wait 'saved g.c'
  expect_eq "$(cat g.c)" "$(printf 'void g(void) {\n    x();\n}')"
  tui_keys C-z
  tui_wait 'Ln 2, Col 5'
  tui_keys C-z
  tui_wait 'Ln 1, Col 15'
  tui_keys C-s
  tui_wait_file g.c 'void g(void) {}'
  expect_eq "$(cat g.c)" 'void g(void) {}'
  tui_keys C-End Enter
  tui_type 'if (1) {  // one'
  tui_keys Enter
  tui_wait 'Ln 3, Col 5'
  tui_stop
  printf 'for i in x:  # loop\n' >p.py
  tui_start p.py
  tui_wait 'Ln 1, Col 1'
  tui_keys End Enter
  tui_wait 'Ln 2, Col 5'
}

test_bracketed_paste_is_one_undo_step_without_autoindent() {
  printf 'def f():\n    pass\n' >p.py
  tui_start p.py
  tui_wait 'pass'
  tui_keys Down End Enter
  tui_wait 'Ln 3, Col 5'
  printf 'if a:\n    b()\nc()' >clip
  tui_tmux load-buffer clip
  tui_tmux paste-buffer -p -t 0
  tui_wait 'Ln 5, Col 4'
  tui_wait '  5 c()'
  tui_keys C-s
  tui_wait 'saved p.py'
  expect_eq "$(cat p.py)" "$(printf 'def f():\n    pass\n    if a:\n    b()\nc()')"
  tui_keys C-z
  tui_wait_gone 'b()'
  tui_keys C-s
  tui_wait_file p.py 'pass'
  sleep 0.3
  expect_eq "$(cat p.py)" "$(printf 'def f():\n    pass\n    ')"
}

# A prompt holds one line: a paste of more keeps the first, and says so.
test_a_paste_into_a_prompt_keeps_its_first_line_and_says_so() {
  printf 'foofoo\nbar\n' >q.txt
  tui_start q.txt
  tui_wait 'Ln 1, Col 1'
  tui_keys C-f
  tui_wait 'Find'
  printf 'foofoo\nbar\nbaz\n' >clip
  tui_tmux load-buffer clip
  tui_tmux paste-buffer -p -t 0
  tui_wait 'pasted the first line only: a prompt holds one (2 more lines left out)'
  tui_wait 'foofoo'
  tui_keys Escape
}

test_resize_and_too_small() {
  seq 1 100 >n.txt
  tui_start n.txt
  tui_wait 'Ln 1, Col 1'
  tui_tmux resize-window -t 0 -x 30 -y 8
  tui_wait 'too small'
  # Narrower than the message: it still says what it needs.
  tui_tmux resize-window -t 0 -x 12 -y 4
  tui_wait 'too small'
  tui_wait 'need 40x10'
  tui_tmux resize-window -t 0 -x 120 -y 40
  tui_wait '38 38'
  tui_wait 'Ln 1, Col 1'
}

# A terminal that cannot move its cursor (TERM=dumb, as Emacs' shell sets
# it) is refused in one line; it got a screen of scrolled fragments.  The
# file is untouched.
test_a_terminal_without_cursor_motion_is_refused() {
  infocmp dumb >/dev/null 2>&1 || skip "no dumb terminfo entry"
  echo keep >k.txt
  TUI_ENV="TERM=dumb" tui_start k.txt
  tui_wait_exit 10
  expect_eq "$TUI_EXIT" 1
  tui_wait "the terminal 'dumb' cannot move its cursor, which the IDE needs"
  expect_eq "$(cat k.txt)" keep
}

test_help_shows_keys_and_user_bindings() {
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[keys]\nsave = Ctrl-S, F12\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  echo hi >h.txt
  tui_start h.txt
  tui_wait '1 hi'
  tui_keys F1
  tui_wait 'tide: keys'
  tui_wait 'Ctrl-S, F12'
  tui_wait 'find and replace'
  tui_wait '[keys] in config.ini sets them)'
  # Narrower, the title says less rather than being cut off mid-word.
  tui_tmux resize-window -t 0 -x 80 -y 24
  tui_wait 'PageUp/PageDown scroll)'
  # A description longer than its column goes on in the next row.
  tui_keys NPage NPage
  tui_wait 'triple: line)'
  # The run panel's keys too (its heading may be a row above the page).
  tui_keys NPage
  tui_wait 'previous, next line that names a file and line'
  tui_wait ' Explorer (Ctrl-E, F6 to reach it)'
  tui_esc
  tui_wait_gone 'tide: keys'
  tui_type 'x'
  tui_keys F12
  tui_wait 'saved h.txt'
  expect_eq "$(cat h.txt)" 'xhi'
}

# A config.ini that gives quit's key to another action, or unbinds it,
# does not leave the user without a way out: quit keeps a key, and the
# first message says which (F1 does, after the file's mistakes).
test_a_config_that_takes_the_quit_key_leaves_one() {
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[keys]\nsave = Ctrl-Q\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  echo hi >h.txt
  tui_start h.txt
  tui_wait 'config.ini:2: this leaves quit without a key: it is on F10'
  tui_type 'x'
  tui_keys C-q
  tui_wait 'saved h.txt'
  tui_keys F10
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
  # Unbound outright: Ctrl-Q is free again, and quit gets it back.
  printf '[keys]\nquit = none\n' >"$XDG_CONFIG_HOME/tide/config.ini"
  tui_start h.txt
  tui_wait 'config.ini:2: this leaves quit without a key: it is on Ctrl-Q'
  tui_keys C-q
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
}

# The first message is the config file's first mistake, FILE:LINE: what,
# whichever pass found it (the keys, the settings, the theme the IDE
# loads), and says F1 lists them all: there, in the order of their lines,
# then what the file made tide do (quit's key).  The first key a line gives
# an action names it.
test_config_mistakes_come_first_in_the_order_of_their_lines() {
  mkdir -p "$XDG_CONFIG_HOME/tide"
  printf '[keys]\nrun = F5, Ctrl-B\nquit = none\nfind = Ctrl-Shift-Banana\nfrobnicate = F4\nsave = F12\n[editor]\ntab_width = 99\ntheme = nosuchtheme\n' \
    >"$XDG_CONFIG_HOME/tide/config.ini"
  echo hi >h.txt
  tui_start -x 120 h.txt
  tui_wait "config.ini:4: cannot read the key 'Ctrl-Shift-Banana' for find"
  local s
  s=$(tui_screen | tr '\n' ' ' | tr -s ' ')
  expect_contains "$s" "several separated by commas); ignored (and 4 more: F1 lists them)"
  tui_keys F1
  tui_wait 'Problems in config.ini'
  s=$(tui_screen)
  expect_eq "$(grep -oE '^   line [0-9]+' <<<"$s" | tr -s ' ' | tr '\n' ,)" ' line 4, line 5, line 8, line 9, line 3,'
  s=$(tr '\n' ' ' <<<"$s" | tr -s ' ')
  expect_contains "$s" "line 5 unknown action 'frobnicate' in [keys]"
  expect_contains "$s" "line 9 theme: no theme called 'nosuchtheme'"
  expect_contains "$s" "/share/tide/themes); ignored line 3 this leaves quit without a key: it is on Ctrl-Q"
  tui_keys NPage
  tui_wait 'F5, Ctrl-B                    save and run the file'
  tui_esc
  tui_wait_gone 'Problems in config.ini'
  tui_keys F4
  tui_wait 'F5: run the file'
  tui_keys C-q
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
}

test_quit_asks_and_escape_stays() {
  echo text >q.txt
  tui_start q.txt
  tui_wait 'text'
  tui_type 'more '
  tui_keys C-q
  tui_wait 'Save the changes to q.txt before quitting?'
  tui_esc
  tui_wait_gone 'before quitting'
  tui_keys C-q
  tui_wait 'before quitting?'
  tui_keys y
  tui_wait_exit
  expect_eq "$(cat q.txt)" 'more text'
}

test_mouse_click_drag_and_wheel() {
  seq 1 200 | sed 's/^/row /' >m.txt
  tui_start m.txt
  tui_wait 'row 1'
  # Row 3 of the screen is line 3; the gutter is 4 columns wide.
  tui_click 8 3
  tui_wait 'Ln 3, Col 5'
  tui_mouse 64 10 10
  tui_mouse 65 10 10
  tui_mouse 65 10 10
  tui_wait '  7 row 7'
  tui_wait_gone '  3 row 3'
  # Drag from row 1 to row 2 selects; typing replaces the selection.
  # (a hand takes a moment between pressing, moving and letting go)
  tui_mouse 0 4 1
  sleep 0.05
  tui_mouse 32 8 2
  sleep 0.05
  tui_mouse 3 8 2
  tui_type 'Z'
  tui_wait 'Z'
  tui_keys C-s
  tui_wait 'saved m.txt'
  expect_eq "$(sed -n 7p m.txt)" 'Z8'
}

# A drag held past the editor's bottom (or top) edge goes on selecting:
# the view scrolls a line at a time until the button is let go.
test_a_drag_held_past_the_edge_scrolls_on() {
  seq 1 200 | sed 's/^/row /' >m.txt
  tui_start m.txt
  tui_wait 'row 1'
  # Press on line 5, drag onto the status bar (row 29) and hold.
  tui_mouse 0 8 5
  sleep 0.05
  tui_mouse 32 8 29
  tui_wait '40 row 40'
  tui_mouse 3 8 29
  local at
  sleep 0.3
  at=$(tui_screen | grep -oE 'Ln [0-9]+' | tail -1)
  sleep 0.5
  expect_eq "$(tui_screen | grep -oE 'Ln [0-9]+' | tail -1)" "$at"
  # Typing replaces the selection: lines 5 to where the drag ended.
  tui_type 'Z'
  tui_wait '  5 row Z'
  local last
  last=$(tui_screen | grep -oE '^ +5 row Z[0-9]+' | grep -oE '[0-9]+$')
  [ "${last:-0}" -ge 40 ] || fail "the selection did not reach line 40: line 5 is 'row Z$last'"
  # And upwards, past the tab bar: from line 5 on screen 1 of the file.
  tui_keys C-g
  tui_type 60
  tui_keys Enter
  tui_wait 'Ln 60, Col 1'
  local top
  top=$(tui_screen | sed -n 2p | grep -oE '^ *[0-9]+' | tr -d ' ')
  tui_mouse 0 8 5
  sleep 0.05
  tui_mouse 32 8 0
  tui_wait "$(printf '%3d row' $((top - 10)))"
  tui_mouse 3 8 0
}

# More tabs than the bar holds: the bar scrolls so the active tab shows
# whole, and a click picks the tab drawn where it lands.  Names in another
# script are measured in columns, not bytes.
test_many_tabs_keep_the_active_one_in_view() {
  local i row x
  for i in $(seq 1 9); do printf 'content %s\n' "$i" >"tab_name_$i.txt"; done
  printf 'wide name\n' >'日本語の名前.txt'
  tui_start -x 80 tab_name_1.txt
  tui_wait 'content 1'
  for i in $(seq 2 9); do
    tui_keys C-o
    tui_type "tab_name_$i.txt"
    tui_keys Enter
    tui_wait "content $i"
  done
  row=$(tui_screen | head -1)
  case "$row" in *" tab_name_9.txt │"*) ;; *) fail "the active tab is not whole in the bar: '$row'" ;; esac
  # The tab of file 8, where the bar shows it.
  x=$(python3 -c 'import sys; r = sys.argv[1]; print(len(r[:r.index("tab_name_8.txt")]))' "$row")
  tui_click "$x" 0
  tui_wait 'content 8'
  tui_keys C-o
  tui_type '日本語の名前.txt'
  tui_keys Enter
  tui_wait 'wide name'
  row=$(tui_screen | head -1)
  case "$row" in *" 日本語の名前.txt │"*) ;; *) fail "the wide name's tab is not whole: '$row'" ;; esac
  # Tabs off either end of the bar are marked there.
  case "$row" in "<"*) ;; *) fail "no sign of the tabs off the bar's left: '$row'" ;; esac
  for i in $(seq 1 9); do tui_keys C-PageUp; done
  tui_wait 'content 1'
  row=$(tui_screen | head -1)
  case "$row" in *">") ;; *) fail "no sign of the tabs off the bar's right: '$row'" ;; esac
  case "$row" in "<"*) fail "a '<' with no tab off the left: '$row'" ;; esac
}

# Every row of the editor from line FIRST to LAST shows that line and
# nothing else: rows a redraw left alone must not keep cells of a dialog,
# another tab or an older layout.
expect_whole_rows() { # WORD FIRST LAST
  local screen i
  screen=$(tui_screen)
  for i in $(seq "$2" "$3"); do
    grep -qE "(^|│) *$i $1_$i *\$" <<<"$screen" ||
      fail "the row of line $i is not whole:$(printf '\n%s' "$screen" | sed 's/^/    | /')"
  done
}

# A key that changes only its own row is shown first, alone; the rest of
# the frame (status bar, tab) follows a moment later: also while keys keep
# coming, and with the row's highlighting intact.
test_typed_keys_show_first_and_the_frame_follows() {
  for i in $(seq 1 40); do printf 'int v%d = %d; /* c */\n' "$i" "$i"; done >k.c
  tui_start k.c
  tui_wait 'int v20 = 20;'
  tui_keys C-g
  tui_type 10
  tui_keys Enter
  tui_wait 'Ln 10, Col 1'
  tui_keys End
  tui_wait 'Ln 10, Col 22'
  local c typed=''
  for c in x y z; do
    tui_type "$c"
    typed=$typed$c
    tui_wait "10 int v10 = 10; /* c */$typed"
    tui_wait "Ln 10, Col $((22 + ${#typed}))"
  done
  tui_wait ' k.c + '
  tui_wait '[modified]'
  # Thirty keys with no pause between them.
  for c in $(seq 1 30); do tui_type q; done
  tui_wait "Ln 10, Col $((22 + 3 + 30))"
  grep -qE '^ *10 int v10 = 10; /\* c \*/xyzq{30} *$' <<<"$(tui_screen)" ||
    fail "the typed row is not whole:$(printf '\n%s' "$(tui_screen)" | sed 's/^/    | /')"
  local screen i
  screen=$(tui_screen)
  for i in $(seq 1 9) $(seq 11 28); do
    grep -qE "^ *$i int v$i = $i; /\* c \*/ *\$" <<<"$screen" ||
      fail "the row of line $i is not whole:$(printf '\n%s' "$screen" | sed 's/^/    | /')"
  done
  # The typed row keeps its colours: the keyword as every other row has it.
  local kw
  kw=$(tui_screen -e | grep -oE '.\[[0-9;]*mint' | head -1)
  [ -n "$kw" ] || fail "no coloured keyword on the screen"
  tui_screen -e | grep -E ' 10 ' | grep -qF "$kw" ||
    fail "the typed row lost its highlighting:$(tui_screen -e | grep -E ' 10 ' | cat -v)"
  tui_keys C-s
  tui_wait_file k.c "int v10 = 10; /* c */xyzqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
}

# A frame reaches the terminal in one write, so the terminal never shows
# half of one (and over ssh it is one packet, not dozens). ncurses 6.4
# flushed its output at every cursor move of a frame: bare cursor motions
# and colour changes went as writes of their own. The main loop draws at
# most one frame each time round, between two polls.
test_a_frame_reaches_the_terminal_in_one_write() {
  printf 'int alpha;\nint beta;\n' >w.c
  traced_tide write,poll 64
  TIDE=$T/traced-tide tui_start w.c
  tui_wait 'int beta;'
  tui_keys Right Right Right Right
  tui_wait 'Ln 1, Col 5'
  tui_type Z
  tui_wait 'int Zalpha;'
  tui_wait 'Ln 1, Col 6'
  tui_keys Down
  tui_wait 'Ln 2, Col 6'
  tui_type Q
  tui_wait 'int bQeta;'
  tui_wait 'Ln 2, Col 7'
  tui_keys F1
  tui_wait 'tide: keys'
  tui_esc
  tui_wait_gone 'tide: keys'
  local torn
  # The main loop's polls watch several descriptors (curses' own, one);
  # curses writes a change of the cursor's visibility at once, by design,
  # and the keypad's mode on its first read (whether a frame is drawn in
  # that pass too is a matter of timing).
  torn=$(awk '
    / write\(1, "(\\33\[34h)?\\33\[\?25[hl]", / { next }
    / write\(1, "\\33\[\?1h\\33=", / { next }
    / write\(1, / { pid = $1; n[pid]++; if (polled[pid] && n[pid] == 2) torn++; next }
    / poll\(\[\{fd=0, events=POLLIN\}, / { polled[$1] = 1; n[$1] = 0 }
    END { print torn + 0 }' calls)
  [ "$torn" -eq 0 ] ||
    fail "$torn frames went to the terminal in several writes:$(grep -E ' (write\(1,|poll\()' calls | cut -c1-100 | sed 's/^/    | /')"
}

# Keys never wait for the disk: the open files are looked at (every 2 s, a
# stat each: on a network mount milliseconds, on a hung one forever) on a
# thread of their own, and the tree read again only after a key that came
# in the same pass is drawn.  tide is stopped past the look's due time with
# a key waiting, so that both come in the same pass.
test_keys_never_wait_for_the_disk() {
  printf 'int alpha;\n' >w.c
  traced_tide read,write,newfstatat,stat,statx 32
  TIDE=$T/traced-tide tui_start w.c
  tui_wait 'int alpha;'
  local ide
  # strace's child, in the pane.
  ide=$(pgrep -P "$(tui_pid)" | head -1)
  [ -n "$ide" ] || fail "no tide process under strace"
  kill -STOP "$ide"
  tui_type Z
  sleep 2.5
  kill -CONT "$ide"
  tui_wait 'Zint alpha;'
  sleep 2.5
  local late ui
  late=$(awk '
    / read\(0, "Z"/ { key = 1; next }
    key && / write\(1, / { key = 0; next }
    key && /stat[a-z]*\(.*w\.c"/ { late++ }
    END { print late + 0 }' calls)
  [ "$late" -eq 0 ] || fail "the file was looked at before the key was drawn:$(grep -E 'read\(0|write\(1|stat' calls | cut -c1-100 | tail -20 | sed 's/^/    | /')"
  ui=$(awk '
    / read\(0, "Z"/ { main = $1; after = 1; next }
    after && $1 == main && /stat[a-z]*\(.*w\.c"/ { n++ }
    END { print n + 0 }' calls)
  [ "$ui" -eq 0 ] || fail "the UI thread looked at the file on disk:$(grep -E 'stat' calls | grep 'w\.c' | cut -c1-100 | tail -10 | sed 's/^/    | /')"
}

# A message too long for the status bar shows whole, on rows above it,
# until the next key; then what fits of it stays in the bar, and the rows
# it covered show the text again.
test_a_long_message_shows_whole_until_a_key() {
  seq 1 20 | sed 's/^/line_/' >c.txt
  tui_start -x 50 -y 14 c.txt
  tui_wait ' 12 line_12'
  tui_keys End
  tui_type 'abc'
  tui_wait 'line_1abc'
  echo theirs >c.txt
  touch -d '+1 second' c.txt
  tui_wait ' c.txt changed on disk; your unsaved edits are'
  tui_wait ' kept (saving will ask first)'
  # Over the text's last row.
  tui_wait_gone ' 12 line_12'
  tui_type 'x'
  tui_wait 'line_1abcx'
  tui_wait_gone 'kept (saving will ask first)'
  tui_wait ' c.txt changed on disk; your unsaved edits are'
  tui_wait ' 12 line_12'
}

# Wide and combining characters typed into a row and erased again: the
# row is rewritten only where it changed, and must never keep a cell of
# what it showed before.
test_wide_and_combining_characters_typed_and_erased() {
  printf 'abc def\nsecond\n' >w.txt
  tui_start w.txt
  tui_wait 'abc def'
  tui_keys Right Right Right
  tui_type '漢字'
  tui_wait '1 abc漢字 def'
  tui_wait 'Ln 1, Col 6'
  tui_type $'e\xcc\x81'
  tui_wait $'1 abc漢字e\xcc\x81 def'
  tui_keys BSpace BSpace
  tui_wait '1 abc漢 def'
  tui_keys BSpace
  tui_wait 'Ln 1, Col 4'
  grep -qE '^ *1 abc def *$' <<<"$(tui_screen)" ||
    fail "the row kept cells of the wide characters:$(printf '\n%s' "$(tui_screen)" | sed 's/^/    | /')"
  tui_keys Tab
  tui_type 'x'
  tui_wait 'Ln 1, Col'
  grep -qE '^ *1 abc +x def *$' <<<"$(tui_screen)" ||
    fail "the row after a tab is wrong:$(printf '\n%s' "$(tui_screen)" | sed 's/^/    | /')"
  grep -qE '^ *2 second *$' <<<"$(tui_screen)" || fail "the next row changed: $(tui_screen)"
}

test_rows_left_alone_stay_right() {
  seq 1 60 | sed 's/^/alpha_/' >a.txt
  seq 1 8 | sed 's/^/bravo_/' >b.txt
  tui_start a.txt
  tui_wait 'alpha_20'
  expect_whole_rows alpha 1 25
  # Dialogs over the text: gone without a trace.
  tui_keys F2
  tui_wait 'Language of a.txt'
  tui_esc
  tui_wait_gone 'Language of a.txt'
  expect_whole_rows alpha 1 25
  tui_keys F1
  tui_wait 'tide: keys'
  tui_esc
  tui_wait_gone 'tide: keys'
  expect_whole_rows alpha 1 25
  # Typing changes its row only.
  tui_keys C-g
  tui_type '7'
  tui_keys Enter
  tui_type 'Z'
  tui_wait '7 Zalpha_7'
  expect_whole_rows alpha 1 6
  expect_whole_rows alpha 8 25
  # A shorter file in another tab: nothing of the first shows through.
  tui_keys C-o
  tui_type 'b.txt'
  tui_keys Enter
  tui_wait 'bravo_8'
  expect_whole_rows bravo 1 8
  case "$(tui_screen)" in *alpha_*) fail "the other tab's text shows through:$(tui_screen)" ;; esac
  tui_keys M-Left
  tui_wait '7 Zalpha_7'
  expect_whole_rows alpha 8 25
  # The explorer opens beside the text and closes again; the window grows.
  tui_keys C-e
  tui_wait '│  7 Zalpha_7'
  expect_whole_rows alpha 8 25
  tui_keys C-e
  tui_wait '  7 Zalpha_7'
  tui_wait_gone '│  7 Zalpha_7'
  expect_whole_rows alpha 8 25
  tui_tmux resize-window -t 0 -x 120 -y 40
  tui_wait 'alpha_37'
  expect_whole_rows alpha 8 37
}
