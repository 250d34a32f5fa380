#!/usr/bin/env python3
"""Regenerates the binary test inputs of the email connector.

Run from any directory: python3 testdata/connect/email/make_zips.py
The zips hold the .eml files beside this script, with fixed timestamps so
the output is the same byte for byte on every run.
"""
import os
import random
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (2026, 3, 6, 12, 0, 0)


def write_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name.endswith("/"):
                info.external_attr = 0o40755 << 16
            archive.writestr(info, data)


def read(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


def main():
    # A folder, macOS metadata and two messages: the layout of "compress
    # these files" on a Mac.
    write_zip(os.path.join(HERE, "emails.zip"), [
        ("CMP-0142/", b""),
        ("CMP-0142/plain.eml", read("plain.eml")),
        ("CMP-0142/reply_id.eml", read("reply_id.eml")),
        ("__MACOSX/CMP-0142/._plain.eml", b"\x00\x05\x16\x07metadata"),
    ])
    invalid = os.path.join(HERE, "invalid")
    # A member whose message has an unreadable Date.
    write_zip(os.path.join(invalid, "bad_member.zip"), [
        ("plain.eml", read("plain.eml")),
        ("bad_date.eml", read("invalid/bad_date.eml")),
    ])
    # A member that is not an email at all.
    write_zip(os.path.join(invalid, "other_member.zip"), [
        ("plain.eml", read("plain.eml")),
        ("notes.txt", b"Call the printer on Monday.\n"),
    ])
    # Binary garbage: what a mis-picked file (an image, a database) looks like.
    rng = random.Random(142)
    garbage = b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(600))
    with open(os.path.join(invalid, "garbage.eml"), "wb") as f:
        f.write(garbage)


if __name__ == "__main__":
    main()
