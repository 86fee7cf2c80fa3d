package profile

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// TestClick: a click reads the click id from the Location (or a JSON
// reply) without following the redirect, and each visitor comes with its
// own documentation-range address and a user agent.
func TestClick(t *testing.T) {
	srv := newTestTracker(t, "k")
	ctx := context.Background()
	p := mustParse(t, testProfile)
	tr := mustBind(t, p, Config{TrackerURL: srv.URL, APIKey: "", Set: map[string]string{"key": "k"},
		Campaigns: map[string]string{RoleAffiliate: "aff", RoleVendor: "ven"}, HTTPClient: srv.Client(), Seed: 7})

	c, err := tr.Click(ctx, RoleAffiliate)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "c0001" || c.Landing == nil || c.Landing.Host != "offer.example" || c.Campaign != "aff" || c.Status != 302 {
		t.Errorf("click = %+v", c)
	}
	seen := map[string]bool{c.Visitor.IP: true}
	for range 20 {
		c, err := tr.Click(ctx, RoleAffiliate)
		if err != nil {
			t.Fatal(err)
		}
		if seen[c.Visitor.IP] {
			t.Errorf("address %s handed out twice", c.Visitor.IP)
		}
		seen[c.Visitor.IP] = true
	}
	uas := map[string]bool{}
	for _, v := range srv.visitors {
		a, err := netip.ParseAddr(v.IP)
		if err != nil || !inAny(a, DefaultIPRanges()) {
			t.Errorf("visitor address %q is not from the RFC 5737 ranges", v.IP)
		}
		if !strings.HasPrefix(v.UserAgent, "Mozilla/5.0 (") {
			t.Errorf("user agent %q is not a browser's", v.UserAgent)
		}
		uas[v.UserAgent] = true
	}
	if len(uas) < 10 {
		t.Errorf("%d distinct user agents over %d visitors, want the rotation", len(uas), len(srv.visitors))
	}
	if _, err := tr.Click(ctx, "buyer"); err == nil || !strings.Contains(err.Error(), `unknown role "buyer"`) {
		t.Errorf("Click(buyer) = %v", err)
	}
}

// inAny says whether a is in one of rs.
func inAny(a netip.Addr, rs []netip.Prefix) bool {
	for _, r := range rs {
		if r.Contains(a) {
			return true
		}
	}
	return false
}

// TestClickFailures: what a click says, and what to change, when the
// tracker does not behave as the profile says.
func TestClickFailures(t *testing.T) {
	srv := newTestTracker(t, "k")
	tests := []struct {
		name, profile, campaign string
		want, fix               string
	}{
		{"not a redirect", testProfile, "plain", "answered HTTP 200, not a redirect", "click.id_from: json"},
		{"no such parameter", strings.Replace(testProfile, "offer_url_macro", "param: subid\n  offer_url_macro", 1), "aff", "carries no subid=", "must carry subid={id}"},
		{"macro not replaced", testProfile, "nomacro", "did not replace the macro", "click.offer_url_macro"},
		{"json id path wrong", strings.Replace(testProfile, `offer_url_macro: "{id}"`, "id_from: json\n  json: {id: click.uuid}", 1), "json", `the reply has no "click.uuid"`, "click.json.id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := mustBind(t, mustParse(t, tt.profile), Config{TrackerURL: srv.URL, Set: map[string]string{"key": "k"},
				Campaigns: map[string]string{RoleAffiliate: tt.campaign, RoleVendor: tt.campaign}, HTTPClient: srv.Client()})
			_, err := tr.Click(context.Background(), RoleAffiliate)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(Fix(err), tt.fix) {
				t.Errorf("Click = %v (fix %q); want %q and fix %q", err, Fix(err), tt.want, tt.fix)
			}
			// The fix survives wrapping, and is not in the error's text.
			if wrapped := fmt.Errorf("click the affiliate campaign: %w", err); Fix(wrapped) != Fix(err) || strings.Contains(err.Error(), Fix(err)) {
				t.Errorf("Fix(wrapped) = %q, want %q, not in the text %q", Fix(wrapped), Fix(err), err)
			}
		})
	}
}

