"""Rendering message templates: placeholders, unknown and empty ones, braces, dates."""

from __future__ import annotations

import datetime as dt

from csm_desktop.domain.templates import (
    CELEBRATION,
    MessageTemplate,
    Rendered,
    letter_date,
    placeholder_name,
    render,
    render_message,
)

VALUES: dict[str, str | None] = {
    "account": "Zoë Ødegård Design",
    "contact": "Björn",
    "role": "Administrator",
    "milestone": "Single sign-on configured",
    "due_date": "3 December 2026",
    "unlocks": "SSO sign-in",
    "cue": "Book the IdP change early.",
    "csm": "Maya Chen",
    "next_milestone": None,
    "next_due_date": "",
}


def test_every_known_placeholder_is_filled() -> None:
    text = (
        "Hi {contact}, {account}'s {role}s: {milestone} by {due_date} unlocks {unlocks}. "
        "{cue} — {csm}"
    )
    assert render(text, VALUES) == Rendered(
        "Hi Björn, Zoë Ødegård Design's Administrators: Single sign-on configured by "
        "3 December 2026 unlocks SSO sign-in. Book the IdP change early. — Maya Chen"
    )


def test_unknown_placeholder_stays_visible_with_one_warning() -> None:
    result = render("Budget {budget} and {budget} again for {account}", VALUES)
    assert result.text == "Budget {budget} and {budget} again for Zoë Ødegård Design"
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(
        "Unknown placeholder {budget}: it stays in the text as typed."
    )


def test_empty_and_missing_values_stay_visible_and_warn_in_order() -> None:
    result = render("{next_due_date}: {next_milestone} ({account})", VALUES)
    assert result.text == "{next_due_date}: {next_milestone} (Zoë Ødegård Design)"
    assert result.warnings == (
        "{next_due_date} has no value for this account: it stays in the text as typed; "
        "fill it in before sending.",
        "{next_milestone} has no value for this account: it stays in the text as typed; "
        "fill it in before sending.",
    )
    assert render("{contact}", {}).warnings[0].startswith("{contact} has no value")


def test_placeholders_forgive_case_and_spaces() -> None:
    assert placeholder_name(" Due date ") == "due_date"
    assert (
        render("{ Account } on {DUE DATE}", VALUES).text == "Zoë Ødegård Design on 3 December 2026"
    )


def test_double_braces_are_literal_and_odd_braces_never_raise() -> None:
    assert render("{{account}} is {account}", VALUES).text == "{account} is Zoë Ødegård Design"
    assert render("a } b { c {", VALUES) == Rendered("a } b { c {")
    assert render("{}", VALUES).text == "{}"
    assert render("{}", VALUES).warnings[0].startswith("Unknown placeholder {}")


def test_values_are_inserted_literally_not_rendered_again() -> None:
    assert render("{account}", {"account": "{csm} & <b>"}).text == "{csm} & <b>"


def test_letter_date_is_day_month_year_in_english() -> None:
    assert letter_date(dt.date(2026, 12, 3)) == "3 December 2026"
    assert letter_date(None) == ""


def test_message_collects_warnings_of_all_parts_once_and_keeps_empty_parts_empty() -> None:
    template = MessageTemplate("t", in_app="{x}", email_subject="{x} {account}", email_body="")
    message = render_message(template, VALUES)
    assert message.email_subject.text == "{x} Zoë Ødegård Design"
    assert message.email_body == Rendered("")
    assert len(message.warnings) == 1


def test_celebration_names_the_milestone_and_what_comes_next() -> None:
    values = {**VALUES, "next_milestone": "Users provisioned", "next_due_date": "10 December 2026"}
    message = render_message(CELEBRATION, values)
    assert message.in_app.text == (
        "Congratulations, Zoë Ødegård Design: Single sign-on configured is done! "
        "Next up: Users provisioned."
    )
    assert message.warnings == ()
