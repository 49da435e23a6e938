r"""Certificate PDF rendering: one warm render, a bulk run on two cores, memory per render.

Usage (from the project root):
    .venv/bin/python bench/certificates.py                  # 200 warm renders, bulk of 500
    .venv/bin/python bench/certificates.py --bulk 500 --workers 2 --renders 200

Each figure is measured twice in the same run: the way the app renders (one FontConfiguration
and the stylesheet loaded once per process) and a bare WeasyPrint render of the same HTML
(stylesheet and fonts loaded for every document), and reported with their ratio. Targets
(issue 8): warm median ≤ 30 ms; bulk ≥ 30 certificates per second on 2 cores.
"""

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_state: dict = {}


def _setup() -> None:
    """Build an app and one certificate's HTML and credential (once per process)."""
    from app import create_app
    from certificates import codes, signing
    from certificates.credentials import Facts, Urls, sign_credential
    from certificates.rendering import build_context, render_html

    folder = Path(tempfile.mkdtemp(prefix="aula-bench-cert-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "TESTING": True})
    context = app.test_request_context()
    context.push()
    now = datetime.now(UTC)
    facts = Facts(
        serial=codes.serial_for(now.year, 42),
        code=codes.new_code(),
        holder_name="María José Ramírez Cárcamo",
        course_slug="dh-derechos-humanos",
        course_code="DH-101",
        course_title="Normas internacionales de derechos humanos para la protección consular",
        version_label="2026.1",
        hours=4.5,
        issued_at=now,
        expires_at=now + timedelta(days=730),
    )
    url = "https://aula.ejemplo.hn/certificados/verificar/" + facts.code
    key = signing.load_or_create_key(folder / "issuer.pem")
    urls = Urls(url, "https://aula.ejemplo.hn/certificados/emisor.json", "https://x/c")
    _state["html"] = render_html(build_context(facts, "es", "America/Tegucigalpa", url, url))
    _state["credential"] = sign_credential(facts, urls, key, now)


def _ours() -> bytes:
    from certificates.rendering import render_pdf

    return render_pdf(_state["html"], _state["credential"])


def _bare() -> bytes:
    """What a naive caller does: a new stylesheet and font configuration for every PDF."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from app.pdf import RestrictedFetcher
    from certificates.rendering import ASSETS

    fetcher = RestrictedFetcher(ASSETS)
    fonts = FontConfiguration()
    css = CSS(filename=str(ASSETS / "certificate.css"), font_config=fonts, url_fetcher=fetcher)
    html = HTML(
        string=_state["html"], base_url=ASSETS.resolve().as_uri() + "/", url_fetcher=fetcher
    )
    return html.write_pdf(stylesheets=[css], font_config=fonts)


def _timed(render, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return times


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory_per_render(kind: str, count: int, queue) -> None:
    _setup()
    render = _ours if kind == "ours" else _bare
    _timed(render, 20)  # warm up
    before = _rss_mb()
    _timed(render, count)
    queue.put((_rss_mb() - before) / count)


def _worker(args) -> int:
    kind, count = args
    if "html" not in _state:
        _setup()
    render = _ours if kind == "ours" else _bare
    for _ in range(count):
        render()
    return count


def _bulk(kind: str, total: int, workers: int) -> float:
    share = [total // workers + (1 if i < total % workers else 0) for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers, initializer=_setup) as pool:
        pool.map(_worker, [(kind, 2)] * workers)  # warm each process
        start = time.perf_counter()
        done = sum(pool.map(_worker, [(kind, n) for n in share]))
        return done / (time.perf_counter() - start)


def main() -> None:
    """Measure and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200, help="warm renders to time")
    parser.add_argument("--bulk", type=int, default=500, help="certificates in the bulk run")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("AULA_ENVIRONMENT", "testing")

    _setup()
    _timed(_ours, 10)
    _timed(_bare, 10)
    ours = statistics.median(_timed(_ours, args.renders)) * 1000
    bare = statistics.median(_timed(_bare, args.renders)) * 1000
    bulk_ours = _bulk("ours", args.bulk, args.workers)
    bulk_bare = _bulk("bare", args.bulk, args.workers)
    memory = {}
    for kind in ("ours", "bare"):
        queue = multiprocessing.get_context("fork").Queue()
        process = multiprocessing.get_context("fork").Process(
            target=_memory_per_render, args=(kind, 300, queue)
        )
        process.start()
        memory[kind] = queue.get()
        process.join()
    result = {
        "warm_median_ms": round(ours, 1),
        "bare_warm_median_ms": round(bare, 1),
        "warm_ratio_to_bare": round(ours / bare, 2),
        "bulk_per_second": round(bulk_ours, 1),
        "bare_bulk_per_second": round(bulk_bare, 1),
        "bulk_ratio_to_bare": round(bulk_ours / bulk_bare, 2),
        "bulk": args.bulk,
        "workers": args.workers,
        "rss_growth_mb_per_render": round(memory["ours"], 3),
        "bare_rss_growth_mb_per_render": round(memory["bare"], 3),
    }
    print(
        f"Warm render, median of {args.renders}: {result['warm_median_ms']} ms "
        f"(bare WeasyPrint {result['bare_warm_median_ms']} ms, ratio "
        f"{result['warm_ratio_to_bare']}; target ≤ 30 ms)"
    )
    print(
        f"Bulk {args.bulk} on {args.workers} processes: {result['bulk_per_second']}/s "
        f"(bare {result['bare_bulk_per_second']}/s, ratio {result['bulk_ratio_to_bare']}; "
        "target ≥ 30/s)"
    )
    print(
        f"Peak memory growth per render over 300: {result['rss_growth_mb_per_render']} MB "
        f"(bare {result['bare_rss_growth_mb_per_render']} MB)"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "certificates.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
