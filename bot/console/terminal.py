"""Line input and text output, injectable so tests type into the console like a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

CANCEL = ":cancel"
QUIT = (":quit", ":q", ":exit")


class Abandoned(Exception):
    """The person left a form: typed `:cancel` or `:quit`, or the input ended."""


@dataclass
class Terminal:
    """Writes a prompt, reads one line; echoes it when the input is not a person at a keyboard."""

    source: TextIO
    sink: TextIO
    echo: bool = False
    ended: bool = False
    """`:quit` typed inside a form ends the input too, after the form is abandoned."""

    def say(self, text: str = "") -> None:
        self.sink.write(text + "\n")
        self.sink.flush()

    def ask(self, prompt: str) -> str | None:
        """The next line without its newline, or None when the input has ended."""
        if self.ended:
            return None
        self.sink.write(prompt)
        self.sink.flush()
        line = self.source.readline()
        if not line:
            if self.echo:
                self.say()
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            self.say(line)
        return line

    def need(self, prompt: str) -> str:
        """A line inside a form, where `:cancel`, `:quit` or the input ending abandons the form."""
        line = self.ask(prompt)
        if line is not None and line.strip() in QUIT:
            self.ended = True
        if line is None or self.ended or line.strip() == CANCEL:
            raise Abandoned
        return line
