package steps

// How failures describe what was seen.

import (
	"fmt"
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
)

func firstAttemptBody(d *simulator.Delivery) string {
	if len(d.Attempts) == 0 {
		return ""
	}
	return d.Attempts[len(d.Attempts)-1].Body
}

func describeDeliveries(ds []simulator.Delivery) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s %s → %d %s\n", d.Event.Title(), d.URL, d.Status(), d.Error())
	}
	return b.String()
}

func describeConversions(cs []Conversion) string {
	if len(cs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  type=%s payout=%s status=%s order=%s dup=%s params=%v\n", c.Type, money.Cents(c.Payout), c.Status, c.Order, c.DuplicateStatus, c.Params)
	}
	return b.String()
}

func describeRejections(rs []Rejection) string {
	if len(rs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "  %d %s: %s (%s)\n", r.Status, r.Param, r.Reason, r.Query)
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
