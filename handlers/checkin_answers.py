"""Answering a check-in: a pulse button, the form it opens, and its submission or edit."""

from __future__ import annotations

from handlers.checkin_messages import PULSES, pulse_label, question_texts
from handlers.checkin_people import remember_timezone
from handlers.errors import InvalidForm, UsageError
from handlers.i18n import _, ngettext
from handlers.model import ChoiceField, Form, Option, Reply, Request, Section, TextField
from handlers.permissions import Action, require
from handlers.wording import number
from storage import checkins
from storage.checkins import RoundView
from storage.store import Store

FORM_ID = "checkin-answer"
ANSWER_LIMIT = 1000


def pulse_button(request: Request, store: Store) -> Form:
    """Record the pulse at once (a second click changes it) and open the form to finish."""
    remember_timezone(request, store)
    round_id, _sep, pulse = request.action_value.partition("|")
    view = _asked_round(request, store, round_id)
    if pulse not in PULSES:
        raise UsageError(_("That button is out of date; nothing was changed."))
    if not checkins.record_pulse(
        store.engine, view.round.id, request.user, pulse, request.received_at
    ):
        raise _closed(view)
    return answer_form(view, request.user, pulse)


def answer_button(request: Request, store: Store) -> Form:
    """The form with what the person answered so far, to answer or edit."""
    remember_timezone(request, store)
    view = _asked_round(request, store, request.action_value.partition("|")[0])
    given = view.answers.get(request.user)
    return answer_form(view, request.user, given.pulse if given else None)


def answer_form(view: RoundView, user: str, pulse: str | None) -> Form:
    given = view.answers.get(user)
    earlier = list(given.answers) if given else []
    questions = question_texts(view)
    return Form(
        id=FORM_ID,
        title=_("Check-in"),
        submit=_("Send"),
        fields=(
            ChoiceField(
                "pulse",
                _("Customer pulse"),
                tuple(Option(p, pulse_label(p)) for p in PULSES),
                initial=pulse,
            ),
            *(
                TextField(
                    f"answer_{n}",
                    question[:150],
                    multiline=True,
                    max_length=ANSWER_LIMIT,
                    initial=earlier[n] if n < len(earlier) else "",
                )
                for n, question in enumerate(questions)
            ),
        ),
        state={"round": str(view.round.id)},
    )


def submit_answer(request: Request, store: Store) -> Reply:
    """Store the answers (a second submission edits, never adds); the last one closes the round."""
    view = _asked_round(request, store, request.state.get("round", ""))
    pulse = str(request.values.get("pulse") or "")
    texts = [
        str(request.values.get(f"answer_{n}") or "").strip()
        for n in range(len(question_texts(view)))
    ]
    errors = {}
    if pulse not in PULSES:
        errors["pulse"] = _("Choose how the customer is doing: good, watch or at risk.")
    for n, text in enumerate(texts):
        if len(text) > ANSWER_LIMIT:
            errors[f"answer_{n}"] = ngettext(
                "At most {limit} character; this has {length}.",
                "At most {limit} characters; this has {length}.",
                ANSWER_LIMIT,
            ).format(limit=number(ANSWER_LIMIT), length=number(len(text)))
    if errors:
        raise InvalidForm(errors)
    edit = request.user in view.answers and view.answered(request.user)
    now = request.received_at
    if not checkins.submit_answer(store.engine, view.round.id, request.user, pulse, texts, now):
        raise _closed(view)
    text = (
        _("Your check-in for {account} is updated.")
        if edit
        else _("Thanks, your check-in for {account} is in.")
    ).format(account=view.account.name)
    text += " " + _("You can edit it from the same message until the round closes.")
    if checkins.close_if_answered(store.engine, view.round.id, request.user, now):
        text += " " + _("Everyone has answered, so the summary goes to the channel now.")
    return Reply(summary=text, blocks=(Section(text),))


def _asked_round(request: Request, store: Store, round_id: str) -> RoundView:
    """The open round this person was asked in and, on the team still, may answer."""
    view = checkins.round_view(store.engine, int(round_id)) if round_id.isdigit() else None
    if view is None:
        raise UsageError(_("That check-in is no longer available."))
    require(request, view.account, Action.ANSWER_CHECKIN)
    if request.user not in {m.user_id for m in view.members}:
        raise UsageError(
            _("You weren't asked in this check-in of {account}; the next one asks you.").format(
                account=view.account.name
            )
        )
    if view.round.closed_at is not None:
        raise _closed(view)
    return view


def _closed(view: RoundView) -> UsageError:
    """The round closed: said to the person, and put in place of the prompt they clicked in."""
    text = _(
        "This check-in for {account} has closed; its summary is in the account's channel."
    ).format(account=view.account.name)
    return UsageError(text, source=Reply(summary=text, blocks=(Section(text),)))
