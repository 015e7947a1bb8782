"""Reads features from a FeatureDuck data plane exactly as Feast's `remote` online store reads them.

Feast's RemoteOnlineStore.online_read posts one feature view's bare feature names, qualified `view:feature`, and one
join key's values to `<path>/get-online-features` (a JSON string as the body, no content type), then walks
`metadata.feature_names` for the requested bare names and decodes a value only when its status is PRESENT; the event
time is the first entity's time of the first feature column. This script does the same with `requests` alone and
prints, as JSON, what the store would hand back to Feast: per entity, the event time and each feature's value (null
when not PRESENT).

    python3 feast_remote_online_read.py <base url> <token> <view> <join key> <comma-separated features> <keys...>
"""
import json
import sys
from datetime import datetime

import requests


def online_read(base, token, view, join_key, features, keys):
    body = json.dumps({
        "features": [f"{view}:{feature}" for feature in features],
        "entities": {join_key: keys},
    })
    session = requests.Session()
    # Feast's authenticated clients add the bearer token in the same header.
    response = session.post(f"{base}/get-online-features", data=body,
                            headers={"Authorization": f"Bearer {token}"})
    if response.status_code != 200:
        raise RuntimeError(f"Unable to retrieve the online store data using feature server API. "
                           f"Error_code={response.status_code}, error_message={response.text}")
    answer = json.loads(response.text)
    event_ts = ""
    if len(answer["results"]) > 1:
        event_ts = answer["results"][1]["event_timestamps"][0]
    event_ts = datetime.fromisoformat(event_ts.replace("Z", "+00:00"))
    rows = []
    for entity in range(len(keys)):
        values = {}
        for index, name in enumerate(answer["metadata"]["feature_names"]):
            if name in features:
                if answer["results"][index]["statuses"][entity] == "PRESENT":
                    values[name] = answer["results"][index]["values"][entity]
                else:
                    values[name] = None
        rows.append({"event_ts": event_ts.isoformat(), "features": values})
    return rows


def main():
    base, token, view, join_key, features = sys.argv[1:6]
    keys = [int(key) for key in sys.argv[6:]]
    rows = online_read(base, token, view, join_key, features.split(","), keys)
    missing = [name for name in features.split(",") if any(name not in row["features"] for row in rows)]
    if missing:
        raise RuntimeError(f"the answer lacks requested features {missing}")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
