package ins

import "time"

// Pacific returns t in US Pacific time, as ClickBank prints transaction
// times (-08:00, or -07:00 under daylight saving time; docs/clickbank.md
// §6). The zone is computed from the US rule in force since 2007 (from 2:00
// local standard time on the second Sunday of March to 2:00 local daylight
// time on the first Sunday of November), so no time zone database is read.
// The zone's name is PST or PDT.
func Pacific(t time.Time) time.Time {
	y := t.UTC().Year()
	// DST starts at 10:00 UTC (02:00 PST) on the second Sunday of March and
	// ends at 09:00 UTC (02:00 PDT) on the first Sunday of November.
	start := nthSunday(y, time.March, 2).Add(10 * time.Hour)
	end := nthSunday(y, time.November, 1).Add(9 * time.Hour)
	if !t.Before(start) && t.Before(end) {
		return t.In(pdt)
	}
	return t.In(pst)
}

var (
	pst = time.FixedZone("PST", -8*60*60)
	pdt = time.FixedZone("PDT", -7*60*60)
)

// nthSunday returns midnight UTC of the n-th Sunday of month m of year y.
func nthSunday(y int, m time.Month, n int) time.Time {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	offset := (7 - int(first.Weekday())) % 7
	return first.AddDate(0, 0, offset+7*(n-1))
}
