from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class CommunityOpen(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DerJoin(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DerLeave(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EpochSweep(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EpochDispute(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EpochResolve(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
