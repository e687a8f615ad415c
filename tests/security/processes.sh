# Fork bombs, thread bombs, escapees and kill(-1): the run's processes are
# bounded while it runs and all gone when it ends.
. "$TESTS/security/hostile.bash"

test_fork_bomb_c() {
  new_marker
  cat >bomb.c <<'P'
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    for (;;)
        fork();
}
P
  run_tide_bg run --timeout 3 --json bomb.c -- "$MARK"
  expect_rc 124
  expect_eq "$(json_field status)" timeout
  expect_no_process "$MARK"
  expect_no_cgroups "$TIDE_PID"
}

test_fork_bomb_python_counts_refusals() {
  new_marker
  cat >bomb.py <<'P'
import os, sys, time
made = refused = 0
kids = []
while made + refused < 5000 and refused < 50:
    try:
        pid = os.fork()
    except OSError:
        refused += 1
        continue
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    made += 1
print("made", made, "refused", refused, flush=True)
P
  run_tide_bg run --timeout 10 --max-processes 64 --json bomb.py -- "$MARK"
  expect_rc 0
  out=$(json_field output)
  made=${out#made }
  made=${made%% *}
  # The limit counts processes and threads: the program itself is one.
  [ "$made" -le 64 ] && [ "$made" -ge 40 ] || fail "made $made processes with a limit of 64: $out"
  expect_contains "$out" "refused 50"
  expect_no_process "$MARK"
  expect_no_cgroups "$TIDE_PID"
}

test_fork_bomb_go() {
  new_marker
  cat >bomb.go <<'P'
package main

import (
	"os"
	"os/exec"
)

func main() {
	for {
		cmd := exec.Command(os.Args[0], os.Args[1:]...)
		cmd.Start()
	}
}
P
  run_tide_bg run --timeout 4 --json bomb.go -- "$MARK"
  # Spinning at the limit until the timeout, or the Go runtime giving up
  # when it cannot start a thread, or the copies together reaching the memory
  # limit: contained either way.
  case "$RC/$(json_field status)" in 124/timeout|2/runtime_error|137/memory_limit) ;; *) fail "ended with $RC" ;; esac
  expect_no_process "$MARK"
  expect_no_cgroups "$TIDE_PID"
}

test_thread_bomb_c() {
  new_marker
  cat >threads.c <<'P'
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static void *idle(void *arg) { (void)arg; pause(); return NULL; }
int main(void)
{
    int n = 0;
    pthread_t t;
    while (n < 100000 && pthread_create(&t, NULL, idle, NULL) == 0)
        n++;
    printf("threads %d\n", n);
    return 0;
}
P
  run_tide_bg run --timeout 20 --max-processes 100 --json threads.c -- "$MARK"
  expect_rc 0
  n=$(json_field output)
  n=${n#threads }
  [ "$n" -lt 100 ] && [ "$n" -ge 50 ] || fail "created $n threads with a limit of 100"
  expect_no_process "$MARK"
}

test_thread_bomb_java() {
  new_marker
  cat >Threads.java <<'P'
public class Threads {
    public static void main(String[] args) {
        int n = 0;
        try {
            for (; n < 100000; n++) {
                Thread t = new Thread(() -> {
                    try { Thread.sleep(60000); } catch (InterruptedException e) { }
                });
                t.setDaemon(true);
                t.start();
            }
        } catch (OutOfMemoryError e) {
            System.out.println("refused: " + e.getMessage());
        }
        System.out.println("threads " + n);
        System.exit(0);
    }
}
P
  run_tide_bg run --timeout 30 --max-processes 128 --json Threads.java -- "$MARK"
  # The JVM either reports the refused thread and goes on, or (when one of
  # its own threads is refused) stops; either way well below the limit.
  out=$(json_field output)
  n=$(json_get "$OUT" '(__import__("re").findall(r"threads (\d+)", j["output"]) or ["0"])[-1]')
  [ "$n" -lt 128 ] || fail "created $n threads with a limit of 128"
  case "$(json_field status)" in ok|runtime_error) ;; *) fail "status $(json_field status)" ;; esac
  [ "$n" -gt 0 ] && expect_contains "$out" "unable to create native thread"
  expect_no_process "$MARK"
}

