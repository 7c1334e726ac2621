"""The upload form: a file plus what may be stated for the whole file."""

from __future__ import annotations

from django import forms

from newind.indicators.models import Release

RELEASE_CHOICES = [("", "按文件（未注明为正式）"), *Release.choices]


class ImportForm(forms.Form):
    file = forms.FileField(label="数据文件（.xlsx 或 .csv）")
    indicator = forms.CharField(label="指标（宽表按年份分列时，标题未写明指标则填代码或名称）", required=False,
                                max_length=100)
    period = forms.CharField(label="时期（宽表按指标分列时，如 2017-11 或 2016）", required=False, max_length=30)
    source = forms.CharField(label="数据来源（不填则用文件中的来源或表下“资料来源”）", required=False, max_length=300)
    release = forms.ChoiceField(label="发布类型", choices=RELEASE_CHOICES, required=False)
    include_hidden = forms.BooleanField(
        label="同时导入隐藏的工作表、行和列（不选则不导入，预览中会列出隐藏了哪些内容）", required=False)


class ConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    # What the user saw in the preview: confirming writes nothing if the plan has changed since.
    plan = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    file_name = forms.CharField(max_length=255)
    indicator = forms.CharField(required=False, max_length=100)
    period = forms.CharField(required=False, max_length=30)
    source = forms.CharField(required=False, max_length=300)
    release = forms.CharField(required=False, max_length=20)
    include_hidden = forms.BooleanField(required=False)
