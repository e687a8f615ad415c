# Driving the IDE through tmux, for tests/e2e and tests/bench.
#
# tmux gives tide a real terminal (CI has none).  Every test gets its own
# tmux server (a socket in the test's folder) started without any
# ~/.tmux.conf, a 100x30 window and TERM=tmux-256color.
#
#   tui_start [-x COLS] [-y ROWS] [-C DIR] ARGS...
#                          start tide ARGS in the folder $T (or DIR)
#   tui_keys KEY...        send keys by tmux's names (C-s, Enter, Escape, F5, S-Right, ...)
#   tui_type TEXT          type TEXT literally
#   tui_hex HEX...         send raw bytes (mouse reports and the like)
#   tui_click X Y [BUTTON] click at column X, row Y (from 0), left button by default
#   tui_screen             print the screen (tui_screen -e: with colours)
#   tui_wait TEXT [SECS]   wait until the screen shows TEXT (default 10 s), else fail
#   tui_wait_gone TEXT [SECS]
#   tui_wait_file PATH TEXT [SECS]  wait until the file contains TEXT
#   tui_wait_exit [SECS]   wait until tide has exited; its status in TUI_EXIT
#   tui_pid                the pid of tide
#   tui_stop               end the tmux server (also done when the test exits)
#
# A second tui_start while tide runs starts another tide in a second tmux
# session of the same server: TUI_TARGET=1 sends keys to it and reads its
# screen (0, the first, by default).

TUI_SOCK=
TUI_EXIT=

tui_tmux() {
  tmux -S "$TUI_SOCK" "$@"
}

tui_start() {
  local cols=100 rows=30 dir=$T
  while [ $# -gt 0 ]; do
    case $1 in
      -x) cols=$2; shift 2 ;;
      -y) rows=$2; shift 2 ;;
      -C) dir=$2; shift 2 ;;
      *) break ;;
    esac
  done
  TUI_SOCK=$T/.tmux.sock
  local term=tmux-256color
  infocmp "$term" >/dev/null 2>&1 || term=screen
  # The launcher keeps the test's environment (XDG folders) and records
  # tide's exit status.
  {
    echo '#!/bin/sh'
    printf 'export XDG_CONFIG_HOME=%q XDG_DATA_HOME=%q XDG_CACHE_HOME=%q XDG_STATE_HOME=%q\n' \
      "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
    printf 'export TERM=%s LC_ALL=C.UTF-8 %s\n' "$term" "${TUI_ENV:-}"
    printf '%q' "$TIDE"
    local a
    for a in "$@"; do printf ' %q' "$a"; done
    echo
    echo "echo \$? > $T/.tide-exit"
    echo 'sleep 3600'
  } >"$T/.tui-run"
  chmod +x "$T/.tui-run"
  rm -f "$T/.tide-exit"
  tmux -S "$TUI_SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" -c "$dir" "$T/.tui-run"
  trap tui_stop EXIT
}

tui_stop() {
  [ -n "$TUI_SOCK" ] || return 0
  local pid i=0
  pid=$(tui_pid 2>/dev/null || true)
  tmux -S "$TUI_SOCK" kill-server 2>/dev/null
  TUI_SOCK=
  # tide finishes what it was doing (a run being recorded) before the
  # test's folder goes.
  while [ -n "$pid" ] && [ $i -lt 250 ]; do
    # Gone, or a zombie waiting for init to reap it.
    case "$(ps -o stat= -p "$pid" 2>/dev/null)" in ''|Z*) return 0 ;; esac
    sleep 0.02
    i=$((i + 1))
  done
  # Still there 5 s after its terminal closed: not left behind to spin on
  # the machine (under ASan, LeakSanitizer's stop of the threads at exit
  # has been seen to hang when the hang-up's SIGCONT comes in between).
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "    note: tide ($pid, $(ps -o args= -p "$pid" 2>/dev/null)) was still running 5 s after its terminal closed: killed" >&2
    pkill -9 -P "$pid" 2>/dev/null
    kill -9 "$pid" 2>/dev/null
  fi
  return 0
}

