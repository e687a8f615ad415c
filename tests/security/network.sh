# No network by default: the program has its own loopback only, so the
# host's services on 127.0.0.1 and its abstract Unix sockets are out of
# reach.  (These tests never send traffic off this machine.)
. "$TESTS/security/hostile.bash"

# A TCP server on the host's 127.0.0.1 and an abstract Unix socket server;
# each writes a line to $T/accepted for every connection it takes.
start_host_servers() {
  PORT=$((20000 + RANDOM % 20000))
  ABSTRACT="tide-test-$$-$RANDOM"
  python3 - "$PORT" "$ABSTRACT" "$T/accepted" <<'P' &
import socket, sys, time
port, name, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tcp = socket.socket()
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", port))
tcp.listen(5)
unix = socket.socket(socket.AF_UNIX)
unix.bind("\0" + name)
unix.listen(5)
for s in (tcp, unix):
    s.settimeout(0.05)
open(log, "w").close()
end = time.time() + 30
while time.time() < end:
    for s in (tcp, unix):
        try:
            c, _ = s.accept()
            with open(log, "a") as f:
                f.write(str(s.family) + "\n")
            c.close()
        except OSError:
            pass
P
  SERVER=$!
  for _ in $(seq 50); do [ -e "$T/accepted" ] && break; sleep 0.1; done
  trap 'kill $SERVER 2>/dev/null' EXIT
}

write_client() {
  cat >client.py <<'P'
import socket, sys
port, name = int(sys.argv[1]), sys.argv[2]
print("interfaces", [n for _, n in socket.if_nameindex()])
for fam, addr in ((socket.AF_INET, ("127.0.0.1", port)), (socket.AF_UNIX, "\0" + name)):
    s = socket.socket(fam)
    s.settimeout(3)
    try:
        s.connect(addr)
        print("CONNECTED", fam.name)
    except OSError as e:
        print("refused", fam.name, e.strerror)
# Its own loopback works: a server of its own is reachable.
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
c = socket.create_connection(srv.getsockname(), timeout=3)
print("own loopback ok")
P
}

test_host_services_are_unreachable() {
  start_host_servers
  write_client
  run_tide run --json client.py -- "$PORT" "$ABSTRACT"
  expect_rc 0
  out=$(json_field output)
  expect_contains "$out" "interfaces ['lo']"
  expect_contains "$out" "refused AF_INET Connection refused"
  expect_contains "$out" "refused AF_UNIX Connection refused"
  expect_contains "$out" "own loopback ok"
  expect_not_contains "$out" CONNECTED
  expect_eq "$(cat "$T/accepted")" "" "connections the host's servers took"
  expect_eq "$(json_field net)" false "the result says the run had no network"
}

test_net_gives_the_host_network() {
  # The control: the same client reaches both servers with --net, so the
  # test above would see a leak.
  start_host_servers
  write_client
  run_tide run --net --json client.py -- "$PORT" "$ABSTRACT"
  expect_rc 0
  out=$(json_field output)
  expect_contains "$out" "CONNECTED AF_INET"
  expect_contains "$out" "CONNECTED AF_UNIX"
  expect_eq "$(wc -l <"$T/accepted")" 2
  # What a script reads to know the run had the network.
  expect_eq "$(json_field net)" true
}

test_no_name_resolution_without_net() {
  printf 'import socket\ntry:\n    socket.getaddrinfo("localhost", 80)\n    print("localhost resolves")\nexcept OSError as e:\n    print(e)\ntry:\n    socket.getaddrinfo("example.invalid", 80)\nexcept OSError as e:\n    print("no dns:", e.strerror)\n' >dns.py
  run_tide run --json dns.py
  out=$(json_field output)
  expect_contains "$out" "localhost resolves"
  expect_contains "$out" "no dns:"
}

