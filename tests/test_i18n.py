"""The portal in English: Chinese by default, English after switching; the catalogue is complete and current.

The pages are read with the committed locale/en/LC_MESSAGES/django.po compiled into a temporary directory,
so a stale or missing django.mo on the machine cannot hide a broken catalogue.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals.risk import bridge as risk
from events.models import Performer
from tests import factories
from tests.riskassess.factories import application_with_venue, fill_sections

REPO = Path(__file__).resolve().parent.parent
PO_FILE = REPO / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The same options as the documented command (docs/i18n.md).
IGNORED = [".venv", "node_modules", "staticfiles", "bench", "tests"]
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdfgr]|%%")


# ---------------------------------------------------------------------------------------------- the .po file


def _unquote(text: str) -> str:
    return text[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts (msgctxt, msgid, msgid_plural, msgstr: list, fuzzy); the header skipped."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and entry["msgid"]:
                entries.append(entry)
            entry = None if not line else entry
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": [], "fuzzy": False}
        if line.startswith("#,"):
            entry["fuzzy"] = entry["fuzzy"] or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            keyword, value = line.split(" ", 1)
            if keyword.startswith("msgstr"):
                key = "msgstr"
                entry["msgstr"].append(_unquote(value))
            else:
                key = keyword
                entry[key] = _unquote(value)
    return entries


def untranslated(entries: list[dict]) -> list[str]:
    return [e["msgid"] for e in entries if e["fuzzy"] or not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]


def test_every_msgid_in_the_po_has_an_english_msgstr():
    entries = read_po(PO_FILE)
    assert len(entries) > 1000
    missing = untranslated(entries)
    assert not missing, (f"{len(missing)} untranslated or fuzzy entries in {PO_FILE.relative_to(REPO)} "
                         f"(see docs/i18n.md):\n" + "\n".join(missing))


def test_translations_keep_every_placeholder_and_contain_no_chinese():
    wrong = []
    for e in read_po(PO_FILE):
        sources = [e["msgid"], e["msgid_plural"] or e["msgid"]][:len(e["msgstr"])]
        for source, translated in zip(sources, e["msgstr"]):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                wrong.append(f"placeholders differ: {source!r} -> {translated!r}")
            # Language names are shown in their own language; everything else must be English.
            if CJK.search(translated) and translated != "简体中文" and "一级" not in source:
                wrong.append(f"Chinese left in: {source!r} -> {translated!r}")
    assert not wrong, "\n".join(wrong)


def test_po_passes_msgfmt_check(tmp_path):
    result = subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _copy_sources(target: Path) -> None:
    """Only what makemessages reads: the project's Python files and templates."""
    skip = {".git", "locale", "media", "docs", "__pycache__", *IGNORED}

    def ignore(directory, names):
        return [n for n in names if n in skip or (Path(directory, n).is_file()
                                                  and not n.endswith((".py", ".html", ".txt")))]
    shutil.copytree(REPO, target, ignore=ignore)


