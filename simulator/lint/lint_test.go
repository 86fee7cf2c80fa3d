package lint

import (
	"net/url"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/macro"
	"github.com/cbsim/cbsim/simulator/money"
)

func TestLint(t *testing.T) {
	_, ins, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if f := Lint(ins); len(f) != 0 {
		t.Fatalf("default integrations have findings: %v", f)
	}
	data := []byte(`{"integrations":[
{"name":"v","role":"vendor","events":["initial_purchase"],"url":"http://t/postback?clickid={tid}&sum={vendor_earnings}&type=IP"},
{"name":"a","role":"affiliate","events":["initial_purchase"],"url":"http://t/postback?clickid={tid}&sum={vendor_earnings}&x={bogus}&type=IP"},
{"name":"n","role":"affiliate","events":["initial_purchase"],"url":"http://t/postback?sum={affiliate_earnings}&type=IP"},
{"name":"s","role":"affiliate","events":["initial_purchase","upsell_purchase"],"url":"http://t/postback?clickid={tid}"},
{"name":"p","role":"affiliate","events":["initial_purchase","upsell_purchase"],"per_event":true,"urls":{"initial_purchase":"http://t/postback?clickid={tid}&type=X","upsell_purchase":"http://t/postback?clickid={tid}&type=X"}},
{"name":"o","role":"affiliate","events":["initial_purchase"],"url":"http://t/pb/postback?subid={extclid}&payout={affiliate_earnings}&status=sale"}
]}`)
	fs, err := File("i.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.String())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		`i.json:2: integration "v": {tid} is affiliate only: ClickBank sends it empty to a vendor integration; use {vtid}`,
		`i.json:3: integration "a": {vendor_earnings} is the vendor's money; the SUM of an affiliate integration is {affiliate_earnings}`,
		`i.json:3: integration "a": unknown macro {bogus} is sent literally`,
		`i.json:4: integration "n": URL has no click id macro ({tid})`,
		`i.json:5: integration "s": 2 event types share one URL without type=`,
		`integration "p": events initial_purchase, upsell_purchase all send type=X`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q; got:\n%s", want, got)
		}
	}
	// An affiliate's click id in extclid (Orbitra's UUIDs, which the TID
	// rule drops) is a click id.
	if strings.Contains(got, `integration "o"`) {
		t.Errorf("extclid as the click id has a finding:\n%s", got)
	}
	if len(fs) != 6 {
		t.Errorf("%d findings, want 6:\n%s", len(fs), got)
	}
}

// TestLintAgreesWithExpander feeds every macro of the catalog to both
// roles: what lint calls role-specific must be exactly what the expander
// sends empty although the event has a value for it.
func TestLintAgreesWithExpander(t *testing.T) {
	ev := fullEvent()
	for _, role := range []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor} {
		for _, send := range []bool{false, true} {
			for _, m := range macro.Catalog() {
				in := simulator.Integration{Name: "i", Role: role, Active: true, SendOtherRoleMacros: send,
					Events: []simulator.EventType{ev.Type}, URL: "http://t/postback?clickid={click_id}&x={" + m.Name + "}&type=X"}
				full := ev.Values(role, "acct01")
				if full.Get(m.Name) == "" {
					t.Fatalf("the test event has no value for {%s}: it cannot tell withheld from empty", m.Name)
				}
				d := simulator.Build(&ev, in)
				u, err := url.Parse(d.URL)
				if err != nil {
					t.Fatal(err)
				}
				withheld := u.Query().Get("x") == ""
				flagged := false
				for _, f := range Lint([]simulator.Integration{in}) {
					if f.Rule == RuleRoleMacro && strings.Contains(f.Message, "{"+m.Name+"}") {
						flagged = true
					}
				}
				if !send && withheld != flagged {
					t.Errorf("%s integration, {%s}: expander withholds it: %v; lint calls it role-specific: %v",
						role, m.Name, withheld, flagged)
				}
				// With "role_specific_macros": "send" cbsim withholds
				// nothing, and lint still warns of what ClickBank withholds.
				if send && (withheld || flagged != !m.Roles.Has(role)) {
					t.Errorf("%s integration with send, {%s}: withheld %v, flagged %v", role, m.Name, withheld, flagged)
				}
				noted := len(d.Notes) == 1 && strings.Contains(d.Notes[0].Text, string(ev.Type)) && d.Notes[0].Kind == simulator.MacroWithheld && strings.Contains(d.Notes[0].Text, "{"+m.Name+"}")
				if withheld != noted {
					t.Errorf("%s integration, {%s}: withheld %v but notes %v", role, m.Name, withheld, d.Notes)
				}
			}
		}
	}
}

// TestLintOtherSum: the other party's earnings are a mistake where they are
// the SUM, not as an extra parameter beside one's own.
func TestLintOtherSum(t *testing.T) {
	for _, c := range []struct {
		role simulator.Role
		url  string
		want bool
	}{
		{simulator.RoleVendor, "http://t/p?clickid={vtid}&sum={affiliate_earnings}", true},
		{simulator.RoleVendor, "http://t/p?clickid={vtid}&sum={vendor_earnings}&aff={affiliate_earnings}", false},
		{simulator.RoleAffiliate, "http://t/p?clickid={tid}&sum={vendor_earnings}", true},
		{simulator.RoleAffiliate, "http://t/p?clickid={tid}&sum={affiliate_earnings}&total={total_transaction_amount}", false},
	} {
		in := simulator.Integration{Name: "i", Role: c.role, Active: true, Events: []simulator.EventType{simulator.InitialPurchase}, URL: c.url}
		got := false
		for _, f := range Lint([]simulator.Integration{in}) {
			got = got || f.Rule == RuleOtherSum
		}
		if got != c.want {
			t.Errorf("%s %s: other-sum finding %v, want %v", c.role, c.url, got, c.want)
		}
	}
}

// fullEvent is an Initial Purchase on which every macro has a value.
func fullEvent() simulator.Event {
	ev := simulator.Event{Type: simulator.InitialPurchase, ID: "e1", Receipt: "K7QX2M9P", OrderID: "K7QX2M9P",
		Vendor: "ven01", Affiliate: "aff01", Item: "KETO-FE", Title: "Keto", Currency: "USD",
		Amount: 3700, Split: money.SplitSale(3700, money.DefaultCommission, true), TID: "t1", VTID: "v1",
		Tracking: map[string]string{},
		Buyer:    simulator.Buyer{PostalCode: "10001", Country: "US", State: "NY", Device: "mobile", Browser: "Chrome"}}
	for _, name := range macro.TrackingParams() {
		ev.Tracking[name] = "p_" + name
	}
	return ev
}
