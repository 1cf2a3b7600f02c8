"""``letterwatch watches``: keys that seal webhook URLs and secrets, and sealing them anew."""

from __future__ import annotations

from typing import Annotated

import typer

from .sealing import CannotOpen, Sealer, SealingUnavailable, new_key
from .settings import get_settings
from .terminal import console, fail, open_configured_store
from .watches import reseal

app = typer.Typer(help="Webhook watches: sealing keys and secret rotation.",
                  no_args_is_help=True)


@app.command("new-key")
def new_key_cmd() -> None:
    """Print a fresh random key for LETTERWATCH_SECRET_KEY."""
    print(new_key())


@app.command("reseal")
def reseal_cmd(rotate: Annotated[bool, typer.Option(
        help="give every watch a new secret (printed once) instead of keeping it")] = False,
) -> None:
    """Seal every watch with LETTERWATCH_SECRET_KEY: watches written before sealing, and those
    sealed with a key now in LETTERWATCH_PREVIOUS_SECRET_KEYS (which may be dropped after)."""

    sealer = Sealer.from_settings(get_settings())
    with open_configured_store() as store:
        try:
            done = reseal(store, sealer, rotate=rotate)
        except (SealingUnavailable, CannotOpen) as exc:
            fail(str(exc))
    for watch_id, secret in done.items():
        console.print(f"{watch_id}  {secret or 'resealed'}", highlight=False, soft_wrap=True)
    console.print(f"{len(done)} watches sealed with the current key", highlight=False)
