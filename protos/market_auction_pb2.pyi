from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class AuctionOpen(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AuctionSubscribe(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OrderSubmit(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AuctionClear(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AuctionSettleStep(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AuctionFinalize(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
