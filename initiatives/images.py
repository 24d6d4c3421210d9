"""Pictures on initiatives: what is accepted, how it is cleaned, how it is served.

The file's type is decided by its content (signature, then Pillow), never by its name or the
browser's claim. Everything a hostile file tries is refused with a plain Dutch message, next to
the field, before anything is stored: the upload request decodes the file to decide (``check``).
Accepted files are then encoded again by the job ``images.derive`` (``derive``), which drops EXIF
(and GPS), comments, colour profiles and anything appended, and makes the page's picture and its
thumbnail under names the server chose; until then the upload is kept under a name that is never
served and the picture is not shown.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from platform_core import jobs
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import require
from platform_core.spatial import begin_write, lock_row
from platform_core.storage import NAME, storage
from platform_core.transaction import after_commit
from platform_core.validation import ValidationFailed

from .models import Initiative, InitiativeImage

FULL_SIDE = 1600
THUMB_SIZE = (480, 360)
# Markup or code inside a picture: the file is meant to be read as something else as well.
FOREIGN = re.compile(rb"<\s*(?:script|html|svg|iframe|object|embed|body|\?php|!doctype)|javascript:", re.I)
CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Cleaned:
    full: bytes
    thumb: bytes
    ext: str
    width: int
    height: int


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"image": message})


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _end_of_image(data: bytes, kind: str) -> int:
    if kind == "PNG":
        end = data.rfind(b"IEND")
        return end + 8 if end >= 0 else len(data)
    if kind == "WEBP":
        return min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    end = data.rfind(b"\xff\xd9")
    return end + 2 if end >= 0 else len(data)


def clean_alt(alt: str | None) -> str:
    alt = CONTROL.sub("", (alt or "").strip())
    if len(alt) < 5:
        raise ValidationFailed(
            {"alt": _("Beschrijf in een paar woorden wat er op de foto te zien is (voor wie de foto niet ziet).")}
        )
    if len(alt) > 250:
        raise ValidationFailed({"alt": _("Houd de beschrijving kort: hoogstens 250 tekens.")})
    return alt


def inspect(data: bytes) -> Cleaned:
    """Decide whether ``data`` is a picture we accept and return it cleaned, or refuse it."""
    return _reencode(check(data))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def check(data: bytes) -> Image.Image:
    """Decide whether ``data`` is a picture we accept: the decoded picture, or a refusal."""
    cfg = current_app.config
    if not data:
        raise _refuse(_("Het bestand is leeg. Kies een foto."))
    if len(data) > cfg["IMAGE_MAX_BYTES"]:
        raise _refuse(_("De foto is te groot: hoogstens %(mb)s MB.", mb=cfg["IMAGE_MAX_BYTES"] // (1024 * 1024)))
    kind = sniff(data)
    head = data[:512].lstrip().lower()
    if kind is None and (head.startswith(b"<") or b"<svg" in head):
        raise _refuse(
            _("SVG- en HTML-bestanden nemen we niet aan: die kunnen code bevatten. Kies een JPG, PNG of WebP.")
        )
    if kind is None:
        raise _refuse(
            _("Dit is geen JPG-, PNG- of WebP-foto. Wij kijken naar de inhoud van het bestand, niet naar de naam.")
        )
    end = _end_of_image(data, kind)
    if FOREIGN.search(data) or b"PK\x03\x04" in data[end:] or len(data) - end > 64 * 1024:
        raise _refuse(_("Dit bestand bevat behalve een foto ook iets anders, zoals code. Kies een gewone foto."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=[kind])
            width, height = probe.size
            if (
                width * height > cfg["IMAGE_MAX_PIXELS"]
                or max(width, height) > cfg["IMAGE_MAX_SIDE"]
                or min(width, height) < 1
            ):
                raise _refuse(
                    _(
                        "De foto heeft te veel pixels (%(w)s × %(h)s). "
                        "Verklein hem tot hoogstens %(side)s pixels breed en hoog.",
                        w=width,
                        h=height,
                        side=cfg["IMAGE_MAX_SIDE"],
                    )
                )
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=[kind])
            image.load()
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("Deze foto is zo groot uitgepakt dat we hem niet aannemen. Kies een kleinere foto.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError):
        raise _refuse(_("Dit bestand is beschadigd of geen echte foto. Kies een andere.")) from None
    return image


def _reencode(image: Image.Image) -> Cleaned:
    if getattr(image, "is_animated", False):
        image.seek(0)  # the first frame only: no animations
    image = ImageOps.exif_transpose(image)
    alpha = _has_alpha(image)
    image = image.convert("RGBA" if alpha else "RGB")
    # Pixels only: a new image carries no EXIF, GPS, comment, XMP or colour profile along.
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    full = image.copy()
    full.thumbnail((FULL_SIDE, FULL_SIDE))
    thumb = image.copy()
    thumb.thumbnail(THUMB_SIZE)
    ext = "png" if alpha else "jpg"

    def encode(picture: Image.Image) -> bytes:
        out = io.BytesIO()
        if alpha:
            picture.save(out, "PNG", optimize=True)
        else:
            picture.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        return out.getvalue()

    return Cleaned(encode(full), encode(thumb), ext, full.width, full.height)


def add_image(actor: User, initiative: Initiative, data: bytes, alt: str) -> InitiativeImage:
    require(actor, "steer_initiative", initiative)
    errors: dict[str, str] = {}
    try:
        alt = clean_alt(alt)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        picture = check(data)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    count = db.session.scalar(
        select(func.count(InitiativeImage.id)).where(InitiativeImage.initiative_id == initiative.id)
    )
    limit = current_app.config["IMAGES_PER_INITIATIVE"]
    if count >= limit:
        raise _refuse(_("Een initiatief heeft hoogstens %(n)s foto's. Verwijder er eerst een.", n=limit))
    token = secrets.token_hex(16)
    ext = "png" if _has_alpha(picture) else "jpg"
    image = InitiativeImage(
        initiative_id=initiative.id,
        name=f"{token}.{ext}",
        thumb_name=f"{token}-thumb.{ext}",
        alt=alt,
        width=picture.width,
        height=picture.height,
        position=count,
        uploaded_by_id=actor.id,
    )
    storage().put(_upload_name(image), data)  # as sent, until the job has cleaned it; never served
    db.session.add(image)
    db.session.flush()
    jobs.later("images.derive", image_id=image.id)
    return image


def _upload_name(image: InitiativeImage) -> str:
    return image.name.replace(".", "-upload.", 1)


def _cover(initiative_id: int) -> str | None:
    return db.session.scalar(
        select(InitiativeImage.thumb_name)
        .where(InitiativeImage.initiative_id == initiative_id, InitiativeImage.ready_at.is_not(None))
        .order_by(InitiativeImage.position)
        .limit(1)
    )


def derive(image_id: int) -> bool:
    """The job: the picture as the page shows it and its thumbnail, cleaned, from the upload
    (checked again: the stored bytes are decoded only as what they were accepted as). A picture
    already made, or removed meanwhile, is left alone; the upload goes with the commit."""
    image = db.session.get(InitiativeImage, image_id)
    if image is None or image.ready_at is not None:
        return False
    store = storage()
    upload, full_name, thumb_name = _upload_name(image), image.name, image.thumb_name
    data = store.get(upload)
    if data is None:
        raise RuntimeError(f"the upload of picture {image_id} is missing")
    cleaned = _reencode(check(data))
    begin_write(db.session)
    lock_row(db.session, Initiative, image.initiative_id)
    image = db.session.get(InitiativeImage, image_id, populate_existing=True)
    if image is None or image.ready_at is not None:  # removed (with its upload) or made meanwhile
        return False
    store.put(full_name, cleaned.full)
    store.put(thumb_name, cleaned.thumb)
    image.ready_at = utcnow()
    image.width, image.height = cleaned.width, cleaned.height
    db.session.flush()
    db.session.get(Initiative, image.initiative_id).cover_thumb = _cover(image.initiative_id)
    _delete_files(store, (upload,))
    return True


def _delete_files(store, names) -> None:
    """Stored files go with the transaction: in it (database storage) or after its commit (a folder)."""
    if current_app.config.get("IMAGE_STORAGE") == "database":
        for name in names:
            store.delete(name)
    else:
        after_commit(lambda: [store.delete(name) for name in names])


def remove_image(actor: User, image: InitiativeImage) -> None:
    initiative = image.initiative
    require(actor, "steer_initiative", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    names = (image.name, image.thumb_name, _upload_name(image))
    db.session.delete(image)
    db.session.flush()
    rest = list(
        db.session.scalars(
            select(InitiativeImage)
            .where(InitiativeImage.initiative_id == initiative.id)
            .order_by(InitiativeImage.position)
        )
    )
    for position, item in enumerate(rest):
        item.position = position
    initiative.cover_thumb = _cover(initiative.id)
    _delete_files(storage(), names)


def find_by_name(name: str) -> InitiativeImage | None:
    if not NAME.match(name or ""):
        return None  # never a query for a name the server cannot have made (nor a NUL in SQL)
    return db.session.scalar(
        select(InitiativeImage).where((InitiativeImage.name == name) | (InitiativeImage.thumb_name == name))
    )
