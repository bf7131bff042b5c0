"""Key checks: which credentials a request carries and whether they are accepted (403 otherwise)."""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from ..config import ServerConfig
from ..core.runtime.auth import Auth
from ..errors import Unauthorized
from .request import ClientInfo

log = logging.getLogger("parse_clone.keys")


@lru_cache(maxsize=64)
def _networks(ips: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    nets = []
    for ip in ips:
        try:
            nets.append(ipaddress.ip_network(ip, strict=False))
        except ValueError:
            continue
    return tuple(nets)


def ip_allowed(ip: str, allowed: list[str]) -> bool:
    """Is the client address inside one of the allowed addresses or CIDR ranges?"""
    if not ip:
        return False
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    for net in _networks(tuple(allowed)):
        if addr.version == net.version and addr in net:
            return True
    return False


def key_auth(config: ServerConfig, info: ClientInfo) -> Auth:
    """The Auth the keys grant (before any session lookup); Unauthorized for bad keys."""
    if info.app_id != config.appId:
        raise Unauthorized()
    if config.maintenanceKey and info.maintenance_key is not None and info.maintenance_key == config.maintenanceKey:
        if ip_allowed(info.ip, config.maintenanceKeyIps):
            return Auth(is_maintenance=True, installation_id=info.installation_id)
        raise Unauthorized()
    if info.master_key is not None and info.master_key == config.masterKey:
        if not ip_allowed(info.ip, config.masterKeyIps):
            log.error("Request using master key rejected as the request IP address '%s' is not set in Parse "
                      "Server option 'masterKeyIps'.", info.ip)
            raise Unauthorized()
        return Auth(is_master=True, installation_id=info.installation_id)
    if config.readOnlyMasterKey and info.master_key == config.readOnlyMasterKey:
        if not ip_allowed(info.ip, config.readOnlyMasterKeyIps):
            log.error("Request using read-only master key rejected as the request IP address '%s' is not set "
                      "in Parse Server option 'readOnlyMasterKeyIps'.", info.ip)
            raise Unauthorized()
        return Auth(is_master=True, is_read_only=True, installation_id=info.installation_id)
    if info.master_key is not None and info.master_key != config.masterKey:
        pass  # a wrong master key is simply not master; client keys decide below
    configured = False  # a client key is set: one of them must be sent
    for expected, sent in ((config.clientKey, info.client_key), (config.javascriptKey, info.javascript_key),
                           (config.dotNetKey, info.dotnet_key), (config.restAPIKey, info.rest_api_key)):
        if expected is not None:
            if sent == expected:
                return Auth(installation_id=info.installation_id)
            configured = True
    if configured:
        raise Unauthorized()
    return Auth(installation_id=info.installation_id)
