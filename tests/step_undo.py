#!/usr/bin/env python3
"""step_undo.py WTLAB SRCDIR — undo in `wtlab step` is exact, over whole lessons.

Plays each lesson to its end without a terminal (commands on stdin, one
screen per command): at every screen it makes a move (the runnable writers
in turn: 1, 2, ... so many interleavings are visited), then `back`, then
the same move again.  The screen after `back` must equal, byte for byte,
the screen before the move, and the move made again must give the same
screen as the first time.  The moves are chosen from what the screens
offer, so the test drives the session one command at a time.
"""
import os
import re
import subprocess
import sys

from tap import finish, report

wtlab, src = sys.argv[1], sys.argv[2]
LESSONS = ["02-group-commit", "04-incompatible-writers"]
MAX_MOVES = 3000



class Session:
    """wtlab step on pipes; read() returns the output of one command."""

    def __init__(self, scenario):
        self.p = subprocess.Popen([wtlab, "step", scenario], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)
        # Without a terminal each command is echoed as "> CMD"; a screen
        # ends before the next echo.  A marker command ends each read.
        self.first = self._until_marker()

    def _until_marker(self):
        self.p.stdin.write("help\n")
        self.p.stdin.flush()
        out = []
        for line in self.p.stdout:
            if line == "> help\n":
                break
            out.append(line)
        # skip the help text up to its last line
        for line in self.p.stdout:
            if line.startswith("exit status:"):
                break
        return "".join(out)

    def cmd(self, c):
        self.p.stdin.write(c + "\n")
        self.p.stdin.flush()
        text = self._until_marker()
        echo = "> " + c + "\n"
        assert text.startswith(echo), text[:200]
        return text[len(echo):]

    def close(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.close()
        self.p.wait()
        return self.p.returncode


def screen_only(text):
    """The screen without goal announcements (made only when a goal changes)."""
    return "".join(l for l in text.splitlines(True) if not l.startswith("*** goal reached"))


for lesson in LESSONS:
    s = Session(os.path.join(src, "scenarios/lessons", lesson + ".json"))
    screen = s.first
    moves = undos_ok = redo_ok = 0
    ended = False
    for i in range(MAX_MOVES):
        cands = re.findall(r"^  (\d+)\) ", screen, re.M)
        if not cands:
            ended = "the run ended" in screen
            break
        move = cands[i % len(cands)]
        after = s.cmd(move)
        back = s.cmd("back")
        if screen_only(back) == screen_only(screen):
            undos_ok += 1
        elif undos_ok == moves:  # the first difference: show both
            sys.stderr.write("back after move %d differs:\n--- before\n%s--- after back\n%s" %
                             (moves + 1, screen, back))
        again = s.cmd(move)
        redo_ok += again == after
        moves += 1
        screen = again
    rc = s.close()
    report(ended, "%s: played to the end in %d moves" % (lesson, moves))
    report(moves > 0 and undos_ok == moves,
           "%s: every back restored the screen before the move (%d of %d)" % (lesson, undos_ok, moves))
    report(moves > 0 and redo_ok == moves,
           "%s: every move made again gave the same screen (%d of %d)" % (lesson, redo_ok, moves))
    report(rc == 0, "%s: quit exits 0" % lesson)

finish()
