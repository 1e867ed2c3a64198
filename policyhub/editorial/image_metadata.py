"""Metadata removed from an image file without decoding it: only the container is rewritten.

An uploaded photo can say where it was taken (EXIF GPS), with which camera (serial numbers) and
by whom (EXIF Artist, XMP, IPTC, comments). The original is stored and served by URL, so it is
stored without any of that. Each parser below walks the file's structure once, from the start,
copying what is kept byte for byte; nothing is decompressed or decoded, so the cost is linear in
the file size and the pixels cannot change. A structure the parser does not understand (a
length running past the end, a missing end marker, an unknown critical PNG chunk) raises
``MalformedImage``: the caller refuses the file rather than store it with its metadata.

What is kept is listed (a whitelist), not what is dropped: an unknown segment may be metadata
(C2PA/JUMBF manifests in JPEG APP11, Photoshop "Ducky" in APP12, private PNG chunks), and
nothing outside these lists changes how an image decodes.

Orientation is the one piece of EXIF that changes how a photo looks. It is kept as a minimal
EXIF block written here (orientation only, 26 bytes), in place of the original block, rather
than applied by rotating the pixels: rotating needs a JPEG re-encode (a quality loss, and a
different file every time), while browsers and Pillow (``exif_transpose`` for the renditions)
honour the orientation tag. Like Pillow, an orientation found only in XMP (``tiff:Orientation``)
is carried over into that EXIF block too, so renditions made from the stripped file are turned
exactly as before. Stripping a stripped file returns the same bytes (the commands rely on it).
"""

import re
import struct
import zlib

JPEG_SIGNATURE = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GIF_SIGNATURES = (b"GIF87a", b"GIF89a")

ORIENTATION_TAG = 0x0112
EXIF_PREFIX = b"Exif\x00\x00"
XMP_JPEG_PREFIX = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_ORIENTATION = re.compile(rb"tiff:Orientation(?:=\"|>)([1-8])")


class MalformedImage(ValueError):
    """The file's structure cannot be followed; it must not be stored."""


def sniff(data):
    """The format from the file's first bytes (never from its name), or None."""
    if data.startswith(JPEG_SIGNATURE):
        return "JPEG"
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:6] in GIF_SIGNATURES:
        return "GIF"
    return None


def strip_metadata(data):
    """``data`` (the bytes of a JPEG, PNG, WebP or GIF file) without its metadata."""
    kind = sniff(data)
    if kind is None:
        raise MalformedImage("not a JPEG, PNG, WebP or GIF file")
    return STRIPPERS[kind](data)


# EXIF orientation ---------------------------------------------------------------------------


