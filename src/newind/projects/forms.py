"""The project workbook upload and its confirmation."""

from __future__ import annotations

from django import forms


class ProjectUploadForm(forms.Form):
    file = forms.FileField(label="项目库文件（.xlsx 或 .csv）")


class ProjectConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    # What the user saw in the preview: confirming writes nothing if the plan has changed since.
    plan = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    file_name = forms.CharField(max_length=255)
