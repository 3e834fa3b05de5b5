from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class SupplierOpen(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SupplierJoin(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UsageDeclare(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SupplierSettle(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
