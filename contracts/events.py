"""The base classes of every contract model and event."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

_VERSIONED_NAME = re.compile(r"(?P<name>\w+?)V(?P<version>[1-9][0-9]*)")


class ContractModel(BaseModel):
    """A frozen value inside a contract event."""

    # Consumers ignore fields they do not know yet (tolerant reader), so a producer may add
    # optional fields without a new version. Producers build models from typed Python values.
    model_config = ConfigDict(frozen=True, extra="ignore", use_attribute_docstrings=True)


class ContractEvent(ContractModel):
    """A fact a service publishes on its Kafka topic, identified by its CloudEvents type.

    The class name is the event name, in the past tense; a later major version carries a
    `V<N>` suffix (`RegistrationSubmittedV2`) and runs side by side with the earlier ones.
    """

    service: ClassVar[str]
    """The producing service, as in `/innovnet/<service>`; set once per service module."""
    event_name: ClassVar[str]
    """The class name without its version suffix."""
    version: ClassVar[int]
    """The major version: 1, or N for a class named `<Name>V<N>`."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Derive the event name and version from the class name."""
        super().__pydantic_init_subclass__(**kwargs)
        versioned = _VERSIONED_NAME.fullmatch(cls.__name__)
        cls.event_name = versioned["name"] if versioned else cls.__name__
        cls.version = int(versioned["version"]) if versioned else 1

    @classmethod
    def ce_type(cls) -> str:
        """The CloudEvents type, `gr.innovnet.<service>.<Name>.v<N>`."""
        if not hasattr(cls, "service"):
            raise TypeError(f"{cls.__name__} names no producing service (set `service`)")
        return f"gr.innovnet.{cls.service}.{cls.event_name}.v{cls.version}"
