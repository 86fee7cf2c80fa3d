package macro

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCatalogHasEveryDocumentedMacro(t *testing.T) {
	// CLICKBANK.md §4, and the affiliate tracking parameters of §3.
	want := map[string]struct {
		roles  Roles
		source string
	}{
		"tid": {Affiliate, SourceSeed}, "vtid": {Vendor, SourceSeed},
		"affiliate_earnings": {Affiliate, SourceSeed}, "vendor_earnings": {Vendor, SourceSeed},
		"event_id": {Both, SourceSeed}, "postal_code": {Both, SourceSeed}, "order_id": {Both, SourceSeed},
		"receipt_id": {Both, SourceLikely}, "currency": {Both, SourceLikely}, "event_type": {Both, SourceLikely},
		"extclid": {Affiliate, SourceLikely}, "aff_sub1": {Affiliate, SourceLikely}, "aff_sub2": {Affiliate, SourceLikely},
		"aff_sub3": {Affiliate, SourceLikely}, "aff_sub4": {Affiliate, SourceLikely}, "aff_sub5": {Affiliate, SourceLikely},
		"traffic_source": {Affiliate, SourceLikely}, "traffic_type": {Affiliate, SourceLikely},
		"campaign": {Affiliate, SourceLikely}, "adgroup": {Affiliate, SourceLikely}, "ad": {Affiliate, SourceLikely},
		"creative": {Affiliate, SourceLikely}, "click_id": {Both, SourceLikely}, "account": {Both, SourceLikely},
		"role": {Both, SourceLikely}, "affiliate": {Both, SourceLikely}, "vendor": {Both, SourceLikely},
		"total_transaction_amount": {Both, SourceLikely}, "country": {Both, SourceLikely}, "state": {Both, SourceLikely},
		"device_type": {Both, SourceLikely}, "browser": {Both, SourceLikely},
		"offer": {Affiliate, SourceChoice}, "network_aff": {Affiliate, SourceChoice}, "fbclid": {Affiliate, SourceChoice},
		"gclid": {Affiliate, SourceChoice}, "contact_id": {Affiliate, SourceChoice},
		"unique_aff_sub1": {Affiliate, SourceChoice}, "unique_aff_sub2": {Affiliate, SourceChoice},
		"unique_aff_sub3": {Affiliate, SourceChoice}, "unique_aff_sub4": {Affiliate, SourceChoice},
		"unique_aff_sub5": {Affiliate, SourceChoice},
		"item":            {Both, SourceChoice}, "product_title": {Both, SourceChoice},
	}
	for name, w := range want {
		m, ok := Lookup(name)
		if !ok {
			t.Errorf("Lookup(%q): not in the catalog", name)
			continue
		}
		if m.Roles != w.roles || m.Source != w.source {
			t.Errorf("%s: roles %s, source %s; want %s, %s", name, m.Roles, m.Source, w.roles, w.source)
		}
		if !Known(name) {
			t.Errorf("Known(%q) = false", name)
		}
	}
	if got := len(Catalog()); got != len(want) {
		t.Errorf("catalog has %d macros; the test knows %d — add the new ones here", got, len(want))
	}
}

func TestCatalogEntries(t *testing.T) {
	name := regexp.MustCompile(`^[a-z0-9_]+$`)
	sources := []string{SourceSeed, SourceDoc, SourceLikely, SourceChoice}
	cat := Catalog()
	if !slices.IsSortedFunc(cat, func(a, b Macro) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Catalog() is not sorted by name")
	}
	for i, m := range cat {
		if i > 0 && cat[i-1].Name == m.Name {
			t.Errorf("%s: listed twice", m.Name)
		}
		if !name.MatchString(m.Name) {
			t.Errorf("%q: not a token name", m.Name)
		}
		if m.Description == "" || m.Example == "" || m.TestValue == "" {
			t.Errorf("%s: description, example and test value are required: %+v", m.Name, m)
		}
		if m.Roles == 0 || m.Roles > Both {
			t.Errorf("%s: roles %s", m.Name, m.Roles)
		}
		if !slices.Contains(sources, m.Source) {
			t.Errorf("%s: source %q", m.Name, m.Source)
		}
		for _, e := range m.Events {
			if !IsEvent(e) {
				t.Errorf("%s: event %q", m.Name, e)
			}
		}
		if m.Events != nil && len(m.Events) == 0 {
			t.Errorf("%s: empty non-nil Events; use nil for all events", m.Name)
		}
	}
}

func TestTestValuesFromClickBank(t *testing.T) {
	for name, want := range map[string]string{"aff_sub1": "affsub1", "receipt_id": "ABC12345"} {
		if m, _ := Lookup(name); m.TestValue != want {
			t.Errorf("%s test value %q; want ClickBank's %q", name, m.TestValue, want)
		}
	}
	v := TestValues(UpsellPurchase)
	if v["event_type"] != UpsellPurchase || v["aff_sub1"] != "affsub1" || len(v) != len(Catalog()) {
		t.Errorf("TestValues(upsell) = %v", v)
	}
}

func TestCatalogIsACopy(t *testing.T) {
	cat := Catalog()
	cat[0].Name = "changed"
	for i := range cat {
		if cat[i].Events != nil {
			cat[i].Events[0] = "changed"
		}
	}
	m, _ := Lookup("order_id")
	m.Events[0] = "changed"
	for _, m := range Catalog() {
		if m.Name == "changed" || slices.Contains(m.Events, "changed") {
			t.Fatalf("the catalog changed through a returned copy: %+v", m)
		}
	}
}

func TestCarries(t *testing.T) {
	tests := []struct {
		name, event string
		want        bool
	}{
		{"tid", OrderFormImpression, true},
		{"affiliate_earnings", OrderFormImpression, true},
		{"receipt_id", OrderFormImpression, false},
		{"receipt_id", InitialPurchase, true},
		{"order_id", UpsellPurchase, true},
		{"postal_code", OrderFormImpression, false},
		{"tid", "refund", false},
	}
	for _, tt := range tests {
		m, ok := Lookup(tt.name)
		if !ok || m.Carries(tt.event) != tt.want {
			t.Errorf("%s.Carries(%q) = %v; want %v", tt.name, tt.event, m.Carries(tt.event), tt.want)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, name := range []string{"", "clickid", "TID", "{tid}", "tid "} {
		if _, ok := Lookup(name); ok || Known(name) {
			t.Errorf("Lookup(%q) found a macro", name)
		}
	}
}

func TestEvents(t *testing.T) {
	ev := Events()
	if !slices.Equal(ev, []string{"order_form_impression", "initial_purchase", "upsell_purchase"}) {
		t.Errorf("Events() = %v", ev)
	}
	ev[0] = "changed"
	if Events()[0] != OrderFormImpression {
		t.Error("Events() shares its slice")
	}
	if IsEvent("refund") || !IsEvent(UpsellPurchase) {
		t.Error("IsEvent is wrong")
	}
}
