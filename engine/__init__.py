"""Storyreel's generation engine: requests, backends, worker process, queue, cache.

It knows nothing of projects or Qt; the app talks to it through ``engine.client``.
"""
