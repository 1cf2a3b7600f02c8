"""The read models letterwatch answers from, each a pure fold over the log."""

from ..projection import Projection
from .articles import ARTICLES
from .letters import LETTERS
from .sources import SOURCES

ALL: dict[str, Projection] = {p.name: p for p in (ARTICLES, SOURCES, LETTERS)}

__all__ = ["ALL", "ARTICLES", "LETTERS", "SOURCES"]