def test_po_is_current_every_marked_string_in_the_source_is_translated(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the source, merged into a copy of the committed .po: nothing new is missing."""
    source = tmp_path / "src"
    _copy_sources(source)
    locale = source / "locale"
    (locale / "en" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO_FILE, locale / "en" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [str(locale)]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
    missing = untranslated(read_po(locale / "en" / "LC_MESSAGES" / "django.po"))
    assert not missing, (
        f"{len(missing)} marked strings have no English translation: run makemessages and translate them in "
        f"{PO_FILE.relative_to(REPO)} (docs/i18n.md):\n" + "\n".join(missing))


# ---------------------------------------------------------------------------------------------- pages in English


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory) -> Path:
    locale = tmp_path_factory.mktemp("locale")
    (locale / "en" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(["msgfmt", "-o", str(locale / "en" / "LC_MESSAGES" / "django.mo"), str(PO_FILE)], check=True)
    return locale


@pytest.fixture(autouse=True)
def _committed_catalogue(request, settings):
    # Changing LOCALE_PATHS makes Django drop its cached catalogues (django.test.signals).
    if "client" in request.fixturenames or "english" in request.fixturenames:
        settings.LOCALE_PATHS = [str(request.getfixturevalue("compiled_locale"))]


@pytest.fixture
def english(client):
    """The client after choosing English in the language switcher."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def assert_english(page: str, *english: str, absent: tuple[str, ...] = ()):
    for phrase in english:
        assert phrase in page, f"{phrase!r} missing from the English page"
    for phrase in absent:
        assert phrase not in page, f"{phrase!r} still on the English page"
    assert '<html lang="en">' in page


def test_default_language_is_chinese(client, organizer):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page and "用户名" in page
    client.force_login(organizer)
    page = client.get(reverse("approvals:list")).content.decode()
    assert "我的申请" in page and "My applications" not in page


def test_login_page_in_english(english):
    page = english.get(reverse("login")).content.decode()
    assert_english(page, "Log in", "Username", "Password", "Security permit portal for large-scale public events",
                   absent=("登录", "用户名", "密码"))


@pytest.mark.django_db
def test_organizer_list_and_detail_in_english_with_catalogue_rows(english, organizer, draft):
    english.force_login(organizer)
    page = english.get(reverse("approvals:list")).content.decode()
    assert_english(page, "My applications", "New application", "Draft", absent=("我的申请", "新建申请", "草稿"))

    page = english.get(reverse("approvals:detail", args=[draft.pk])).content.decode()
    assert_english(page, "Event details", "Security plan", "Five-party responsibilities", "Case history",
                   absent=("活动信息", "安全工作方案", "五方责任", "办理记录"))
    # Catalogue rows carry their own English names: documents, plan sections, parties.
    document = draft.documents.select_related("document_type").first().document_type
    section = draft.sections.select_related("section").first().section
    party = draft.parties.select_related("party").first().party
    for row_en, row_zh in ((document.name_en, document.name_zh), (section.title_en, section.title_zh),
                           (party.name_en, party.name_zh)):
        assert row_en in page and row_zh not in page


@pytest.mark.django_db
def test_reviewer_inbox_in_english(english):
    application = factories.submitted_application()
    english.force_login(factories.ReviewerFactory(authority=application.district))
    page = english.get(reverse("approvals:inbox")).content.decode()
    assert_english(page, "Review inbox", "Filter", "Receiving division", "Next deadline",
                   "Submitted", application.reference,
                   absent=("待办审批", "筛选", "受理分局", "已提交"))


@pytest.mark.django_db
def test_risk_page_in_english(english, organizer):
    application = application_with_venue(organizer, expected_attendance=3000, rated_capacity=8000,
                                         has_performances=True)
    fill_sections(application, organizer, security_staff_total=10, fixed_posts=3, patrol_posts=2, mobile_points=5,
                  core_area_m2=3000)
    Performer.objects.create(event=application.event, name="Rust Band", genre="metal", genre_intensity=5)
    factories.grant_police_access(application)
    risk.assess_application(application=application)
    english.force_login(factories.ReviewerFactory(authority=application.district))
    page = english.get(reverse("risk:detail", args=[application.pk])).content.decode()
    assert_english(page, "Risk assessment: ", "Crowd calculations", "Risk factors and their contributions",
                   "Genre intensity", "Core zone team", "Suspension flags",
                   absent=("风险评估", "人群测算", "风险因素", "核心区防控小组", "熔断标记"))


@pytest.mark.django_db
def test_api_field_error_in_english_with_accept_language(client, organizer):
    client.force_login(organizer)
    venue = factories.VenueFactory(owner=organizer.organisation)
    facts = {"name": "Lake festival", "kind": "music_festival", "venue": venue.pk,
             "start_at": "2030-06-01T18:00:00+08:00", "end_at": "2030-06-01T10:00:00+08:00",
             "expected_attendance": 3000, "rated_capacity": 5000}
    response = client.post("/api/applications/", facts, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert "The end time must be after the start time." in body, body
    assert not CJK.search(body), body

    chinese = client.post("/api/applications/", facts, content_type="application/json")
    assert "结束时间必须晚于开始时间" in chinese.content.decode()
