"""The background job of the policy library: tell the paired officials about a published policy's matches."""

from __future__ import annotations

from newind.jobs.registry import register_argument_text, register_job


def _policy_text(value: object) -> str:
    from newind.policies.models import Policy

    title = Policy.objects.filter(pk=value).values_list("title", flat=True).first() if str(value).isdigit() else None
    return f"政策：{title}" if title else f"政策编号：{value}"


register_argument_text("policy_id", _policy_text)


@register_job("policies.notify_matches", "政策发布后向包联干部推送新匹配企业")
def notify_matches(policy_id: int, year: int) -> str:
    """Record and push the new matches of one published policy (idempotent: a notice is recorded once)."""
    from newind.policies.services import notify_matches as notify

    made = notify(int(policy_id), int(year))
    officials = len({n.recipient_name for n in made})
    failed = sum(1 for n in made if n.webhook_status == "failed")
    return (f"新增政策匹配提醒 {len(made)} 条（{officials} 人）" + (f"，其中推送失败 {failed} 条。" if failed else "。"))
