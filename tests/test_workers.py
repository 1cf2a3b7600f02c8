"""Extraction workers start warm: libraries loaded, and kept out of the workers' collections."""

import gc
import sys

from scrapers.crawl import _process_pool


def _state() -> tuple[int, bool]:
    return gc.get_freeze_count(), "trafilatura" in sys.modules


def test_a_worker_starts_with_the_libraries_loaded_and_frozen():
    pool = _process_pool(1)
    try:
        frozen, loaded = pool.submit(_state).result(timeout=120)
    finally:
        pool.shutdown()
    assert loaded
    assert frozen > 10_000


def test_workers_do_not_run_the_main_script_again(tmp_path):
    # A worker that re-ran the CLI's script would import the whole service each crawl.
    import subprocess
    from pathlib import Path

    runs = tmp_path / "runs"
    script = tmp_path / "main.py"
    script.write_text(
        "import sys\n"
        f"open({str(runs)!r}, 'a').write(__name__ + '\\n')\n"
        "from scrapers.crawl import _process_pool\n"
        "if __name__ == '__main__':\n"
        "    pool = _process_pool(2)\n"
        "    assert [pool.submit(int, '7').result() for _ in range(4)] == [7] * 4\n"
        "    pool.shutdown()\n")
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, str(script)], check=True, cwd=root, timeout=120,
                   env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert runs.read_text().split() == ["__main__"]
