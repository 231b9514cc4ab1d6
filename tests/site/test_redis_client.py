"""The Redis cache backend (renovation_portal/cache.py)."""

from renovation_portal.cache import ResilientRedisCache


def test_the_redis_cache_makes_one_client_per_connection_pool():
    # Nothing listens there: making a client does not connect.
    backend = ResilientRedisCache("redis://127.0.0.1:9/0", {})
    client = backend._cache

    assert client.get_client("a") is client.get_client("b")
    # One server: reads and writes share its pool, and so its client.
    assert client.get_client(write=True) is client.get_client()


def test_the_redis_cache_keeps_a_client_per_server():
    backend = ResilientRedisCache("redis://127.0.0.1:9/0;redis://127.0.0.1:10/0", {})
    client = backend._cache

    writer = client.get_client(write=True)

    assert writer.connection_pool.connection_kwargs["port"] == 9
    assert client.get_client(write=True) is writer
