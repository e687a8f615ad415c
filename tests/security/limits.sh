# Memory bombs, CPU spins, sleepers, output floods and disk fillers: each
# stopped by its limit, reported as such, with tide itself unharmed.
. "$TESTS/security/hostile.bash"

expect_memory_limit() {
  expect_rc 137 "$1: exit status"
  expect_eq "$(json_field status)" memory_limit "$1: status"
  peak=$(json_field peak_memory_kb)
  # It did use (about) all it was given, and no more.
  [ "$peak" -ge $((100 * 1024)) ] && [ "$peak" -le $((130 * 1024)) ] ||
    fail "$1: peak memory $peak KiB with a 128 MiB limit"
}

test_memory_bomb_c() {
  cat >mem.c <<'P'
#include <stdlib.h>
#include <string.h>
int main(void)
{
    for (;;) {
        char *p = malloc(8 << 20);
        if (!p)
            return 3;
        memset(p, 1, 8 << 20);
    }
}
P
  run_tide run --memory 128 --json mem.c
  expect_memory_limit c
}

test_memory_bomb_python() {
  printf 'chunks = []\nwhile True:\n    chunks.append(bytearray(8 << 20))\n' >mem.py
  run_tide run --memory 128 --json mem.py
  expect_memory_limit python
}

test_memory_bomb_go() {
  cat >mem.go <<'P'
package main

func main() {
	var keep [][]byte
	for {
		b := make([]byte, 8<<20)
		for i := range b {
			b[i] = 1
		}
		keep = append(keep, b)
	}
}
P
  run_tide run --memory 128 --json mem.go
  expect_memory_limit go
}

test_memory_bomb_node() {
  printf 'const keep = [];\nfor (;;) keep.push(Buffer.alloc(8 << 20, 1));\n' >mem.js
  run_tide run --memory 128 --json mem.js
  expect_memory_limit node
}

test_java_gets_a_heap_that_fits_its_limit() {
  # The JVM does not see the cgroup; tide sizes its heap, so a program that
  # allocates too much gets Java's own OutOfMemoryError, and one that
  # needs most of its limit gets it.
  cat >Heap.java <<'P'
import java.util.ArrayList;
public class Heap {
    public static void main(String[] args) {
        int mib = Integer.parseInt(args[0]);
        ArrayList<byte[]> keep = new ArrayList<>();
        for (int i = 0; i < mib; i++)
            keep.add(new byte[1 << 20]);
        System.out.println("held " + keep.size() + " MiB of " + Runtime.getRuntime().maxMemory() / (1 << 20));
    }
}
P
  run_tide run --memory 256 --json Heap.java -- 150
  expect_rc 0 "150 MiB of 256"
  expect_contains "$(json_field output)" "held 150 MiB"
  run_tide run --memory 256 --json Heap.java -- 1000
  expect_eq "$(json_field status)" runtime_error
  expect_contains "$(json_field error)" "java.lang.OutOfMemoryError"
}

test_cpu_spin_times_out_in_every_language() {
  printf 'while True:\n    pass\n' >spin.py
  printf 'int main(void)\n{\n    for (;;)\n        ;\n}\n' >spin.c
  printf 'for (;;) {}\n' >spin.js
  printf '<?php\nwhile (true) {}\n' >spin.php
  printf 'fn main() {\n    let mut x: u64 = 0;\n    loop {\n        x = std::hint::black_box(x + 1);\n    }\n}\n' >spin.rs
  printf 'public class Spin {\n    public static void main(String[] a) {\n        while (true) { }\n    }\n}\n' >Spin.java
  printf 'package main\n\nfunc main() {\n\tfor {\n\t}\n}\n' >spin.go
  for f in spin.py spin.c spin.js spin.php spin.rs Spin.java spin.go; do
    start=$(date +%s%N)
    run_tide run --timeout 2 --json "$f"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    expect_rc 124 "$f"
    expect_eq "$(json_field status)" timeout "$f"
    [ "$ms" -lt 15000 ] || fail "$f: the 2 s timeout took $ms ms (compile included)"
  done
}

