"""What readers may type: a day to look back to, words to search for."""

import datetime

from django import forms
from django.utils import timezone

from positions.constants import EARLIEST_STANCE_DATE


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        required=False,
        label="Where did everyone stand on",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a valid date as YYYY-MM-DD, e.g. 2025-09-01."},
    )

    def clean_as_of(self) -> datetime.date | None:
        day = self.cleaned_data["as_of"]
        if day is not None and not EARLIEST_STANCE_DATE <= day <= timezone.localdate():
            raise forms.ValidationError(
                f"Choose a day from {EARLIEST_STANCE_DATE.isoformat()} to today ({timezone.localdate().isoformat()})."
            )
        return day


class SearchForm(forms.Form):
    q = forms.CharField(label="Search stances, quotes, actors and policies", max_length=200, strip=True)
