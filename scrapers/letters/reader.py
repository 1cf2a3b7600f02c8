"""The sentence reader: the stages of reading one sentence, put together."""
from __future__ import annotations

from .clauses import ClauseReader
from .dating import DatesMixin
from .discourse import DiscourseMixin
from .noun_roles import NounRolesMixin
from .nouns import NounsMixin
from .slots import SlotsMixin
from .verbs import VerbsMixin

__all__ = ["_SentenceReader"]


class _SentenceReader(NounsMixin, NounRolesMixin, VerbsMixin, SlotsMixin, DiscourseMixin, DatesMixin, ClauseReader):
    """Finds letter mentions in one sentence."""
