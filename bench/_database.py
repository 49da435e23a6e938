"""Where a benchmark's data lives: a throw-away PostgreSQL schema, or a SQLite file."""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def bench_database(sqlite_name: str) -> Iterator[tuple[str, str]]:
    """Yield (database URL, "postgresql" or "sqlite").

    With ``AULA_BENCH_DATABASE_URL`` set, a fresh schema of that PostgreSQL database, dropped
    afterwards (whatever happens); otherwise a SQLite file in a new temporary folder.
    """
    pg = os.environ.get("AULA_BENCH_DATABASE_URL")
    if not pg:
        yield f"sqlite:///{Path(tempfile.mkdtemp(prefix='aula-bench-')) / sqlite_name}", "sqlite"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"aula_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False), "postgresql"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
