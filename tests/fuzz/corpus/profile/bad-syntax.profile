{"format": "wtlab-profile", "version": 1,
 "wal": {"append_ns": 1000, "append_ns_per_kib": 0,
  "sync": {"quantiles": [300]}}
 "memtable": {}}
