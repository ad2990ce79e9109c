#!/usr/bin/env python3
"""Run a command and check its exit code and output (for the SDK and plugin-safety ctests).

    expect_run.py [--exit N] [--stdout-contains S ...] [--stderr-contains S ...]
                  [--stdout-lacks S ...] [--max-stderr-lines N] [--stdout-empty]
                  [--env KEY=VALUE ...] -- COMMAND [ARG ...]

Prints the command's output and `PASS` or `FAIL: reasons`; exits 0 only when every
expectation holds. stderr must never show crash markers (terminate called, Segmentation,
Aborted, Traceback). Python 3 standard library only.
"""

import argparse
import os
import subprocess
import sys

CRASH_MARKERS = ("terminate called", "segmentation", "aborted", "traceback", "core dumped")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, default=0, dest="exit_code")
    parser.add_argument("--stdout-contains", action="append", default=[])
    parser.add_argument("--stdout-lacks", action="append", default=[])
    parser.add_argument("--stderr-contains", action="append", default=[])
    parser.add_argument("--max-stderr-lines", type=int, default=None)
    parser.add_argument("--stdout-empty", action="store_true")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    env = dict(os.environ)
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value

    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=args.timeout, universal_newlines=True)
    sys.stdout.write("$ " + " ".join(command) + "\n")
    sys.stdout.write("--- stdout\n" + proc.stdout + "--- stderr\n" + proc.stderr + "--- exit %d\n" % proc.returncode)

    problems = []
    if proc.returncode != args.exit_code:
        problems.append("exit code %d, expected %d" % (proc.returncode, args.exit_code))
    lowered = proc.stderr.lower()
    for marker in CRASH_MARKERS:
        if marker in lowered:
            problems.append("stderr shows a crash (%r)" % marker)
    for text in args.stdout_contains:
        if text not in proc.stdout:
            problems.append("stdout lacks %r" % text)
    for text in args.stdout_lacks:
        if text in proc.stdout:
            problems.append("stdout contains %r" % text)
    for text in args.stderr_contains:
        if text not in proc.stderr:
            problems.append("stderr lacks %r" % text)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if args.max_stderr_lines is not None and len(lines) > args.max_stderr_lines:
        problems.append("stderr has %d lines, at most %d expected" % (len(lines), args.max_stderr_lines))
    if args.stdout_empty and proc.stdout.strip():
        problems.append("stdout is not empty")
    print("PASS" if not problems else "FAIL: " + "; ".join(problems))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
