"""Pictures for tests: good ones (with EXIF and GPS to be removed) and a corpus of hostile files.

Every hostile file is built here from bytes, so the corpus is reviewable and needs no binaries
in the repository. Each entry: (name, the file name a browser would send, the bytes).
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def sample_png(width: int = 64, height: int = 48, alpha: bool = False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (40, 120, 60, 128) if alpha else (40, 120, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sample_jpeg(width: int = 120, height: int = 90, gps: bool = True, orientation: int | None = None) -> bytes:
    """A photo as a phone makes it: camera make and model, GPS position, maybe rotated."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    exif = image.getexif()
    exif[0x010F] = "Telefoonmerk"
    exif[0x0110] = "Model X"
    if orientation:
        exif[0x0112] = orientation
    if gps:
        ifd = exif.get_ifd(0x8825)
        ifd[1] = "N"
        ifd[2] = (52.0, 5.0, 30.0)
        ifd[3] = "E"
        ifd[4] = (5.0, 7.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"gemaakt in de Kanaalstraat")
    return out.getvalue()


def sample_webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), (10, 10, 200)).save(out, "WEBP")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels with a tiny compressed body (a bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * min(width, 4096)
    idat = zlib.compress(row * 8, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def png_with_text(key: bytes, text: bytes) -> bytes:
    good = sample_png()
    end = good.rfind(b"IEND") - 4
    return good[:end] + _chunk(b"tEXt", key + b"\x00" + text) + good[end:]


def jpeg_with_comment(comment: bytes) -> bytes:
    good = sample_jpeg(gps=False)
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return good[:2] + segment + good[2:]


def jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(sample_jpeg(gps=False))
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(marker)
        if at >= 0:
            data[at + 5 : at + 9] = struct.pack(">HH", height, width)
            break
    return bytes(data)


def _zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return out.getvalue()


def _corrupt_crc(data: bytes) -> bytes:
    at = data.find(b"IDAT") + 4
    broken = bytearray(data)
    broken[at + 2] ^= 0xFF
    return bytes(broken)


SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.domain)</script></svg>'


def hostile_files() -> list[tuple[str, str, bytes]]:
    good_png, good_jpeg = sample_png(), sample_jpeg(gps=False)
    return [
        ("svg with script", "kaart.svg", SVG_SCRIPT),
        ("svg named jpg", "foto.jpg", SVG_SCRIPT),
        ("svg with xml prolog", "foto.png", b'<?xml version="1.0"?>\n' + SVG_SCRIPT),
        ("plain svg", "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'),
        ("html named jpg", "foto.jpg", b"<html><body><script>alert(1)</script></body></html>"),
        ("html with bom", "foto.jpg", b"\xef\xbb\xbf<!DOCTYPE html><script>alert(1)</script>"),
        ("php in jpeg comment", "foto.jpg", jpeg_with_comment(b"<?php system($_GET['c']); ?>")),
        ("script in jpeg comment", "foto.jpg", jpeg_with_comment(b"<script>alert(1)</script>")),
        ("javascript url in jpeg comment", "foto.jpg", jpeg_with_comment(b"javascript:alert(1)")),
        ("script in png text chunk", "foto.png", png_with_text(b"Comment", b"<script>alert(1)</script>")),
        ("iframe in png text chunk", "foto.png", png_with_text(b"Comment", b"<iframe src=//x.example>")),
        ("html after png end", "foto.png", good_png + b"<html><script>alert(1)</script></html>"),
        ("zip after jpeg end (gifar)", "foto.jpg", good_jpeg + _zip()),
        ("zip after png end", "foto.png", good_png + _zip()),
        (
            "gif",
            "foto.gif",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        ),  # fmt: skip
        ("gif javascript polyglot", "foto.jpg", b"GIF89a/*\x00\x00*/=alert(1);//"),
        ("bmp", "foto.bmp", b"BM" + b"\x00" * 60),
        ("tiff", "foto.jpg", b"II*\x00" + b"\x00" * 60),
        ("pdf", "foto.jpg", b"%PDF-1.4\n1 0 obj << /JS (app.alert(1)) >> endobj\n%%EOF"),
        ("zip", "foto.jpg", _zip()),
        ("windows program", "foto.jpg", b"MZ\x90\x00" + b"\x00" * 200),
        ("elf program", "foto.png", b"\x7fELF" + b"\x00" * 200),
        ("empty file", "foto.jpg", b""),
        ("null bytes", "foto.jpg", b"\x00" * 4096),
        ("text file", "foto.jpg", b"Dit is geen foto maar een tekst."),
        ("random bytes", "foto.jpg", bytes((i * 37 + 11) % 256 for i in range(5000))),
        ("truncated jpeg", "foto.jpg", good_jpeg[: len(good_jpeg) // 2]),
        ("truncated png", "foto.png", good_png[: len(good_png) // 2]),
        ("png signature, jpeg body", "foto.png", b"\x89PNG\r\n\x1a\n" + good_jpeg[2:]),
        ("jpeg signature, garbage", "foto.jpg", b"\xff\xd8\xff\xe0" + b"\x13\x37" * 500),
        ("png with broken checksum", "foto.png", _corrupt_crc(good_png)),
        ("decompression bomb 100000 x 100000", "bom.png", png_header_only(100_000, 100_000)),
        ("over the pixel limit 9000 x 9000", "groot.png", png_header_only(9_000, 9_000)),
        ("too wide 20000 x 10", "breed.png", png_header_only(20_000, 10)),
        ("zero size 0 x 0", "leeg.png", png_header_only(0, 0)),
        ("jpeg claiming 65000 x 65000", "groot.jpg", jpeg_claiming(65_000, 65_000)),
        ("path traversal name with html", "../../../static/js/treasure-map.js", b"<script>alert(1)</script>"),
        ("php file", "shell.php.jpg", b"<?php echo 'x'; ?>"),
        ("too many bytes", "groot.jpg", good_jpeg + b"\x00" * (9 * 1024 * 1024)),
    ]
