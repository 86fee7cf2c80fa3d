package simulator

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// WriteTable prints deliveries as a readable table: event, integration, URL,
// HTTP status, attempts, latency and error or reason skipped.
func WriteTable(w io.Writer, ds []Delivery) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EVENT\tINTEGRATION\tSTATUS\tTRIES\tLATENCY\tURL / NOTE")
	for i := range ds {
		d := &ds[i]
		status, note := "-", d.URL
		switch {
		case d.Skipped != "":
			status, note = "skipped", d.Skipped
		case len(d.Attempts) == 0:
			status = "dry-run"
		case d.Status() != 0:
			status = strconv.Itoa(d.Status())
		default:
			status = "error"
		}
		if e := d.Error(); e != "" {
			note += "  ← " + e
		}
		latency := "-"
		if len(d.Attempts) > 0 {
			latency = d.Latency().Round(10 * time.Microsecond).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", d.Event, d.Integration, status, len(d.Attempts), latency, note)
	}
	return tw.Flush()
}
