# Highlighting as a user sees it: tokens in the theme's colours (checked
# with tmux capture-pane -e, which shows each cell's colours as escape
# sequences), syntax errors underlined and explained in the status bar,
# truecolor / 256 / 8 colours / NO_COLOR, a broken theme, the theme menu.

. "$TESTS/e2e/lib/tmux.sh"

ESC=$'\e'

# A theme whose colours are easy to look for on the screen.
probe_theme() {
  mkdir -p "$XDG_CONFIG_HOME/tide/themes"
  cat >"$XDG_CONFIG_HOME/tide/themes/probe.theme" <<'EOF'
default  = default default
keyword  = 160
string   = 34 bold
comment  = 244
function = #5f87d7
type     = 136
number   = 166
error    = underline
EOF
  printf '[editor]\ntheme = %s\n' "${1:-probe}" >"$XDG_CONFIG_HOME/tide/config.ini"
}

# Wait until the screen, with its colours, matches an extended regex.
screen_matches() {
  local re=$1 secs=${2:-10} i=0
  while [ $i -lt $((secs * 50)) ]; do
    tui_screen -e | grep -qE -- "$re" && return 0
    sleep 0.02
    i=$((i + 1))
  done
  printf '    screen:\n%s\n' "$(tui_screen -e | cat -v | sed 's/^/    | /')" >&2
  fail "the screen did not match '$re' within ${secs}s"
}

screen_lacks() {
  if tui_screen -e | grep -qE -- "$1"; then
    printf '    screen:\n%s\n' "$(tui_screen -e | cat -v | sed 's/^/    | /')" >&2
    fail "the screen matches '$1'"
  fi
}

# SGR sequences in a row, as tmux writes them between cells.
SGR="(${ESC}\\[[0-9;]*m)*"

test_keyword_and_string_carry_the_theme_colours() {
  probe_theme
  printf 'def greet(name):\n    # say it\n    return "hi " + name * 2\n' >hello.py
  tui_start hello.py
  tui_wait 'return "hi "'
  screen_matches "${ESC}\\[38;5;160m${SGR}def"
  screen_matches "${ESC}\\[38;5;160m${SGR}return"
  screen_matches "${ESC}\\[1m${SGR}${ESC}\\[38;5;34m${SGR}\"hi \"|${ESC}\\[38;5;34m${SGR}${ESC}\\[1m${SGR}\"hi \""
  screen_matches "${ESC}\\[38;5;244m${SGR}# say it"
  screen_matches "${ESC}\\[38;5;68m${SGR}greet"
  screen_matches "${ESC}\\[38;5;166m${SGR}2"
  # What is typed is highlighted as well.
  tui_keys C-End Enter
  tui_type 'while True: pass'
  screen_matches "${ESC}\\[38;5;160m${SGR}while"
}

test_every_language_is_highlighted() {
  probe_theme
  printf 'package main\n\nfunc main() {}\n' >a.go
  printf 'int main(void) { return 0; }\n' >a.c
  printf 'fn main() { let x = 1; }\n' >a.rs
  printf 'public class A { }\n' >A.java
  printf '<?php function f() { return 1; }\n' >a.php
  printf 'const x = 1;\n' >a.js
  printf 'namespace n { class C {}; }\n' >a.cpp
  printf 'C     COMMENT\n      PROGRAM MAIN\n      END\n' >old.f
  for f in a.go:func a.c:return a.rs:fn A.java:public a.php:function a.js:const a.cpp:namespace old.f:PROGRAM; do
    tui_start "${f%%:*}"
    tui_wait "${f#*:}"
    screen_matches "${ESC}\\[38;5;160m${SGR}${f#*:}"
    tui_stop
  done
}

test_errors_are_underlined_and_explained() {
  probe_theme
  printf 'int main(void)\n{\n    return 1\n}\n' >e.c
  tui_start e.c
  tui_wait 'return 1'
  # The "1" the missing ";" should follow is underlined.
  screen_matches "${ESC}\\[4m${SGR}1"
  tui_keys Down Down End
  tui_wait 'syntax error: missing ";"'
  # Fixing it removes the mark and the note.
  tui_type ';'
  tui_wait_gone 'syntax error'
  screen_lacks "${ESC}\\[4m"
}

