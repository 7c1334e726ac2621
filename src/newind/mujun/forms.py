"""The flags upload and its confirmation (the filing form is built from the scheme's inputs in the view)."""

from __future__ import annotations

from django import forms


class FlagsUploadForm(forms.Form):
    file = forms.FileField(label="年度标记文件（.xlsx 或 .csv）")


class FlagsConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    # What the user saw in the preview: confirming writes nothing if the file or the stored flags changed.
    plan = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    file_name = forms.CharField(max_length=255)
