"""Every main page of every role on a 390×844 phone (Chromium): nothing is wider than the screen, no table
hides columns in a side-scrolling box, and the page's main action is on screen, uncovered and at least
44 px in each direction."""

from __future__ import annotations

import io

import pytest

from tests.browser_helpers import PHONE, phone_layout_problems, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_world(demo_figures, cast):  # type: ignore[no-untyped-def]
    """The demo's figures, 2017 targets and 2017年1—12月 reports (岳阳县's a draft, 华容县's submitted), a
    华容县 reviewer, and a logged-in session per role, all made before the browser starts."""
    from newind.accounts.services import create_user
    from newind.submissions.demo import load_demo as load_submissions
    from newind.submissions.models import Submission
    from newind.targets.demo import load_demo as load_targets

    load_targets(io.StringIO())
    load_submissions(io.StringIO())
    hr_rev = create_user("hr_rev", "reviewer", password=cast.PASSWORD, unit_code="430623", name="华容县审核员",
                         must_change_password=False)
    draft = Submission.objects.get(unit__code="430621", task__year=2017, task__period_n=12)
    submitted = Submission.objects.get(unit__code="430623", task__year=2017, task__period_n=12)
    users = {"office": cast.office, "leader": cast.leader, "yyx_rep": cast.yyx_rep, "hr_rev": hr_rev,
             "auditor": cast.auditor, "secadmin": cast.secadmin, "sysadmin": cast.sysadmin}
    from django.test import Client

    # One client per user: logging the next user in on the same client would end the previous session.
    sessions = {name: session_cookie(Client(), user) for name, user in users.items()}
    return {"sessions": sessions, "draft": draft.pk, "submitted": submitted.pk, "task": draft.task_id}


def _pages(world) -> dict[str, list[tuple[str, str | None]]]:  # type: ignore[no-untyped-def]
    """Each role's main pages and the main action on each (a CSS selector)."""
    task, draft, submitted = world["task"], world["draft"], world["submitted"]
    return {
        "office": [
            ("/", ".tiles a.tile"),
            ("/dashboard/?period=2017-03", "#period-form button[type=submit]"),
            ("/benchmark/", "form.filters button[type=submit]"),
            ("/imports/", ".import-form button[type=submit]"),
            ("/targets/", "form.filters button[type=submit]"),
            ("/targets/manage/", "form.stack button[type=submit]"),
            ("/targets/share/?indicator=gdp&unit=430600&target=12&by=2020&recent=3", "form.filters button"),
            ("/forecasts/", "#run-backtest-button"),
            ("/submissions/", "a.button[href='/submissions/tasks/new/']"),
            ("/submissions/tasks/new/", ".issue-form button[type=submit]"),
            (f"/submissions/tasks/{task}/", "table.board button[type=submit]"),
            (f"/submissions/{submitted}/", ".review-form button[type=submit]"),
            ("/submissions/discipline/2017/", None),  # reads only
        ],
        "leader": [
            ("/", ".tiles a.tile"),
            ("/dashboard/?period=2017-03", "#report-form button[value=docx]"),
            ("/targets/", "form.filters button[type=submit]"),
            ("/benchmark/", "form.filters button[type=submit]"),
            (f"/submissions/tasks/{task}/", "main table a"),
        ],
        "yyx_rep": [
            ("/", ".tiles a.tile"),
            ("/submissions/", "a.open"),
            (f"/submissions/{draft}/", "#fill-form button[value=submit]"),
            ("/benchmark/", "form.filters button[type=submit]"),
        ],
        "hr_rev": [
            ("/submissions/", "a.open"),
            (f"/submissions/{submitted}/", ".review-form button[type=submit]"),
        ],
        "auditor": [("/", ".tiles a.tile"), ("/audit/", "form.filters button[type=submit]")],
        "secadmin": [("/accounts/sessions/", "main table button[type=submit]"),
                     ("/accounts/security/", "form.stack button[type=submit]")],
        "sysadmin": [("/", ".tiles a.tile")],
    }


def test_every_main_page_fits_a_phone_and_its_main_action_is_tappable(phone_world, live_server,  # type: ignore[no-untyped-def]
                                                                     browser_page) -> None:
    from django.conf import settings

    page = browser_page
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    problems: list[str] = []
    for role, pages in _pages(phone_world).items():
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": phone_world["sessions"][role],
                                   "url": live_server.url}])
        for path, action in pages:
            response = page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert response is not None and response.status == 200, (role, path, response and response.status)
            assert "/accounts/login/" not in page.url, (role, path, page.url)
            problems += [f"{role} {path}：{p}" for p in phone_layout_problems(page, action)]
    # The anonymous login page too.
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    problems += [f"登录页：{p}" for p in phone_layout_problems(page, "form.stack button[type=submit]")]
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_the_county_reporter_fills_the_monthly_form_on_a_phone(phone_world, live_server,  # type: ignore[no-untyped-def]
                                                              browser_page) -> None:
    from django.conf import settings

    from newind.submissions.models import SubmissionValue

    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": phone_world["sessions"]["yyx_rep"],
                               "url": live_server.url}])
    page.goto(live_server.url + f"/submissions/{phone_world['draft']}/")
    inputs = page.locator("#fill-form input[name^=v_], #fill-form input[name^=e_]")
    assert inputs.count() >= 18  # 本期数值 and 说明 of each indicator
    for i in range(inputs.count()):
        box = inputs.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
        assert box["height"] >= 44 and box["width"] >= 200, (i, box)  # a whole field, big enough for a thumb
    # Each 本期数值 field sits in its indicator's card with the unit and last year's figure, labelled.
    first = page.locator("#fill-form tbody tr").first
    labels = first.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert '"计量单位"' in labels and '"上年同期"' in labels, labels
    page.fill("#v_industrial_tax", "9.87")
    page.click("#fill-form button[value=save]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert SubmissionValue.objects.get(submission_id=phone_world["draft"], indicator__code="industrial_tax").value \
        == __import__("decimal").Decimal("9.87")
