from __future__ import annotations

from django import forms


class TaskSetFields(forms.Form):
    code = forms.RegexField(label="任务清单代码", regex=r"^[A-Za-z0-9_-]{1,32}$", max_length=32,
                            help_text="字母、数字、短横线，如 qysy-2017；与已有清单相同则更新该清单")
    name = forms.CharField(label="任务清单名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source_document = forms.CharField(label="来源文件", max_length=300, required=False,
                                      help_text="如 岳办发〔2017〕5号")


class UploadForm(TaskSetFields):
    file = forms.FileField(label="任务清单（Excel）")


class ConfirmForm(TaskSetFields):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    plan = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label="实际完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="撤回误报时留空")
    evidence = forms.CharField(label="完成情况与佐证", required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
