#!/usr/bin/env bash
# Highlighting at any size: tide next to vim (`syntax on`), on the same
# files, in the same run, both driven through tmux by tests/bench/tmux_keys.py.
#
#   - a 1,000,000-line C file (about 25 MB): open it, go to line 500000,
#     type there;
#   - a 14 MB JavaScript file on one line: open it, go to its end, type
#     there.
#
# For each: the time from start to the first screen with highlighting on
# it, the time from a keystroke to the screen showing it (median, worst),
# and the peak memory (VmHWM).  Targets (issue 6): keys at or below vim's
# and never slower than 50 ms; memory within 2x of vim's on the C file.
# Benchmarks report; they do not fail on a slow machine.
set -u
. "$TESTS/bench/lib/files.sh"

KEYS=${BENCH_KEYS:-40}
# Each program runs ROUNDS times, tide and vim taking turns, so that what
# else the machine is doing weighs on both alike.
ROUNDS=${BENCH_ROUNDS:-3}
command -v vim >/dev/null || { echo "syntax bench: vim is needed (make deps)"; exit 1; }
command -v tmux >/dev/null || { echo "syntax bench: tmux is needed (make deps)"; exit 1; }
[ -x "$TIDE" ] || { echo "syntax bench: build tide first"; exit 1; }

bench_c_file big.c
bench_js_file big.js
printf 'files: big.c %s lines, %s bytes; big.js %s line, %s bytes\n' \
  "$(wc -l <big.c)" "$(stat -c %s big.c)" "$(wc -l <big.js)" "$(stat -c %s big.js)"

# A highlighted line of big.c: a colour change between "static" and the
# function's name (before highlighting the line is drawn in one style).
C_READY='s\S*tatic[^\n]*\x1b\[[0-9;]*m[^\n]*function_'
# ... and of big.js: a colour change right after the keyword "function".
JS_READY='function\x1b\['

export TERM=tmux-256color BENCH_TERM=tmux-256color
unset COLORTERM NO_COLOR

run() { # NAME READY SETUP -- COMMAND...
  local name=$1 ready=$2 setup=$3
  shift 4
  # A fresh state folder: no recovery file from the round before.
  rm -rf "$XDG_STATE_HOME/tide"
  python3 "$TESTS/bench/tmux_keys.py" --ready "$ready" --setup "$setup" --count "$KEYS" \
    --type 'abcdefghij' -- "$@" >"$name.json" 2>"$name.err" ||
    echo "{\"error\": \"harness failed: $(head -c 200 "$name.err" | tr '"\n' "' ")\"}" >"$name.json"
}

VIM=(vim -u DEFAULTS -i NONE -n -N -c "'syntax on'")
for r in $(seq "$ROUNDS"); do
  run "tide-c.$r" "$C_READY" 'C-g,5,0,0,0,0,0,Enter' -- "$TIDE" big.c
  run "vim-c.$r" "$C_READY" '5,0,0,0,0,0,G,i' -- "${VIM[@]}" big.c
  run "tide-js.$r" "$JS_READY" 'C-End' -- "$TIDE" big.js
  run "vim-js.$r" "$JS_READY" 'G,$,a' -- "${VIM[@]}" big.js
done
export ROUNDS KEYS

python3 - <<'EOF'
import json, statistics

import os

def load(name):
    """The rounds of one program on one file, merged: every key's time,
    the median start-up time, the highest peak memory."""
    runs = []
    for r in range(1, int(os.environ["ROUNDS"]) + 1):
        try:
            with open("%s.%d.json" % (name, r)) as f:
                runs.append(json.load(f))
        except (OSError, ValueError) as e:
            runs.append({"error": str(e)})
    bad = [r for r in runs if r.get("error")]
    if bad:
        return bad[0]
    return {
        "ready_ms": statistics.median(r["ready_ms"] for r in runs),
        "keys_ms": [k for r in runs for k in r.get("keys_ms", [])],
        "peak_kb": max(r.get("peak_kb") or 0 for r in runs),
    }

def figures(r):
    if r.get("error"):
        return None
    keys = [k for k in r.get("keys_ms", []) if k is not None]
    lost = sum(1 for k in r.get("keys_ms", []) if k is None)
    return {
        "ready": r.get("ready_ms"),
        "median": statistics.median(keys) if keys else None,
        "worst": max(keys) if keys else None,
        "lost": lost,
        "peak": (r.get("peak_kb") or 0) / 1024.0,
    }

def fmt(v, unit, digits=1):
    return "-" if v is None else ("%.*f %s" % (digits, v, unit))

print("%d rounds of %s keys each, tide and vim taking turns" % (int(os.environ["ROUNDS"]),
                                                              os.environ.get("KEYS", "?")))
print("%-26s %-12s %18s %12s %12s %12s" % ("file", "program", "first highlight", "key median",
                                             "key worst", "peak memory"))
for label, t, v in (("1M-line C (big.c)", "tide-c", "vim-c"), ("14 MB one-line JS", "tide-js", "vim-js")):
    ft, fv = figures(load(t)), figures(load(v))
    for prog, f, r in (("tide", ft, load(t)), ("vim", fv, load(v))):
        if f is None:
            print("%-26s %-12s error: %s" % (label, prog, r.get("error")))
        else:
            print("%-26s %-12s %18s %12s %12s %12s%s" % (label, prog, fmt(f["ready"], "ms"),
                  fmt(f["median"], "ms", 2), fmt(f["worst"], "ms"), fmt(f["peak"], "MB"),
                  "  (%d keys never shown)" % f["lost"] if f["lost"] else ""))
        label = ""
    if ft and fv and ft["median"] is not None and fv["median"] is not None:
        checks = [
            ("key median at or below vim's", ft["median"] <= fv["median"]),
            ("no key slower than 50 ms", ft["worst"] is not None and ft["worst"] <= 50 and ft["lost"] == 0),
        ]
        if t == "tide-c":
            checks.append(("peak memory within 2x of vim's", ft["peak"] <= 2 * fv["peak"]))
        for what, ok in checks:
            print("%-26s %s: %s" % ("", what, "yes" if ok else "NO"))
EOF
