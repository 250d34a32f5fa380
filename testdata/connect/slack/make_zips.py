#!/usr/bin/env python3
"""Writes the Slack export test files of src/connect/slack_test.cc.

Run from anywhere: python3 testdata/connect/slack/make_zips.py
The people, the company (Kopi Nusantara) and the campaigns are invented.
Files are written as Slack writes them: JSON indented by four spaces, with
non-ASCII characters and '/' escaped. Zip entries carry a fixed date so the
archives come out byte for byte the same on every run.
"""

import datetime
import hashlib
import io
import json
import pathlib
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))

RINA, BUDI, SARI, DEWI, AGUS = (
    "U05RINA01", "U05BUDI02", "U05SARI03", "U05DEWI04", "U05AGUS05")
FAJAR = "U05FAJR07"  # an agency guest users.json does not list

USERS = [
    {"id": RINA, "team_id": "T05KOPI01", "name": "rina.wijaya",
     "deleted": False, "real_name": "Rina Wijaya", "tz": "Asia/Jakarta",
     "is_bot": False,
     "profile": {"title": "Marketing Manager", "phone": "+62 812-3456-7801",
                 "real_name": "Rina Wijaya", "display_name": "Rina",
                 "email": "rina.wijaya@kopinusantara.co.id"}},
    {"id": BUDI, "team_id": "T05KOPI01", "name": "budi.santoso",
     "deleted": False, "real_name": "Budi Santoso", "tz": "Asia/Jakarta",
     "is_bot": False,
     "profile": {"title": "Performance Marketing", "phone": "",
                 "real_name": "Budi Santoso", "display_name": "budi",
                 "email": "Budi.Santoso@KopiNusantara.co.id"}},
    {"id": SARI, "team_id": "T05KOPI01", "name": "sari.lestari",
     "deleted": False, "real_name": "Sari Lestari", "tz": "Asia/Jakarta",
     "is_bot": False,
     "profile": {"title": "Graphic Designer", "phone": "+62 813-2222-0303",
                 "real_name": "Sari Lestari", "display_name": "Sari",
                 "email": "sari.lestari@kopinusantara.co.id"}},
    {"id": DEWI, "team_id": "T05KOPI01", "name": "dewi.anggraini",
     "deleted": False, "real_name": "Dewi Anggraini", "tz": "Asia/Jakarta",
     "is_bot": False,
     "profile": {"title": "Content Writer", "phone": "",
                 "real_name": "Dewi Anggraini", "display_name": "",
                 "email": "dewi.anggraini@kopinusantara.co.id"}},
    # No real name: Slack shows the display name.
    {"id": AGUS, "team_id": "T05KOPI01", "name": "agus.pratama",
     "deleted": False, "real_name": "", "tz": "Asia/Jakarta", "is_bot": False,
     "profile": {"title": "", "phone": "", "real_name": "",
                 "display_name": "Agus P.",
                 "email": "agus.pratama@kopinusantara.co.id"}},
]

CHANNELS = [
    {"id": "C05GEN001", "name": "general", "created": 1704067200,
     "creator": RINA, "is_archived": False, "is_general": True,
     "members": [RINA, BUDI, SARI, DEWI, AGUS],
     "topic": {"value": "Info umum tim marketing", "creator": RINA,
               "last_set": 1772416800},
     "purpose": {"value": "Pengumuman untuk seluruh tim", "creator": RINA,
                 "last_set": 1704067200}},
    {"id": "C05RAM002", "name": "cmp-0142-ramadan-sale-2026",
     "created": 1772420400, "creator": RINA, "is_archived": False,
     "is_general": False, "members": [RINA, BUDI, SARI, DEWI, AGUS],
     "topic": {"value": "", "creator": "", "last_set": 0},
     "purpose": {"value": "Koordinasi CMP-0142 Ramadan Sale 2026",
                 "creator": RINA, "last_set": 1772420700}},
    {"id": "C05DES003", "name": "design-requests", "created": 1704067200,
     "creator": SARI, "is_archived": False, "is_general": False,
     "members": [SARI, DEWI, BUDI, RINA],
     "topic": {"value": "Satu request per thread", "creator": SARI,
               "last_set": 1704067200},
     "purpose": {"value": "Request desain ke tim kreatif", "creator": SARI,
                 "last_set": 1704067200}},
]