tui_keys() {
  tui_tmux send-keys -t "${TUI_TARGET:-0}" "$@"
}

tui_type() {
  # tmux takes a ';' at the end of an argument for a command separator.
  case $1 in
    *\;) tui_tmux send-keys -t "${TUI_TARGET:-0}" -l "${1%;}"; tui_tmux send-keys -t "${TUI_TARGET:-0}" -H 3b ;;
    *) tui_tmux send-keys -t "${TUI_TARGET:-0}" -l "$1" ;;
  esac
}

tui_hex() {
  tui_tmux send-keys -t "${TUI_TARGET:-0}" -H "$@"
}

# X10 mouse reports (ESC [ M b x y, each +32): what ncurses asks for with
# TERM=tmux-256color.
tui_mouse() {
  local b=$1 x=$2 y=$3
  tui_hex 1b 5b 4d "$(printf %x $((32 + b)))" "$(printf %x $((33 + x)))" "$(printf %x $((33 + y)))"
}

tui_click() {
  local b=$(( ${3:-1} - 1 ))
  tui_mouse "$b" "$1" "$2"
  tui_mouse 3 "$1" "$2"
}

tui_screen() {
  tui_tmux capture-pane -p -t "${TUI_TARGET:-0}" "$@"
}

tui_wait() {
  local text=$1 secs=${2:-10} i=0
  while [ $i -lt $((secs * 50)) ]; do
    case "$(tui_screen)" in *"$text"*) return 0 ;; esac
    sleep 0.02
    i=$((i + 1))
  done
  printf '    screen:\n%s\n' "$(tui_screen | sed 's/^/    | /')" >&2
  fail "the screen did not show '$text' within ${secs}s"
}

tui_wait_gone() {
  local text=$1 secs=${2:-10} i=0
  while [ $i -lt $((secs * 50)) ]; do
    case "$(tui_screen)" in *"$text"*) ;; *) return 0 ;; esac
    sleep 0.02
    i=$((i + 1))
  done
  printf '    screen:\n%s\n' "$(tui_screen | sed 's/^/    | /')" >&2
  fail "the screen still shows '$text' after ${secs}s"
}

tui_wait_file() {
  local path=$1 text=$2 secs=${3:-10} i=0
  while [ $i -lt $((secs * 50)) ]; do
    [ -f "$path" ] && grep -qF -- "$text" "$path" && return 0
    sleep 0.02
    i=$((i + 1))
  done
  fail "$path did not get '$text' within ${secs}s (it has: $(head -c 300 "$path" 2>/dev/null))"
}

tui_wait_exit() {
  local secs=${1:-10} i=0
  while [ $i -lt $((secs * 50)) ]; do
    if [ -f "$T/.tide-exit" ]; then
      TUI_EXIT=$(cat "$T/.tide-exit")
      return 0
    fi
    sleep 0.02
    i=$((i + 1))
  done
  printf '    screen:\n%s\n' "$(tui_screen | sed 's/^/    | /')" >&2
  fail "tide did not exit within ${secs}s"
}

# $T/traced-tide: tide under strace (every thread), the system calls
# named in $1 (strace's -e trace=) written to $T/calls, strings cut at $2.
traced_tide() {
  command -v strace >/dev/null || fail "strace is missing (make check installs it)"
  # (LeakSanitizer cannot stop the threads of a traced process.)
  printf '#!/bin/sh\nASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 exec strace -f -qq -e trace=%s -e signal=none -s %s -o %q %q "$@"\n' \
    "$1" "$2" "$T/calls" "$TIDE" >"$T/traced-tide"
  chmod +x "$T/traced-tide"
}

tui_pid() {
  local shell
  shell=$(tui_tmux list-panes -t "${TUI_TARGET:-0}" -F '#{pane_pid}')
  pgrep -P "$shell" -x 'tide|tide-ide' || pgrep -P "$shell" | head -1
}

# Esc alone: a key following within curses' escape delay would make it Alt.
tui_esc() {
  tui_keys Escape
  sleep 0.1
}
