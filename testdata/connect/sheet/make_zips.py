#!/usr/bin/python3
"""Writes the binary test inputs of the sheet connector beside this script.

XLSX workbooks are made with openpyxl (Debian's python3-openpyxl), then
touched up with the standard library so they hold what spreadsheet
applications write and openpyxl does not: shared strings (openpyxl writes
inline strings), a rich text string, and a fixed modified time. The
Windows-1252 and UTF-16 CSVs and the broken files are written as bytes.

Run it with Debian's Python: /usr/bin/python3 make_zips.py
"""

import datetime
import os
import re
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
INVALID = os.path.join(HERE, "invalid")
# Zip members get this time, so the files come out the same on every run.
ZIP_TIME = (2026, 3, 9, 10, 0, 0)

INLINE = re.compile(
    r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>',
    re.S)


def share_strings(path, keep_inline=(), rich=None):
    """Turns openpyxl's inline strings into shared strings, as Excel writes
    them, except the texts in keep_inline. `rich` maps a text to the rich
    text runs (<r>...</r>) its shared string item is written as."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info.filename))
                 for info in archive.infolist()]
    strings = []
    index = {}

    def shared(match):
        text = match.group(3)
        if text in keep_inline:
            return match.group(0)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return '<c %st="s"%s><v>%d</v></c>' % (match.group(1), match.group(2),
                                             index[text])

    out = []
    for name, data in parts:
        if name.startswith("xl/worksheets/sheet"):
            data = INLINE.sub(shared, data.decode("utf-8")).encode("utf-8")
        elif name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
                b'Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/sharedStrings"/></Relationships>')
        elif name == "[Content_Types].xml":
            data = data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                b'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                b'sharedStrings+xml"/></Types>')
        out.append((name, data))
    items = []
    for text in strings:
        if rich and text in rich:
            items.append("<si>%s</si>" % rich[text])
        else:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            items.append("<si><t%s>%s</t></si>" % (space, text))
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
           'main" count="%d" uniqueCount="%d">%s</sst>' %
           (len(strings), len(strings), "".join(items)))
    out.append(("xl/sharedStrings.xml", sst.encode("utf-8")))
    write_zip(path, out)


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data,
                             zipfile.ZIP_DEFLATED)


def restamp(path):
    """Rewrites the zip at `path` with fixed member times."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info.filename))
                 for info in archive.infolist()]
    write_zip(path, parts)


def new_workbook(modified):
    book = openpyxl.Workbook()
    book.properties.creator = "Marketing Ops"
    book.properties.created = datetime.datetime(2026, 1, 5, 8, 0, 0)
    book.properties.modified = modified
    return book


def campaign_tracker():
    """Two sheets; shared strings with a rich text one and an inline one;
    dates, a date and time, a time of day, numbers, booleans, empty cells
    and an empty row."""
    book = new_workbook(datetime.datetime(2026, 3, 2, 10, 30, 0))
    sheet = book.active
    sheet.title = "Campaigns"
    sheet.append(["Code", "Campaign", "Owner", "Status", "Channel",
                  "Launch date", "Last update", "Review at", "Budget (IDR)",
                  "Paid", "Share", "Notes"])
    d = datetime.datetime
    sheet.append(["CMP-0142", "Ramadan Sale 2026", "Rina Wijaya", "In review",
                  "Instagram", d(2026, 2, 18), d(2026, 3, 2, 9, 15),
                  datetime.time(14, 30), 150000000, True, 0.35,
                  "Waiting for legal"])
    sheet.append(["CMP-0143", "Mudik Bareng", "Budi Santoso", "Draft",
                  "TikTok", d(2026, 3, 10), d(2026, 3, 2, 11, 40, 30), None,
                  None, False, 0.2, "Copy v2 needs:\nnew CTA"])
    sheet.append([])
    sheet.append(["CMP-0144", "Lebaran Hampers", "Siti Rahmawati",
                  "Approved", "Email", None, d(2026, 3, 1, 16, 5), None,
                  45000000.5, None, 1 / 3, None])
    for row in range(2, 6):
        sheet.cell(row, 6).number_format = "yyyy-mm-dd"
        sheet.cell(row, 7).number_format = "dd/mm/yyyy hh:mm"
        sheet.cell(row, 8).number_format = "h:mm"
    sheet.cell(3, 6).number_format = "mm-dd-yy"  # built-in format 14
    owners = book.create_sheet("Owners")
    owners.append(["Name", "Team", "Email"])
    owners.append(["Rina Wijaya", "Brand", "rina.wijaya@example.co.id"])
    owners.append(["Budi Santoso", "Performance", "budi.santoso@example.co.id"])
    path = os.path.join(HERE, "campaign-tracker.xlsx")
    book.save(path)
    share_strings(path, keep_inline=("Waiting for legal",), rich={
        "Ramadan Sale 2026":
            '<r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">Ramadan '
            '</t></r><r><rPr><i/><sz val="11"/></rPr><t>Sale 2026</t></r>'})