def ts(day, hour, minute, second=0):
    """The Slack ts of a Jakarta wall-clock time in March 2026, with the
    microseconds Slack adds to keep ts unique (fixed, not random)."""
    micro = ((day * 86400 + hour * 3600 + minute * 60 + second) * 7919) % 999983
    when = datetime.datetime(2026, 3, day, hour, minute, second, micro,
                             tzinfo=JAKARTA)
    whole = int(when.timestamp())
    return f"{whole}.{micro:06d}"


def profile(user_id):
    for user in USERS:
        if user["id"] == user_id:
            p = user["profile"]
            return {"avatar_hash": "g0a1b2c3d4e5", "real_name": p["real_name"],
                    "display_name": p["display_name"], "name": user["name"],
                    "team": "T05KOPI01", "is_restricted": False}
    if user_id == FAJAR:
        return {"avatar_hash": "g9f8e7d6c5b4", "real_name": "Fajar Nugroho",
                "display_name": "Fajar (Agensi Teratai)", "name": "fajar",
                "team": "T05KOPI01", "is_restricted": True}
    raise KeyError(user_id)


def msg(user, when, text, **extra):
    """A message as Slack exports it, with the rich-text copy it adds."""
    digest = hashlib.md5(f"{user}/{when}".encode()).hexdigest()
    m = {"client_msg_id": f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-"
                          f"8{digest[17:20]}-{digest[20:32]}",
         "type": "message", "text": text, "user": user, "ts": when,
         "team": "T05KOPI01", "user_team": "T05KOPI01",
         "source_team": "T05KOPI01", "user_profile": profile(user),
         "blocks": [{"type": "rich_text", "block_id": "b" + when[-6:],
                     "elements": [{"type": "rich_text_section",
                                   "elements": [{"type": "text",
                                                 "text": text}]}]}]}
    m.update(extra)
    return m


def system(user, when, subtype, text, **extra):
    m = {"type": "message", "subtype": subtype, "ts": when, "user": user,
         "text": text}
    m.update(extra)
    return m


def reaction(name, *users):
    return {"name": name, "users": list(users), "count": len(users)}


def file_(file_id, name, mimetype, size, user, created):
    return {"id": file_id, "created": created, "timestamp": created,
            "name": name, "title": name, "mimetype": mimetype,
            "filetype": name.rsplit(".", 1)[1], "user": user, "size": size,
            "mode": "hosted", "is_external": False,
            "url_private": f"https://files.slack.com/files-pri/T05KOPI01-{file_id}/{name}",
            "url_private_download": f"https://files.slack.com/files-pri/T05KOPI01-{file_id}/download/{name}",
            "permalink": f"https://kopinusantara.slack.com/files/{user}/{file_id}/{name}"}


def thread_parent(m, replies):
    m["thread_ts"] = m["ts"]
    m["reply_count"] = len(replies)
    m["reply_users_count"] = len({r["user"] for r in replies})
    m["latest_reply"] = replies[-1]["ts"]
    m["reply_users"] = sorted({r["user"] for r in replies})
    m["replies"] = [{"user": r["user"], "ts": r["ts"]} for r in replies]
    for r in replies:
        r["thread_ts"] = m["ts"]
        r["parent_user_id"] = m["user"]
    return m


# #general
G_KICKOFF = ts(2, 8, 55)
G_SIAP = ts(2, 9, 2)
G_JOIN = ts(2, 9, 10)
G_TOPIC = ts(2, 9, 30)
G_MEETING = ts(3, 8, 0)
G_MEETING_OK = ts(3, 8, 12)
G_BOT_ADD = ts(4, 16, 0)
G_REMINDER = ts(4, 16, 45)
G_ASANA = ts(4, 17, 2)

