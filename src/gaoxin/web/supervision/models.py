"""Region-level white-lists: a province's or the nation's list for banks, frozen when published.

A ``RegionalList`` unites published lists of zones under the supervisor's region; its entries copy
what a bank needs (the firm, its zone, its frozen score, grade and rank in its zone's list) so that
later runs, corrections or a zone's new lists never change what the bank received.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frozen(Exception):
    """A published regional list and its entries never change."""


class RegionalList(models.Model):
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="regional_lists")
    title = models.CharField(_("title"), max_length=200)
    sources = models.ManyToManyField("credit.PublishedList", related_name="regional_lists")
    banks = models.ManyToManyField("accounts.Bank", related_name="regional_lists")
    entries_count = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)  # of the entries as published (who, which zone, which score)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("regional white-list")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Frozen("a published regional list does not change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Frozen("a published regional list is kept")


class RegionalEntry(models.Model):
    regional_list = models.ForeignKey(RegionalList, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField()
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="regional_entries"
    )
    source = models.ForeignKey("credit.PublishedList", on_delete=models.PROTECT, related_name="+")
    # frozen copies: what the bank received, whatever changes later
    uscc = models.CharField(max_length=18)
    name = models.CharField(max_length=200)
    zone_code = models.CharField(max_length=40)
    zone_name = models.CharField(max_length=200)
    stage = models.CharField(max_length=40)
    total = models.FloatField()
    rank = models.PositiveIntegerField()
    grade = models.CharField(max_length=20, blank=True)
    list = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField()
    model_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["regional_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["regional_list", "enterprise"], name="regional_entry_once")
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Frozen("a published regional list does not change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Frozen("a published regional list is kept")
