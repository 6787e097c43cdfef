from tests.missions.conftest import (  # noqa: F401  (shared builders)
    authorized_mission,
    budget_line,
    disbursed_advance,
    make_mission,
    organization,
    project,
    signed_advance,
)
from tests.settlements.conftest import (  # noqa: F401
    _media,
    draft,
    returned_mission,
    submitted,
)
