"""Drives Feast's own Python SDK against a FeatureDuck data plane, with no Python feature definitions.

The whole Feast configuration is a `feature_store.yaml` naming the data plane three times: its registry (Feast's
remote registry protocol, gRPC), its online store (`type: remote`, HTTP) and its offline store (`type: remote`, Arrow
Flight), authenticated as Feast's `kubernetes` auth is outside a pod (the bearer token from LOCAL_K8S_TOKEN).

    python feast_sdk.py <repo dir> <host> <http port> <grpc port> <flight port> <token> <command> [json argument]

A token of "-" means none: `auth: {type: no_auth}`.

Commands (the argument is JSON; the answer is printed as the last JSON line: Arrow's C++ library may log after it):
    yaml                       only write <repo dir>/feature_store.yaml
    cli [args...]              run the `feast` command line in the repository, print its output
    online {features|service, entities, full}
    historical {features|service, rows: [{..., event_timestamp: iso}], full}
    apply                      try to register an entity (the registry is read-only)
    registry {kind, name}      get one object from the registry
    exchange {refs, rows|columns, command}   one raw offline-store call, as Feast's client makes it
    pull {view, features, latest, start, end}  a materialization read (pull_latest/pull_all_from_table_or_query)
    repeat {rows}              a historical call with rows x 4 columns of int64 (an upload of rows * 32 bytes)
Errors are printed as {"error": {"module", "class", "message"}}.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.flight as fl


def write_yaml(repo, host, http_port, grpc_port, flight_port, token):
    Path(repo).mkdir(parents=True, exist_ok=True)
    Path(repo, "feature_store.yaml").write_text(
        "project: demo\n"
        "provider: local\n"
        "registry:\n"
        "  registry_type: remote\n"
        f"  path: {host}:{grpc_port}\n"
        "online_store:\n"
        "  type: remote\n"
        f"  path: http://{host}:{http_port}\n"
        "offline_store:\n"
        "  type: remote\n"
        f"  host: {host}\n"
        f"  port: {flight_port}\n"
        "auth:\n"
        # No token: a data plane without authentication, and a `feast ui` that asks its own users for none.
        f"  type: {'kubernetes' if token != '-' else 'no_auth'}\n"
        "entity_key_serialization_version: 3\n"
    )


def features(store, argument):
    if "service" in argument:
        return store.get_feature_service(argument["service"])
    return argument["features"]


def entity_frame(rows):
    frame = pd.DataFrame(rows)
    if "event_timestamp" in frame.columns:
        frame["event_timestamp"] = pd.to_datetime(frame["event_timestamp"], utc=True, format="ISO8601")
    return frame


def records(frame):
    """The frame as JSON records: timestamps as ISO strings, NaN and None as null, numpy values as Python's."""
    return json.loads(frame.to_json(orient="records", date_format="iso", date_unit="us"))


def error(exception):
    return {"error": {"module": type(exception).__module__, "class": type(exception).__name__,
                      "message": str(exception)}}


def run(store, repo, command, argument):
    if command == "cli":
        done = subprocess.run([str(Path(sys.executable).parent / "feast")] + argument, cwd=repo,
                              capture_output=True, text=True, timeout=120)
        return {"status": done.returncode, "out": done.stdout, "err": done.stderr[-2000:]}
    if command == "online":
        response = store.get_online_features(
            features=features(store, argument), entity_rows=argument["entities"],
            full_feature_names=argument.get("full", False))
        return response.to_dict()
    if command == "historical":
        job = store.get_historical_features(
            entity_df=entity_frame(argument["rows"]), features=features(store, argument),
            full_feature_names=argument.get("full", False))
        return records(job.to_df())
    if command == "apply":
        from feast import Entity, ValueType
        store.apply([Entity(name="rider_id", join_keys=["rider_id"], value_type=ValueType.INT64)])
        return {"applied": True}
    if command == "registry":
        getter = {"feature_view": store.registry.get_feature_view, "entity": store.registry.get_entity,
                  "feature_service": store.registry.get_feature_service,
                  "data_source": store.registry.get_data_source}[argument["kind"]]
        return {"found": getter(argument["name"], argument.get("project", "demo")).name}
    if command == "exchange":
        return exchange(store, argument)
    if command == "pull":
        return pull(store, argument)
    raise SystemExit(f"unknown command {command}")


def pull(store, argument):
    """Feast's materialization reads through the remote offline store: a view's rows, or each entity's latest."""
    from datetime import datetime

    from feast.infra.offline_stores.remote import RemoteOfflineStore
    view = store.get_feature_view(argument["view"])
    method = (RemoteOfflineStore.pull_latest_from_table_or_query if argument["latest"]
              else RemoteOfflineStore.pull_all_from_table_or_query)
    job = method(config=store.config, data_source=view.batch_source, join_key_columns=view.join_keys,
                 feature_name_columns=argument["features"], timestamp_field=view.batch_source.timestamp_field,
                 created_timestamp_column=view.batch_source.created_timestamp_column or None,
                 start_date=datetime.fromisoformat(argument["start"]), end_date=datetime.fromisoformat(argument["end"]))
    return records(job.to_df())


def exchange(store, argument):
    """One offline-store read as Feast's RemoteOfflineStore makes it, with the entity table or command given."""
    from feast.infra.offline_stores.remote import _call_exchange, build_arrow_flight_client
    config = store.config
    client = build_arrow_flight_client(
        scheme="http", host=config.offline_store.host, port=config.offline_store.port,
        auth_config=config.auth_config)
    if "raw_command" in argument:
        # A descriptor that is not Feast's JSON at all: pyarrow's own client, Feast's error handling.
        from feast.arrow_error_handler import arrow_client_error_handling_decorator
        descriptor = fl.FlightDescriptor.for_command(argument["raw_command"])
        table = pa.table({"key": ["mock_key"]})

        @arrow_client_error_handling_decorator
        def call():
            writer, reader = client.do_exchange(descriptor)
            writer.begin(table.schema)
            writer.write_table(table)
            writer.done_writing()
            return reader.read_all()
        return {"rows": call().num_rows}
    if "repeat" in argument:
        n = argument["repeat"]
        frame = pd.DataFrame({"driver_id": range(n), "a": range(n), "b": range(n),
                              "event_timestamp": pd.Timestamp.now(tz="UTC")})
    else:
        frame = entity_frame(argument["rows"])
    parameters = {"feature_view_names": sorted({ref.split(":")[0] for ref in argument["refs"]}),
                  "feature_refs": argument["refs"], "project": "demo", "full_feature_names": False,
                  "name_aliases": []}
    table = _call_exchange("get_historical_features", parameters, client, frame, None)
    return {"rows": table.num_rows, "columns": table.column_names}


def main():
    repo, host, http_port, grpc_port, flight_port, token, command = sys.argv[1:8]
    if command == "cli":
        argument = sys.argv[8:]
    else:
        argument = json.loads(sys.argv[8]) if len(sys.argv) > 8 else {}
    # Feast's kubernetes auth reads the token here when it runs outside a pod.
    os.environ["LOCAL_K8S_TOKEN"] = token
    write_yaml(repo, host, http_port, grpc_port, flight_port, token)
    if command == "yaml":
        print(json.dumps({"repo": repo}))
        return
    from feast import FeatureStore
    store = FeatureStore(repo_path=repo)
    try:
        answer = run(store, repo, command, argument)
    except Exception as exception:  # every failure is the answer to check, Feast's exception class included
        answer = error(exception)
    print(json.dumps(answer, default=str))


if __name__ == "__main__":
    main()
