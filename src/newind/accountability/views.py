"""Pages of the accountability list (/accountability/…): the office runs the scan, records measures and closes
entries; leaders read the list and each entry's whole history. Reads go through newind.accounts.access
(accountability_entries_in_scope, accountability_entry_for), writes through accountability.services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from newind.accountability import queries, services
from newind.accountability.choices import Cause, EntryStatus
from newind.accountability.forms import MeasureForm, NoteForm, ScanForm
from newind.accounts.access import (
    ACCOUNTABILITY_MANAGE_PAGE,
    ACCOUNTABILITY_PAGE,
    accountability_entries_in_scope,
    accountability_entry_for,
    page_required,
)
from newind.core.errors import AppError


def _form_error(form: Any, what: str) -> AppError:
    errors = "；".join(f"{form.fields[f].label if f in form.fields else ''}：{'，'.join(e)}"
                      for f, e in form.errors.items())
    return AppError(f"{what}填写有误：{errors}")


@login_required
@page_required(ACCOUNTABILITY_PAGE)
def entry_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


def _list(request: HttpRequest, scanned: str = "") -> HttpResponse:
    entries = accountability_entries_in_scope(request.user)
    cause, status = request.GET.get("cause", ""), request.GET.get("status", "")
    if cause in Cause.values:
        entries = entries.filter(cause=cause)
    if status in EntryStatus.values:
        entries = entries.filter(status=status)
    return render(request, "accountability/list.html", {
        "rows": queries.entry_rows(entries), "causes": Cause.choices, "statuses": EntryStatus.choices,
        "cause": cause, "status": status, "can_manage": ACCOUNTABILITY_MANAGE_PAGE.allows(request.user),
        "scan_form": ScanForm(), "scanned": scanned})


@login_required
@require_POST
@page_required(ACCOUNTABILITY_MANAGE_PAGE)
def scan(request: HttpRequest) -> HttpResponse:
    """Scan now (the daily job does the same), then show the list with what was found."""
    form = ScanForm(request.POST)
    if not form.is_valid():
        raise _form_error(form, "扫描期别")
    result = services.scan(form.cleaned_data.get("period") or None, user=request.user)
    return _list(request, scanned=result.summary())


def _detail(request: HttpRequest, entry: Any, *, error: AppError | None = None, status: int = 200,
            form: MeasureForm | None = None) -> HttpResponse:
    return render(request, "accountability/detail.html", {
        "e": entry, "measures": list(entry.measures.all()), "events": list(entry.events.select_related("measure")),
        "can_manage": ACCOUNTABILITY_MANAGE_PAGE.allows(request.user), "form": form or MeasureForm(),
        "note_form": NoteForm(), "error": error, "closed": entry.status == EntryStatus.CLOSED}, status=status)


@login_required
@page_required(ACCOUNTABILITY_PAGE)
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _detail(request, accountability_entry_for(request.user, entry_id))


@login_required
@require_POST
@page_required(ACCOUNTABILITY_MANAGE_PAGE)
def measure_add(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = accountability_entry_for(request.user, entry_id, write=True)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        return _detail(request, entry, error=_form_error(form, "问责措施"), status=400, form=form)
    d = form.cleaned_data
    try:
        services.record_measure(entry, kind=d["kind"], taken_on=d["taken_on"], text=d["text"],
                                document_no=d["document_no"], user=request.user)
    except AppError as exc:
        return _detail(request, entry, error=exc, status=exc.status, form=form)
    return redirect("accountability:detail", entry_id=entry.pk)


def _status_action(request: HttpRequest, entry_id: int, action: Any) -> HttpResponse:
    entry = accountability_entry_for(request.user, entry_id, write=True)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form, "说明")
        action(entry, note=form.cleaned_data["note"], user=request.user)
    except AppError as exc:
        return _detail(request, entry, error=exc, status=exc.status)
    return redirect("accountability:detail", entry_id=entry.pk)


@login_required
@require_POST
@page_required(ACCOUNTABILITY_MANAGE_PAGE)
def entry_close(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _status_action(request, entry_id, services.close_entry)


@login_required
@require_POST
@page_required(ACCOUNTABILITY_MANAGE_PAGE)
def entry_reopen(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _status_action(request, entry_id, services.reopen_entry)
