"""R-3.1d: list pending requests with an approval nobody may give; exit status 1 if any."""

from django.core.management.base import BaseCommand

from missions import selectors


class Command(BaseCommand):
    help = (
        "List pending missions and advances with an approval that nobody may give now (R-3.1d). "
        "Exit status 1 when there is any, for monitoring."
    )

    def handle(self, *args, **options):
        rows = selectors.stuck_approvals()
        for row in rows:
            since = f"{row['since']:%Y-%m-%d}" if row["since"] else "-"
            self.stdout.write(
                f"{row['obj'].code}\t{row['mission'].project.code}\t{row['slot']}\t"
                f"{since}\t{row['why']}"
            )
        if rows:
            self.stderr.write(f"{len(rows)} approvals nobody can give.")
            raise SystemExit(1)
        self.stdout.write("Every pending request has someone who may decide on it.")
