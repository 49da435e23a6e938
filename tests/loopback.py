"""gunicorn on a loopback port, driven over HTTP: shared by tests and benchmarks.

`tests/test_two_instances.py`, `bench/pages.py` and `bench/load_faults.py` start the real
server the same way and talk to it like a browser without JavaScript.
"""

import re
import socket
import subprocess  # noqa: S404 - starts gunicorn, a fixed local program
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_token(page: str) -> str:
    """The CSRF token of the page's form ("" when it has none)."""
    found = CSRF.search(page)
    return found.group(1) if found else ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep 302s as answers: for a POST, the redirect is the server's acknowledgement."""

    def redirect_request(self, *args, **kwargs):  # noqa: D102
        return None


def start_gunicorn(
    app_spec: str, env: dict, *, workers: int, threads: int = 1, wait: float = 20.0, extra=()
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on a free loopback port; return it and its base URL once it answers.

    Any HTTP answer to /healthz counts (a bare app without that route answers 404).
    :raises RuntimeError: when it does not answer within ``wait`` seconds (it is killed).
    """
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *extra,
            app_spec,
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz").read()  # noqa: S310 - loopback
            return server, base
        except urllib.error.HTTPError:
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    server.wait(timeout=15)
    raise RuntimeError(f"gunicorn ({app_spec}) did not answer on {base} within {wait:.0f} s")