test_sleep_forever_times_out() {
  printf 'import time\ntime.sleep(10**9)\n' >sleep.py
  printf 'setTimeout(() => {}, 1e9);\n' >sleep.js
  printf '<?php\nsleep(1000000);\n' >sleep.php
  printf '#include <unistd.h>\nint main(void)\n{\n    pause();\n}\n' >sleep.c
  for f in sleep.py sleep.js sleep.php sleep.c; do
    run_tide run --timeout 1 --json "$f"
    expect_rc 124 "$f"
    expect_eq "$(json_field status)" timeout "$f"
    t=$(json_field execution_time)
    python3 -c "import sys; sys.exit(0 if 0.9 < $t < 5 else 1)" || fail "$f: execution_time $t"
  done
}

test_output_flood_keeps_what_came_before_the_limit() {
  cat >flood.c <<'P'
#include <stdio.h>
int main(void)
{
    printf("header\n");
    fflush(stdout);
    for (;;)
        fputs("0123456789abcdef", stdout);
}
P
  printf 'import sys\nprint("header", flush=True)\nwhile True:\n    sys.stderr.write("e" * 4096)\n    sys.stdout.write("o" * 4096)\n' >flood.py
  printf 'console.log("header");\nconst s = "x".repeat(65536);\n(function w() { process.stdout.write(s, w); })();\n' >flood.js
  printf 'fn main() {\n    println!("header");\n    loop {\n        print!("0123456789abcdef");\n    }\n}\n' >flood.rs
  for f in flood.c flood.py flood.js flood.rs; do
    run_tide run --output-limit 100000 --timeout 20 --json "$f"
    expect_rc 141 "$f"
    expect_eq "$(json_get "$OUT" '[j["status"], j["output_truncated"], len(j["output"]) + len(j["error"])]')" \
      '["output_limit", true, 100000]' "$f"
    expect_eq "$(json_get "$OUT" 'j["output"].split("\n")[0]')" header "$f: what came first"
  done
  # Streamed, the same bytes reach tide's stdout.
  "$TIDE" run --output-limit 100000 flood.c >out.bin 2>/dev/null || true
  expect_eq "$(wc -c <out.bin)" 100000
}

test_disk_fill_hits_the_file_size_limit_and_the_scratch_size() {
  mkdir w && cd w
  cat >big.c <<'P'
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    signal(SIGXFSZ, SIG_IGN);
    static char buf[1 << 20];
    memset(buf, 'x', sizeof buf);
    FILE *f = fopen("big.bin", "w");
    long mib = 0;
    while (fwrite(buf, 1, sizeof buf, f) == sizeof buf && fflush(f) == 0)
        mib++;
    printf("one file: %ld MiB (%s)\n", mib, strerror(errno));
    return 0;
}
P
  cat >fill.py <<'P'
import os
total = 0
try:
    for i in range(10000):
        for d in ("/tmp", "/dev/shm", "."):
            with open(f"{d}/fill{i}", "wb") as f:
                f.write(b"y" * (16 << 20))
                total += 16
except OSError as e:
    print("stopped after", total, "MiB:", e.strerror)
P
  before=$(du -sk "$T" | cut -f1)
  sum=$(snapshot)
  # --ephemeral: a recorded run keeps (up to 64 MiB of) what it wrote, on
  # purpose; this test is about what the sandbox lets reach the disk.
  run_tide run --ephemeral --json big.c
  expect_rc 0
  expect_contains "$(json_field output)" "one file: 50 MiB (File too large)"
  run_tide run --ephemeral --memory 1024 --timeout 30 --json fill.py
  expect_rc 0
  out=$(json_field output)
  expect_contains "$out" "No space left on device"
  total=${out#stopped after }
  total=${total%% MiB*}
  # The scratch area (/tmp, /dev/shm, HOME, the working folder's upper
  # layer) is half the memory limit.
  [ "$total" -le 520 ] || fail "wrote $total MiB before the scratch area filled"
  # Nothing of it reached the disk: not the folder, not tide's folders.
  expect_eq "$(snapshot)" "$sum" "the working folder"
  after=$(du -sk "$T" | cut -f1)
  [ $((after - before)) -lt 10240 ] || fail "the test folder grew by $((after - before)) KiB"
}

