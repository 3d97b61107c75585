"""Refuse every network connection that leaves this machine.

Python imports ``sitecustomize`` at start-up from the first directory on
``sys.path`` that has one, so putting this folder on ``PYTHONPATH`` turns the
guard on in that interpreter and in every Python it starts with the same
environment: a Jupyter server's kernels, or the kernels nbconvert starts. The
tests run the notebooks that way to prove that a learner can work through the
series with no network once the environment is installed.

TCP and UDP connections go through ``socket.connect`` or ``connect_ex``
(``socket.create_connection``, ``http.client``, ``urllib`` and ``requests``
all do), so guarding those two is enough. Loopback stays allowed, because a
kernel talks to its Jupyter server over it, and so do Unix sockets.
"""

import ipaddress
import socket

GUARD_MESSAGE = "no-network guard (tests/no_network) refused a connection to"


def _is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is a loopback address."""
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        # A host name: look it up, so that "localhost" passes and any name that
        # resolves to the outside world is refused.
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            return False
        return bool(infos) and all(
            ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos
        )


def _check(sock: socket.socket, address: object) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = address[0] if isinstance(address, tuple) else str(address)
    if not _is_loopback(str(host)):
        raise ConnectionRefusedError(f"{GUARD_MESSAGE} {address!r}")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check(self, address)
    return _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check(self, address)
    return _connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
