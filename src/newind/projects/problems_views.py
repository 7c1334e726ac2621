"""The hand-over page of a project's problem (/projects/<pk>/problems/new/) and the project page's block.

Only the office hands problems over (access.PROJECT_PROBLEM_PAGE) and only for a project it may change
(access.project_for with write=True); the department then answers on the case pages (/cases/…).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from newind.accounts.access import PROJECT_PROBLEM_PAGE, cases_in_scope, page_required, project_for
from newind.cases.queries import categories
from newind.cases.sla import load_profile
from newind.core.errors import AppError
from newind.projects import problems
from newind.projects.models import Project
from newind.units.models import Unit


class ProblemForm(forms.Form):
    """A project's problem: what it is, which department solves it, its categories."""

    title = forms.CharField(label="问题标题", max_length=200,
                            error_messages={"required": "请填写问题标题（一句话说明需要解决什么）。"})
    description = forms.CharField(label="问题内容", widget=forms.Textarea(attrs={"rows": 5}),
                                  error_messages={"required": "请写明问题内容：项目推进中遇到了什么问题，希望部门解决什么。"})
    department = forms.ModelChoiceField(label="交办部门", queryset=Unit.objects.none(), empty_label="请选择市直部门",
                                        error_messages={"required": "请选择交办的市直部门。",
                                                        "invalid_choice": "所选部门不在市直部门名单中：请重新选择。"})
    categories = forms.MultipleChoiceField(label="问题分类", widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "请至少选择一个分类（不确定时选「其他」）。",
                                                           "invalid_choice": "分类「%(value)s」不在分类表中：请重新选择。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Unit.objects.filter(kind="department").order_by("sort_order", "code")
        self.fields["categories"].choices = list(categories().items())


@login_required
@require_http_methods(["GET", "POST"])
@page_required(PROJECT_PROBLEM_PAGE)
def new_problem(request: HttpRequest, project_pk: int) -> HttpResponse:
    """The office hands one of a project's problems over to a department."""
    project = project_for(request.user, project_pk, write=True)
    form = ProblemForm(request.POST or None)
    error: AppError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            link = problems.hand_over(project, title=form.cleaned_data["title"],
                                      description=form.cleaned_data["description"],
                                      department=form.cleaned_data["department"],
                                      category_codes=form.cleaned_data["categories"], user=request.user)
        except AppError as exc:
            if exc.status in (401, 403):
                raise
            error = exc
        else:
            return redirect("cases:detail", case_id=link.case_id)
    status = (error.status if error else 400) if request.method == "POST" else 200
    return render(request, "projects/problems/new.html", {
        "project": project, "form": form, "error": error, "profile": load_profile(problems.PROFILE)}, status=status)


def problems_context(project: Project, user: Any, today: dt.date | dt.datetime | None = None) -> dict[str, Any]:
    """The context of projects/_detail_problems.html: the rows, and the hand-over link for the office."""
    url = reverse("projects_problems:new", kwargs={"project_pk": project.pk}) \
        if PROJECT_PROBLEM_PAGE.allows(user) else ""
    rows = problems.problem_rows(project, today)
    # Link a problem to its case page only for those who may open it there (a county's people see the problem
    # here, and get 403 on /cases/…): one query for the page's cases.
    openable = set(cases_in_scope(user).filter(pk__in=[r["case_id"] for r in rows]).values_list("pk", flat=True))
    for row in rows:  # the page's few problems, not a hot path
        if row["case_id"] not in openable:
            row["url"] = ""
    return {"problems": rows, "problems_new_url": url}
