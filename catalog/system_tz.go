package catalog

import (
	"time"

	"github.com/runnel-db/runnel/types"
)

// timezoneNames are the zones pg_timezone_names lists: the common ones (Go's database has them all,
// but PostgreSQL's list is what GUI tools show in a picker; a subset keeps it quick to compute).
var timezoneNames = []string{
	"UTC", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Sao_Paulo", "America/Toronto",
	"Asia/Dubai", "Asia/Hong_Kong", "Asia/Kolkata", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore",
	"Asia/Tokyo", "Australia/Sydney", "Europe/Berlin", "Europe/London", "Europe/Madrid", "Europe/Moscow",
	"Europe/Paris", "Pacific/Auckland",
}

func init() {
	register(12124, PgCatalog, "pg_timezone_names", true, `name:text abbrev:text utc_offset:interval is_dst:bool`,
		func(t *sysRel, c *Catalog) []types.Row {
			now := time.Now()
			var rows []types.Row
			for _, n := range timezoneNames {
				loc, err := time.LoadLocation(n)
				if err != nil {
					continue
				}
				abbrev, off := now.In(loc).Zone()
				rows = append(rows, t.row("name", n, "abbrev", abbrev,
					"utc_offset", types.NewInterval(types.IntervalValue{Micros: int64(off) * 1_000_000}),
					"is_dst", now.In(loc).IsDST()))
			}
			return rows
		})
}
