"""Writes small PDFs for testdata/assets: vector pages, no fonts embedded."""
import sys

MM = 72 / 25.4


def pdf(path, pages, version="1.7"):
    """pages: list of dicts with media (w, h in mm), optional bleed_mm, colour."""
    objects = []  # index i holds object i+1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    pages_obj = add(None)
    kids = []
    for p in pages:
        w, h = p["media"]
        r, g, b = p["rgb"]
        content = f"{r} {g} {b} rg 0 0 {w*MM:.3f} {h*MM:.3f} re f\n".encode()
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream")
        boxes = f"/MediaBox [0 0 {w*MM:.3f} {h*MM:.3f}]"
        if "bleed_mm" in p:
            b_ = p["bleed_mm"] * MM
            boxes += f" /BleedBox [0 0 {w*MM:.3f} {h*MM:.3f}]"
            boxes += f" /TrimBox [{b_:.3f} {b_:.3f} {w*MM-b_:.3f} {h*MM-b_:.3f}]"
        page = add(f"<< /Type /Page /Parent {pages_obj} 0 R {boxes} /Contents {stream} 0 R >>".encode())
        kids.append(page)
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (
        " ".join(f"{k} 0 R" for k in kids), len(kids))).encode()

    out = bytearray(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects)+1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects)+1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    with open(path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    out = sys.argv[1]
    pdf(f"{out}/a4-2pages.pdf",
        [{"media": (210, 297), "rgb": (0.18, 0.44, 0.82)},
         {"media": (210, 297), "rgb": (0.88, 0.35, 0.17)}], version="1.7")
    pdf(f"{out}/flyer-a5-bleed.pdf",
        [{"media": (154, 216), "bleed_mm": 3, "rgb": (0.18, 0.44, 0.82)}], version="1.4")
