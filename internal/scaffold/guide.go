package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cbsim/cbsim/simulator"
)

// DefaultTracker is the tracker the guide's integrations point at when no
// tracker is given: where `cbsim tracker` listens by default.
const DefaultTracker = "http://127.0.0.1:8800"

// The accounts of the starter catalog (template/catalog.json) that own the
// integrations.
const (
	affiliateAccount = "aff01"
	vendorAccount    = "ven01"
)

// account returns the starter catalog's account of role r.
func account(r simulator.Role) string {
	if r == simulator.RoleVendor {
		return vendorAccount
	}
	return affiliateAccount
}

// integrationName returns the name of the project's integration of role r.
func integrationName(r simulator.Role) string { return string(r) + "-postback" }

// guideMapping is the CLICKID and SUM macros the guide gives each role.
var guideMapping = map[simulator.Role][2]string{
	simulator.RoleAffiliate: {"tid", "affiliate_earnings"},
	simulator.RoleVendor:    {"vtid", "vendor_earnings"},
}

// guideIntegration returns the integration of role r as the guide sets it
// up, for the tracker at base: a URL per event type with the offer-source
// template's parameters (clickid, sum, eventid, zip, order_id) and the
// event's type.
func guideIntegration(r simulator.Role, base string) simulator.Integration {
	m := guideMapping[r]
	in := simulator.Integration{Name: integrationName(r), Role: r, Account: account(r), Active: true, PerEvent: true,
		URLs: map[simulator.EventType]string{}}
	for _, g := range guideTypes {
		in.Events = append(in.Events, g.event)
		in.URLs[g.event] = fmt.Sprintf("%s/postback?clickid={%s}&sum={%s}&eventid={event_id}&zip={postal_code}&order_id={order_id}&type=%s",
			strings.TrimRight(base, "/"), m[0], m[1], g.name)
	}
	return in
}

// encodeIntegrations returns the integrations file of ins, laid out like
// cbsim's own fixtures: one field a line, events and URLs in funnel order.
func encodeIntegrations(ins []simulator.Integration) []byte {
	str := func(s string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // keep & as it is pasted into ClickBank
		_ = enc.Encode(s)        // a string always encodes
		return strings.TrimSuffix(b.String(), "\n")
	}
	var b strings.Builder
	b.WriteString("{\n  \"integrations\": [\n")
	for i, in := range ins {
		fmt.Fprintf(&b, "    {\n      \"name\": %s,\n      \"role\": %s,\n      \"account\": %s,\n      \"active\": %t,\n",
			str(in.Name), str(string(in.Role)), str(in.Account), in.Active)
		events := make([]string, len(in.Events))
		for j, t := range in.Events {
			events[j] = str(string(t))
		}
		fmt.Fprintf(&b, "      \"events\": [%s],\n      \"per_event\": %t,\n", strings.Join(events, ", "), in.PerEvent)
		if in.PerEvent {
			b.WriteString("      \"urls\": {\n")
			for j, t := range in.Events {
				sep := ","
				if j == len(in.Events)-1 {
					sep = ""
				}
				fmt.Fprintf(&b, "        %s: %s%s\n", str(string(t)), str(in.URLs[t]), sep)
			}
			b.WriteString("      }\n")
		} else {
			fmt.Fprintf(&b, "      \"url\": %s\n", str(in.URL))
		}
		b.WriteString("    }")
		if i < len(ins)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	return []byte(b.String())
}