def mac_tracker():
    """The 1904 date system, a merged title above a header on row 3."""
    book = new_workbook(datetime.datetime(2026, 3, 2, 1, 0, 0))
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Q1"
    sheet["A1"] = "Campaign tracker Q1 2026"
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["Code", "Campaign", "Owner", "Launch date"])
    sheet.append(["CMP-0145", "Harbolnas Maret", "Dewi Lestari",
                  datetime.datetime(2026, 3, 3)])
    sheet.append(["CMP-0146", "Back to School", "Agus Pratama",
                  datetime.datetime(2026, 7, 13, 8, 0)])
    sheet["D4"].number_format = "d mmm yyyy"
    sheet["D5"].number_format = "yyyy-mm-dd hh:mm:ss"
    path = os.path.join(HERE, "campaign-tracker-mac.xlsx")
    book.save(path)
    share_strings(path)


def weekly_exports():
    """The same tracker exported a week apart; statuses moved on."""
    campaigns = [
        ("CMP-0142", "Ramadan Sale 2026", "Rina Wijaya"),
        ("CMP-0143", "Mudik Bareng", "Budi Santoso"),
        ("CMP-0144", "Lebaran Hampers", "Siti Rahmawati"),
    ]
    weeks = {
        "tracker-2026-03-02.xlsx":
            (datetime.datetime(2026, 3, 2, 10, 0, 0),
             ["In review", "Draft", "Approved"], None),
        "tracker-2026-03-09.xlsx":
            (datetime.datetime(2026, 3, 9, 10, 0, 0),
             ["Approved", "In review", "Live"],
             ("CMP-0147", "Promo Gajian April", "Dewi Lestari", "Draft")),
    }
    for name, (modified, statuses, added) in weeks.items():
        book = new_workbook(modified)
        sheet = book.active
        sheet.title = "Tracker"
        sheet.append(["Code", "Campaign", "Owner", "Status"])
        for (code, campaign, owner), status in zip(campaigns, statuses):
            sheet.append([code, campaign, owner, status])
        if added:
            sheet.append(list(added))
        path = os.path.join(HERE, name)
        book.save(path)
        share_strings(path)


def invalid_workbooks():
    book = new_workbook(datetime.datetime(2026, 3, 2, 10, 0, 0))
    sheet = book.active
    sheet.title = "Campaigns"
    sheet.append(["Code", "Campaign", "Owner", "Status"])
    sheet.append(["CMP-0142", "Ramadan Sale 2026", "Rina Wijaya", "Live"])
    sheet.append(["CMP-0143", "Mudik Bareng", "Budi Santoso", "Draft"])
    sheet.merge_cells("B3:D3")
    book.save(os.path.join(INVALID, "merged-cells.xlsx"))
    restamp(os.path.join(INVALID, "merged-cells.xlsx"))

    book = new_workbook(datetime.datetime(2026, 3, 2, 10, 0, 0))
    sheet = book.active
    sheet.title = "Budget"
    sheet.append(["Code", "Budget (IDR)"])
    sheet.append(["CMP-0142", 150000000])
    sheet.append(["Total", "=SUM(B2:B2)"])
    book.save(os.path.join(INVALID, "formula-without-value.xlsx"))
    restamp(os.path.join(INVALID, "formula-without-value.xlsx"))

    with open(os.path.join(HERE, "campaign-tracker.xlsx"), "rb") as f:
        whole = f.read()
    with open(os.path.join(INVALID, "truncated.xlsx"), "wb") as f:
        f.write(whole[:len(whole) * 3 // 5])


def text_files():
    rows = ("Code;Campaign;Owner;Status;Channel;Notes\r\n"
            "CMP-0160;Déjà vu Diskon;Andrés Pérez;In review;Email;"
            "Budget 5.000 €\r\n"
            "CMP-0161;Kopi Susu Café;Rina Wijaya;Draft;Instagram;\r\n")
    with open(os.path.join(HERE, "campaign-tracker-cp1252.csv"), "wb") as f:
        f.write(rows.encode("cp1252"))
    unicode_text = ("Code\tCampaign\tOwner\tStatus\r\n"
                    "CMP-0170\tSale Akhir Tahun\tBudi Santoso\tDone\r\n")
    with open(os.path.join(HERE, "campaign-tracker-unicode.txt"), "wb") as f:
        f.write(unicode_text.encode("utf-16"))  # little-endian, with a BOM
    # 0x81 is no character in Windows-1252, nor UTF-8.
    with open(os.path.join(INVALID, "undefined-byte.csv"), "wb") as f:
        f.write(b"Code,Campaign,Owner\r\nCMP-0162,Promo Kemerdeka\x81an,"
                b"Budi Santoso\r\n")
    # An old binary workbook: the OLE2 compound file signature.
    with open(os.path.join(INVALID, "old-excel.xls"), "wb") as f:
        f.write(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + bytes(504))


if __name__ == "__main__":
    campaign_tracker()
    mac_tracker()
    weekly_exports()
    invalid_workbooks()
    text_files()