test_a_real_time_allowance_is_not_inherited() {
  # A caller allowed real-time scheduling and a higher priority (limits.conf
  # rtprio/nice, here prlimit): its runs are not, or a program could take
  # every core with SCHED_FIFO.
  cat >rt.c <<'P'
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
int main(void)
{
    struct rlimit rt, nice;
    getrlimit(RLIMIT_RTPRIO, &rt);
    getrlimit(RLIMIT_NICE, &nice);
    printf("rtprio %ld %ld nice %ld %ld\n", (long)rt.rlim_cur, (long)rt.rlim_max, (long)nice.rlim_cur,
           (long)nice.rlim_max);
    struct sched_param sp = {.sched_priority = 1};
    int r = sched_setscheduler(0, SCHED_FIFO, &sp);
    printf("fifo %s\n", r == 0 ? "TAKEN" : strerrorname_np(errno));
    r = setpriority(PRIO_PROCESS, 0, -5);
    printf("nice -5 %s\n", r == 0 ? "TAKEN" : strerrorname_np(errno));
    return 0;
}
P
  if ! prlimit --rtprio=50 --nice=30 true 2>/dev/null; then
    # No CAP_SYS_RESOURCE here (a container): no allowance can be given,
    # so the sandbox is seen setting both to 0 in the program's process.
    command -v strace >/dev/null || skip "cannot raise RLIMIT_RTPRIO here, and no strace to look instead"
    strace -f -qq -e trace=prlimit64,setrlimit -o trace.txt "$TIDE" run rt.c >out.txt 2>&1 ||
      fail "tide run failed under strace: $(cat out.txt)"
    expect_contains "$(cat out.txt)" "fifo EPERM"
    expect_contains "$(cat trace.txt)" "RLIMIT_RTPRIO, {rlim_cur=0, rlim_max=0}"
    expect_contains "$(cat trace.txt)" "RLIMIT_NICE, {rlim_cur=0, rlim_max=0}"
    return
  fi
  gcc -o rt rt.c
  # Outside, an unprivileged process with that allowance takes both.
  if [ "$(id -u)" = 0 ]; then
    outside=$(prlimit --rtprio=50 --nice=30 setpriv --reuid=4242 --regid=4242 --clear-groups ./rt)
    expect_contains "$outside" "fifo TAKEN"
    expect_contains "$outside" "nice -5 TAKEN"
  fi
  OUT=$(prlimit --rtprio=50 --nice=30 "$TIDE" run --json rt.c) || fail "tide run failed"
  out=$(json_field output)
  expect_contains "$out" "rtprio 0 0 nice 0 0"
  expect_contains "$out" "fifo EPERM"
  expect_contains "$out" "nice -5 EACCES"
}