meeting_reply = msg(DEWI, G_MEETING_OK, "Oke, kalender sudah saya update")
GENERAL = {
    "2026-03-02": [
        msg(RINA, G_KICKOFF,
            "Selamat pagi tim! Kickoff <#C05RAM002|cmp-0142-ramadan-sale-2026>"
            " hari ini jam 10. Agenda: <https://docs.google.com/document/d/"
            "1AbC|Brief Ramadan Sale 2026> &amp; timeline."),
        msg(BUDI, G_SIAP, "Siap, saya hadir :+1:"),
        system(FAJAR, G_JOIN, "channel_join", f"<@{FAJAR}> has joined the channel",
               user_profile=profile(FAJAR)),
        system(RINA, G_TOPIC, "channel_topic",
               "set the channel topic: Info umum tim marketing",
               topic="Info umum tim marketing"),
    ],
    "2026-03-03": [
        thread_parent(msg(BUDI, G_MEETING,
                          "Meeting mingguan dipindah ke Rabu 14:00 WIB"),
                      [meeting_reply]),
        meeting_reply,
    ],
    "2026-03-04": [
        system(RINA, G_BOT_ADD, "bot_add",
               "added an integration to this channel: <https://kopinusantara"
               ".slack.com/services/B05ASANA1|Asana>",
               bot_id="B05ASANA1", bot_link="<https://kopinusantara.slack.com"
               "/services/B05ASANA1|Asana>"),
        msg(DEWI, G_REMINDER,
            "Reminder: deadline copy Ramadan besok ya <!here>"),
        {"type": "message", "subtype": "bot_message", "ts": G_ASANA,
         "bot_id": "B05ASANA1", "username": "Asana",
         "text": "Task completed: *CMP-0142 Banner hero final* by Sari Lestari",
         "icons": {"image_48": "https://a.slack-edge.com/asana_48.png"}},
    ],
}

# #cmp-0142-ramadan-sale-2026
R_JOIN = [ts(2, 10, 0), ts(2, 10, 0, 5), ts(2, 10, 0, 10), ts(2, 10, 0, 15),
          ts(2, 10, 0, 20)]
R_PURPOSE = ts(2, 10, 5)
R_BANNER = ts(2, 10, 15)
R_BANNER_ACK = ts(2, 10, 20)
R_COPY = ts(2, 10, 30)
R_COPY_OK = ts(2, 10, 32)
R_BUDGET = ts(2, 10, 40)
R_BANNER_V1 = ts(4, 9, 15)
R_BANNER_OK = ts(4, 11, 2)
R_TOMBSTONE = ts(3, 9, 0)
R_TOMBSTONE_REPLY = ts(3, 9, 5)
R_COPY_FINAL = ts(3, 13, 0)
R_DRIVE = ts(3, 14, 0)
R_STATUS = ts(5, 10, 0)
R_PIN = ts(5, 10, 5)

banner_ack = msg(SARI, R_BANNER_ACK, "Siap kak, draft pertama Rabu pagi")
banner_v1 = msg(SARI, R_BANNER_V1, "Draft v1 banner hero, mohon review",
                subtype="file_share", upload=False, display_as_bot=False,
                files=[file_("F05BNR0001", "banner-hero-v1.png", "image/png",
                             482133, SARI, int(float(R_BANNER_V1)))])
banner_ok = msg(RINA, R_BANNER_OK,
                "Approved \u2705 lanjut resize ke story 1080x1920",
                reactions=[reaction("heavy_check_mark", SARI)])
tombstone_reply = msg(BUDI, R_TOMBSTONE_REPLY,
                      "Noted, jadwal posting diundur ke Jumat")
tombstone = thread_parent(
    {"type": "message", "subtype": "tombstone", "text":
     "This message was deleted.", "user": "USLACKBOT", "hidden": True,
     "ts": R_TOMBSTONE}, [tombstone_reply])
