package steps

// How failures describe what was seen.

import (
	"fmt"
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
)

// lastReply returns the body of the tracker's reply to the last attempt.
func lastReply(d *simulator.Delivery) string {
	if len(d.Attempts) == 0 {
		return ""
	}
	return d.Attempts[len(d.Attempts)-1].Body
}

func describeDeliveries(ds []simulator.Delivery) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s %s → %d %s", d.Event.Title(), d.URL, d.Status(), d.Error())
		if body := strings.TrimSpace(lastReply(&d)); body != "" && !d.Delivered {
			fmt.Fprintf(&b, ": %s", body)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func describeConversions(cs []Conversion) string {
	return describeEach(cs, func(c Conversion) string {
		return fmt.Sprintf("type=%s payout=%s status=%s order=%s dup=%s params=%v", c.Type, money.Cents(c.Payout), c.Status, c.Order, c.DuplicateStatus, c.Params)
	})
}

func describeRejections(rs []Rejection) string {
	return describeEach(rs, func(r Rejection) string {
		return fmt.Sprintf("%d %s: %s (%s)", r.Status, r.Param, r.Reason, r.Query)
	})
}

// describeEach lists xs one indented line each, "(none)" for none.
func describeEach[T any](xs []T, line func(T) string) string {
	if len(xs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, x := range xs {
		b.WriteString("  " + line(x) + "\n")
	}
	return b.String()
}

func formatRows(cols []string, rows [][]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  | %s |\n", strings.Join(cols, " | "))
	for _, r := range rows {
		fmt.Fprintf(&b, "  | %s |\n", strings.Join(r, " | "))
	}
	return b.String()
}
