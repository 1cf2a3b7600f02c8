"""Person lookups on a large store: ``/letters?person=`` and ``/people/{id}`` as the API runs
them (the query layer, no HTTP), on the same generated store as ``bench_api.py``.

Usage: ``python bench/bench_people.py [--letters 100000] [--repeat 20]``. Prints the mean time
of each lookup for five people and writes ``bench/results/people.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench_api import generate


def mean_ms(fn, repeat: int) -> float:  # noqa: ANN001 - any callable
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1000


def main() -> None:
    from service.api.queries import LetterFilter, page_letters, person
    from store import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/people.db"
        generate(url, args.letters)
        store = open_store(url)
        names = [r["sender"] for r in store.query(
            "SELECT sender FROM p_letters_letters GROUP BY sender ORDER BY sender LIMIT 5")]
        rows = []
        for name in names:
            rows.append({
                "person": name,
                "letters_ms": mean_ms(lambda n=name: page_letters(store, LetterFilter(person=n),
                                                                  50), args.repeat),
                "person_ms": mean_ms(lambda n=name: person(store, n), max(1, args.repeat // 4)),
            })
            print(f"{name}: /letters?person= {rows[-1]['letters_ms']:.1f} ms, "
                  f"/people/{{id}} {rows[-1]['person_ms']:.1f} ms")
        store.close()
    summary = {"letters": args.letters, "rows": rows,
               "letters_ms_median": statistics.median(r["letters_ms"] for r in rows),
               "person_ms_median": statistics.median(r["person_ms"] for r in rows)}
    out = Path(__file__).parent / "results" / "people.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    print(f"median: /letters?person= {summary['letters_ms_median']:.1f} ms, "
          f"/people/{{id}} {summary['person_ms_median']:.1f} ms -> {out}")


if __name__ == "__main__":
    main()
