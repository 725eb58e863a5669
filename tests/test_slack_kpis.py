"""KPIs typed in Slack: set, updated, listed with trends, refused, and charted as a PNG upload."""

from __future__ import annotations

from tests.slack_harness import ALICE, BOB, CAROL, CHANNEL, Slack, seen

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def acme(slack: Slack) -> None:
    """#kam-acme is Acme Group's channel: Alice is the KAM, Bob is in sales."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)


async def test_a_kpi_set_is_announced_and_setting_it_again_says_what_it_was(slack: Slack) -> None:
    await acme(slack)
    first = await slack.slash("/kam kpi set revenue 2026-Q3 1.2M target 1.5M", user=BOB)
    assert first["response_type"] == "in_channel"
    assert "*Revenue* of Acme Group for 2026-Q3: 1.2M (target 1.5M), set by <@U0BOB>." in seen(
        first
    )
    again = await slack.slash("/kam kpi set omsättning 2026-q3 1,3 mkr mål 1,5 mkr", user=ALICE)
    assert "updated to 1.3M (target 1.5M) by <@U0ALICE>; it was 1.2M (target 1.5M)" in seen(again)


async def test_the_list_shows_the_latest_of_each_metric_with_target_and_trend(
    slack: Slack,
) -> None:
    await acme(slack)
    await slack.slash("/kam kpi set revenue 2026-Q2 1.1M target 1.5M")
    await slack.slash("/kam kpi set revenue 2026-Q3 1.3M target 1.5M")
    await slack.slash("/kam kpi set delivery reliability 2026-10 97% target 98%")
    await slack.slash("/kam kpi set delivery-reliability 2026-11 95% target 98%")
    await slack.slash("/kam kpi set net promoter score 2026 41")
    listed = await slack.slash("/kam kpi", user=CAROL)
    assert listed["response_type"] == "ephemeral"
    lines = seen(listed).splitlines()
    assert "*Revenue* 2026-Q3: 1.3M (target 1.5M) · ↑ up from 1.1M in 2026-Q2" in lines
    assert "*Delivery reliability* 2026-11: 95% (target 98%) · ↓ down from 97% in 2026-10" in lines
    assert "*Net promoter score* 2026: 41" in lines


async def test_a_quarter_without_a_year_is_this_years(slack: Slack) -> None:
    await acme(slack)
    typed = await slack.slash("/kam kpi set revenue Q3 1.2M", user=BOB)
    assert "*Revenue* of Acme Group for 2026-Q3: 1.2M, set by <@U0BOB>." in seen(typed)


async def test_bad_kpi_input_changes_nothing_and_says_what_to_type(slack: Slack) -> None:
    await acme(slack)
    refused = {
        "/kam kpi set revenue Q5 1.2M": "I can't find the period in `revenue Q5 1.2M`",
        "/kam kpi set revenue 2026-Q3 lots": "I can't read the amount `lots`",
        "/kam kpi set revenue 2026-13 1M": "I can't read the period `2026-13`",
        "/kam kpi set revenue 2026-Q3 1M target": "`/kam kpi set revenue 2026-Q3 1.2M target",
        "/kam kpi sideways": "I don't know `kpi sideways`",
    }
    for line, advice in refused.items():
        answer = await slack.slash(line)
        assert answer["response_type"] == "ephemeral"
        assert advice in seen(answer), line
    assert "No KPIs for Acme Group yet" in seen(await slack.slash("/kam kpi"))
    outsider = await slack.slash("/kam kpi set revenue 2026-Q3 1M", user=CAROL)
    assert "Only the Acme Group account team can edit the account plan" in seen(outsider)


async def test_a_missing_value_opens_the_form_which_refuses_bad_fields(slack: Slack) -> None:
    await acme(slack)
    assert await slack.slash("/kam kpi set revenue 2026-Q3") == {}
    form = await slack.opened_form()
    refused = await slack.submit(form, actual="a lot", target="1.5M")
    assert refused["response_action"] == "errors"
    assert "I can't read the amount `a lot`" in refused["errors"]["actual"]
    await slack.submit(form, actual="1.2M", target="1.5M")
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "*Revenue* of Acme Group for 2026-Q3: 1.2M (target 1.5M)" in seen(posted)


async def test_the_chart_is_a_png_uploaded_into_the_channel(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam kpi set revenue 2026-Q2 1.1M target 1.5M")
    await slack.slash("/kam kpi set revenue 2026-Q3 1.3M target 1.5M")
    answer = await slack.slash("/kam kpi chart revenue", user=BOB)
    await slack.fake.wait_for("files.completeUploadExternal")
    assert "Revenue of Acme Group: 2026-Q2 to 2026-Q3." in seen(answer)
    [chart] = slack.fake.files
    assert chart.channel == CHANNEL
    assert chart.filename == "revenue-trend.png"
    assert chart.content.startswith(PNG_SIGNATURE)
    assert chart.title == "Revenue of Acme Group"


async def test_a_chart_of_nothing_says_how_to_set_a_value(slack: Slack) -> None:
    await acme(slack)
    answer = await slack.slash("/kam kpi chart profit")
    assert "No values for *Profit* at Acme Group yet" in seen(answer)
    assert slack.fake.files == []
