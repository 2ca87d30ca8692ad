{"format": "wtlab-profile", "version": 1,
 "wal": {"append_ns": 1000, "append_ns_per_kib": 0,
  "sync": {"quantiles": [300]}},
 "memtable": {"insert_ns_per_entry": -5, "insert_ns_per_kib": 0},
 "schedule": {"wake_ns": 0, "wake_latency": {"quantiles": [0]}},
 "writers": {"think_ns": 0}}
