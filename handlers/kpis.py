"""`/kam kpi`: the account's KPIs per month, quarter or year, their targets, trends and charts."""

from __future__ import annotations

import re
from collections.abc import Callable

from handlers.access import bound_account, local_today
from handlers.confidential import in_the_open
from handlers.errors import InvalidForm, UsageError
from handlers.figures import (
    PERCENT,
    Amount,
    Period,
    amount_help,
    figure,
    looks_like_period,
    period_help,
    read_amount,
    read_period,
)
from handlers.i18n import _, speaking
from handlers.model import Form, Outcome, Reply, Request, Section, TextField, Upload, Visibility
from handlers.permissions import Action, require
from storage import kpis
from storage.kpis import NewKpi, Previous
from storage.models import Account, KpiValue
from storage.store import Store

FORM_ID = "kpi-set"
METRIC_LIMIT = 64
TARGET_WORDS = ("target", "mål")
STANDARD = {
    "sales": ("försäljning",),
    "revenue": ("omsättning", "intäkter"),
    "profit": ("vinst", "resultat"),
    "profitability": ("lönsamhet", "marginal"),
    "customer-satisfaction": ("kundnöjdhet", "nöjd-kund-index", "nki"),
    "service-level": ("servicenivå",),
    "delivery-reliability": ("leveranssäkerhet", "leveransprecision"),
}
CONFIDENTIAL = ("profit", "profitability")
_ALIASES = {alias: metric for metric, aliases in STANDARD.items() for alias in (metric, *aliases)}


def kpi(request: Request, store: Store, args: str) -> Outcome:
    """`kpi` lists, `kpi set …` records (a form when incomplete), `kpi chart <metric>` charts."""
    action, _sep, rest = args.partition(" ")
    if not action:
        return show_kpis(request, store)
    if action.lower() in ("set", "sätt"):
        return set_kpi(request, store, rest.strip())
    if action.lower() in ("chart", "graf", "diagram"):
        return chart(request, store, rest.strip())
    raise UsageError(
        _(
            "I don't know `kpi {action}`. Use `/kam kpi`, "
            "`/kam kpi set revenue 2026-Q3 1.2M target 1.5M` or `/kam kpi chart revenue`."
        ).format(action=action)
    )


def metric_key(words: str) -> str:
    """A metric as stored: a standard one by any of its names, else the words, hyphenated."""
    key = re.sub(r"[\s_]+", "-", words.strip().lower())
    return _ALIASES.get(key, key)


def metric_title(metric: str) -> str:
    titles = {
        "sales": _("Sales"),
        "revenue": _("Revenue"),
        "profit": _("Profit"),
        "profitability": _("Profitability"),
        "customer-satisfaction": _("Customer satisfaction"),
        "service-level": _("Service level"),
        "delivery-reliability": _("Delivery reliability"),
    }
    return titles.get(metric, metric.replace("-", " ").capitalize())


def set_kpi(request: Request, store: Store, args: str) -> Outcome:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    words = args.split()
    at = next((n for n, word in enumerate(words) if looks_like_period(word)), None)
    if at is None:
        if any(char.isdigit() for char in args):
            raise UsageError(_missing_period(args))
        return kpi_form(request, metric=args)
    metric, rest = " ".join(words[:at]), words[at + 1 :]
    if not metric:
        raise UsageError(_set_usage())
    if not rest:
        return kpi_form(request, metric=metric, period=words[at])
    lowered = [word.lower() for word in rest]
    split = next((n for n, word in enumerate(lowered) if word in TARGET_WORDS), len(rest))
    actual, target = " ".join(rest[:split]), " ".join(rest[split + 1 :])
    if not actual or (split < len(rest) and not target):
        raise UsageError(_set_usage())
    period = read_period(words[at], local_today(account, request.received_at).year)
    return _store(request, store, account, _metric(metric), period, actual, target)


