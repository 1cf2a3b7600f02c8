"""Property test of the whole API against its own OpenAPI schema: whatever schemathesis
sends, the answer is never a 500 and always matches the documented shape."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings as hsettings

from events import FeedPolled
from service.api import create_app
from store import Store
from store.sqlite import SQLiteStore
from test_api_support import AUTH, load_corpus, settings


def fake_poll(store: Store, source_id: str) -> None:
    store.append(f"source-{source_id}", [FeedPolled(source_id=source_id,
                                                    url="https://x.example/feed", status=200,
                                                    entries_seen=0)])


def _app():  # noqa: ANN202
    # Built at import: schemathesis generates one test per operation from the schema.
    folder = Path(tempfile.mkdtemp(prefix="letterwatch-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    store = SQLiteStore(folder / "letterwatch.db")
    load_corpus(store)
    # With a read token every operation needs a token, as the schema's security says.
    # Its negative cases send wrong tokens by the hundred: no failure limit here.
    return create_app(settings(read_token="reader-token-0123456789", protect_docs=False,
                               auth_failures_per_minute=10**9), store,
                      poll=fake_poll)


# The live tail never ends by itself: it has a test of its own.
schema = schemathesis.openapi.from_asgi("/openapi.json", _app()).exclude(path="/events/stream")


@schema.parametrize()
@hsettings(max_examples=40, deadline=None,
           suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_input_makes_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH, excluded_checks=[
        # Unknown query parameters are ignored and "1" is a boolean, as in most HTTP APIs.
        schemathesis.checks.negative_data_rejection,
        # An opaque cursor or an as_of can be a well-formed string and still be refused (422).
        schemathesis.checks.positive_data_acceptance,
    ])