// TestFixNone: an error without a fix, or none at all, says none.
func TestFixNone(t *testing.T) {
	for _, err := range []error{nil, errors.New("plain"), fmt.Errorf("wrapped: %w", errors.New("plain"))} {
		if f := Fix(err); f != "" {
			t.Errorf("Fix(%v) = %q, want \"\"", err, f)
		}
	}
}

// TestClickJSON: a tracker that answers JSON gives the click id and the
// landing URL from the reply's fields.
func TestClickJSON(t *testing.T) {
	srv := newTestTracker(t, "k")
	p := mustParse(t, strings.Replace(testProfile, `offer_url_macro: "{id}"`, "id_from: json\n  json: {id: click.id, landing: url}", 1))
	tr := mustBind(t, p, Config{TrackerURL: srv.URL, Set: map[string]string{"key": "k"},
		Campaigns: map[string]string{RoleAffiliate: "json", RoleVendor: "json"}, HTTPClient: srv.Client()})
	c, err := tr.Click(context.Background(), RoleVendor)
	if err != nil || c.ID != "c0001" || c.Landing == nil || c.Landing.Query().Get("tid") != "c0001" {
		t.Errorf("Click = %+v, %v", c, err)
	}
}

// TestVisitorsDeterministic: the same seed gives the same visitors in the
// same order; another seed others; the first 762 addresses all differ.
func TestVisitorsDeterministic(t *testing.T) {
	spec := visitorSpec{ipHeader: DefaultIPHeader, ranges: DefaultIPRanges(), userAgents: UserAgents()}
	a, b, c := newVisitors(spec, 42), newVisitors(spec, 42), newVisitors(spec, 43)
	seen := map[string]bool{}
	differs := false
	for i := range 762 {
		va, vb, vc := a.next(), b.next(), c.next()
		if va != vb {
			t.Fatalf("visitor %d: %+v and %+v from one seed", i, va, vb)
		}
		if va != vc {
			differs = true
		}
		if seen[va.IP] {
			t.Fatalf("visitor %d repeats address %s", i, va.IP)
		}
		seen[va.IP] = true
		addr := netip.MustParseAddr(va.IP)
		if !inAny(addr, spec.ranges) || addr.As4()[3] == 0 || addr.As4()[3] == 255 {
			t.Fatalf("visitor %d has address %s: outside the ranges, or a network or broadcast address", i, va.IP)
		}
	}
	if !differs {
		t.Error("seeds 42 and 43 gave the same visitors")
	}
	if v := a.next(); !seen[v.IP] {
		t.Errorf("visitor 763 has a new address %s; there are only 762", v.IP)
	}
}

// TestVisitorRanges: small and IPv6 ranges hand out the addresses they
// hold.
func TestVisitorRanges(t *testing.T) {
	tests := []struct {
		ranges []string
		want   []string // every address, in any order
	}{
		{[]string{"203.0.113.8/30"}, []string{"203.0.113.9", "203.0.113.10"}},
		{[]string{"192.0.2.7/32", "192.0.2.8/31"}, []string{"192.0.2.7", "192.0.2.8", "192.0.2.9"}},
		{[]string{"2001:db8::/126"}, []string{"2001:db8::1", "2001:db8::2", "2001:db8::3"}},
	}
	for _, tt := range tests {
		spec := visitorSpec{ipHeader: "X-Real-IP"}
		for _, r := range tt.ranges {
			spec.ranges = append(spec.ranges, netip.MustParsePrefix(r))
		}
		v := newVisitors(spec, 1)
		got := map[string]bool{}
		for range tt.want {
			got[v.next().IP] = true
		}
		for _, w := range tt.want {
			if !got[w] {
				t.Errorf("ranges %v: %s never handed out (got %v)", tt.ranges, w, got)
			}
		}
	}
	big := newVisitors(visitorSpec{ipHeader: "X", ranges: []netip.Prefix{netip.MustParsePrefix("2001:db8::/32")}}, 5)
	if a := netip.MustParseAddr(big.next().IP); !netip.MustParsePrefix("2001:db8::/32").Contains(a) {
		t.Errorf("address %s outside 2001:db8::/32", a)
	}
}
