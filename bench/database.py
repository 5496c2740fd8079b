"""The PostgreSQL database a benchmark creates for itself and drops at the end, named by the
DATABASE_URL it is given (bench/welcome.py, bench/clock_recovery.py)."""

from __future__ import annotations

from urllib.parse import urlsplit


def admin_dsn(url: str) -> tuple[str, str]:
    """A connection string to the server's `postgres` database, and the database's name."""
    parts = urlsplit(url)
    host, port, user = parts.hostname or "127.0.0.1", parts.port or 5432, parts.username
    return f"host={host} port={port} user={user or 'postgres'} dbname=postgres", parts.path[1:]


def recreate(url: str) -> None:
    """Drop the database if it exists, then create it empty."""
    drop(url)
    import psycopg

    dsn, name = admin_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(url: str) -> None:
    import psycopg

    dsn, name = admin_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