# A Unix socket that lies in the program's folder (an ssh-agent's or a
# tmux server's, when a program is run from /tmp) is a door out that no
# network namespace closes: path sockets are files.  The program sees the
# folder through an overlay (or a copy of its regular files), where a
# socket takes no connection, --net or not.  Mode 0777, so that only the
# sandbox stands in the way.
test_a_host_socket_in_the_folder_takes_no_connection() {
  python3 - "$PWD/agent.sock" "$T/accepted_unix" <<'P' &
import os, socket, sys, time
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
os.chmod(path, 0o777)
s.listen(5)
s.settimeout(0.05)
open(log, "w").close()
end = time.time() + 30
while time.time() < end:
    try:
        c, _ = s.accept()
        with open(log, "a") as f:
            f.write("accepted\n")
        c.close()
    except OSError:
        pass
P
  SOCK_SERVER=$!
  trap 'kill $SOCK_SERVER 2>/dev/null' EXIT
  for _ in $(seq 50); do [ -e "$T/accepted_unix" ] && break; sleep 0.1; done
  cat >probe.py <<'P'
import os, socket
print("listed", "agent.sock" in os.listdir("."))
s = socket.socket(socket.AF_UNIX)
s.settimeout(3)
try:
    s.connect("agent.sock")
    print("CONNECTED")
except OSError as e:
    print("refused", e.strerror)
P
  # The control: the host itself connects.
  python3 -c 'import socket; socket.socket(socket.AF_UNIX).connect("agent.sock")'
  expect_eq "$(cat "$T/accepted_unix")" "accepted" "the host's own connection"
  : >"$T/accepted_unix"
  for mode in overlay overlay-net copy; do
    case $mode in
      overlay) run_tide run --json probe.py ;;
      overlay-net) run_tide run --json --net probe.py ;;
      copy) TIDE_WORK_COPY=1 run_tide run --json probe.py ;;
    esac
    expect_rc 0 "$mode"
    out=$(json_field output)
    expect_contains "$out" "refused" "$mode"
    expect_not_contains "$out" CONNECTED "$mode"
    # Through the overlay the socket is there to try (so the refusal is
    # the overlay's, not a folder the program cannot enter); the copy
    # leaves it out.
    case $mode in
      copy) expect_contains "$out" "listed False" "$mode" ;;
      *) expect_contains "$out" "listed True" "$mode" ;;
    esac
  done
  expect_eq "$(cat "$T/accepted_unix")" "" "connections the socket took from the sandbox"
}

# The kernel broadcasts device events (hotplug, devices' serial numbers)
# to the network namespaces of the host's user namespace: the host's own
# (--net) and, when tide runs as root, the pool's.  A program's netlink
# socket for them is refused, --net or not.
test_host_device_events_do_not_reach_the_program() {
  cat >uevent.c <<'P'
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
int main(void)
{
    int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
    if (s < 0) {
        printf("uevent socket %s\n", strerrorname_np(errno));
        return 0;
    }
    struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = 1};
    printf("bind %s\n", bind(s, (struct sockaddr *)&a, sizeof a) == 0 ? "ok" : strerrorname_np(errno));
    fflush(stdout);
    char buf[8192];
    struct pollfd p = {s, POLLIN, 0};
    int n = 0;
    while (n == 0 && poll(&p, 1, 3000) > 0 && recv(s, buf, sizeof buf, 0) > 0)
        n++;
    printf("%d uevents\n", n);
    return 0;
}
P
  # The host makes harmless events (a "change" of /dev/null) while the
  # program listens; only root may.
  trigger=/sys/devices/virtual/mem/null/uevent
  if [ -w "$trigger" ]; then
    (while :; do echo change >"$trigger" 2>/dev/null; sleep 0.2; done) &
    TRIGGER=$!
    trap 'kill $TRIGGER 2>/dev/null' EXIT
    # The control: outside, the program hears them.
    gcc -o uevent uevent.c
    outside=$(./uevent)
    expect_contains "$outside" "bind ok"
    expect_contains "$outside" "1 uevents"
  fi
  for net in "" --net; do
    run_tide run --json $net uevent.c
    expect_rc 0 "${net:-no network}"
    expect_eq "$(json_field output)" "uevent socket EPROTONOSUPPORT" "${net:-no network}"
  done
  # Netlink itself still works (getifaddrs, ip's queries).
  printf 'import socket\nprint("interfaces", [n for _, n in socket.if_nameindex()])\n' >ifs.py
  run_tide run --json ifs.py
  expect_eq "$(json_field output)" "interfaces ['lo']"
}
