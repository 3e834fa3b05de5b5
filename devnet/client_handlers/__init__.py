"""Answers to Sawtooth's client requests (client_*_pb2), as Sawtooth 1.2's validator gives them."""
