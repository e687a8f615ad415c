#!/usr/bin/env python3
"""Key echo of several terminal programs, measured key by key in turn.

    tmux_keys_interleaved.py --ready REGEX --editors JSON [options]

JSON is a list of {"name": ..., "setup": "tmux,key,names", "cmd": [...]}.
Each program runs in a tmux server of its own (tmux_keys.Tmux), all at
once; when every one shows --ready and has had its setup keys, one key is
typed into each in turn (the order rotating), round after round.  Run by
run, a machine that drifts by a twentieth of a millisecond between runs
decides which editor looks faster; key by key, each key of each editor
meets the machine as the others' keys do.  Every screen is quiet before a
key is typed.  Prints one JSON object: {name: {"keys_ms": [...]}}, or
{"error": ...}.
"""
import argparse
import json
import os
import re
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmux_keys import Tmux, common_args, setup, type_key, wait_ready  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    common_args(ap, 60)
    ap.add_argument("--editors", required=True, help="JSON list of {name, setup, cmd}")
    a = ap.parse_args()
    editors = json.loads(a.editors)
    ready = re.compile(a.ready, re.S)
    running = []
    try:
        for e in editors:
            tm = Tmux(a.width, a.height, dict(os.environ, **e.get("env", {})))
            running.append(tm)
            t0 = tm.start(a.width, a.height, ["exec"] + e["cmd"])
            if wait_ready(tm, t0, ready, a.ready_timeout) is None:
                return {"error": "%s: the screen never matched --ready" % e["name"],
                        "screen": tm.capture()[-3000:]}
            setup(tm, e.get("setup", ""), a.quiet)
        keys = {e["name"]: [] for e in editors}
        n = len(editors)
        for i in range(a.count):
            ch = a.type[i % len(a.type)]
            for k in range(n):
                j = (i + k) % n
                for tm in running:
                    tm.quiet(a.quiet, 60000)
                keys[editors[j]["name"]].append(type_key(running[j], ch, a.quiet, a.key_timeout))
        return {name: {"keys_ms": v} for name, v in keys.items()}
    finally:
        for tm in running:
            tm.stop()


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    print(json.dumps(main()))
