# What recording a run costs: the same run with and without recording, in
# an empty session and in one holding 5,000 files, next to git itself
# snapshotting the same folder (git add -A && git commit) as the reference.
set -eu

# Microseconds from bash's own clock: starting a program to read the time
# (as this file once did with python3) added its start-up to every figure.
us() { local t=${EPOCHREALTIME/[.,]/}; echo "${t#0}"; }
show() { printf '  %-58s %8.1f ms\n' "$1" "$(($2 / 100))e-1"; }

time_cmd() { # time_cmd LABEL CMD...: the best of 5
  local label=$1 best=999999999 t0 t1 i
  shift
  for i in 1 2 3 4 5; do
    t0=$(us); "$@" >/dev/null 2>&1 </dev/null; t1=$(us)
    [ $((t1 - t0)) -lt "$best" ] && best=$((t1 - t0))
  done
  show "$label" "$best"
}

"$TIDE" session new python >/dev/null 2>&1
folder=$XDG_DATA_HOME/tide/sessions/1/files
printf 'print("hi")\n' >"$folder/main.py"
echo "a run of print(\"hi\") in a scratch session"
time_cmd "tide run --ephemeral (nothing recorded)" "$TIDE" run --ephemeral "$folder/main.py"
"$TIDE" run --session 1 main.py >/dev/null 2>&1
# A snapshot's record trusts times more than 2 s old (src/snapstat.h).
sleep 2.1
time_cmd "tide run --session 1 (recorded, nothing changed)" "$TIDE" run --session 1 main.py
edited_run() { # an edit that keeps the size: libgit2 takes the snapshot
  printf 'print("h%d")\n' $((RANDOM % 10)) >"$folder/main.py"
  "$TIDE" run --session 1 main.py
}
time_cmd "tide run --session 1 (recorded, after an edit)" edited_run
printf 'print("hi")\n' >"$folder/main.py"

python3 - "$folder" <<'PY'
import os, sys
for i in range(5000):
    d = os.path.join(sys.argv[1], "data", str(i % 50))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.txt"), "wb") as f:
        f.write(os.urandom(2048))
PY
echo "the same session holding 5,000 files of 2 KiB (10 MiB)"
t0=$(us); "$TIDE" run --session 1 main.py >/dev/null 2>&1; t1=$(us)
show "tide run, first snapshot of the 5,000 files" $((t1 - t0))
sleep 2.1
time_cmd "tide run, recorded, nothing changed (the snapshot's record)" "$TIDE" run --session 1 main.py
time_cmd "tide run, recorded, after an edit (stat cache)" edited_run
time_cmd "tide run --ephemeral" "$TIDE" run --ephemeral "$folder/main.py"

ref=$T/ref
cp -r "$folder" "$ref"
cd "$ref"
git init -q . && git config user.email b@b && git config user.name b
t0=$(us); git add -A && git commit -qm first; t1=$(us)
show "reference: git add -A && git commit, first" $((t1 - t0))
time_cmd "reference: git add -A && git status (nothing changed)" sh -c 'git add -A && git status --porcelain'
