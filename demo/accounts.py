"""The demo's password and accounts: every module of the demo makes its logins here."""

from __future__ import annotations

from demo.factories import UserFactory
from quartier.models import User

DEMO_PASSWORD = "quartier-demo"  # noqa: S105  # documented demo password, refused without DEBUG  # nosec B105


def demo_user(username: str, display_name: str, email: str, *, superuser: bool = False, hashed: str = "") -> User:
    """The account ``username`` (any case), made with the demo password if it does not exist yet.

    ``hashed`` is a hash of the demo password made beforehand, so that many accounts are hashed once."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        user = UserFactory(
            username=username,
            display_name=display_name,
            email=email,
            is_superuser=superuser,
            is_staff=superuser,
            password=None if hashed else DEMO_PASSWORD,
            hashed=hashed,
        )
    return user