test_thread_bomb_python() {
  cat >threads.py <<'P'
import threading, time
n = 0
try:
    while n < 100000:
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
        n += 1
except RuntimeError as e:
    print("refused:", e)
print("threads", n)
P
  run_tide_bg run --timeout 20 --max-processes 80 --json threads.py
  expect_rc 0
  out=$(json_field output)
  expect_contains "$out" "refused: can't start new thread"
  n=${out##*threads }
  [ "$n" -lt 80 ] || fail "created $n threads with a limit of 80"
}

test_double_fork_setsid_escapee_c() {
  new_marker
  cat >escape.c <<'P'
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            char name[128];
            snprintf(name, sizeof name, "sleep-%s", argv[1]);
            execl("/usr/bin/sleep", name, "300", (char *)NULL);
        }
        _exit(0);
    }
    sleep(1); /* the grandchild is running, on its own */
    printf("escaped\n");
    return 0;
}
P
  run_tide_bg run --json escape.c -- "$MARK"
  expect_rc 0
  expect_eq "$(json_field output)" "escaped"
  expect_no_process "$MARK"
  expect_no_cgroups "$TIDE_PID"
}

test_double_fork_setsid_escapee_python() {
  new_marker
  cat >escape.py <<'P'
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/usr/bin/sleep", ["sleep-" + sys.argv[1], "300"])
    os._exit(0)
time.sleep(1)
print("escaped")
P
  run_tide_bg run --json escape.py -- "$MARK"
  expect_rc 0
  expect_eq "$(json_field output)" "escaped"
  expect_no_process "$MARK"
}

test_stop_and_timeout_kill_daemons_too() {
  new_marker
  cat >daemon.py <<'P'
import os, sys, time
for _ in range(3):
    if os.fork() == 0:
        os.setsid()
        os.execv("/usr/bin/sleep", ["sleep-" + sys.argv[1], "300"])
time.sleep(300)
P
  run_tide_bg run --timeout 2 --json daemon.py -- "$MARK"
  expect_rc 124
  expect_no_process "$MARK"
  expect_no_cgroups "$TIDE_PID"
}

# The sandbox's init (pid 1 inside) takes from the program only SIGINT,
# which it passes back to the program's group (tide's Ctrl-C goes that
# way); every other signal the program sends it is ignored, and the run
# and its report go on.
test_signals_sent_to_the_sandbox_init_change_nothing() {
  cat >sigs.c <<'P'
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    signal(SIGINT, SIG_IGN);
    int sent = 0;
    for (int sig = 1; sig < 32; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && kill(1, sig) == 0)
            sent++;
    usleep(300000);
    printf("sent %d, alive\n", sent);
    return 0;
}
P
  run_tide run --json sigs.c
  expect_eq "$(json_get "$OUT" '[j["status"], j["output"]]')" '["ok", "sent 29, alive\n"]'
}

test_kill_minus_one_only_kills_the_sandbox() {
  # A process of the sandbox's own host uid, outside: only the pid
  # namespace keeps kill(-1) away from it.
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
  new_marker
  uid=$(sandbox_host_uid)
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid="$uid" --regid="$uid" --clear-groups sleep 300 &
  else
    sleep 300 &
  fi
  victim=$!
  cat >killall.c <<'P'
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    pid_t child = fork();
    if (child == 0) {
        pause();
        return 0;
    }
    kill(-1, SIGKILL); /* everyone this process may signal, but itself */
    int st;
    waitpid(child, &st, 0);
    printf("child: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
           WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    return 0;
}
P
  printf 'import os, signal\nchild = os.fork()\nif child == 0:\n    signal.pause()\nos.kill(-1, signal.SIGKILL)\nprint(os.waitpid(child, 0)[1])\n' >killall.py
  run_tide run --json killall.c
  expect_eq "$(json_get "$OUT" '[j["status"], j["output"]]')" '["ok", "child: signal 9\n"]'
  run_tide run --json killall.py
  expect_eq "$(json_get "$OUT" '[j["status"], j["output"]]')" '["ok", "9\n"]'
  kill -0 "$victim" 2>/dev/null || fail "kill(-1) in the sandbox killed a process outside it"
  kill "$victim"
  # tide itself is fine: it reported, and runs again.
  printf 'print("still here")\n' >ok.py
  run_tide run ok.py
  expect_rc 0
}
