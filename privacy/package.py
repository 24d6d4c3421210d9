"""The public record as an e-depot package, made by a job and downloaded in Beheer.

``flask archive export DIR`` writes a package to a folder on the server; an administrator
without a shell asks for one in Beheer (``request_package``), the job ``archive.package``
(``make``) writes it to a temporary folder with :func:`privacy.archive.export`, zips it and
keeps the zip in the database (so any app server can hand it out), with its SHA-256, the number
of entries and the chain's head as it was. The zip unpacks to the folder ``flask archive verify
--package`` checks.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select

from platform_core import jobs, settings
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import require
from platform_core.spatial import begin_write

from . import archive
from .models import ArchivePackage

KEPT = 3  # packages kept; older ones go when a new one is ready
PATIENCE = timedelta(minutes=30)  # a package not made after this long may be asked for again


def packages() -> list[ArchivePackage]:
    return list(db.session.scalars(select(ArchivePackage).order_by(ArchivePackage.id.desc()).limit(KEPT + 1)))


def request_package(actor: User) -> bool:
    """Ask for a package; False when one is being made already."""
    require(actor, "administer")
    begin_write(db.session)
    waiting = db.session.scalar(
        select(ArchivePackage.id)
        .where(ArchivePackage.ready_at.is_(None), ArchivePackage.requested_at > utcnow() - PATIENCE)
        .with_for_update()
    )
    if waiting is not None:
        return False
    package = ArchivePackage(requested_by_id=actor.id, requested_at=utcnow())
    db.session.add(package)
    db.session.flush()
    jobs.later("archive.package", package_id=package.id)
    return True


def make(package_id: int) -> bool:
    """The job: write the package, zip it, keep it; a package already made is left alone."""
    package = db.session.get(ArchivePackage, package_id)
    if package is None or package.ready_at is not None:
        return False
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="schatkaart-archief-") as folder:
        manifest = archive.export(Path(folder), settings.get("privacy_controller"))
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name in ("manifest.json", "README.txt", "entries.jsonl"):
                bundle.write(Path(folder) / name, arcname=name)
    data = buffer.getvalue()
    begin_write(db.session)
    package = db.session.get(ArchivePackage, package_id, with_for_update=True)
    if package is None or package.ready_at is not None:  # made by another run meanwhile, or erased
        return False
    package.data, package.size_bytes = data, len(data)
    package.sha256 = hashlib.sha256(data).hexdigest()
    package.entries, package.head_seq, package.head_hash = (
        manifest["entries"],
        manifest["head"]["seq"],
        manifest["head"]["hash"],
    )
    package.ready_at = utcnow()
    db.session.flush()
    older = select(ArchivePackage.id).where(ArchivePackage.ready_at.is_not(None)).order_by(ArchivePackage.id.desc())
    keep = list(db.session.scalars(older.limit(KEPT)))
    db.session.execute(
        delete(ArchivePackage).where(ArchivePackage.ready_at.is_not(None), ArchivePackage.id.not_in(keep))
    )
    return True
