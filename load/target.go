package load

import (
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/macro"
)

// Naming is how a tracker names the postback's parameters; a bound
// tracker profile (*profile.Tracker) is one.
type Naming interface {
	// PostbackBase is the URL postbacks go to, with whatever query the
	// tracker fixes in it.
	PostbackBase() string
	// RenameQuery renames a query spelled RedTrack's way (clickid, sum,
	// type, txid …) into the tracker's names, values kept byte for byte.
	RenameQuery(raw string) (string, []string)
	// WireName is the tracker's name for a RedTrack-spelled parameter,
	// false when it has none.
	WireName(name string) (string, bool)
}

// PostbackType is the conversion type a postback of t carries (&type=…):
// the event's title without spaces, as the integration guide names the
// tracker's conversion types (docs/clickbank.md §1).
func PostbackType(t simulator.EventType) string {
	return strings.ReplaceAll(t.Title(), " ", "")
}

// Integrations returns the ClickBank integrations a QA sets up for a
// tracker named n, one per role in roles, each customised per event type
// (docs/clickbank.md §1): the tracker's postback URL with the offer-source
// template — CLICKID, SUM, &type=<conversion type>, eventid={event_id}, and
// txid={receipt_id} where the tracker takes a transaction id, so that each
// purchase of an order is its own conversion. The affiliate's click id
// comes back through the macro of carrier (the ClickBank parameter that
// carries it: "tid", or "extclid" … for a tracker whose click ids the TID
// rule drops); the vendor's through {vtid}. accounts names the owner of
// each role's integration ("" = every account of the role).
func Integrations(n Naming, roles []simulator.Role, carrier string, accounts map[simulator.Role]string) []simulator.Integration {
	if carrier == "" {
		carrier = "tid"
	}
	_, txid := n.WireName("txid")
	base := n.PostbackBase()
	sep := "?"
	if strings.Contains(base, "?") {
		base = strings.TrimRight(base, "&")
		sep = "&"
		if strings.HasSuffix(base, "?") {
			sep = ""
		}
	}
	var out []simulator.Integration
	for _, role := range roles {
		click, sum := "{"+carrier+"}", "{affiliate_earnings}"
		if role == simulator.RoleVendor {
			click, sum = "{vtid}", "{vendor_earnings}"
		}
		in := simulator.Integration{Name: "load-" + string(role), Role: role, Account: accounts[role], Active: true,
			PerEvent: true, URLs: map[simulator.EventType]string{}}
		for _, t := range macro.EventTypes() {
			q := "clickid=" + click + "&sum=" + sum + "&type=" + PostbackType(t) + "&eventid={event_id}"
			if txid {
				q += "&txid={receipt_id}"
			}
			q, _ = n.RenameQuery(q)
			in.Events = append(in.Events, t)
			in.URLs[t] = base + sep + q
		}
		out = append(out, in)
	}
	return out
}

// RedTrack is RedTrack's own naming at base (the tracker's address): the
// postback URL base+"/postback" and RedTrack's parameter names, which are
// the template's. It is what `cbsim load` uses without --profile.
func RedTrack(base string) Naming { return redTrack(strings.TrimRight(base, "/")) }

type redTrack string

func (r redTrack) PostbackBase() string                    { return string(r) + "/postback" }
func (redTrack) RenameQuery(raw string) (string, []string) { return raw, nil }

// WireName knows the parameters of the bundled redtrack profile's
// postback.fields; RedTrack takes no transaction id there.
func (redTrack) WireName(name string) (string, bool) {
	switch name {
	case "clickid", "sum", "type", "status", "currency", "rdtk_event_id", "ptoken":
		return name, true
	}
	return "", false
}
