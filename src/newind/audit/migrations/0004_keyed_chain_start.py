"""Start keyed hashing (HMAC-SHA256) in a database whose audit log already has unkeyed (SHA-256) entries.

Anyone with write access to the database could have recomputed those SHA-256 hashes, so nothing can prove
what they held before today. This migration appends one keyed `audit.keyed_start` entry that names the last
unkeyed entry (id and hash) and how many there are: from now on they are pinned like every later entry, and
`verify` accepts unkeyed hashes only before that marker, reporting them as such. A new database (no entries)
gets no marker: its chain is keyed from the first entry.
"""

from django.db import migrations
from django.utils import timezone


def mark_keyed_start(apps, schema_editor):  # type: ignore[no-untyped-def]
    from newind.audit.calc import KEYED_START_ACTION, entry_mac, key_id
    from newind.audit.keys import audit_key

    entry = apps.get_model("audit", "AuditEntry")
    last = entry.objects.order_by("-id").first()
    if last is None or entry.objects.filter(action=KEYED_START_ACTION).exists():
        return
    first = entry.objects.order_by("id").values_list("id", flat=True).first()
    count = entry.objects.count()
    key = audit_key()
    fields = {
        "at": timezone.now(), "actor_id": None, "actor": "migrate", "actor_name": "数据库迁移", "actor_role": "",
        "ip": "", "action": KEYED_START_ACTION, "object_type": "audit.auditentry", "object_id": "",
        "unit_id": None, "unit_code": "",
        "summary": (f"启用审计密钥（HMAC-SHA256）：此前第 {first}—{last.pk} 号共 {count} 条记录只有不带密钥的 SHA-256 哈希，"
                    "启用前若被有数据库权限的人改动并重算哈希，无法发现；自本条起，它们与此后的记录一样受密钥保护。")[:500],
        "before": None,
        "after": {"legacy_first_id": first, "legacy_last_id": last.pk, "legacy_last_hash": last.hash,
                  "legacy_count": count, "scheme": "hmac-sha256", "key_id": key_id(key)},
    }
    entry.objects.create(**fields, prev_hash=last.hash, hash=entry_mac(key, last.hash, fields))


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_statement_level_guards")]

    # Not reversible: the marker is an audit entry, and audit entries are never removed outside a purge.
    operations = [migrations.RunPython(mark_keyed_start, migrations.RunPython.noop)]