def kpi_form(request: Request, metric: str = "", period: str = "") -> Form:
    return Form(
        id=FORM_ID,
        title=_("Set a KPI"),
        submit=_("Save"),
        fields=(
            TextField(
                "metric",
                _("Metric"),
                max_length=METRIC_LIMIT,
                placeholder=_("revenue, sales, profit, customer satisfaction… or your own"),
                initial=metric,
                required=True,
            ),
            TextField(
                "period",
                _("Period"),
                max_length=8,
                placeholder="2026-Q3",
                initial=period,
                required=True,
            ),
            TextField("actual", _("Actual"), max_length=40, placeholder="1.2M", required=True),
            TextField("target", _("Target"), max_length=40, placeholder="1.5M"),
        ),
        state={"channel": request.channel},
    )


def submit_kpi(request: Request, store: Store) -> Reply:
    """The form's values, each refused at its field when it cannot be read."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    values = {name: str(request.values.get(name) or "").strip() for name in _FORM_FIELDS}
    this_year = local_today(account, request.received_at).year
    readers: dict[str, Callable[[str], object]] = {
        "metric": _metric,
        "period": lambda typed: read_period(typed, this_year),
        "actual": read_amount,
        "target": read_amount,
    }
    errors = {}
    for name, read in readers.items():
        if values[name] or name != "target":
            try:
                read(values[name])
            except UsageError as refused:
                errors[name] = refused.message
    if errors:
        raise InvalidForm(errors)
    period = read_period(values["period"], this_year)
    metric = _metric(values["metric"])
    return _store(request, store, account, metric, period, values["actual"], values["target"])


_FORM_FIELDS = ("metric", "period", "actual", "target")


def _metric(words: str) -> str:
    metric = metric_key(words)
    if not metric or len(metric) > METRIC_LIMIT or not re.fullmatch(r"[\w%-]+", metric):
        raise UsageError(
            _("Name the metric, e.g. {metrics}, or a word of your own (at most {limit}).").format(
                metrics=", ".join(f"`{name}`" for name in STANDARD), limit=METRIC_LIMIT
            )
        )
    return metric


def _store(
    request: Request,
    store: Store,
    account: Account,
    metric: str,
    period: Period,
    actual_text: str,
    target_text: str,
) -> Reply:
    actual = read_amount(actual_text)
    target = read_amount(target_text) if target_text else None
    unit = PERCENT if PERCENT in (actual.unit, target.unit if target else "") else ""
    new = NewKpi(
        metric=metric,
        period=period.label,
        period_start=period.start,
        actual=actual.value,
        target=target.value if target else None,
        unit=unit,
        set_by=request.user,
        set_at=request.received_at,
    )
    previous = kpis.set_kpi(store, account.id, new)
    if metric in CONFIDENTIAL and in_the_open(request):
        return _confirmation(request, account, new, previous, Visibility.ONLY_YOU)
    with speaking(account.language):
        return _confirmation(request, account, new, previous, Visibility.CHANNEL)


def _confirmation(
    request: Request,
    account: Account,
    new: NewKpi,
    previous: Previous | None,
    visibility: Visibility,
) -> Reply:
    value = _value(Amount(new.actual, new.unit), new.target)
    names = {
        "metric": metric_title(new.metric),
        "period": new.period,
        "value": value,
        "account": account.name,
        "user": f"<@{request.user}>",
    }
    if previous is None:
        text = _("*{metric}* of {account} for {period}: {value}, set by {user}.").format(**names)
    else:
        text = _(
            "*{metric}* of {account} for {period} updated to {value} by {user}; it was {old}."
        ).format(**names, old=_value(Amount(previous.actual, new.unit), previous.target))
    more = _("See them all with `/kam kpi`, or the trend with `/kam kpi chart {metric}`.").format(
        metric=new.metric
    )
    return Reply(summary=text, blocks=(Section(text), Section(more)), visibility=visibility)


def _value(actual: Amount, target: float | None) -> str:
    shown = figure(actual.value, actual.unit)
    if target is None:
        return shown
    return _("{actual} (target {target})").format(actual=shown, target=figure(target, actual.unit))


def show_kpis(request: Request, store: Store) -> Reply:
    """The latest value of each metric with its target and its trend since the period before."""
    _workspace, account = bound_account(request, store)
    latest = kpis.latest_two(store, account.id)
    if not latest:
        text = _(
            "No KPIs for {account} yet. Set one with "
            "`/kam kpi set revenue 2026-Q3 1.2M target 1.5M`."
        ).format(account=account.name)
        return Reply(summary=text, blocks=(Section(text),))
    order = [*(m for m in STANDARD if m in latest), *sorted(m for m in latest if m not in STANDARD)]
    title = _("KPIs of {account}").format(account=account.name)
    lines = [_kpi_line(latest[metric]) for metric in order]
    hint = _("Chart one with `/kam kpi chart <metric>`; set one with `/kam kpi set`.")
    return Reply(
        summary=title,
        blocks=(Section(f"*{title}*"), Section("\n".join(lines)), Section(hint)),
    )


def _kpi_line(values: list[KpiValue]) -> str:
    now = values[0]
    line = _("*{metric}* {period}: {value}").format(
        metric=metric_title(now.metric),
        period=now.period,
        value=_value(Amount(now.actual, now.unit), now.target),
    )
    if len(values) < 2:
        return line
    before = values[1]
    if now.actual > before.actual:
        trend = _("↑ up from {value} in {period}")
    elif now.actual < before.actual:
        trend = _("↓ down from {value} in {period}")
    else:
        trend = _("→ as in {period}")
    shown = trend.format(value=figure(before.actual, before.unit), period=before.period)
    return f"{line} · {shown}"


def chart(request: Request, store: Store, args: str) -> Reply:
    """A PNG of the metric's actual against its target, posted for the channel."""
    _workspace, account = bound_account(request, store)
    if not args:
        raise UsageError(
            _("Which metric? E.g. `/kam kpi chart revenue`; `/kam kpi` lists those set.")
        )
    metric = _metric(args)
    values = kpis.history(store, account.id, metric)
    if not values:
        raise UsageError(
            _(
                "No values for *{metric}* at {account} yet. "
                "Set one with `/kam kpi set {key} 2026-Q3 1.2M target 1.5M`."
            ).format(metric=metric_title(metric), account=account.name, key=metric)
        )
    if metric in CONFIDENTIAL and in_the_open(request):
        return _chart_reply(account, metric, values, Visibility.ONLY_YOU)
    with speaking(account.language):
        return _chart_reply(account, metric, values, Visibility.CHANNEL)


def _chart_reply(
    account: Account, metric: str, values: list[KpiValue], visibility: Visibility
) -> Reply:
    from handlers.charts import trend_png  # matplotlib: ~50 MB that a server pays on first chart

    title = _("{metric} of {account}").format(metric=metric_title(metric), account=account.name)
    png = trend_png(
        title,
        [value.period for value in values],
        [value.actual for value in values],
        [value.target for value in values],
        (_("Actual"), _("Target")),
        values[-1].unit,
    )
    text = _("{title}: {first} to {last}.").format(
        title=title, first=values[0].period, last=values[-1].period
    )
    upload = Upload(f"{metric}-trend.png", title, png, "image/png")
    return Reply(summary=text, blocks=(Section(text),), visibility=visibility, files=(upload,))


def _set_usage() -> str:
    return _(
        "Type the metric, the period, the value and optionally the target, e.g. "
        "`/kam kpi set revenue 2026-Q3 1.2M target 1.5M`; the period is {period}, "
        "the value {amount}. `/kam kpi set` alone opens a form."
    ).format(period=period_help(), amount=amount_help())


def _missing_period(args: str) -> str:
    return _("I can't find the period in `{args}`. {usage}").format(args=args, usage=_set_usage())