tombstone["parent_user_id"] = RINA
RAMADAN = {
    "2026-03-02": [
        system(u, t, "channel_join", f"<@{u}> has joined the channel")
        for u, t in zip([RINA, BUDI, SARI, DEWI, AGUS], R_JOIN)
    ] + [
        system(RINA, R_PURPOSE, "channel_purpose",
               "set the channel purpose: Koordinasi CMP-0142 Ramadan Sale 2026",
               purpose="Koordinasi CMP-0142 Ramadan Sale 2026"),
        thread_parent(msg(
            RINA, R_BANNER,
            f"<@{SARI}> tolong siapkan banner hero 1200x628 untuk CMP-0142, "
            "deadline Kamis. Brief: <https://drive.google.com/file/d/9XyZ|"
            "brief-banner.pdf>",
            reactions=[reaction("white_check_mark", SARI),
                       reaction("+1::skin-tone-3", BUDI),
                       reaction("+1", DEWI)]),
            [banner_ack, banner_v1, banner_ok]),
        banner_ack,
        msg(DEWI, R_COPY,
            "Draft copy headline: \"Berkah Ramadan, Hemat s/d 40%\" "
            "\u2014 ada masukan?",
            edited={"user": DEWI, "ts": ts(2, 10, 31)}),
        msg(BUDI, R_COPY_OK,
            "Bagus! Tapi klaim \"s/d 40%\" perlu cek legal &gt; finance dulu"),
        msg(AGUS, R_BUDGET,
            f"Budget ads Meta untuk CMP-0142: Rp 25.000.000, minta approval "
            f"<@{RINA}>",
            reactions=[reaction("thumbsup", RINA),
                       reaction("white_check_mark", RINA, BUDI)]),
    ],
    "2026-03-03": [
        tombstone,
        tombstone_reply,
        msg(DEWI, R_COPY_FINAL,
            "Copy final sudah di folder: <https://drive.google.com/drive/"
            "folders/ramadan2026>"),
        {"type": "message", "subtype": "bot_message", "ts": R_DRIVE,
         "bot_id": "B05GDRV02", "text": "",
         "bot_profile": {"id": "B05GDRV02", "name": "Google Drive",
                         "app_id": "A05GDRV02"},
         "attachments": [{"id": 1, "fallback":
                          "Dewi Anggraini shared Copy Final CMP-0142.docx",
                          "title": "Copy Final CMP-0142.docx"}]},
    ],
    "2026-03-04": [banner_v1, banner_ok],
    "2026-03-05": [
        msg(RINA, R_STATUS,
            "Status CMP-0142: banner \u2705, copy \u2705, ads budget \u2705. "
            "Launch Senin 9 Maret jam 08:00 WIB. Terima kasih semua "
            "\U0001F64F"),
        system(RINA, R_PIN, "pinned_item",
               f"<@{RINA}> pinned a message to this channel.",
               item_type="C", item={"type": "message", "ts": R_STATUS}),
    ],
}

# #design-requests
D_JOIN = ts(3, 8, 30)
D_FEED = ts(3, 8, 45)
D_FEED_ACK = ts(3, 8, 50)
D_NEWSLETTER = ts(3, 10, 0)
D_LEAVE = ts(3, 10, 1)
D_ME = ts(4, 9, 0)
D_FEED_BATCH = ts(4, 15, 20)
D_FEED_THANKS = ts(4, 15, 40)
D_DELETED = ts(4, 17, 0)

feed_ack = msg(SARI, D_FEED_ACK, "OK, masuk antrian. Estimasi selesai 5 Maret")
feed_batch = msg(SARI, D_FEED_BATCH, "Batch 1 (2 dari 5)",
                 subtype="file_share", upload=True,
                 files=[file_("F05FED0001", "feed-ramadan-1.png", "image/png",
                              1048576, SARI, int(float(D_FEED_BATCH))),
                        file_("F05FED0002", "feed-ramadan-2.png", "image/png",
                              998120, SARI, int(float(D_FEED_BATCH)))])