test_an_error_appears_as_you_type() {
  probe_theme
  printf 'x = 1\n' >t.py
  tui_start t.py
  tui_wait 'x = 1'
  # Underline on its own or after a reset, as tmux writes it.
  screen_lacks "${ESC}\\[(0;)?4m"
  tui_keys End
  tui_type ' +* )'
  screen_matches "${ESC}\\[(0;)?4m"
  tui_wait 'syntax error'
}

test_line_numbers_keep_their_style_to_themselves() {
  probe_theme
  printf 'x = 1\ny = 2\n' >t.py
  tui_start t.py
  tui_wait 'y = 2'
  # The probe theme leaves the gutter to the default theme's styles: the
  # cursor's line number bold, the others dim.  The text beside them is
  # neither: its cells start from a reset.
  screen_matches "${ESC}\\[1m${SGR}  1 ${ESC}\\[0m${SGR}x = "
  screen_matches "${ESC}\\[2m${SGR}  2 ${ESC}\\[0m${SGR}y = "
}

test_truecolor_when_the_terminal_says_so() {
  infocmp tmux-direct >/dev/null 2>&1 || skip "no tmux-direct terminfo entry (Debian package ncurses-term)"
  probe_theme
  printf 'def f():\n    pass\n' >t.py
  TUI_ENV="COLORTERM=truecolor" tui_start t.py
  tui_wait 'pass'
  # The function's #5f87d7 exactly, not its 256-colour neighbour.
  screen_matches "${ESC}\\[38;2;95;135;215m${SGR}f"
}

test_eight_colour_terminal() {
  probe_theme dark
  printf 'def f():\n    return "s"\n' >t.py
  TUI_ENV="TERM=screen" tui_start t.py
  tui_wait 'return'
  # dark's #c678dd keyword: magenta of the eight.
  screen_matches "${ESC}\\[35m${SGR}return"
  screen_lacks "38;5;"
}

test_no_color_keeps_errors_marked() {
  probe_theme
  printf 'def f(:\n    return "s"\n' >t.py
  TUI_ENV="NO_COLOR=1" tui_start t.py
  tui_wait 'return'
  screen_lacks "${ESC}\\[3[0-7]m|38;5;|38;2;"
  screen_matches "${ESC}\\[4m"
  # A theme chosen now is kept for when colours are on, and F9 says so.
  tui_keys F9
  tui_wait 'Theme (now probe; colours are off):'
  tui_type 3
  tui_wait 'theme light, saved in'
  tui_wait 'without NO_COLOR'
  grep -q '^theme *= *light' "$XDG_CONFIG_HOME/tide/config.ini" || fail "the theme was not saved"
}

test_a_broken_theme_names_its_line_and_falls_back() {
  probe_theme broken
  printf 'keyword = 160\nstring = 34 sideways\n' >"$XDG_CONFIG_HOME/tide/themes/broken.theme"
  printf 'def f():\n    return 1\n' >t.py
  tui_start t.py
  tui_wait 'broken.theme:2:'
  # The built-in dark theme: #c678dd at 256 colours.
  screen_matches "${ESC}\\[38;5;176m${SGR}def"
}

test_theme_menu_switches_and_remembers() {
  probe_theme
  printf 'def f():\n    return 1\n' >t.py
  tui_start t.py
  tui_wait 'return 1'
  screen_matches "${ESC}\\[38;5;160m${SGR}def"
  tui_keys F9
  tui_wait 'Theme (now probe)'
  tui_wait 'light'
  local key
  key=$(tui_screen | grep -o '[0-9a-f] light' | head -1 | cut -c1)
  tui_keys "$key"
  tui_wait 'theme light, saved in'
  # light's #a626a4 keyword.
  screen_matches "${ESC}\\[38;5;127m${SGR}def"
  expect_contains "$(cat "$XDG_CONFIG_HOME/tide/config.ini")" "theme = light"
  tui_keys C-q
  tui_wait_exit
  tui_start t.py
  screen_matches "${ESC}\\[38;5;127m${SGR}def"
}

