package macro

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCatalogHasEveryDocumentedMacro(t *testing.T) {
	// docs/clickbank.md §4, and the affiliate tracking parameters of §3.
	want := map[string]struct {
		roles  Roles
		source string
	}{
		"tid": {ForAffiliate, SourceSeed}, "vtid": {ForVendor, SourceSeed},
		"affiliate_earnings": {ForBoth, SourceSeed}, "vendor_earnings": {ForBoth, SourceSeed},
		"event_id": {ForBoth, SourceSeed}, "postal_code": {ForBoth, SourceSeed}, "order_id": {ForBoth, SourceSeed},
		"receipt_id": {ForBoth, SourceLikely}, "currency": {ForBoth, SourceLikely}, "event_type": {ForBoth, SourceLikely},
		"extclid": {ForAffiliate, SourceLikely}, "aff_sub1": {ForAffiliate, SourceLikely}, "aff_sub2": {ForAffiliate, SourceLikely},
		"aff_sub3": {ForAffiliate, SourceLikely}, "aff_sub4": {ForAffiliate, SourceLikely}, "aff_sub5": {ForAffiliate, SourceLikely},
		"traffic_source": {ForAffiliate, SourceLikely}, "traffic_type": {ForAffiliate, SourceLikely},
		"campaign": {ForAffiliate, SourceLikely}, "adgroup": {ForAffiliate, SourceLikely}, "ad": {ForAffiliate, SourceLikely},
		"creative": {ForAffiliate, SourceLikely}, "click_id": {ForBoth, SourceLikely}, "account": {ForBoth, SourceLikely},
		"role": {ForBoth, SourceLikely}, "affiliate": {ForBoth, SourceLikely}, "vendor": {ForBoth, SourceLikely},
		"total_transaction_amount": {ForBoth, SourceLikely}, "country": {ForBoth, SourceLikely}, "state": {ForBoth, SourceLikely},
		"device_type": {ForBoth, SourceLikely}, "browser": {ForBoth, SourceLikely},
		"offer": {ForAffiliate, SourceChoice}, "network_aff": {ForAffiliate, SourceChoice}, "fbclid": {ForAffiliate, SourceChoice},
		"gclid": {ForAffiliate, SourceChoice}, "contact_id": {ForAffiliate, SourceChoice},
		"unique_aff_sub1": {ForAffiliate, SourceChoice}, "unique_aff_sub2": {ForAffiliate, SourceChoice},
		"unique_aff_sub3": {ForAffiliate, SourceChoice}, "unique_aff_sub4": {ForAffiliate, SourceChoice},
		"unique_aff_sub5": {ForAffiliate, SourceChoice},
		"item":            {ForBoth, SourceChoice}, "product_title": {ForBoth, SourceChoice},
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
		if m.Roles == 0 || m.Roles > ForBoth {
			t.Errorf("%s: roles %s", m.Name, m.Roles)
		}
		if !slices.Contains(sources, m.Source) {
			t.Errorf("%s: source %q", m.Name, m.Source)
		}
		for _, e := range m.Events {
			if !e.Valid() {
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
	v := TestValues(UpsellPurchase, RoleAffiliate)
	if v.Get("event_type") != string(UpsellPurchase) || v.Get("aff_sub1") != "affsub1" || len(v.Map()) != len(Catalog()) {
		t.Errorf("TestValues(upsell) = %v", v.Map())
	}
}

// TestTestValuesFollowTheEventsRules: a Test fire carries placeholders
// only where a real event of its type has a value, and says whose
// integration it is.
func TestTestValuesFollowTheEventsRules(t *testing.T) {
	imp := TestValues(OrderFormImpression, RoleVendor)
	for name, want := range map[string]string{
		"affiliate_earnings": "0.00", "vendor_earnings": "0.00", "total_transaction_amount": "0.00",
		"postal_code": "", "order_id": "", "receipt_id": "", "state": "",
		"role": "vendor", "event_type": string(OrderFormImpression), "aff_sub1": "affsub1",
	} {
		if got := imp.Get(name); got != want {
			t.Errorf("Test impression to a vendor integration: {%s} = %q, want %q", name, got, want)
		}
	}
	buy := TestValues(InitialPurchase, RoleAffiliate)
	for name, want := range map[string]string{"affiliate_earnings": "4.13", "postal_code": "12345", "order_id": "ABC12345", "role": "affiliate"} {
		if got := buy.Get(name); got != want {
			t.Errorf("Test purchase: {%s} = %q, want %q", name, got, want)
		}
	}
}

func TestWithhold(t *testing.T) {
	for _, c := range []struct {
		role     Role
		withheld []string
	}{
		{RoleVendor, []string{"tid", "aff_sub1", "traffic_source", "extclid"}},
		{RoleAffiliate, []string{"vtid"}},
	} {
		v := TestValues(InitialPurchase, c.role)
		dropped := v
		dropped.Drop(c.role)
		lost := v.Withhold(c.role)
		if dropped != v {
			t.Errorf("%s: Drop left %v; Withhold %v", c.role, dropped.Map(), v.Map())
		}
		for _, name := range c.withheld {
			if v.Get(name) != "" || !slices.Contains(lost, name) {
				t.Errorf("%s: {%s} = %q after Withhold (reported lost: %v)", c.role, name, v.Get(name), lost)
			}
		}
		for _, name := range []string{"affiliate_earnings", "vendor_earnings", "event_id", "click_id"} {
			if v.Get(name) == "" {
				t.Errorf("%s: {%s} withheld; it reaches both roles", c.role, name)
			}
		}
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
		name  string
		event EventType
		want  bool
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

func TestEventTypes(t *testing.T) {
	ev := EventTypes()
	if !slices.Equal(ev, []EventType{"order_form_impression", "initial_purchase", "upsell_purchase"}) {
		t.Errorf("EventTypes() = %v", ev)
	}
	ev[0] = "changed"
	if EventTypes()[0] != OrderFormImpression {
		t.Error("EventTypes() shares its slice")
	}
	if EventType("refund").Valid() || !UpsellPurchase.Valid() {
		t.Error("Valid is wrong")
	}
	for _, s := range []string{"initial_purchase", "Initial Purchase", " UPSELL_PURCHASE "} {
		if _, err := ParseEventType(s); err != nil {
			t.Errorf("ParseEventType(%q): %v", s, err)
		}
	}
	if _, err := ParseEventType("refund"); err == nil || !strings.Contains(err.Error(), EventTypeNames) {
		t.Errorf("ParseEventType(refund) = %v; want an error listing %s", err, EventTypeNames)
	}
}

func TestTrackingParams(t *testing.T) {
	// docs/clickbank.md §3: 13 parameters of up to 100 characters, 9 unique
	// click ids of up to 256, every one affiliate-only.
	got := TrackingParams()
	if len(got) != 22 || !slices.IsSorted(got) {
		t.Fatalf("TrackingParams() = %v; want 22 sorted names", got)
	}
	for name, max := range map[string]int{"traffic_source": 100, "aff_sub5": 100, "network_aff": 100, "extclid": 256, "unique_aff_sub3": 256} {
		m, _ := Lookup(name)
		if m.Tracking != max || m.Roles != ForAffiliate {
			t.Errorf("%s: tracking %d, roles %s; want %d, affiliate", name, m.Tracking, m.Roles, max)
		}
	}
	if m, _ := Lookup("tid"); m.Tracking != 0 {
		t.Errorf("tid is not a tracking parameter, it has Tracking %d", m.Tracking)
	}
}

func TestValuesTable(t *testing.T) {
	var v Values
	if v.Set("nope", "x") || v.Get("nope") != "" {
		t.Error("Values kept a name outside the catalog")
	}
	if _, ok := v.Lookup("tid"); ok {
		t.Error("the zero Values has tid set")
	}
	v.Set("tid", "abc")
	v.Set("receipt_id", "K7QX2M9P")
	if got, ok := v.Lookup("tid"); !ok || got != "abc" {
		t.Errorf("Lookup(tid) = %q, %v", got, ok)
	}
	v.KeepCarried(OrderFormImpression)
	if got, ok := v.Lookup("receipt_id"); !ok || got != "" {
		t.Errorf("after KeepCarried(impression) receipt_id = %q, %v; want set and empty", got, ok)
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) != `{"receipt_id":"","tid":"abc"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var back Values
	if err := json.Unmarshal(b, &back); err != nil || back != v {
		t.Errorf("json round trip = %v, %v", back.Map(), err)
	}
	if err := json.Unmarshal([]byte(`{"clickid":"x"}`), &back); err == nil || !strings.Contains(err.Error(), "clickid") {
		t.Errorf("json.Unmarshal of an unknown macro = %v", err)
	}
}

// TestFind checks the fast lookup against index for every catalog name
// and for names that are not: cut, extended, changed in one byte.
func TestFind(t *testing.T) {
	check := func(name string) {
		t.Helper()
		wantI, wantOK := index[name]
		i, ok := find(name)
		if ok != wantOK || (ok && i != wantI) {
			t.Errorf("find(%q) = %d, %v; index gives %d, %v", name, i, ok, wantI, wantOK)
		}
	}
	check("")
	for _, m := range catalog {
		check(m.Name)
		check(m.Name + "x")
		check("x" + m.Name)
		check(m.Name[:len(m.Name)-1])
		check(strings.ToUpper(m.Name))
		for i := range len(m.Name) {
			b := []byte(m.Name)
			b[i] ^= 1
			check(string(b))
		}
	}
}
