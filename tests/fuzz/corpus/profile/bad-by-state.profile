{"format": "wtlab-profile", "version": 1,
 "wal": {"append_ns": 1000, "append_ns_per_kib": 0, "sync": {"quantiles": [1000000]}},
 "memtable": {"insert_ns_per_entry": 1000, "insert_ns_per_kib": 0},
 "schedule": {"wake_ns": 2000, "wake_latency": {"quantiles": [5000]},
              "wake_latency_by_state": {"GROUP_LEADR": {"quantiles": [300000]}}},
 "writers": {"think_ns": 0}}
