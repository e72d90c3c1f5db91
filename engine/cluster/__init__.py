"""The render farm: the engine client interface on a Ray cluster.

Ray is imported only when a client connects (``pip install "storyreel[cluster]"``); importing this package
does not need it.
"""

from engine.cluster.address import ClusterRefused, check_cluster_address
from engine.cluster.connection import ClusterUnreachable
from engine.cluster.ray_client import RayClient
from engine.cluster.status import ActorStatus, ClusterStatus, NodeStatus, cluster_status

__all__ = ["ActorStatus", "ClusterRefused", "ClusterStatus", "ClusterUnreachable", "NodeStatus", "RayClient",
           "check_cluster_address", "cluster_status"]
