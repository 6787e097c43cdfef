"""The deadline tests start from the settlement fixtures: a mission back from its trip with a
disbursed advance, a settlement drafted or submitted."""

from tests.settlements.conftest import (  # noqa: F401  (fixtures shared with the settlements tests)
    _media,
    authorized_mission,
    disbursed_advance,
    draft,
    make_mission,
    organization,
    project,
    returned_mission,
    signed_advance,
    submitted,
)