# Some things the kernel counts per user on the whole machine, charged to
# the user who runs tide whatever namespace holds them: inotify instances
# (fs.inotify.max_user_instances, 128), POSIX message queues' bytes
# (RLIMIT_MSGQUEUE), queued signals (RLIMIT_SIGPENDING) and locked shared
# memory (RLIMIT_MEMLOCK; root is not held to it).  A program
# holding them all would take them from the user's editors, other runs
# and services (root's, when tide runs as root).  A run holds a share, and
# the user's own processes still get theirs meanwhile.
write_hog() {
  cat >"$1/hog.c" <<'P'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/shm.h>
#include <unistd.h>
int main(void)
{
    int n = 0;
    while (inotify_init1(IN_CLOEXEC) >= 0)
        n++;
    printf("inotify %d: %s\n", n, strerrorname_np(errno));
    char name[32];
    for (n = 0;; n++) {
        snprintf(name, sizeof name, "/hog-%d", n);
        if (mq_open(name, O_CREAT | O_RDWR, 0600, NULL) == (mqd_t)-1)
            break;
    }
    printf("queues %d: %s\n", n, strerrorname_np(errno));
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &rt, NULL);
    for (n = 0; sigqueue(getpid(), SIGRTMIN, (union sigval){0}) == 0; n++)
        ;
    printf("signals %d: %s\n", n, strerrorname_np(errno));
    for (n = 0; n < 4096; n++) {
        int id = shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);
        if (id < 0 || shmctl(id, SHM_LOCK, NULL) != 0)
            break;
    }
    printf("locked %d MiB: %s\n", n, strerrorname_np(errno));
    fflush(stdout);
    sleep(4);
    return 0;
}
P
}

# hog_run DIR [RUNNER...]: run DIR/hog.c through tide (as RUNNER), and
# while it holds all it could get, take one of each as that user on the
# host.
hog_run() {
  local dir=$1
  shift
  (cd "$dir" && "$@" "$TIDE" run --allow-missing cgroup hog.c >out.txt 2>&1) &
  local run=$!
  for _ in $(seq 300); do grep -q "^locked" "$dir/out.txt" 2>/dev/null && break; sleep 0.1; done
  HOST=$("$@" python3 -c 'import ctypes, os, signal
libc = ctypes.CDLL(None, use_errno=True)
def say(what, ok):
    print(what, "ok" if ok else os.strerror(ctypes.get_errno()))
say("inotify", libc.inotify_init1(0) >= 0)
name = b"/tide-test-host-%d" % os.getpid()
say("queue", libc.mq_open(name, os.O_CREAT | os.O_RDWR, 0o600, None) >= 0)
libc.mq_unlink(name)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGRTMIN})
say("signal", libc.sigqueue(os.getpid(), signal.SIGRTMIN, None) == 0)
shm = libc.shmget(0, 1 << 20, 0o1600)
say("shm lock", shm >= 0 and libc.shmctl(shm, 11, None) == 0)  # SHM_LOCK
libc.shmctl(shm, 0, None)  # IPC_RMID')
  wait $run || fail "tide run failed: $(cat "$dir/out.txt")"
  OUT=$(cat "$dir/out.txt")
}

expect_the_user_keeps_theirs() {
  expect_eq "$HOST" "$(printf 'inotify ok\nqueue ok\nsignal ok\nshm lock ok')" "the user's own, during the run ($1)"
  expect_contains "$OUT" "inotify 16: EMFILE"
  expect_contains "$OUT" "queues "
  expect_contains "$OUT" "signals "
  expect_contains "$OUT" "locked "
}

test_a_run_leaves_the_user_their_machine_wide_allowances() {
  write_hog "$PWD"
  hog_run "$PWD"
  expect_the_user_keeps_theirs "$(id -un)"
  # The same for a user who is not root (the limits belong to the
  # program's own user namespace and process, whoever made them).
  [ "$(id -u)" = 0 ] || return 0
  u=$(mktemp -d /tmp/tide-user.XXXXXX)
  trap 'rm -rf "$u"' EXIT
  write_hog "$u"
  chown -R 4242:4242 "$u"
  hog_run "$u" setpriv --reuid=4242 --regid=4242 --clear-groups \
    env HOME="$u" XDG_DATA_HOME="$u/.d" XDG_CACHE_HOME="$u/.c" XDG_STATE_HOME="$u/.s" XDG_CONFIG_HOME="$u/.cf"
  expect_the_user_keeps_theirs "uid 4242"
}
