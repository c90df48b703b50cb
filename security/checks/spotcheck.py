"""The quarterly spot check (001 §二(五)1): a reproducible random sample of at least the
site policy's percentage (30 %) of a site's sub-sites and columns. The draw is the one of
``liaisons.selectors.spot_check_sample`` (seeded by site, year and quarter), so the audit's
automated pre-check and the site manager's spot-check checklist name the same items."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Draw:
    site: object
    year: int
    quarter: int
    seed: str
    percent: int
    subsite_population: int
    column_population: int
    subsites: list
    columns: list


def draw(site, year, quarter):
    from liaisons.selectors import spot_check_sample

    sample = spot_check_sample(site, year, quarter)
    return Draw(site=site, year=year, quarter=quarter, seed=sample.seed, percent=sample.percent,
                subsite_population=len(sample.subsite_population), column_population=len(sample.column_population),
                subsites=list(sample.subsites), columns=list(sample.columns))
