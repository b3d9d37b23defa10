"""The departments that send the zones their data: created, edited, disabled and enabled by the
system administrator, every change audited in words (what changed, before → after, field labels
rather than ids). The caller's request is the transaction (nothing here commits)."""

from __future__ import annotations

from gaoxin.data.dictionary import BY_ID
from gaoxin.web.accounts.scoping import audit
from gaoxin.web.platform.labels import label
from gaoxin.web.registry.models import Department

SHOWN = ("code", "name", "name_en", "fields", "order", "active")


def field_names(ids) -> str:
    """Field ids as their labels in the reader's language, joined (an unknown id as it is)."""
    return "、".join(label(BY_ID[i]) if i in BY_ID else str(i) for i in ids or [])


def _text(name: str, value) -> str:
    if name == "fields":
        return field_names(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def save_department(request, form) -> Department:
    """Save a department from its validated form and audit what changed (before → after)."""
    created = form.instance.pk is None
    before = {} if created else dict(Department.objects.filter(pk=form.instance.pk).values(*SHOWN).get())
    obj = form.save()
    changed = {}
    for name in SHOWN:
        old, new = before.get(name), getattr(obj, name)
        if created:
            if new not in (None, "", []):
                changed[name] = _text(name, new)
        elif old != new:
            changed[name] = f"{_text(name, old)} → {_text(name, new)}"
    audit(request, "department_create" if created else "department_edit", obj, **changed)
    return obj


def set_active(request, department: Department, active: bool) -> Department:
    """Disable (no longer offered on the import pages; past imports keep its name) or enable it."""
    if department.active != active:
        department.active = active
        department.save(update_fields=["active"])
        audit(
            request, "department_enable" if active else "department_disable", department, name=department.name
        )
    return department