feed_thanks = msg(DEWI, D_FEED_THANKS, "Mantap :+1:")
DESIGN = {
    "2026-03-03": [
        system(AGUS, D_JOIN, "channel_join", f"<@{AGUS}> has joined the channel"),
        thread_parent(msg(
            DEWI, D_FEED,
            "Request: 5 feed post Instagram untuk CMP-0142 Ramadan Sale, "
            "1080x1080, deadline 6 Maret",
            reactions=[reaction("white_check_mark", SARI)]),
            [feed_ack, feed_batch, feed_thanks]),
        feed_ack,
        msg(BUDI, D_NEWSLETTER,
            "Request: banner email newsletter CMP-0150 Lebaran Promo, 600x300",
            reactions=[reaction("thumbsup", SARI)]),
        system(AGUS, D_LEAVE, "channel_leave",
               f"<@{AGUS}> has left the channel"),
    ],
    "2026-03-04": [
        msg(AGUS, D_ME, "sedang review semua request minggu ini",
            subtype="me_message"),
        feed_batch,
        feed_thanks,
        msg(RINA, D_DELETED, "This message was deleted."),
    ],
}


def slack_json(value):
    """JSON as Slack's exporter writes it."""
    return json.dumps(value, indent=4, ensure_ascii=True).replace("/", "\\/")


