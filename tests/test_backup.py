"""Backup and restore (issue 30, docs/deploy.md): scripts/backup.sh dumps the database (pg_dump on
PostgreSQL, SQLite's online backup on SQLite), restores it into an empty database and runs every
verify command against the copy; the copy holds what the original held, and the verify commands
would have caught a damaged copy."""

from __future__ import annotations

import os
import subprocess
from datetime import date

from sqlalchemy import create_engine, func, select, text

from initiatives.models import Initiative
from participation.models import Comment
from participation.services import join, post_comment
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from privacy.models import ArchiveEntry
from trajectories.outcomes import report_outcome

from .servers import ROOT


def _empty_database(url: str, tmp_path) -> str:
    if url.startswith("sqlite:///"):
        return f"sqlite:///{tmp_path / 'hersteld.db'}"
    name = url.rsplit("/", 1)[1] + "_hersteld"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def _backup(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "scripts/backup.sh", *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}
    )


def test_a_backup_restores_whole_and_is_verified(app, make_user, place, tmp_path):
    owner = make_user("eigenaar@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    sanne = make_user("sanne@gemeente.nl", name="Sanne", roles=("civil_servant",))
    item = place(owner, title="Wadi in de Kanaalstraat")
    with app.app_context(), unit_of_work():
        join(db.session.get(User, henk), db.session.get(Initiative, item), "Een schep")
        post_comment(db.session.get(Initiative, item), "Ik graaf mee", db.session.get(User, henk))
    with app.app_context(), unit_of_work():
        report_outcome(db.session.get(User, sanne), db.session.get(Initiative, item), "realised",
                       "De wadi is er en vangt het regenwater op.", date.today())  # fmt: skip
    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(ArchiveEntry))
        db.session.remove()
    assert entries >= 3
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    dump = tmp_path / "schatkaart.backup"
    made = _backup("dump", source, str(dump))
    assert made.returncode == 0, made.stderr
    assert dump.stat().st_size > 0

    target = _empty_database(source, tmp_path)
    restored = _backup("restore", str(dump), target)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    out = restored.stdout
    assert "chain intact" in out
    assert "restore verified" in out

    copy = create_engine(target)
    with copy.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ArchiveEntry)).scalar() == entries
        assert conn.execute(select(Initiative.title).where(Initiative.id == item)).scalar() == "Wadi in de Kanaalstraat"
        assert conn.execute(select(Comment.body)).scalars().all() == ["Ik graaf mee"]
    with copy.begin() as conn:  # a damaged copy does not pass
        conn.execute(text("DELETE FROM archive_entry WHERE seq = 2"))
    copy.dispose()
    damaged = subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "archive", "verify"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": target, "FLASK_APP": "schatkaart", "SECRET_KEY": "x"},
    )
    assert damaged.returncode == 1, damaged.stdout
