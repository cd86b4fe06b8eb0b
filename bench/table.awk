# Summarises bench/run.sh's RESULT lines: means over rounds (p99s: the worst round), shcr's ratios.
/^#/ { print; next }
/^RESULT/ {
  delete f
  for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  k = f["name"] SUBSEP f["mode"] SUBSEP f["level"]
  n[k]++; vps[k] += f["vps"]; cpu[k] += f["cpu"]; ref[k] += f["refused"] + f["failed"] + f["incomplete"]
  if (f["p99first"] > p99f[k]) p99f[k] = f["p99first"]
  if (f["p99complete"] > p99c[k]) p99c[k] = f["p99complete"]
  if (f["codes"] != "") codes[f["name"] " " f["mode"] " " f["level"]] = codes[f["name"] " " f["mode"] " " f["level"]] " " f["codes"]
  if (f["mode"] == "closed") levels[f["level"]] = 1
  if (f["mode"] == "open") rate = f["level"]
  if (f["mode"] == "hung") hung = sprintf("%s views/s, %d views, %d not served; p50 / p99 / max complete %d / %d / %d ms (the 19 hung sources' deadline: 2,500 ms from the fan-out)", f["vps"], f["views"], f["refused"] + f["failed"] + f["incomplete"], f["p50complete"], f["p99complete"], f["maxcomplete"])
  if (f["mode"] == "hold") hold = sprintf("%d streams opened, %s of them had their first section (RXN answers, the other 19 sources hang), server RSS %d MiB, %d open descriptors", f["level"], f["held"], f["rssMiB"], f["openFds"])
}
END {
  split("bare blocking shcr", names, " ")
  for (l in levels) {
    printf "\nclosed loop c=%d\n%-9s %9s %8s %12s %15s %9s\n", l, "", "views/s", "ratio", "not served", "p99 first (ms)", "cores"
    for (j = 1; j <= 3; j++) {
      k = names[j] SUBSEP "closed" SUBSEP l; b = "bare" SUBSEP "closed" SUBSEP l
      if (!n[k]) continue
      printf "%-9s %9.1f %7.2fx %12d %15d %9.2f\n", names[j], vps[k] / n[k], (vps[b] ? vps[k] / vps[b] : 0), ref[k], p99f[k], cpu[k] / n[k]
    }
    k = "shcr" SUBSEP "closed" SUBSEP l; bl = "blocking" SUBSEP "closed" SUBSEP l
    if (n[k] && vps[bl]) printf "shcr / blocking: %.2fx\n", vps[k] / vps[bl]
  }
  if (rate) {
    printf "\nopen loop, %d views/s (half the bare fan-out's c=%s)\n%-9s %9s %12s %15s %18s %9s\n", rate, "first level", "", "views/s", "not served", "p99 first (ms)", "p99 complete (ms)", "cores"
    for (j = 1; j <= 3; j++) {
      k = names[j] SUBSEP "open" SUBSEP rate
      if (n[k]) printf "%-9s %9.1f %12d %15d %18d %9.2f\n", names[j], vps[k] / n[k], ref[k], p99f[k], p99c[k], cpu[k] / n[k]
    }
    print "(the slowest source answers after 600 ms, RXN after 103 ms, Spine after 20 ms)"
  }
  if (hung) print "\nhung sources (shcr, every source but RXN hangs): " hung
  if (hold) print "\nhold: " hold
  for (c in codes) print "not served, by code: " c ":" codes[c]
}
