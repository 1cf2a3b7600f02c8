"""The gazetteer's data files and how they are merged into one table."""
from __future__ import annotations

from importlib import resources

__all__ = ["data_files", "merge_data"]


def merge_data(parts: list[dict]) -> dict:
    """One gazetteer table from several files: countries merged by code, people by name.

    A later file adds names, adjectives, seats, titles and whole office lists to a country
    an earlier file has; an office list already present is kept (one source per office).
    """
    out: dict = {"meta": {}, "country": [], "person": [], "pronouns": {"female": []}}
    countries: dict[str, dict] = {}
    people: dict[str, dict] = {}
    for part in parts:
        out["meta"] = out["meta"] or part.get("meta", {})
        out["pronouns"]["female"] += part.get("pronouns", {}).get("female", [])
        for c in part.get("country", []):
            have = countries.get(c["code"])
            if have is None:
                countries[c["code"]] = dict(c)
                out["country"].append(countries[c["code"]])
                continue
            for key, value in c.items():
                if key in ("names", "adjectives", "seats", "honorifics"):
                    have[key] = list(dict.fromkeys(list(have.get(key, [])) + list(value)))
                elif key == "titles":
                    have["titles"] = {**value, **have.get("titles", {})}
                elif key not in have:
                    have[key] = value
        for p in part.get("person", []):
            have = people.get(p["name"])
            if have is None:
                people[p["name"]] = dict(p)
                out["person"].append(people[p["name"]])
                continue
            have["variants"] = list(dict.fromkeys(list(have.get("variants", [])) + list(p.get("variants", []))))
            if "short" in p:
                have["short"] = list(dict.fromkeys(list(have.get("short") or []) + list(p["short"])))
            if p.get("female"):
                have["female"] = True
    return out


def data_files() -> list[str]:
    """The packaged gazetteer files: the core table, then one file per region or topic."""
    base = resources.files("scrapers.letters").joinpath("data")
    extra = sorted(f.name for f in base.joinpath("leaders").iterdir() if f.name.endswith(".toml"))
    return ["gazetteer.toml"] + [f"leaders/{name}" for name in extra]
