from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class AggregatorSet(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TokensBuy(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OfferAdd(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OfferCancel(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OfferPick(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OfferSettle(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
