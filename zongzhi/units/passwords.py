"""Password rules of the security policy (等保): length, character classes, not the username."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class CharacterClassesValidator:
    """At least `min_classes` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、符号中的三类",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return "密码须至少包含大写字母、小写字母、数字、符号中的三类"


class NotUsernameValidator:
    """The password may not be the username, nor contain it."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if username and username in password.lower():
            raise ValidationError("密码不能与用户名相同或包含用户名", code="password_is_username")

    def get_help_text(self) -> str:
        return "密码不能与用户名相同或包含用户名"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with the message in Chinese whatever the active language."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要{self.min_length}位", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}位"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with the message in Chinese."""

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError("这个密码太常见，容易被猜到，请换一个", code="password_too_common") from exc

    def get_help_text(self) -> str:
        return "不能使用常见密码"
