package scaffold

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// TestFromURL: the role comes from the click id, else the earnings; a URL
// with a guide type becomes the guide's per-event URLs, any other stays one
// URL for every event, as pasted.
func TestFromURL(t *testing.T) {
	for _, c := range []struct {
		name, url string
		role      simulator.Role // given
		want      simulator.Role
		perEvent  bool
	}{
		{"affiliate", "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase", "", simulator.RoleAffiliate, true},
		{"vendor", "https://trk.example.com/postback?clickid={vtid}&sum={vendor_earnings}&type=UpsellPurchase", "", simulator.RoleVendor, true},
		{"vendor with the affiliate's earnings beside", "https://t.example/p?clickid={vtid}&sum={vendor_earnings}&aff={affiliate_earnings}", "", simulator.RoleVendor, false},
		{"click_id: the earnings say", "http://t.example/p?cid={click_id}&payout={vendor_earnings}&type=OrderFormImpression", "", simulator.RoleVendor, true},
		{"role given over the macros", "https://t.example/p?clickid={tid}&sum={vendor_earnings}", simulator.RoleVendor, simulator.RoleVendor, false},
		{"other type: one URL", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}&type=Sale", "", simulator.RoleAffiliate, false},
		{"pasted with blanks", "  https://t.example/p?clickid={tid}&sum={affiliate_earnings}\n", "", simulator.RoleAffiliate, false},
		{"upper-case scheme", "HTTPS://t.example/p?clickid={tid}&sum={affiliate_earnings}", "", simulator.RoleAffiliate, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, err := FromURL(c.url, c.role)
			if err != nil {
				t.Fatal(err)
			}
			if in.Role != c.want || in.PerEvent != c.perEvent || !in.Active || len(in.Events) != 3 || in.Account != account(c.want) {
				t.Fatalf("got %+v; want role %s, per event %t, active, 3 events, account %s", in, c.want, c.perEvent, account(c.want))
			}
			if !c.perEvent {
				if in.URL != strings.TrimSpace(c.url) {
					t.Fatalf("URL %q, want the pasted one", in.URL)
				}
				return
			}
			for _, g := range guideTypes {
				u := in.URLs[g.event]
				if queryValue(u, "type") != g.name || withQueryValue(u, "type", "X") != withQueryValue(c.url, "type", "X") {
					t.Errorf("%s URL %q: want the pasted URL with type=%s", g.event, u, g.name)
				}
			}
		})
	}
}

// TestFromURLErrors: a URL that is not http(s), has no host, no click id
// or no earnings is refused saying so; one whose role is unclear wraps
// ErrRoleUnknown and says which macros disagree.
func TestFromURLErrors(t *testing.T) {
	for _, c := range []struct{ name, url, want string }{
		{"empty", "", "is empty"},
		{"ftp", "ftp://t.example/p?clickid={tid}&sum={affiliate_earnings}", "must start with http:// or https://"},
		{"no scheme", "t.example/p?clickid={tid}&sum={affiliate_earnings}", "must start with http:// or https://"},
		{"no host", "https://?clickid={tid}&sum={affiliate_earnings}", "has no host"},
		{"macro host", "https://{affiliate}.example/p?clickid={tid}&sum={affiliate_earnings}", "has no host"},
		{"no click id", "https://t.example/p?sum={affiliate_earnings}", "no click id macro"},
		{"unknown click macro", "https://t.example/p?clickid={tidd}&sum={affiliate_earnings}", "no click id macro"},
		{"no earnings", "https://t.example/p?clickid={tid}&sum=10", "no earnings macro"},
		{"both click ids", "https://t.example/p?a={tid}&b={vtid}&sum={affiliate_earnings}", "{tid} (affiliate) and {vtid} (vendor)"},
		{"click and sum disagree", "https://t.example/p?clickid={vtid}&sum={affiliate_earnings}", "click id is {vtid} (vendor) but its earnings are {affiliate_earnings} (affiliate)"},
		{"either role", "https://t.example/p?clickid={click_id}&a={affiliate_earnings}&v={vendor_earnings}", "either role"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromURL(c.url, "")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one saying %q", err, c.want)
			}
			if role := strings.Contains(c.want, "role") || strings.Contains(c.want, "(vendor)"); role != errors.Is(err, ErrRoleUnknown) {
				t.Fatalf("errors.Is(%v, ErrRoleUnknown) = %t", err, !role)
			}
		})
	}
}

// TestFromURLLeavesSecretsOut: a postback token or key written out in the
// pasted URL stays out of integrations.json, which gets committed; a
// macro in a secret-looking parameter is kept.
func TestFromURLLeavesSecretsOut(t *testing.T) {
	for _, c := range []struct {
		name, url, want string
		secret          []string
	}{
		{"ptoken", "https://t.example/postback?clickid={tid}&ptoken=REALTOK&sum={affiliate_earnings}", "https://t.example/postback?clickid={tid}&sum={affiliate_earnings}", []string{"ptoken"}},
		{"several, case", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}&API_KEY=k1&Secret=s2&pass=p3#f", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}#f", []string{"API_KEY", "Secret", "pass"}},
		{"last parameter", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}&token=t", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}", []string{"token"}},
		{"macro kept", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}&key={receipt_id}", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}&key={receipt_id}", nil},
		{"empty kept", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}&ptoken=", "https://t.example/p?clickid={tid}&sum={affiliate_earnings}&ptoken=", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, err := FromURL(c.url, "")
			if err != nil {
				t.Fatal(err)
			}
			if in.URL != c.want {
				t.Errorf("URL %q, want %q", in.URL, c.want)
			}
			if got := SecretParams(c.url); !slices.Equal(got, c.secret) {
				t.Errorf("SecretParams = %q, want %q", got, c.secret)
			}
		})
	}
	p, err := Render(Options{FromURL: "https://t.example/postback?clickid={tid}&sum={affiliate_earnings}&ptoken=REALTOK"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if strings.Contains(string(f.Data), "REALTOK") {
			t.Errorf("%s holds the pasted token", f.Path)
		}
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool {
		return strings.Contains(n, "ptoken") && strings.Contains(n, "CBSIM_POSTBACK_TOKEN")
	}) {
		t.Errorf("no note says how to give the token: %q", p.Notes)
	}
}
