package simulator

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/cbsim/cbsim/simulator/macro"
)

// DeliveryRecord is the JSON form of a delivery, one object per delivery in
// `cbsim fire --json` and in the control API of `cbsim serve`.
type DeliveryRecord struct {
	Event       EventType       `json:"event"`
	EventID     string          `json:"event_id,omitempty"`
	Receipt     string          `json:"receipt,omitempty"`
	OrderID     string          `json:"order_id,omitempty"`
	Integration string          `json:"integration"`
	Role        Role            `json:"role"`
	URL         string          `json:"url"`
	Status      int             `json:"status"`
	Delivered   bool            `json:"delivered"`
	Attempts    int             `json:"attempts"`
	Error       string          `json:"error"`
	Skipped     string          `json:"skipped,omitempty"`
	TestFire    bool            `json:"test_fire,omitempty"`
	LatencyMS   float64         `json:"latency_ms"`
	Tries       []AttemptRecord `json:"tries,omitempty"`
	Values      macro.Values    `json:"values"`
}

// AttemptRecord is the JSON form of an attempt.
type AttemptRecord struct {
	N         int     `json:"n"`
	Status    int     `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// Record returns the JSON form of d.
func (d *Delivery) Record() DeliveryRecord {
	r := DeliveryRecord{Event: d.Event, EventID: d.EventID, Receipt: d.Receipt, OrderID: d.OrderID,
		Integration: d.Integration, Role: d.Role, URL: d.URL, Status: d.Status(), Delivered: d.Delivered,
		Attempts: len(d.Attempts), Error: d.Error(), Skipped: d.Skipped, TestFire: d.TestFire,
		LatencyMS: ms(d.Latency()), Values: d.Values}
	if r.Values == nil {
		r.Values = macro.Values{}
	}
	for _, a := range d.Attempts {
		r.Tries = append(r.Tries, AttemptRecord{N: a.N, Status: a.Status, LatencyMS: ms(a.Latency), Error: a.Error})
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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