def exif_orientation(exif):
    """The orientation tag (1-8) from a TIFF-structured EXIF block, None without one.

    Only IFD0 is read, and only the entries that fit inside the block: a damaged block yields
    None (it is being dropped anyway, so it is no reason to refuse the file)."""
    if exif.startswith(EXIF_PREFIX):
        exif = exif[len(EXIF_PREFIX) :]
    order = {b"II": "<", b"MM": ">"}.get(exif[:2])
    if order is None or len(exif) < 8:
        return None
    magic, offset = struct.unpack(order + "HI", exif[2:8])
    if magic != 42 or offset + 2 > len(exif):
        return None
    (count,) = struct.unpack(order + "H", exif[offset : offset + 2])
    for index in range(min(count, (len(exif) - offset - 2) // 12)):
        start = offset + 2 + 12 * index
        tag, kind, number = struct.unpack(order + "HHI", exif[start : start + 8])
        if tag == ORIENTATION_TAG and kind == 3 and number == 1:  # one SHORT
            (value,) = struct.unpack(order + "H", exif[start + 8 : start + 10])
            return value if 1 <= value <= 8 else None
    return None


def xmp_orientation(xmp):
    """``tiff:Orientation`` from an XMP packet, as Pillow's ``getexif()`` reads it."""
    match = XMP_ORIENTATION.search(xmp)
    return int(match.group(1)) if match else None


def orientation_exif(orientation):
    """A little-endian TIFF block holding IFD0 with the orientation tag and nothing else."""
    entry = struct.pack("<HHIHH", ORIENTATION_TAG, 3, 1, orientation, 0)
    return b"II*\x00" + struct.pack("<IH", 8, 1) + entry + struct.pack("<I", 0)


class Orientation:
    """Collects the orientation while a file is walked: EXIF wins over XMP, the first of each
    counts (as in Pillow)."""

    def __init__(self):
        self.exif = self.xmp = None
        self.seen_exif = False

    def from_exif(self, block):
        if not self.seen_exif:
            self.seen_exif = True
            self.exif = exif_orientation(block)

    def from_xmp(self, packet):
        if self.xmp is None:
            self.xmp = xmp_orientation(packet)

    @property
    def value(self):
        value = self.exif if self.exif is not None else self.xmp
        return value if value not in (None, 1) else None


def _assemble(parts, orientation, make_block):
    """Join the kept parts; the first dropped EXIF/XMP block's place (a None in ``parts``) gets
    the orientation-only block when the image is not upright, the others are left out."""
    value = orientation.value
    out = []
    placed = False
    for part in parts:
        if part is None:
            if value is not None and not placed:
                out.append(make_block(orientation_exif(value)))
                placed = True
            continue
        out.append(part)
    return b"".join(out), placed


# JPEG ---------------------------------------------------------------------------------------

# Markers without a length: RST0-7 (only meaningful inside scan data) and TEM.
JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
APP0, APP1, APP2, APP14, SOS, EOI, COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xDA, 0xD9, 0xFE


def _keep_jpeg_app(marker, body):
    # ICC profile chunks, and Adobe's colour-transform flag (which decides how CMYK/YCCK data
    # decodes). APP2 also carries MPF (it indexes extra images appended after EOI, which are
    # dropped) and FlashPix.
    return (marker == APP2 and body.startswith(b"ICC_PROFILE\x00")) or (
        marker == APP14 and body.startswith(b"Adobe")
    )


JFIF_HEADER = 14  # identifier, version, units, densities, thumbnail width and height


def _jfif_without_thumbnail(segment, body):
    """JFIF's header without its optional thumbnail: a thumbnail can still show what was
    cropped out of the photo. (JFXX segments, which only hold thumbnails, are dropped.)"""
    if len(body) == JFIF_HEADER:
        return segment
    return _jpeg_segment(APP0, body[: JFIF_HEADER - 2] + b"\x00\x00")


def _jpeg_segment(marker, body):
    return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body


def strip_jpeg(data):
    """Drop APPn segments other than JFIF (without thumbnail), ICC and Adobe (EXIF and XMP in
    APP1, IPTC in APP13, ...), COM segments and anything after EOI; every other byte is copied
    as it is."""
    if not data.startswith(JPEG_SIGNATURE):
        raise MalformedImage("no JPEG start marker")
    size = len(data)
    parts = [data[:2]]
    orientation = Orientation()
    position = 2
    while True:
        if position >= size or data[position] != 0xFF:
            raise MalformedImage("expected a JPEG marker")
        start = position
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            raise MalformedImage("file ends inside a marker")
        marker = data[position]
        position += 1
        if marker == EOI:
            parts.append(data[start:position])
            break  # anything after EOI (MPF images, vendor trailers) is dropped
        if marker in JPEG_STANDALONE:
            parts.append(data[start:position])
            continue
        if marker in (0x00, 0xD8):
            raise MalformedImage(f"unexpected JPEG marker 0x{marker:02X}")
        if position + 2 > size:
            raise MalformedImage("file ends inside a JPEG segment")
        (length,) = struct.unpack(">H", data[position : position + 2])
        end = position + length
        if length < 2 or end > size:
            raise MalformedImage(f"JPEG segment 0x{marker:02X} runs past the end of the file")
        body = data[position + 2 : end]
        position = end
        if 0xE0 <= marker <= 0xEF or marker == COM:
            if marker == APP1 and body.startswith(EXIF_PREFIX):
                orientation.from_exif(body)
                parts.append(None)
            elif marker == APP1 and body.startswith(XMP_JPEG_PREFIX):
                orientation.from_xmp(body)
                parts.append(None)
            elif marker == APP0 and body.startswith(b"JFIF\x00") and len(body) >= JFIF_HEADER:
                parts.append(_jfif_without_thumbnail(data[start:end], body))
            elif marker != COM and _keep_jpeg_app(marker, body):
                parts.append(data[start:end])
            continue
        parts.append(data[start:end])
        if marker == SOS:
            position = _end_of_scan(data, position)
            parts.append(data[end:position])
    stripped, _ = _assemble(
        parts, orientation, lambda block: _jpeg_segment(APP1, EXIF_PREFIX + block)
    )
    return stripped


# In entropy-coded data a 0xFF byte is followed by 0x00 (a stuffed 0xFF), a restart marker
# (0xD0-0xD7) or another 0xFF (fill); anything else starts the next marker.
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _end_of_scan(data, position):
    """Where the entropy-coded data after SOS ends (searched in C: a scan is most of the file)."""
    found = NEXT_MARKER.search(data, position)
    if found is None:
        raise MalformedImage("JPEG scan data runs to the end of the file (no EOI)")
    return found.start()


# PNG ----------------------------------------------------------------------------------------

# Ancillary chunks that describe how to show the pixels (colour, transparency, density) or
# animate them (APNG). Text (tEXt/zTXt/iTXt, which also carry XMP), eXIf, tIME and private
# chunks are left out.
PNG_KEPT = {
    b"tRNS",
    b"cHRM",
    b"gAMA",
    b"iCCP",
    b"sBIT",
    b"sRGB",
    b"cICP",
    b"mDCV",
    b"cLLI",
    b"bKGD",
    b"hIST",
    b"pHYs",
    b"sPLT",
    b"acTL",
    b"fcTL",
    b"fdAT",
}
PNG_CRITICAL = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"


def _png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_xmp(body):
    """The XMP packet of an uncompressed iTXt chunk, else None (a compressed one is not
    inflated here: this module never decompresses anything)."""
    keyword, _, rest = body.partition(b"\x00")
    if keyword != PNG_XMP_KEYWORD or rest[:1] != b"\x00":
        return None
    # compression flag and method (2 bytes), language tag\0, translated keyword\0, text
    fields = rest[2:].split(b"\x00", 2)
    return fields[2] if len(fields) == 3 else None


def strip_png(data):
    """Keep the critical chunks and the display chunks in ``PNG_KEPT``; nothing after IEND."""
    if not data.startswith(PNG_SIGNATURE):
        raise MalformedImage("no PNG signature")
    size = len(data)
    parts = [PNG_SIGNATURE]
    orientation = Orientation()
    position = len(PNG_SIGNATURE)
    first = True
    while True:
        if position + 8 > size:
            raise MalformedImage("PNG file ends before IEND")
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if length > 0x7FFFFFFF or end > size:
            raise MalformedImage(f"PNG chunk {kind!r} runs past the end of the file")
        if first and kind != b"IHDR":
            raise MalformedImage("PNG file does not start with IHDR")
        first = False
        body = data[position + 8 : end - 4]
        chunk = data[position:end]
        position = end
        if kind[:1].isupper():  # critical: needed to decode, or the file cannot be trusted
            if kind not in PNG_CRITICAL:
                raise MalformedImage(f"unknown critical PNG chunk {kind!r}")
            parts.append(chunk)
            if kind == b"IEND":
                break
        elif kind == b"eXIf":
            orientation.from_exif(body)
            parts.append(None)
        elif kind == b"iTXt" and (xmp := _png_xmp(body)) is not None:
            orientation.from_xmp(xmp)
            parts.append(None)
        elif kind in PNG_KEPT:
            parts.append(chunk)
    stripped, _ = _assemble(parts, orientation, lambda block: _png_chunk(b"eXIf", block))
    return stripped


# WebP ---------------------------------------------------------------------------------------

WEBP_KEPT = {b"VP8X", b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"}
VP8X_EXIF, VP8X_XMP = 0x08, 0x04


def _riff_chunk(kind, body):
    return kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)


def strip_webp(data):
    """Drop the EXIF and XMP chunks (and unknown ones), clear their flags in VP8X and set the
    RIFF size to what is left; a simple (VP8/VP8L-only) file keeps only its image chunk."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise MalformedImage("no RIFF/WEBP header")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end_of_riff = 8 + riff_size
    if riff_size < 4 or end_of_riff > len(data):
        raise MalformedImage("RIFF size runs past the end of the file")
    chunks = []
    position = 12
    while position < end_of_riff:
        if position + 8 > end_of_riff:
            raise MalformedImage("WebP chunk header runs past the end of the RIFF data")
        kind = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        end = position + 8 + length
        padded = end + (length & 1)
        if padded > end_of_riff:
            raise MalformedImage(f"WebP chunk {kind!r} runs past the end of the RIFF data")
        chunks.append((kind, data[position + 8 : end], data[position:padded]))
        position = padded
    if not chunks or chunks[0][0] not in (b"VP8X", b"VP8 ", b"VP8L"):
        raise MalformedImage("WebP file does not start with an image or VP8X chunk")
    if chunks[0][0] != b"VP8X":
        # Simple format: one image chunk is the whole image; anything after it is not WebP.
        parts = [chunks[0][2]]
        orientation = Orientation()
    else:
        if len(chunks[0][1]) < 10:
            raise MalformedImage("VP8X chunk too short")
        orientation = Orientation()
        parts = []
        for kind, body, chunk in chunks:
            if kind == b"EXIF":
                orientation.from_exif(body)
                parts.append(None)
            elif kind == b"XMP ":
                orientation.from_xmp(body)
                parts.append(None)
            elif kind in WEBP_KEPT:
                parts.append(chunk)
    body, has_exif = _assemble(parts, orientation, lambda block: _riff_chunk(b"EXIF", block))
    if chunks[0][0] == b"VP8X":
        vp8x = chunks[0][2]
        flags = vp8x[8] & ~(VP8X_EXIF | VP8X_XMP) | (VP8X_EXIF if has_exif else 0)
        body = vp8x[:8] + bytes((flags,)) + body[9:]
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


# GIF ----------------------------------------------------------------------------------------

GIF_TRAILER, GIF_EXTENSION, GIF_IMAGE = 0x3B, 0x21, 0x2C
GIF_GRAPHIC_CONTROL, GIF_PLAIN_TEXT, GIF_APPLICATION = 0xF9, 0x01, 0xFF
# Looping (animation) and an ICC profile; XMP ("XMP DataXMP") and others are left out.
GIF_APPLICATIONS_KEPT = {b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"}


def _skip_sub_blocks(data, position):
    size = len(data)
    while True:
        if position >= size:
            raise MalformedImage("GIF data sub-blocks run past the end of the file")
        length = data[position]
        position += 1 + length
        if length == 0:
            return position


def _colour_table_size(flags):
    return 3 * (1 << ((flags & 0x07) + 1)) if flags & 0x80 else 0


def strip_gif(data):
    """Drop comment extensions and application extensions other than looping and ICC; frames,
    timing and transparency are copied as they are (an animated GIF stays animated)."""
    if data[:6] not in GIF_SIGNATURES or len(data) < 13:
        raise MalformedImage("no GIF header")
    size = len(data)
    position = 13 + _colour_table_size(data[10])
    parts = [data[:position]]
    while True:
        if position >= size:
            raise MalformedImage("GIF file ends without its trailer")
        start = position
        introducer = data[position]
        if introducer == GIF_TRAILER:
            parts.append(data[position : position + 1])
            break  # anything after the trailer is dropped
        if introducer == GIF_EXTENSION:
            if position + 2 > size:
                raise MalformedImage("GIF extension runs past the end of the file")
            label = data[position + 1]
            position = _skip_sub_blocks(data, position + 2)
            application = data[start + 3 : start + 14] if data[start + 2] == 11 else None
            if label in (GIF_GRAPHIC_CONTROL, GIF_PLAIN_TEXT) or (
                label == GIF_APPLICATION and application in GIF_APPLICATIONS_KEPT
            ):
                parts.append(data[start:position])
        elif introducer == GIF_IMAGE:
            if position + 11 > size:
                raise MalformedImage("GIF image descriptor runs past the end of the file")
            # descriptor (10 bytes), local colour table, LZW code size (1 byte), data blocks
            position += 10 + _colour_table_size(data[position + 9]) + 1
            position = _skip_sub_blocks(data, position)
            parts.append(data[start:position])
        else:
            raise MalformedImage(f"unexpected GIF block 0x{introducer:02X}")
    return b"".join(parts)


STRIPPERS = {"JPEG": strip_jpeg, "PNG": strip_png, "WEBP": strip_webp, "GIF": strip_gif}
