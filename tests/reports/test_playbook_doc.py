"""The playbook PDF: every milestone's texts, literal user markup, and the version history."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pypdf import PdfReader

from csm_desktop.domain.playbook_diff import StepSnapshot, VersionNote
from csm_desktop.reports.playbook_doc import PlaybookDocument, build_playbook_pdf

MILESTONES = (
    StepSnapshot(
        key="sso", title='<b>SSO & "SAML"</b>', role="Administrator", target_day=7,
        purpose="Access follows joiners and leavers.", expected_actions="Connect the IdP.",
        risks="IT queues delay the change.", definition_of_done="SSO enforced for all users.",
        success_feature="sso_login", success_threshold=5, success_window_days=7,
        message_in_app="Hi {contact}, SSO is next.", message_email_subject="SSO by {due_date}",
        message_email_body="Dear {contact},\n\nplease connect the IdP.",
        help_article="https://help.example.com/sso",
    ),
    StepSnapshot(
        key="flow", title="First workflow live", role="Power user", target_day=14,
        first_value=True, purpose="The first task runs by itself.",
        story_example="Zoë Ødegård at Łódź Sp. z o.o. got her Monday back.",
    ),
    StepSnapshot(key="dash", title="Dashboard in use", role="Team lead", target_day=75,
                 purpose="Shift leads see the state of operations."),
)  # fmt: skip
HISTORY = (
    VersionNote(1, dt.date(2026, 1, 5), "First version", ("First version: 2 milestones.",)),
    VersionNote(2, dt.date(2026, 4, 1), "Dashboard for team leads",
                ("Added “Dashboard in use” (Team lead, day 75).",)),
)  # fmt: skip


def pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def test_playbook_pdf_prints_every_milestone_literally_with_the_version_history(
    tmp_path: Path,
) -> None:
    path = tmp_path / "playbook.pdf"
    document = PlaybookDocument(
        name="Standard <i>& co</i>", version=2, segment="SMB", industry="Logistics",
        description="Ladder for small teams.", created_on=dt.date(2026, 4, 1),
        milestones=MILESTONES, history=HISTORY,
    )  # fmt: skip
    build_playbook_pdf(document, path)

    text = pdf_text(path)
    assert text.count('<b>SSO & "SAML"</b>') == 2  # overview table and its section
    assert "Standard <i>& co</i>" in text
    for step in MILESTONES:
        assert step.purpose in text
    for expected in (
        "Connect the IdP.", "IT queues delay the change.", "SSO enforced for all users.",
        "sso_login counted at least 5 times within 7 days", "SSO by {due_date}",
        "https://help.example.com/sso", "Zoë Ødegård at Łódź Sp. z o.o. got her Monday back.",
        "No customer story recorded yet.", "Version history", "Dashboard for team leads",
        "Added “Dashboard in use” (Team lead, day 75).", "First version: 2 milestones.",
    ):  # fmt: skip
        assert expected in text, expected
    assert text.index("Version 2") < text.index("Version 1")  # newest first


def test_the_same_version_makes_the_same_bytes(tmp_path: Path) -> None:
    """A playbook version's PDF is the same file every time it is written (no creation time,
    no random file id), so a CSM can tell two exports apart by content alone."""
    document = PlaybookDocument(
        name="Standard", version=2, segment="SMB", industry=None, description="",
        created_on=dt.date(2026, 4, 1), milestones=MILESTONES, history=HISTORY,
    )  # fmt: skip
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    build_playbook_pdf(document, first)
    build_playbook_pdf(document, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_playbook_without_milestones_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    document = PlaybookDocument("Empty", 1, None, None, "", None, (), ())
    build_playbook_pdf(document, path)
    assert "This version has no milestones yet." in pdf_text(path)


def test_the_service_writes_the_pdf_of_one_version(book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from csm_desktop.services.playbooks import create_playbook, new_milestone, write_playbook_pdf

    playbook_id = create_playbook(book, "Pilot", today=dt.date(2026, 5, 1), segment="SMB")
    new_milestone(book, playbook_id, "Kickoff held", "Administrator", 0)
    written = write_playbook_pdf(book, playbook_id, tmp_path / "pilot.pdf")
    text = pdf_text(written)
    assert "Pilot" in text and "Kickoff held" in text and "First version: 1 milestone." in text
