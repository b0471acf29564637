"""What every notebook does first, in one call: check the parameters, read the data, set up
the page (table style, language), and give access to the national stage.

A notebook's first cell after its parameters is::

    from evaluation.page import setup
    page = setup(region=region, data_dir=data_dir, language=language, fit_dir=fit_dir)

and later cells read ``page.dataset`` (all data), ``page.local`` (the region's slice),
``page.national`` (the national models, read from the run's ``fit_dir`` or fitted here),
``page.say(key)`` (a sentence of the catalogue in the page's language) and publish their
numbers with ``page.publish(metrics)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .data.regions import region_name
from .parameters import check_parameters


@dataclass
class Page:
    """One notebook's view of a region: parameters, data, national stage, language."""

    params: dict
    fit_dir: str | None = None
    output_dir: str | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def region(self) -> str:
        return self.params["region"]

    @property
    def language(self) -> str:
        return self.params["language"]

    @property
    def data_dir(self):
        return self.params["data_dir"]

    @cached_property
    def name(self) -> str:
        return region_name(self.region)

    @cached_property
    def dataset(self):
        from .data import load_dataset

        return load_dataset(self.data_dir)

    @cached_property
    def local(self):
        """The region's slice of every table."""
        return self.dataset.for_region(self.region)

    @cached_property
    def national(self):
        """The national stage (:class:`evaluation.national.National`)."""
        from .national import Settings, load_national

        # the settings this page declares: a stored fit made with others is refused
        return load_national(self.data_dir, self.fit_dir,
                             **{k: self.params[k] for k in Settings.names() if k in self.params})

    @cached_property
    def panel(self):
        """The regency-year panel of the whole country (:func:`evaluation.impact.regional.regency_panel`)."""
        from .impact import regional

        ds = self.dataset
        return regional.regency_panel(ds.centers, ds.regency_years, ds.center_years)

    def say(self, key: str, **values):
        """A sentence of the catalogue in the page's language, as Markdown."""
        from IPython.display import Markdown

        from .text import t

        return Markdown(t(key, self.language, **values))

    def show(self, text: str):
        """Show text made by the package (Markdown) on the page."""
        from IPython.display import Markdown, display

        display(Markdown(text))

    def publish(self, metrics: dict):
        """Publish the page's numbers (see :func:`evaluation.report.metrics.publish`)."""
        from .report.metrics import publish

        return publish({"region": self.region, **metrics})

    def export_path(self, name: str) -> str | None:
        """Where the report run wants a file of this page (None outside a run)."""
        return f"{self.output_dir}/{name}" if self.output_dir else None


def setup(region, data_dir, language: str = "en", fit_dir: str = "", output_dir: str = "", **options) -> Page:
    """Check the parameters and prepare the page (see the module docstring)."""
    params = check_parameters(region=region, data_dir=data_dir, language=language, **options)
    from .report.tables import install

    install(params["language"])
    return Page(params=params, fit_dir=fit_dir or None, output_dir=output_dir or None)
