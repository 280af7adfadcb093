"""Login by username or email address."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from quartier.models import User


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: object
    ) -> User | None:
        if not username or password is None:
            return None
        login = username.strip()
        candidates = list(User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))[:2])
        if len(candidates) != 1:
            # Run the hasher anyway so that timing does not tell whether an account exists.
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
