#!/usr/bin/env python3
"""Writes the WhatsApp zip exports of the tests (run it in this folder).

The iOS export is a zip holding _chat.txt and the media files it names; the
truncated one is the same zip cut in the middle.
"""
import zipfile

IOS_CHAT = (
    "[10/02/2026, 09:12:01] Ramadan Sale 2026: \u200eMessages and calls are "
    "end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
    "can read or listen to them.\n"
    "[10/02/2026, 09:12:01] Dewi Lestari: \u200eDewi Lestari created group "
    "\u201cRamadan Sale 2026\u201d\n"
    "[10/02/2026, 09:15:20] Dewi Lestari: Brief for CMP-0142 is in the drive\n"
    "[10/02/2026, 10:02:45] Rina Wijaya: \u200e<attached: "
    "00000004-PHOTO-2026-02-10-10-02-45.jpg>\n"
    "[10/02/2026, 10:03:10] Rina Wijaya: \u200eimage omitted\n"
    "[10/02/2026, 11:00:00] Budi Santoso: approved, go ahead\n"
    "[10/02/2026, 11:05:00] Budi Santoso: \u200eThis message was deleted.\n"
)


def write(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, (2026, 2, 10, 12, 0, 0)), data)


def main():
    photo = bytes(range(256)) * 4
    write("WhatsApp Chat - Ramadan Sale 2026.zip",
          [("_chat.txt", IOS_CHAT.encode()),
           ("00000004-PHOTO-2026-02-10-10-02-45.jpg", photo)])
    with open("WhatsApp Chat - Ramadan Sale 2026.zip", "rb") as f:
        whole = f.read()
    with open("invalid/truncated.zip", "wb") as f:
        f.write(whole[: len(whole) // 2])
    write("invalid/no-chat.zip", [("photo.jpg", photo)])


main()
