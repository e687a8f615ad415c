#!/usr/bin/env python3
"""Measure a terminal program as a user sees it, driven through tmux.

    tmux_keys.py [options] -- COMMAND...

Starts COMMAND in a fresh tmux server (its own socket, no ~/.tmux.conf),
in a WIDTHxHEIGHT window, and reports as one JSON object:

  ready_ms   from start until the screen (tmux capture-pane -e: text and
             colours) matches --ready, a regular expression;
  keys_ms    for each typed key, the time from sending it to the first
             output of the program that shows it (tmux control mode
             reports every byte a pane writes, as it writes it);
  peak_kb    the program's peak resident memory (VmHWM) at the end.

--setup KEYS are sent after the screen is ready and before typing (tmux
key names, comma-separated: "C-g,5,0,0,Enter"); then the program is left
until its output has been quiet for --quiet ms.  Each typed key waits for
the screen to go quiet before the next, so late redraws (a finished
parse) are not counted against the next key.
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def now_ms():
    return time.monotonic() * 1000.0


class Tmux:
    def __init__(self, width, height, env):
        self.dir = tempfile.mkdtemp(prefix="tide-tmux-")
        self.sock = os.path.join(self.dir, "sock")
        self.env = env
        self.ctl = None
        self.buf = b""

    def cmd(self, *args, check=True):
        return subprocess.run(["tmux", "-S", self.sock, "-f", "/dev/null", *args], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=check)

    def start(self, width, height, command):
        # An idle shell first, so the control client is attached before the
        # program writes its first byte.
        self.cmd("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "bench",
                 "sleep 100000")
        self.cmd("set-option", "-g", "default-terminal", self.env.get("BENCH_TERM", "tmux-256color"))
        self.cmd("set-option", "-g", "status", "off")
        self.cmd("set-option", "-g", "escape-time", "0")
        self.ctl = subprocess.Popen(["tmux", "-S", self.sock, "-f", "/dev/null", "-C", "attach", "-t", "bench"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=self.env, bufsize=0)
        self.read_until(lambda: b"%end" in self.buf or b"%session-changed" in self.buf, 5000)
        self.buf = b""
        t0 = now_ms()
        self.cmd("respawn-pane", "-k", "-t", "bench", " ".join(command))
        self.pid = int(self.cmd("display", "-p", "-t", "bench", "#{pane_pid}").stdout.decode().strip())
        return t0

    def read_some(self, timeout_ms):
        r, _, _ = select.select([self.ctl.stdout], [], [], max(0.0, timeout_ms / 1000.0))
        if not r:
            return False
        data = os.read(self.ctl.stdout.fileno(), 1 << 16)
        if not data:
            raise RuntimeError("tmux control client ended")
        self.buf += data
        return True

    def read_until(self, cond, timeout_ms):
        end = now_ms() + timeout_ms
        while not cond():
            left = end - now_ms()
            if left <= 0 or not self.read_some(left):
                if now_ms() >= end:
                    return False
        return True

    def pane_output(self):
        """The bytes the pane wrote, from %output lines received so far
        (octal escapes decoded); the buffer is consumed."""
        out = b""
        lines = self.buf.split(b"\n")
        self.buf = lines.pop()  # an incomplete line waits for the rest
        for line in lines:
            if line.startswith(b"%output "):
                payload = line.split(b" ", 2)[2] if line.count(b" ") >= 2 else b""
                out += re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), payload)
        return out

    def send(self, key, literal=False):
        args = ["send-keys", "-t", "bench"] + (["-l", key] if literal else [key])
        self.ctl.stdin.write((" ".join(quote(a) for a in args) + "\n").encode())

    def capture(self):
        return self.cmd("capture-pane", "-p", "-e", "-t", "bench").stdout.decode("utf-8", "replace")

    def quiet(self, quiet_ms, limit_ms):
        """Wait until the pane has written nothing for quiet_ms."""
        end = now_ms() + limit_ms
        while now_ms() < end:
            if not self.read_some(quiet_ms):
                self.pane_output()
                return True
            self.pane_output()
        return False

    def peak_kb(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def stop(self):
        try:
            self.cmd("kill-server", check=False)
            # The program is told of the hang-up and may still write (an
            # editor its recovery file): the caller removes its folder next.
            end = now_ms() + 5000
            while getattr(self, "pid", None) and os.path.exists("/proc/%d" % self.pid) and now_ms() < end:
                try:
                    with open("/proc/%d/stat" % self.pid) as f:
                        if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                            break
                except OSError:
                    break
                time.sleep(0.01)
        finally:
            if self.ctl:
                try:
                    self.ctl.kill()
                except OSError:
                    pass
            shutil.rmtree(self.dir, ignore_errors=True)


def quote(s):
    if re.fullmatch(r"[A-Za-z0-9_.%:/+,=-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def wait_ready(tm, t0, ready, timeout_ms):
    """ms from t0 until the screen matches the regex ready, or None."""
    deadline = t0 + timeout_ms
    while now_ms() < deadline:
        tm.read_some(2)
        tm.pane_output()
        if ready.search(tm.capture()):
            return round(now_ms() - t0, 1)
    return None


def setup(tm, keys, quiet_ms):
    """Send the comma-separated tmux key names, each once the screen is quiet."""
    tm.quiet(quiet_ms, 20000)
    for k in [k for k in keys.split(",") if k]:
        tm.send(k)
        tm.quiet(quiet_ms, 60000)


def type_key(tm, ch, quiet_ms, timeout_ms):
    """Type ch once the screen is quiet; ms until the program wrote it, or None."""
    tm.quiet(quiet_ms, 60000)
    t = now_ms()
    tm.send(ch, literal=True)
    seen = b""
    while True:
        left = t + timeout_ms - now_ms()
        if left <= 0:
            return None
        if tm.read_some(left):
            seen += tm.pane_output()
            if ch.encode() in seen:
                return round(now_ms() - t, 2)


def common_args(ap, count):
    """The options every harness here takes: the window, the screen that
    means ready, what to type and how long to wait."""
    ap.add_argument("--width", type=int, default=120)
    ap.add_argument("--height", type=int, default=40)
    ap.add_argument("--ready", required=True, help="regex the screen (with colour escapes) must match")
    ap.add_argument("--ready-timeout", type=float, default=60000)
    ap.add_argument("--type", default="x", help="the characters to type, one key each")
    ap.add_argument("--count", type=int, default=count, help="keys to type")
    ap.add_argument("--quiet", type=float, default=60, help="ms of silence that count as settled")
    ap.add_argument("--key-timeout", type=float, default=10000)


def main():
    ap = argparse.ArgumentParser()
    common_args(ap, 30)
    ap.add_argument("--setup", default="", help="comma-separated tmux key names sent before typing")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    env = dict(os.environ)
    tm = Tmux(a.width, a.height, env)
    result = {"command": " ".join(cmd)}
    try:
        t0 = tm.start(a.width, a.height, ["exec"] + cmd)
        result["ready_ms"] = wait_ready(tm, t0, re.compile(a.ready, re.S), a.ready_timeout)
        if result["ready_ms"] is None:
            result["error"] = "the screen never matched --ready"
            result["screen"] = tm.capture()[-3000:]
            return result
        setup(tm, a.setup, a.quiet)
        result["keys_ms"] = [type_key(tm, a.type[i % len(a.type)], a.quiet, a.key_timeout) for i in range(a.count)]
        tm.quiet(a.quiet, 60000)
        result["peak_kb"] = tm.peak_kb()
        result["screen_end"] = tm.capture()[-2000:]
        return result
    finally:
        tm.stop()


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    print(json.dumps(main()))
