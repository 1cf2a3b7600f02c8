"""The date of a letter as one sentence gives it: near the letter word first, then by a reporting verb."""
from __future__ import annotations

from . import patterns as P
from .dates import DateSpan
from .records import RANK_ATTACHED, RANK_REPORT

__all__ = ["DatesMixin"]


class DatesMixin:
    """Ranks the dates of a sentence for the letter word at a token."""

    def _dates(self, h: int) -> list[tuple[DateSpan, int]]:
        """Dates in the sentence, ranked: near the letter words first, then by a reporting verb."""
        sent = self.sent
        text = self.doc.text[sent.start:sent.end]
        found = self.ctx.dates_of(self.si)
        if not found:
            return self.ctx.context_dates(self.si)
        trigger = self.toks[h].start - sent.start
        out = []
        anchor = self.doc.anchor
        found = [d for d in found if not (anchor.known and d.span.start > anchor.end)]
        if not found:
            return self.ctx.context_dates(self.si)
        dateline = self.dateline_end - sent.start
        for d in found:
            if d.end <= dateline:
                out.append((abs(d.start - trigger), d, RANK_REPORT))
                continue
            before = text[max(0, d.start - 25):d.start].lower().split()
            after = text[d.end:d.end + 25].lower().split()
            report = any(w.strip(",.") in P.REPORT_VERBS for w in before[-2:]) or any(
                w.strip(",.") in P.REPORT_VERBS for w in after[:1]
            )
            rank = RANK_REPORT if report else RANK_ATTACHED
            out.append((abs(d.start - trigger), d, rank))
        out.sort(key=lambda x: (-x[2], x[0]))
        return [(d.span, r) for _, d, r in out[:1]] + [(d.span, RANK_REPORT) for _, d, r in out[1:2] if r == RANK_REPORT]
