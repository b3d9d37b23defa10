"""Forms of the credit pages: a new run, a model upload, the ranking's filters, publishing a list.

Choices come from what the user may see (querysets passed in by the view, scoped by
``accounts.scoping.visible``) and from the run's model; the forms decide no number.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.data.dictionary import TECH_FIELDS
from gaoxin.scoring.model import Model
from gaoxin.web.credit import services
from gaoxin.web.platform.labels import label

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 50


def model_choices(model_files) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices: shipped models, then the zone's uploaded files (``shipped:<id>``, ``file:<pk>``)."""
    shipped = [
        (f"shipped:{m.id}", f"{label(m.name)}（{m.id} v{m.version}）") for m in services.shipped_models()
    ]
    uploaded = [
        (f"file:{f.pk}", f"{f.name}（{f.model_id} v{f.version}，{f.zone.code}）") for f in model_files
    ]
    groups = [(_("Shipped models"), shipped)]
    if uploaded:
        groups.append((_("Uploaded models"), uploaded))
    return groups


class NewRunForm(forms.Form):
    model = forms.ChoiceField(label=_("Model"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=None, empty_label=None)
    uncertainty = forms.BooleanField(
        label=_("Assess how robust the ranks are (Monte Carlo, 1,000 sampled weightings)"),
        help_text=_(
            "Each weight is multiplied by a random factor between 0.75 and 1.25, 1,000 times (fixed seed): "
            "every firm gets the interval its rank lies in for nine in ten of the weightings, and the share "
            "of them that keep it on its list. The run takes longer."
        ),
        required=False,
    )

    def __init__(self, *args, model_files, years, zones=None, last_model: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].initial = last_model
        self.model_files = {f.pk: f for f in model_files}
        self.fields["model"].choices = model_choices(self.model_files.values())
        self.fields["year"].choices = [(y, str(y)) for y in years]
        if zones is None:
            del self.fields["zone"]  # a zone administrator runs their own zone
        else:
            self.fields["zone"].queryset = zones

    def clean_model(self) -> Model:
        ref = self.cleaned_data["model"]
        kind, _sep, key = ref.partition(":")
        try:
            if kind == "shipped":
                return services.shipped_model(key)
            if kind == "file":
                return services.model_file_model(self.model_files[int(key)])
        except (KeyError, ValueError):
            pass
        raise forms.ValidationError(_("Choose one of the models offered."))


class ModelUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Model file (YAML or JSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=None, empty_label=None)

    def __init__(self, *args, zones=None, **kwargs):
        super().__init__(*args, **kwargs)
        if zones is None:
            del self.fields["zone"]
        else:
            self.fields["zone"].queryset = zones


class RankingFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    list = forms.ChoiceField(label=_("List"), required=False)
    industry = forms.CharField(label=_("Industry code"), required=False, max_length=10)
    tech_field = forms.ChoiceField(label=_("Tech field"), required=False)
    q = forms.CharField(label=_("Name or USCC"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("rank", _("Rank in cohort")),
            ("-total", _("Total, highest first")),
            ("total", _("Total, lowest first")),
            ("name", _("Name")),
        ],
    )
    per = forms.TypedChoiceField(
        label=_("Per page"), required=False, coerce=int, choices=[(n, str(n)) for n in PAGE_SIZES]
    )

    def __init__(self, data=None, *args, model: Model, **kwargs):
        if data is not None and not data.get("per"):
            data = data.copy()
            data["per"] = str(DEFAULT_PAGE_SIZE)  # shown as chosen, not the first option
        super().__init__(data, *args, **kwargs)
        every = [("", _("All"))]
        self.fields["stage"].choices = every + [(s.id, label(s.name)) for s in model.stages]
        self.fields["grade"].choices = every + [(g.grade, g.grade) for g in model.grades]
        self.fields["list"].choices = every + [(x.id, label(x.name)) for x in model.lists]
        self.fields["tech_field"].choices = every + [(t, t) for t in TECH_FIELDS]
        if not model.lists:
            del self.fields["list"]

    def filters(self) -> dict:
        """The valid filters; a value that is not valid is ignored, not an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        keys = ("stage", "grade", "list", "industry", "tech_field", "q", "sort")
        return {k: data[k] for k in keys if data.get(k)}

    def page_size(self) -> int:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("per") or DEFAULT_PAGE_SIZE


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    grade_min = forms.ChoiceField(label=_("Grade at least"), required=False)
    list = forms.ChoiceField(label=_("On list (or a better one)"), required=False)
    top = forms.IntegerField(label=_("Only the first N"), required=False, min_value=1)
    banks = forms.ModelMultipleChoiceField(
        label=_("Banks"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    # Publishing is irreversible: it needs the preview's count back and an explicit tick (the view checks
    # both when "publish" is pressed; a preview needs neither).
    confirm = forms.BooleanField(
        label=_(
            "I have checked the preview: these firms go to the ticked banks, and a published list can never be changed or withdrawn."
        ),
        required=False,
    )
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, model: Model, banks, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["stage"].choices = every + [(s.id, label(s.name)) for s in model.stages]
        self.fields["grade_min"].choices = every + [(g.grade, g.grade) for g in model.grades]
        self.fields["list"].choices = every + [
            (x.id, f"{label(x.name)}（{float(x.top) * 100:g}%）") for x in model.lists
        ]
        if not model.lists:
            del self.fields["list"]
        self.fields["banks"].queryset = banks

    def list_filters(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("stage", "grade_min", "list", "top") if data.get(k)}