def write_zip(path, members):
    """`members`: (name, text or bytes) pairs, written in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 6, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(content, str):
                content = content.encode("utf-8")
            archive.writestr(info, content)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def day_members(folder, days):
    return [(f"{folder}/{day}.json", slack_json(messages))
            for day, messages in sorted(days.items())]


def main():
    workspace = ([("channels.json", slack_json(CHANNELS)),
                  ("users.json", slack_json(USERS)),
                  ("integration_logs.json", slack_json(
                      {"logs": [{"service_id": "B05ASANA1",
                                 "service_type": "Asana", "user_id": RINA,
                                 "date": "1772614800",
                                 "change_type": "added",
                                 "channel": "general"}]})),
                  ("canvases.json", "[]")]
                 + day_members("general", GENERAL)
                 + day_members("cmp-0142-ramadan-sale-2026", RAMADAN)
                 + day_members("design-requests", DESIGN))
    # Archive order is not time order: the design folder comes first.
    workspace = workspace[:4] + sorted(
        workspace[4:], key=lambda m: (not m[0].startswith("design"), m[0]))
    workspace_bytes = write_zip(HERE / "workspace.zip", workspace)

    # One day file on its own, as someone unpacking the export would give it.
    day_dir = HERE / "day" / "cmp-0142-ramadan-sale-2026"
    day_dir.mkdir(parents=True, exist_ok=True)
    (day_dir / "2026-03-02.json").write_text(
        slack_json(RAMADAN["2026-03-02"]) + "\n")

    # Private channels, DMs and group DMs, in an archive whose files sit in
    # a folder of their own.
    top = "Kopi Nusantara Slack export Mar 2 2026 - Mar 5 2026/"
    groups = [{"id": "G05LEAD01", "name": "leads-budget", "created":
               1772420400, "creator": RINA, "is_archived": False,
               "members": [RINA, BUDI],
               "topic": {"value": "", "creator": "", "last_set": 0},
               "purpose": {"value": "Budget Q2", "creator": RINA,
                           "last_set": 1772420400}}]
    dms = [{"id": "D05RB0001", "created": 1704067200, "members": [RINA, BUDI]}]
    mpims = [{"id": "G05MP0001", "name": "mpdm-rina.wijaya--budi.santoso--"
              "sari.lestari-1", "created": 1772420400, "creator": RINA,
              "is_archived": False, "members": [RINA, BUDI, SARI],
              "topic": {"value": "", "creator": "", "last_set": 0},
              "purpose": {"value": "Group messaging", "creator": RINA,
                          "last_set": 1772420400}}]
    private = [
        (top + "users.json", slack_json(USERS)),
        (top + "channels.json", slack_json(CHANNELS[:1])),
        (top + "groups.json", slack_json(groups)),
        (top + "dms.json", slack_json(dms)),
        (top + "mpims.json", slack_json(mpims)),
        (top + "general/2026-03-02.json", slack_json(GENERAL["2026-03-02"][:1])),
        (top + "leads-budget/2026-03-03.json", slack_json([
            msg(RINA, ts(3, 11, 0),
                "Usulan budget CMP-0142: total Rp 120 juta, Meta 60%, "
                "TikTok 40%"),
            msg(BUDI, ts(3, 11, 20), "Setuju, saya siapkan media plan",
                reactions=[reaction("white_check_mark", RINA)]),
        ])),
        (top + "D05RB0001/2026-03-04.json", slack_json([
            msg(BUDI, ts(4, 8, 10), "Mbak, invoice agensi sudah saya kirim "
                "ke <mailto:finance@kopinusantara.co.id|finance@kopinusantara"
                ".co.id>"),
            msg(RINA, ts(4, 8, 15), "Thanks Bud \U0001F44D"),
        ])),
        (top + "mpdm-rina.wijaya--budi.santoso--sari.lestari-1/"
         "2026-03-04.json", slack_json([
             msg(SARI, ts(4, 13, 0), "Boleh minta akses folder brand "
                 "guideline 2026?"),
         ])),
    ]
    write_zip(HERE / "private.zip", private)

    # An export without users.json: senders stay ids, names come from the
    # messages' own profiles.
    write_zip(HERE / "without_users.zip", [
        ("channels.json", slack_json(CHANNELS[:1])),
        ("general/2026-03-02.json", slack_json(GENERAL["2026-03-02"])),
    ])

    invalid = HERE / "invalid"
    invalid.mkdir(exist_ok=True)
    (invalid / "truncated.zip").write_bytes(
        workspace_bytes[:len(workspace_bytes) * 3 // 5])

    broken = slack_json(GENERAL["2026-03-02"][:2]).splitlines()
    # Line 7 loses its comma, as a hand edit gone wrong would leave it.
    assert broken[6].endswith(","), broken[6]
    broken[6] = broken[6][:-1]
    write_zip(invalid / "broken_json.zip", [
        ("users.json", slack_json(USERS)),
        ("channels.json", slack_json(CHANNELS[:1])),
        ("general/2026-03-02.json", "\n".join(broken)),
    ])
    (invalid / "broken-day.json").write_text("\n".join(broken) + "\n")

    no_ts = [dict(m) for m in GENERAL["2026-03-02"][:3]]
    del no_ts[1]["ts"]
    write_zip(invalid / "no_ts.zip", [
        ("users.json", slack_json(USERS)),
        ("channels.json", slack_json(CHANNELS[:1])),
        ("general/2026-03-02.json", slack_json(no_ts)),
    ])

    bad_ts = [dict(m) for m in GENERAL["2026-03-02"][:3]]
    bad_ts[2]["ts"] = "kemarin"
    write_zip(invalid / "bad_ts.zip", [
        ("users.json", slack_json(USERS)),
        ("channels.json", slack_json(CHANNELS[:1])),
        ("general/2026-03-02.json", slack_json(bad_ts)),
    ])

    write_zip(invalid / "bad_users.zip", [
        ("users.json", slack_json(USERS)[:400]),
        ("channels.json", slack_json(CHANNELS[:1])),
        ("general/2026-03-02.json", slack_json(GENERAL["2026-03-02"])),
    ])

    users_without_id = [dict(u) for u in USERS]
    del users_without_id[1]["id"]
    write_zip(invalid / "users_without_id.zip", [
        ("users.json", slack_json(users_without_id)),
        ("channels.json", slack_json(CHANNELS[:1])),
        ("general/2026-03-02.json", slack_json(GENERAL["2026-03-02"])),
    ])

    write_zip(invalid / "not_slack.zip", [
        ("laporan/notes.txt", "Catatan rapat, bukan export Slack\n"),
    ])

    (invalid / "not_a_day.json").write_text(
        slack_json({"ok": True, "messages": []}) + "\n")


if __name__ == "__main__":
    main()