# A program's colours in the execution panel come out right whatever the
# terminal takes: palette colours stay palette colours, and with a
# truecolor terminfo (numbers from 8 up are RGB there) index 196 is red.
test_program_colours_in_the_panel() {
  infocmp tmux-direct >/dev/null 2>&1 || skip "no tmux-direct terminfo entry (Debian package ncurses-term)"
  probe_theme
  printf 'print("\\033[31mred\\033[0m \\033[38;5;196mbright\\033[0m \\033[38;2;0;135;255mtrue\\033[0m")\n' >c.py
  TUI_ENV="COLORTERM=truecolor" tui_start c.py
  tui_wait 'print('
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  screen_matches "${ESC}\\[31m${SGR}red"
  screen_matches "${ESC}\\[38;2;255;0;0m${SGR}bright"
  screen_matches "${ESC}\\[38;2;0;135;255m${SGR}true"
  tui_stop
  tui_start c.py
  tui_wait 'print('
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  screen_matches "${ESC}\\[38;5;196m${SGR}bright"
  screen_matches "${ESC}\\[38;5;33m${SGR}true"
}

# The theme menu open when tide is told to stop: it exits as it should,
# leaving nothing behind (make e2e-asan: the menu's list was leaked).
test_stopped_with_the_theme_menu_open() {
  probe_theme
  printf 'x = 1\n' >t.py
  tui_start t.py
  tui_wait 'x = 1'
  tui_keys F9
  tui_wait 'Theme (now probe)'
  kill -TERM "$(tui_pid)"
  tui_wait_exit
  [ "$TUI_EXIT" = 143 ] || fail "tide exited with $TUI_EXIT, not 143 (128 + SIGTERM)"
}

# A question wider than the screen wraps onto the rows above the prompt:
# every choice shows (at 44 columns F9's list lost its last themes).
test_a_long_question_shows_every_choice() {
  printf 'x = 1\n' >t.py
  tui_start -x 44 -y 14 t.py
  tui_wait 'x = 1'
  tui_keys F9
  tui_wait 'Theme (now dark):'
  tui_wait '3 light  (Esc: keep)'
  tui_keys 3
  tui_wait 'theme light, saved in'
}

# The theme's default colours are the ones curses is told the terminal has
# (ui/colors.c): a letter typed into plain text goes out as the letter,
# with no colour escapes before it (the dark theme used to cost 37 bytes
# a key: its two colours set, then reset at the end of every update).
# tmux's pipe-pane hands the test exactly what tide wrote.
test_a_typed_letter_goes_out_without_colour_escapes() {
  printf 'x = foo\n' >p.py
  tui_start p.py
  tui_wait 'x = foo'
  tui_keys End
  tui_wait 'Ln 1, Col 8'
  sleep 0.5
  tui_tmux pipe-pane -o "cat >>'$T/out.bin'"
  sleep 0.2
  tui_type d
  tui_wait 'x = food'
  tui_wait 'Ln 1, Col 9'
  tui_tmux pipe-pane
  python3 - "$T/out.bin" <<'PY' || fail "tide wrote colour escapes before the letter"
import re, sys
out = open(sys.argv[1], "rb").read()
i = out.find(b"d")
print("    written up to the letter: %r" % out[:i + 1], file=sys.stderr)
sys.exit(0 if i >= 0 and not re.search(rb"\x1b\[[0-9;]*m", out[:i]) else 1)
PY
  # And the dark theme's colours are on the screen all the same.
  tui_screen -e | grep -q '48;5;236m' || fail "the theme's background is not on the screen"
}

# A theme switched to without colours of its own for the text gives the
# text back to the terminal's colours: curses is told again what pair 0 is.
test_switching_to_a_theme_without_default_colours() {
  probe_theme dark
  printf 'keyword = 160\n' >"$XDG_CONFIG_HOME/tide/themes/bare.theme"
  printf 'def f():\n    return 1\n' >t.py
  tui_start t.py
  tui_wait 'return 1'
  screen_matches '48;5;236m'
  tui_keys F9
  tui_wait 'Theme (now dark)'
  local key
  key=$(tui_screen | grep -o '[0-9a-f] bare' | head -1 | cut -c1)
  tui_keys "$key"
  tui_wait 'theme bare, saved in'
  screen_matches "${ESC}\\[38;5;160m${SGR}def"
  screen_lacks '48;5;236m'
}
