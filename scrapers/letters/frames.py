"""The frames table (data/frames.toml): which words report a letter and which slots name its parties."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["ROLES", "SLOTS", "Example", "Frame", "Frames", "load_frames", "parse_example"]

SLOTS = frozenset(("subject", "object", "to", "from", "by", "through", "with"))
ROLES = frozenset(("sender", "recipient", "via", "party"))


@dataclass(frozen=True, slots=True)
class Example:
    """A sentence of a row and the letter it must (or, with `expected` None, must not) report."""

    text: str
    expected: tuple[str, str, str | None] | None  # (sender, recipient, via)


def parse_example(row: str) -> Example:
    """ "TEXT => Sender -> Recipient [via Carrier]", or a bare text that reports no letter."""
    if "=>" not in row:
        return Example(row.strip(), None)
    text, _, letter = row.rpartition("=>")
    letter, _, via = letter.partition(" via ")
    sender, arrow, recipient = letter.partition("->")
    if not arrow:
        raise ValueError(f"example {row!r}: expected 'sender -> recipient' after '=>'")
    return Example(text.strip(), (sender.strip(), recipient.strip(), via.strip() or None))


@dataclass(frozen=True, slots=True)
class Frame:
    """One verb class: its forms and, per voice, the role each slot fills."""

    name: str
    forms: frozenset[str]
    active: dict[str, str]
    passive: dict[str, str]
    letter_subject: dict[str, str] = field(default_factory=dict)  # roles when the letter is the subject
    subject_unless_leader: str | None = None
    subject_if_leader: str | None = None
    reply: bool = False
    weak: bool = False
    examples: tuple[Example, ...] = ()
    counterexamples: tuple[Example, ...] = ()

    def role(self, slot: str, passive: bool) -> str | None:
        """The role the `slot` fills in this voice, or None when the frame gives it none."""
        return (self.passive if passive else self.active).get(slot)


@dataclass(frozen=True, slots=True)
class Frames:
    """The whole table: letter nouns with their kinds, verb frames by name and by form, participles."""

    kinds: dict[str, str | None]
    frames: dict[str, Frame]
    by_form: dict[str, Frame]
    deliver_participles: frozenset[str]
    author_participles: frozenset[str]
    fallback_kinds: dict[str, str]  # kinds for nouns that name none, when nothing else does
    noun_examples: tuple[Example, ...]
    noun_counterexamples: tuple[Example, ...]

    def forms(self, name: str) -> frozenset[str]:
        """The forms of the frame called `name`."""
        return self.frames[name].forms


def _frame(row: dict[str, Any]) -> Frame:
    name = row["name"]
    for voice in ("active", "passive", "letter_subject"):
        for slot, role in row.get(voice, {}).items():
            if slot not in SLOTS or role not in ROLES:
                raise ValueError(f"frame {name!r}: {voice} maps {slot!r} to {role!r}; slots {sorted(SLOTS)}, roles {sorted(ROLES)}")
    return Frame(
        name=name,
        forms=frozenset(row["forms"].split()),
        active=dict(row.get("active", {})),
        passive=dict(row.get("passive", {})),
        letter_subject=dict(row.get("letter_subject", {})),
        subject_unless_leader=row.get("subject_unless_leader"),
        subject_if_leader=row.get("subject_if_leader"),
        reply=bool(row.get("reply", False)),
        weak=bool(row.get("weak", False)),
        examples=tuple(parse_example(x) for x in row.get("examples", [])),
        counterexamples=tuple(parse_example(x) for x in row.get("counterexamples", [])),
    )


def parse_frames(data: dict[str, Any]) -> Frames:
    """Build the table from parsed TOML; raises ValueError on an unknown slot or role or a form in two rows."""
    frames = {row["name"]: _frame(row) for row in data["frame"]}
    by_form: dict[str, Frame] = {}
    for f in frames.values():
        for form in f.forms:
            if form in by_form:
                raise ValueError(f"form {form!r} is in frames {by_form[form].name!r} and {f.name!r}")
            by_form[form] = f
    nouns = data["nouns"]
    return Frames(
        kinds={k: (v or None) for k, v in nouns["kinds"].items()},
        fallback_kinds=dict(nouns.get("fallback", {})),
        frames=frames,
        by_form=by_form,
        deliver_participles=frozenset(data["participles"]["deliver"].split()),
        author_participles=frozenset(data["participles"]["author"].split()),
        noun_examples=tuple(parse_example(x) for x in nouns.get("examples", [])),
        noun_counterexamples=tuple(parse_example(x) for x in nouns.get("counterexamples", [])),
    )


@cache
def load_frames() -> Frames:
    """The table shipped in the package, parsed once."""
    raw = resources.files(__package__).joinpath("data/frames.toml").read_bytes()
    return parse_frames(tomllib.loads(raw.decode("utf-8")))
