# What recording a run costs: the same run with and without recording, in
# an empty session and in one holding 5,000 files, next to git itself
# snapshotting the same folder (git add -A && git commit) as the reference.
set -eu

ms() { python3 -c 'import sys,time; print(int(time.time()*1000))'; }

time_cmd() { # time_cmd LABEL CMD...: milliseconds of the best of 3
  local label=$1 best=999999 t0 t1 i
  shift
  for i in 1 2 3; do
    t0=$(ms); "$@" >/dev/null 2>&1 </dev/null; t1=$(ms)
    [ $((t1 - t0)) -lt "$best" ] && best=$((t1 - t0))
  done
  printf '  %-58s %6d ms\n' "$label" "$best"
}

"$TIDE" session new python >/dev/null 2>&1
folder=$XDG_DATA_HOME/tide/sessions/1/files
printf 'print("hi")\n' >"$folder/main.py"
echo "a run of print(\"hi\") in a scratch session"
time_cmd "tide run --ephemeral (nothing recorded)" "$TIDE" run --ephemeral "$folder/main.py"
time_cmd "tide run --session 1 (recorded, nothing changed)" "$TIDE" run --session 1 main.py

python3 - "$folder" <<'PY'
import os, sys
for i in range(5000):
    d = os.path.join(sys.argv[1], "data", str(i % 50))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.txt"), "wb") as f:
        f.write(os.urandom(2048))
PY
echo "the same session holding 5,000 files of 2 KiB (10 MiB)"
t0=$(ms); "$TIDE" run --session 1 main.py >/dev/null 2>&1; t1=$(ms)
printf '  %-58s %6d ms\n' "tide run, first snapshot of the 5,000 files" $((t1 - t0))
time_cmd "tide run, recorded, nothing changed (stat cache)" "$TIDE" run --session 1 main.py
time_cmd "tide run --ephemeral" "$TIDE" run --ephemeral "$folder/main.py"

ref=$T/ref
cp -r "$folder" "$ref"
cd "$ref"
git init -q . && git config user.email b@b && git config user.name b
t0=$(ms); git add -A && git commit -qm first; t1=$(ms)
printf '  %-58s %6d ms\n' "reference: git add -A && git commit, first" $((t1 - t0))
time_cmd "reference: git add -A && git status (nothing changed)" sh -c 'git add -A && git status --porcelain'
