"""Reads features from a FeatureDuck data plane through Feast's own Python SDK and its `remote` online store.

A Feast repository is made in a temporary directory: a `feature_store.yaml` whose online store is
`type: remote` at the data plane's URL, authenticated as Feast's `kubernetes` auth does outside a pod (the bearer
token from LOCAL_K8S_TOKEN), and the view's definition (entity `driver_id`, the named features with their types)
applied to a local registry. Then `FeatureStore.get_online_features` is called, and what the SDK hands back is
printed as JSON: per entity, each feature's value (null when Feast saw no PRESENT value).

    python feast_remote_online_read.py <base url> <token> <view> <join key> <feature:type,...> <keys...>

Types are Feast's (Float32, Float64, Int32, Int64, String, Bool).
"""
import json
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from feast import Entity, FeatureStore, FeatureView, Field, FileSource, ValueType
from feast import types as feast_types


def repository(directory, base, view, join_key, features):
    """A Feast repository whose online store is the data plane, and the view's definition applied to it."""
    Path(directory, "feature_store.yaml").write_text(
        "project: featureduck_compat\n"
        f"registry: {directory}/registry.db\n"
        "provider: local\n"
        "online_store:\n"
        "  type: remote\n"
        f"  path: {base}\n"
        "auth:\n"
        "  type: kubernetes\n"
        "entity_key_serialization_version: 3\n"
    )
    store = FeatureStore(repo_path=directory)
    entity = Entity(name=join_key, join_keys=[join_key], value_type=ValueType.INT64)
    # The source is never read: the remote online store asks the data plane, which reads the table itself.
    source = FileSource(path=f"{directory}/unused.parquet", timestamp_field="event_timestamp")
    feature_view = FeatureView(
        name=view,
        entities=[entity],
        ttl=timedelta(hours=48),
        schema=[Field(name=name, dtype=getattr(feast_types, dtype)) for name, dtype in features],
        source=source,
        online=True,
    )
    store.apply([entity, feature_view])
    return store


def main():
    base, token, view, join_key, typed = sys.argv[1:6]
    keys = [int(key) for key in sys.argv[6:]]
    features = [tuple(item.split(":")) for item in typed.split(",")]
    # Feast's kubernetes auth reads the token here when it runs outside a pod.
    os.environ["LOCAL_K8S_TOKEN"] = token
    with tempfile.TemporaryDirectory() as directory:
        store = repository(directory, base, view, join_key, features)
        response = store.get_online_features(
            features=[f"{view}:{name}" for name, _ in features],
            entity_rows=[{join_key: key} for key in keys],
        )
        columns = response.to_dict()
    # Feast 0.67 hands back no event times for a remote online store (its timestamp lists are empty), so only the
    # values are printed.
    rows = [{"features": {name: columns[name][index] for name, _ in features}} for index in range(len(keys))]
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
