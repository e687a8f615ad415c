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
  python3 "$TESTS/bench/tmux_keys.py" --ready "$ready" --setup "$setup" --count "$KEYS" \
    --type 'abcdefghij' -- "$@" >"$name.json" 2>"$name.err" ||
    echo "{\"error\": \"harness failed: $(head -c 200 "$name.err" | tr '"\n' "' ")\"}" >"$name.json"
}

VIM=(vim -u DEFAULTS -i NONE -n -N -c "'syntax on'")
run tide-c "$C_READY" 'C-g,5,0,0,0,0,0,Enter' -- "$TIDE" big.c
run vim-c "$C_READY" '5,0,0,0,0,0,G,i' -- "${VIM[@]}" big.c
run tide-js "$JS_READY" 'C-End' -- "$TIDE" big.js
run vim-js "$JS_READY" 'G,$,a' -- "${VIM[@]}" big.js

python3 - <<'EOF'
import json, statistics

def load(name):
    try:
        with open(name + ".json") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"error": str(e)}

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

def fmt(v, unit):
    return "-" if v is None else ("%.1f %s" % (v, unit))

print("%-26s %-12s %18s %12s %12s %12s" % ("file", "program", "first highlight", "key median",
                                             "key worst", "peak memory"))
for label, t, v in (("1M-line C (big.c)", "tide-c", "vim-c"), ("14 MB one-line JS", "tide-js", "vim-js")):
    ft, fv = figures(load(t)), figures(load(v))
    for prog, f, r in (("tide", ft, load(t)), ("vim", fv, load(v))):
        if f is None:
            print("%-26s %-12s error: %s" % (label, prog, r.get("error")))
        else:
            print("%-26s %-12s %18s %12s %12s %12s%s" % (label, prog, fmt(f["ready"], "ms"),
                  fmt(f["median"], "ms"), fmt(f["worst"], "ms"), fmt(f["peak"], "MB"),
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
