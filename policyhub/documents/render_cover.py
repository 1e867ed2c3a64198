"""Draw a PDF's first page as a PNG on stdout: run by ``covers.render_first_page`` as its own
process, so a hostile page that would spin or swell PDFium is stopped by the time limit and the
memory cap here, not by the web worker's own limits.

    python render_cover.py FILE MAX_WIDTH MAX_HEIGHT MAX_SCALE MEMORY_BYTES CPU_SECONDS

Imports no Django: it starts in a fraction of a second. Exits 1 when the page cannot be drawn.
"""

import math
import resource
import sys
from io import BytesIO


def main(path, max_width, max_height, max_scale, memory, seconds):
    # Address space, and CPU seconds as a backstop for the parent's wall-clock timeout.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    page = pdf[0]
    width, height = page.get_size()
    if width <= 0 or height <= 0:
        return 1
    scale = min(max_width / width, max_height / height, max_scale)
    image = page.render(scale=scale).to_pil().convert("RGB")
    # Never more pixels than asked for, whatever the page claims about itself.
    if image.width > max_width or image.height > max_height:
        return 1
    buffer = BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    sys.stdout.buffer.write(buffer.getvalue())
    return 0


if __name__ == "__main__":
    path, width, height, scale, memory, seconds = sys.argv[1:]
    sys.exit(main(path, int(width), int(height), float(scale), int(memory), float(seconds)))
