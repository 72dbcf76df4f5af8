"""The playbook as a document teams share: every milestone's why, what, risks and messages.

Built from plain data (``PlaybookDocument``), no database. One overview table of the ladder,
then one section per milestone (purpose, expected actions, risks, instructional cue,
definition of done, success criterion, customer story, message templates), then the version
history: what changed from each version to the next. Every user string goes through
``reports.text`` escaping (CVE-2023-33733) and prints in the bundled DejaVu font.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csm_desktop.domain.playbook_diff import StepSnapshot, VersionNote
from csm_desktop.domain.vocabulary import phase_of_day
from csm_desktop.reports.text import (
    ACCENT,
    FONT,
    MUTED,
    RULE,
    SOFT,
    day_text,
    markup,
    para,
    plain,
    styles,
)

# The role colours of the playbook editor, so the printed ladder looks like the screen.
ROLE_COLOURS = {"Administrator": "#1f6feb", "Power user": "#8250df", "Operator": "#1a7f37"}
OTHER_ROLE_COLOUR = "#9a6700"


def role_colour(role: str) -> str:
    return ROLE_COLOURS.get(role, OTHER_ROLE_COLOUR)


@dataclass(frozen=True, slots=True)
class PlaybookDocument:
    """Everything the document prints, as plain values."""

    name: str
    version: int
    segment: str | None
    industry: str | None
    description: str
    created_on: dt.date | None
    milestones: tuple[StepSnapshot, ...]
    history: tuple[VersionNote, ...]  # oldest first, up to this version


def _facts(step: StepSnapshot) -> str:
    parts = [
        step.role,
        f"day {step.target_day} ({phase_of_day(step.target_day).value})",
    ]
    if step.first_value:
        parts.append("first value")
    if step.unlocks:
        parts.append(f"unlocks {step.unlocks}")
    return " · ".join(parts)


def _keep_with_next(style: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-keep", parent=style, keepWithNext=1)


def _muted_spaced(s: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("muted-spaced", parent=s.muted, spaceAfter=5)


def _labelled(label: str, text: str | None, s: Any, *, empty: str | None = None) -> list[Any]:
    """A small label above its text; nothing (or ``empty`` in grey) when the text is blank.

    The label keeps with its text, so it is never left alone at the foot of a page.
    """
    if not (text or "").strip():
        if empty is None:
            return []
        body = para(empty, _muted_spaced(s))
    else:
        body = para(text, s.body)
    return [markup("<b>{}</b>", label, style=_keep_with_next(s.small)), body]


def _overview(document: PlaybookDocument, s: Any) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    header = [para(h, s.cell_bold) for h in ("#", "Milestone", "Role", "Day", "Success criterion")]
    rows: list[list[Any]] = [header]
    for number, step in enumerate(document.milestones, start=1):
        title = step.title + ("  ★ first value" if step.first_value else "")
        rows.append(
            [
                para(number, s.cell_right),
                para(title, s.cell_bold),
                para(step.role, s.cell),
                para(step.target_day, s.cell_right),
                para(step.criterion or "–", s.cell),
            ]
        )
    table = Table(rows, colWidths=[10 * mm, 66 * mm, 27 * mm, 11 * mm, 56 * mm], repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(ACCENT)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor(RULE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for row, step in enumerate(document.milestones, start=1):
        commands.append(
            ("LINEBEFORE", (0, row), (0, row), 3, colors.HexColor(role_colour(step.role)))
        )
    table.setStyle(TableStyle(commands))
    return table


def _milestone(number: int, step: StepSnapshot, s: Any) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    # Title, facts and purpose keep with one another: a heading never ends a page.
    body: list[Any] = [
        markup(
            f'<font color="{role_colour(step.role)}">■</font> {{}}. {{}}',
            number,
            step.title,
            style=_keep_with_next(s.h2),
        ),
        para(_facts(step), _keep_with_next(_muted_spaced(s))),
        *_labelled("Purpose", step.purpose, s, empty="No purpose written yet."),
    ]
    body += _labelled("Expected user actions", step.expected_actions, s)
    body += _labelled("Risks", step.risks, s)
    body += _labelled("Instructional cue", step.cue, s)
    body += _labelled("Definition of done", step.definition_of_done, s)
    body += _labelled(
        "Success criterion (usage)",
        (
            f"{step.success_feature} counted at least {step.success_threshold} times within "
            f"{step.success_window_days} days"
            if step.success_feature
            else ""
        ),
        s,
        empty="No usage criterion: the CSM confirms this milestone by hand.",
    )
    body += _labelled(
        "Customer story", step.story_example, s, empty="No customer story recorded yet."
    )
    messages: list[list[Any]] = []
    if step.message_in_app.strip():
        messages.append([para("In-app", s.cell_bold), para(step.message_in_app, s.cell)])
    if step.message_email_subject.strip() or step.message_email_body.strip():
        messages.append(
            [
                para("E-mail", s.cell_bold),
                [
                    para(step.message_email_subject, s.cell_bold),
                    para(step.message_email_body, s.cell),
                ],
            ]
        )
    if step.help_article.strip():
        messages.append([para("Help centre", s.cell_bold), para(step.help_article, s.cell)])
    if messages:
        table = Table(messages, colWidths=[24 * mm, 146 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(SOFT)),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.HexColor(RULE)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        label = markup("<b>{}</b>", "Message templates", style=s.small)
        body.append(KeepTogether([label, table]))
    body.append(Spacer(1, 5 * mm))
    return body


def _history(history: Sequence[VersionNote], s: Any) -> list[Any]:
    story: list[Any] = [para("Version history", s.h1)]
    for note in reversed(history):
        story.append(
            markup(
                "Version {} <font color='{}'>· {}</font>",
                note.version,
                MUTED,
                day_text(note.created_on, "date unknown"),
                style=s.h2,
            )
        )
        if note.change_note.strip():
            story.append(markup("<i>{}</i>", note.change_note, style=s.body))
        story += [para(f"• {line}", s.body) for line in note.lines]
    return story


def playbook_story(document: PlaybookDocument) -> list[Any]:
    """The flowables of the document (split out so tests can inspect them)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    s = styles()
    story: list[Any] = [
        para(document.name, s.title),
        para(
            " · ".join(
                part
                for part in (
                    f"Playbook version {document.version}",
                    document.segment or "",
                    document.industry or "",
                    f"created {day_text(document.created_on)}" if document.created_on else "",
                )
                if part
            ),
            s.subtitle,
        ),
    ]
    if document.description.strip():
        story.append(para(document.description, s.body))
    story += [Spacer(1, 4 * mm), para("The ladder", s.h1)]
    if document.milestones:
        story.append(_overview(document, s))
    else:
        story.append(para("This version has no milestones yet.", s.muted))
    story.append(PageBreak())
    story.append(para("Milestones", s.h1))
    for number, step in enumerate(document.milestones, start=1):
        story += _milestone(number, step, s)
    if document.history:
        story.append(PageBreak())
        story += _history(document.history, s)
    return story


def build_playbook_pdf(document: PlaybookDocument, path: Path) -> None:
    """Write the document to ``path`` (A4)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    footer = plain(f"{document.name} · playbook v{document.version}")

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(20 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    template = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=plain(f"{document.name} playbook v{document.version}"),
        author="CSM Desktop",
        invariant=True,  # no creation time or random file id: the same version, the same bytes
    )
    story = playbook_story(document)
    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
