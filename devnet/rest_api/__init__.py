"""The devnet's REST API: Sawtooth 1.2's REST API in front of any validator component endpoint.

Like Sawtooth's own REST API it is a separate component: it speaks Sawtooth's client request
messages over ZMQ to the validator, so it fronts the devnet and a real Sawtooth validator alike.
"""

from .server import create_app, start_rest_api

__all__ = ["create_app", "start_rest_api"]
